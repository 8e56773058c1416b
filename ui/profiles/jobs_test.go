package profiles

import (
	"strings"
	"testing"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// TestJobsKey: J opens the jobs screen, also before any profile is
// listed; it is in the help bar.
func TestJobsKey(t *testing.T) {
	ctx, s := setup(t)
	if _, nav := press(ctx, s, "J"); len(nav) != 1 || nav[0] != (screen.Go{To: screen.Jobs}) {
		t.Errorf("J: %v", nav)
	}
	if _, nav := press(ctx, s, "j"); len(nav) != 0 {
		t.Errorf("j (down) navigated: %v", nav)
	}
	var help []string
	for _, k := range s.Keys() {
		help = append(help, k.Help().Key+" "+k.Help().Desc)
	}
	if !strings.Contains(strings.Join(help, ","), "J jobs") {
		t.Errorf("help: %q", help)
	}
	empty := &screen.Context{Backend: noProfiles{uitest.New()}, Styles: style.New(true)}
	var e screen.Screen = New()
	e, _ = uitest.Drive(empty, e, e.Init(empty))
	if _, nav := press(empty, e, "J"); len(nav) != 1 {
		t.Errorf("J without profiles: %v", nav)
	}
}

// TestBackLetsTheResumedMigrationGo: after R, coming back here (esc from
// the plan) forgets the journal, so a new selection is a new migration,
// and the offer is read again (the migration may have finished).
func TestBackLetsTheResumedMigrationGo(t *testing.T) {
	fake := uitest.New()
	fake.Unfinished = []screen.Resumable{{ID: "20261127-101500-ab12", State: "interrupted",
		Migration: screen.Migration{SrcBucket: "origin-data", SrcPrefix: "data/", DstBucket: "dest-archive", Journal: "/state/j.db"}}}
	ctx := &screen.Context{Backend: fake, Styles: style.New(true)}
	var s screen.Screen = New()
	s, _ = uitest.Drive(ctx, s, s.Init(ctx))
	s, _ = press(ctx, s, "R")
	if ctx.Journal != "/state/j.db" || ctx.SrcPrefix != "data/" {
		t.Fatalf("R: %+v", ctx)
	}
	fake.Unfinished = nil // it finished
	s, _ = uitest.Drive(ctx, s, s.(screen.Reenterer).Reenter(ctx))
	if ctx.Journal != "" || ctx.SrcPrefix != "" {
		t.Errorf("the journal is still picked up: %+v", ctx)
	}
	if v := uitest.Plain(s.View(ctx, 120, 20)); strings.Contains(v, "did not finish") {
		t.Errorf("a finished migration is still offered:\n%s", v)
	}
}

// noProfiles is a backend with no AWS profile at all.
type noProfiles struct{ *uitest.Fake }

func (noProfiles) Profiles() ([]awsauth.ProfileInfo, error) { return nil, nil }
