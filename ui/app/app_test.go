package app

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/profiles"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

func newTestModel() *Model {
	stub := func() screen.Screen { return profiles.New() }
	f := map[screen.ID]Factory{}
	for id := screen.Profiles; id <= screen.Summary; id++ {
		f[id] = stub
	}
	return New(uitest.New(), style.New(true), f, screen.Profiles)
}

func send(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// TestTooSmall: below 80×24 the screen says so instead of a broken layout.
func TestTooSmall(t *testing.T) {
	m := newTestModel()
	send(m, tea.WindowSizeMsg{Width: 70, Height: 20})
	if got := uitest.Plain(m.render()); !strings.Contains(got, "at least 80×24; this one is 70×20") {
		t.Errorf("small terminal: %q", got)
	}
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if got := uitest.Plain(m.render()); !strings.Contains(got, "s3migrate") || !strings.Contains(got, "q quit") {
		t.Errorf("after resize: %q", got)
	}
}

// TestNavigationStack: Go pushes a screen, esc pops it, q quits.
func TestNavigationStack(t *testing.T) {
	m := newTestModel()
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	send(m, screen.Go{To: screen.Buckets})
	if m.Current() != screen.Buckets {
		t.Fatalf("current %v after Go", m.Current())
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Profiles {
		t.Fatalf("current %v after esc", m.Current())
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Profiles {
		t.Fatalf("esc on the first screen left it: %v", m.Current())
	}
	cmd := send(m, uitest.Key("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

// TestRunScreenKeepsQAndEsc: on the run screen q and esc belong to the
// screen (a running copy must not be abandoned by a stray key).
func TestRunScreenKeepsQAndEsc(t *testing.T) {
	m := newTestModel()
	send(m, screen.Go{To: screen.Running})
	if cmd := send(m, uitest.Key("q")); cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("q quit during a run")
		}
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Running {
		t.Fatal("esc left the run screen")
	}
}

// TestMFAModal: a backend request opens the modal; the typed code goes back
// to the waiting backend goroutine.
func TestMFAModal(t *testing.T) {
	m := newTestModel()
	mfa := NewMFA()
	m.WithMFA(mfa)
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	got := make(chan string, 1)
	go func() {
		code, err := mfa.Token("arn:aws:iam::111122223333:mfa/ops")
		if err != nil {
			code = "error: " + err.Error()
		}
		got <- code
	}()
	req := m.waitMFA()()
	send(m, req)
	if v := uitest.Plain(m.render()); !strings.Contains(v, "MFA code") || !strings.Contains(v, "arn:aws:iam::111122223333:mfa/ops") {
		t.Fatalf("modal not shown: %q", v)
	}
	for _, k := range []string{"4", "2", "1", "9", "8", "7"} {
		send(m, uitest.Key(k))
	}
	send(m, uitest.Key("enter"))
	if code := <-got; code != "421987" {
		t.Fatalf("backend got %q", code)
	}
	if m.modal != nil {
		t.Fatal("modal still open")
	}
}
