package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a detached tmux session.
type tmuxSession struct {
	t    *testing.T
	name string
}

// needTmux finds tmux. CI installs it and sets S3MIGRATE_REQUIRE_TMUX, so
// there a missing tmux fails; on a developer machine without it the TUI
// end-to-end tests are skipped with the reason.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("S3MIGRATE_REQUIRE_TMUX") != "" {
			t.Fatal("tmux is required (S3MIGRATE_REQUIRE_TMUX is set) but not installed")
		}
		t.Skip("tmux not installed: the TUI end-to-end tests drive the binary in tmux (apt-get install tmux)")
	}
}

// startTmux runs command in a new w×h session with env.
func startTmux(t *testing.T, w, h int, env []string, command string) *tmuxSession {
	t.Helper()
	needTmux(t)
	s := &tmuxSession{t: t, name: fmt.Sprintf("s3m-%d", time.Now().UnixNano())}
	args := []string{"new-session", "-d", "-s", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", s.name).Run() })
	return s
}

// keys sends tmux key names ("Enter", "Space", "Down", "j", …).
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if out, err := exec.Command("tmux", "send-keys", "-t", s.name, k).CombinedOutput(); err != nil {
			s.t.Fatalf("tmux send-keys %s: %v\n%s", k, err, out)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// screen is the current pane text (no colours).
func (s *tmuxSession) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-t", s.name, "-p").Output()
	if err != nil {
		s.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until it contains all of want, or fails after
// the timeout with the last screen (a bound on waiting, not a speed check).
func (s *tmuxSession) waitFor(timeout time.Duration, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		scr := s.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(scr, w) {
				ok = false
				break
			}
		}
		if ok {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen did not show %q within %v; it shows:\n%s", want, timeout, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
