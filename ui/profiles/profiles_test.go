package profiles

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

func setup(t *testing.T) (*screen.Context, screen.Screen) {
	t.Helper()
	ctx := &screen.Context{Backend: uitest.New(), Styles: style.New(true)}
	s := New()
	s, _ = uitest.Drive(ctx, s, s.Init(ctx))
	return ctx, s
}

func press(ctx *screen.Context, s screen.Screen, keys ...string) (screen.Screen, []any) {
	var navs []any
	for _, k := range keys {
		next, cmd := s.Update(ctx, uitest.Key(k))
		var nav []tea.Msg
		s, nav = uitest.Drive(ctx, next, cmd)
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
	ctx, s := setup(t)
	uitest.Golden(t, "resolved", s.View(ctx, 120, 20))

	s, nav := press(ctx, s, "n")
	if len(nav) != 0 {
		t.Fatalf("n before choosing navigated: %v", nav)
	}
	// Origin: prod-origin (second row); destination: prod-archive (first).
	s, _ = press(ctx, s, "down", "space", "up", "space")
	if ctx.SrcProfile != "prod-origin" || ctx.DstProfile != "prod-archive" {
		t.Fatalf("chose %q → %q", ctx.SrcProfile, ctx.DstProfile)
	}
	if ctx.SrcIdentity != "prod-origin (111122223333)" || ctx.DstIdentity != "prod-archive (444455556666)" {
		t.Errorf("status line identities %q / %q", ctx.SrcIdentity, ctx.DstIdentity)
	}
	uitest.Golden(t, "chosen", s.View(ctx, 120, 20))
	_, nav = press(ctx, s, "enter")
	if len(nav) != 1 || nav[0] != (screen.Go{To: screen.Buckets}) {
		t.Fatalf("enter with both chosen: %v", nav)
	}
}

// TestSameProfileBothSides: one identity may do both (a same-account move).
func TestSameProfileBothSides(t *testing.T) {
	ctx, s := setup(t)
	s, _ = press(ctx, s, "down", "space", "space")
	if ctx.SrcProfile != "prod-origin" || ctx.DstProfile != "prod-origin" {
		t.Fatalf("chose %q → %q", ctx.SrcProfile, ctx.DstProfile)
	}
	_, nav := press(ctx, s, "n")
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
	ctx := &screen.Context{Backend: fake, Styles: style.New(true)}
	var s screen.Screen = New()
	s, _ = uitest.Drive(ctx, s, s.Init(ctx))
	v := uitest.Plain(s.View(ctx, 120, 20))
	if !strings.Contains(v, "Migration 20261127-101500-ab12 did not finish (interrupted, 120 of 400 done)") || !strings.Contains(v, "Press R") {
		t.Fatalf("no resume offer:\n%s", v)
	}
	_, nav := press(ctx, s, "R")
	if len(nav) != 1 || nav[0] != (screen.Go{To: screen.Plan}) {
		t.Fatalf("R: %v", nav)
	}
	if ctx.SrcBucket != "origin-data" || ctx.DstPrefix != "2026/" || len(ctx.Items) != 2 || ctx.DstProfile != "prod-archive" {
		t.Errorf("context not restored: %+v", ctx)
	}
}
