package profiles

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

func setup(t *testing.T) (*screen.State, screen.Screen) {
	t.Helper()
	state := &screen.State{Backend: uitest.New(), Styles: style.New(true)}
	s := New()
	s, _ = uitest.Drive(state, s, s.Init(state))
	return state, s
}

func press(state *screen.State, s screen.Screen, keys ...string) (screen.Screen, []any) {
	var navs []any
	for _, k := range keys {
		next, cmd := s.Update(state, uitest.Key(k))
		var nav []tea.Msg
		s, nav = uitest.Drive(state, next, cmd)
		for _, n := range nav {
			navs = append(navs, n)
		}
	}
	return s, navs
}

// TestChooseBothAndContinue: the identities resolve in the background;
// space chooses on the focused side and moves to the other; enter goes on
// to the buckets once both are chosen.
func TestChooseBothAndContinue(t *testing.T) {
	state, s := setup(t)
	uitest.Golden(t, "resolved", s.View(state, 120, 20))

	s, nav := press(state, s, "n")
	if len(nav) != 0 {
		t.Fatalf("n before choosing navigated: %v", nav)
	}
	// Origin: prod-origin (second row); destination: prod-archive (first).
	s, _ = press(state, s, "down", "space", "up", "space")
	if state.SrcProfile != "prod-origin" || state.DstProfile != "prod-archive" {
		t.Fatalf("chose %q → %q", state.SrcProfile, state.DstProfile)
	}
	if state.SrcIdentity != "prod-origin (111122223333)" || state.DstIdentity != "prod-archive (444455556666)" {
		t.Errorf("status line identities %q / %q", state.SrcIdentity, state.DstIdentity)
	}
	uitest.Golden(t, "chosen", s.View(state, 120, 20))
	_, nav = press(state, s, "enter")
	if len(nav) != 1 || nav[0] != (screen.Go{To: screen.Buckets}) {
		t.Fatalf("enter with both chosen: %v", nav)
	}
}

// TestSameProfileBothSides: one identity may do both (a same-account move).
func TestSameProfileBothSides(t *testing.T) {
	state, s := setup(t)
	s, _ = press(state, s, "down", "space", "space")
	if state.SrcProfile != "prod-origin" || state.DstProfile != "prod-origin" {
		t.Fatalf("chose %q → %q", state.SrcProfile, state.DstProfile)
	}
	_, nav := press(state, s, "n")
	if len(nav) != 1 {
		t.Fatal("n did not continue")
	}
}

// TestResumableOfferedFirst: an unfinished journaled migration is offered
// at the top; R restores its identities, buckets and selection and goes to
// the plan, where everything is checked again.
func TestResumableOfferedFirst(t *testing.T) {
	fake := uitest.New()
	fake.Unfinished = []screen.Resumable{{ID: "20261127-101500-ab12", State: "interrupted", Done: 120, Planned: 400,
		Migration: screen.Migration{SrcProfile: "prod-origin", DstProfile: "prod-archive", SrcBucket: "origin-data", DstBucket: "dest-archive",
			DstPrefix: "2026/", Items: []string{"logs/", "images/cats/"}}}}
	state := &screen.State{Backend: fake, Styles: style.New(true)}
	var s screen.Screen = New()
	s, _ = uitest.Drive(state, s, s.Init(state))
	v := uitest.Plain(s.View(state, 120, 20))
	if !strings.Contains(v, "Migration 20261127-101500-ab12 did not finish (interrupted, 120 of 400 done)") || !strings.Contains(v, "Press R") {
		t.Fatalf("no resume offer:\n%s", v)
	}
	_, nav := press(state, s, "R")
	if len(nav) != 1 || nav[0] != (screen.Go{To: screen.Plan}) {
		t.Fatalf("R: %v", nav)
	}
	if state.SrcBucket != "origin-data" || state.DstPrefix != "2026/" || len(state.Items) != 2 || state.DstProfile != "prod-archive" {
		t.Errorf("context not restored: %+v", state)
	}
}

// TestEnterNeverChooses: enter with no side chosen does not make the
// profile under the cursor the origin; it says how to choose.
func TestEnterNeverChooses(t *testing.T) {
	state, s := setup(t)
	s, nav := press(state, s, "enter")
	if len(nav) != 0 || state.SrcProfile != "" {
		t.Fatalf("enter before choosing: navigated %v, origin %q", nav, state.SrcProfile)
	}
	if v := uitest.Plain(s.View(state, 120, 20)); !strings.Contains(v, "choose the origin, then the destination, with space") {
		t.Errorf("no word on how to choose:\n%s", v)
	}
}
