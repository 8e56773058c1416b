package app

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/jobs"
	"github.com/s3migrate/s3migrate/ui/profiles"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// reentered is a screen that counts the router's Reenter calls.
type reentered struct {
	screen.Screen
	n *int
}

func (r reentered) Reenter(*screen.State) tea.Cmd { *r.n++; return nil }

func (r reentered) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	s, cmd := r.Screen.Update(state, msg)
	r.Screen = s
	return r, cmd
}

// TestBackReentersTheScreenBelow: esc pops the top screen and tells the
// one below it (the plan refreshes after a run); Go does not.
func TestBackReentersTheScreenBelow(t *testing.T) {
	n := 0
	f := map[screen.ID]Factory{}
	for id := screen.Profiles; id <= screen.Jobs; id++ {
		f[id] = func() screen.Screen { return reentered{Screen: profiles.New(), n: &n} }
	}
	m := New(uitest.New(), style.New(true), f, screen.Profiles)
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	send(m, screen.Go{To: screen.Plan})
	send(m, screen.Go{To: screen.Summary})
	if n != 0 {
		t.Fatalf("Go re-entered %d times", n)
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Plan || n != 1 {
		t.Fatalf("after esc: on %v, re-entered %d times, want Plan and 1", m.Current(), n)
	}
	send(m, uitest.Key("esc"))
	send(m, uitest.Key("esc")) // on the first screen: nothing to re-enter
	if n != 2 {
		t.Errorf("re-entered %d times, want 2", n)
	}
}

// TestJobsFromProfiles: J on the first screen opens the jobs screen (and
// the help bar says so); the header shows it outside the flow's steps.
func TestJobsFromProfiles(t *testing.T) {
	fake := uitest.New()
	fake.JobList = uitest.SampleJobs()
	f := map[screen.ID]Factory{screen.Profiles: profiles.New, screen.Jobs: jobs.New}
	m := New(fake, style.New(true), f, screen.Profiles)
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	settle(t, m, m.Init())
	if v := uitest.Plain(m.render()); !strings.Contains(v, "J jobs") {
		t.Errorf("the help bar does not offer J:\n%s", v)
	}
	settle(t, m, send(m, uitest.Key("J")))
	if m.Current() != screen.Jobs {
		t.Fatalf("J led to %v", m.Current())
	}
	v := uitest.Plain(m.render())
	if !strings.Contains(v, "Profiles ›  ▸ Jobs") || strings.Contains(v, "Summary") || !strings.Contains(v, "Journaled migrations (3)") {
		t.Errorf("jobs screen:\n%s", v)
	}
	if !key.Matches(uitest.Key("J"), key.NewBinding(key.WithKeys("J"))) || key.Matches(uitest.Key("j"), key.NewBinding(key.WithKeys("J"))) {
		t.Error("J and j are not told apart")
	}
	settle(t, m, send(m, uitest.Key("esc")))
	if m.Current() != screen.Profiles {
		t.Errorf("esc from jobs: %v", m.Current())
	}
}
