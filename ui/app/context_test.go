package app

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/browser"
	"github.com/s3migrate/s3migrate/ui/buckets"
	"github.com/s3migrate/s3migrate/ui/plan"
	"github.com/s3migrate/s3migrate/ui/profiles"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// start runs a command and what it batches in goroutines, as Bubble Tea
// does, dropping their messages: the test only watches the backend.
func start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		if batch, ok := cmd().(tea.BatchMsg); ok {
			for _, c := range batch {
				start(c)
			}
		}
	}()
}

// TestLeavingAScreenCancelsItsWork: Esc from the plan while its diff is
// still listing cancels the diff (each screen works on a context the
// router cancels when the screen is left); the screen under it keeps its
// own context, and quitting cancels that one.
func TestLeavingAScreenCancelsItsWork(t *testing.T) {
	fake := uitest.New()
	fake.DiffHold = uitest.NewHold()
	m := New(fake, style.New(true), map[screen.ID]Factory{screen.Profiles: profiles.New, screen.Plan: plan.New}, screen.Profiles)
	st := m.State()
	st.SrcProfile, st.DstProfile, st.SrcBucket, st.DstBucket, st.Items = "prod-origin", "prod-archive", "origin-data", "dest-archive", []string{"logs/"}
	first := st.Context()
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})

	start(send(m, screen.Go{To: screen.Plan}))
	planCtx := st.Context()
	if planCtx == first {
		t.Fatal("the plan works on the context of the screen under it")
	}
	select {
	case <-fake.DiffHold.Started:
	case <-time.After(10 * time.Second):
		t.Fatal("the plan did not start its diff")
	}
	if err := planCtx.Err(); err != nil {
		t.Fatalf("the plan's context ended before it was left: %v", err)
	}

	send(m, uitest.Key("esc"))
	if m.Current() != screen.Profiles {
		t.Fatalf("esc went to %v", m.Current())
	}
	select {
	case err := <-fake.DiffHold.Ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the diff ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the diff kept listing after Esc")
	}
	if st.Context() != first || first.Err() != nil {
		t.Errorf("back on the profiles: context %v (err %v), want the first screen's, alive", st.Context(), first.Err())
	}

	send(m, tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if first.Err() == nil {
		t.Error("quitting left the first screen's context running")
	}
}

// TestLeavingTheBrowserStopsItsCount: c totals the prefix under the cursor
// in the background; Esc to the buckets stops that listing.
func TestLeavingTheBrowserStopsItsCount(t *testing.T) {
	fake := uitest.New()
	fake.WalkHold = uitest.NewHold()
	m := New(fake, style.New(true), map[screen.ID]Factory{screen.Buckets: buckets.New, screen.Browser: browser.New}, screen.Buckets)
	st := m.State()
	st.SrcProfile, st.DstProfile, st.SrcBucket, st.DstBucket = "prod-origin", "prod-archive", "origin-data", "dest-archive"
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	settle(t, m, send(m, screen.Go{To: screen.Browser})) // the root is listed
	browsing := st.Context()

	start(send(m, uitest.Key("c")))
	select {
	case <-fake.WalkHold.Started:
	case <-time.After(10 * time.Second):
		t.Fatal("c did not start counting the prefix under the cursor")
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Buckets {
		t.Fatalf("esc went to %v", m.Current())
	}
	select {
	case err := <-fake.WalkHold.Ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the count ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the count kept listing after Esc")
	}
	if browsing.Err() == nil {
		t.Error("the browser's context is still alive after Esc")
	}
}

// settle runs cmd and what it leads to through the router (uitest.Settle).
func settle(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	uitest.Settle(t, func(msg tea.Msg) tea.Cmd { return send(m, msg) }, cmd, 1000)
}
