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
	state, s := setup(t)
	if _, nav := press(state, s, "J"); len(nav) != 1 || nav[0] != (screen.Go{To: screen.Jobs}) {
		t.Errorf("J: %v", nav)
	}
	if _, nav := press(state, s, "j"); len(nav) != 0 {
		t.Errorf("j (down) navigated: %v", nav)
	}
	var help []string
	for _, k := range s.Keys() {
		help = append(help, k.Help().Key+" "+k.Help().Desc)
	}
	if !strings.Contains(strings.Join(help, ","), "J jobs") {
		t.Errorf("help: %q", help)
	}
	empty := &screen.State{Backend: noProfiles{uitest.New()}, Styles: style.New(true)}
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
	state := &screen.State{Backend: fake, Styles: style.New(true)}
	var s screen.Screen = New()
	s, _ = uitest.Drive(state, s, s.Init(state))
	s, _ = press(state, s, "R")
	if state.Journal != "/state/j.db" || state.SrcPrefix != "data/" {
		t.Fatalf("R: %+v", state)
	}
	fake.Unfinished = nil // it finished
	s, _ = uitest.Drive(state, s, s.(screen.Reenterer).Reenter(state))
	if state.Journal != "" || state.SrcPrefix != "" {
		t.Errorf("the journal is still picked up: %+v", state)
	}
	if v := uitest.Plain(s.View(state, 120, 20)); strings.Contains(v, "did not finish") {
		t.Errorf("a finished migration is still offered:\n%s", v)
	}
}

// noProfiles is a backend with no AWS profile at all.
type noProfiles struct{ *uitest.Fake }

func (noProfiles) Profiles() ([]awsauth.ProfileInfo, error) { return nil, nil }
