package backend

import (
	"slices"
	"testing"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
)

// TestResumableReadsJournals: unfinished journals are offered with their
// selection; finished ones are not.
func TestResumableReadsJournals(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	mk := func(state journal.State, items ...string) {
		def := migration.Definition{Src: transfer.Location{Bucket: "origin-data"}, Dst: transfer.Location{Bucket: "dest-archive", Prefix: "in/"},
			SrcProfile: "o", DstProfile: "d", Items: items, Options: migration.DefaultOptions()}
		spec, err := def.Encode()
		if err != nil {
			t.Fatal(err)
		}
		j, err := journal.Create("", journal.Definition{Src: def.Src, Dst: def.Dst, SrcProfile: "o", DstProfile: "d", Spec: spec})
		if err != nil {
			t.Fatal(err)
		}
		if err := j.SetState(state); err != nil {
			t.Fatal(err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
	mk(journal.StateDone, "done/")
	mk(journal.StateInterrupted, "logs/", "images/cats/")
	got, err := New().Resumable()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("resumable %d, want 1 (the finished one is not offered): %+v", len(got), got)
	}
	m := got[0].Migration
	if m.SrcBucket != "origin-data" || m.DstPrefix != "in/" || m.SrcProfile != "o" || !slices.Equal(m.Items, []string{"logs/", "images/cats/"}) || got[0].State != "interrupted" {
		t.Errorf("resumable %+v", got[0])
	}
}
