package backend

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/testenv"
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

// The profiles screen shows a profile whose endpoint never answers as
// unreachable, within the timeout, rather than as working.
func TestIdentityOfASilentEndpoint(t *testing.T) {
	addr, _ := testenv.SilentServer(t, true)
	dir := t.TempDir()
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfg, []byte("[profile silent]\nregion = us-east-1\nendpoint_url = http://"+addr+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, []byte("[silent]\naws_access_key_id = AKIASILENT0000000001\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	b := New()
	b.Timeouts = awsauth.Timeouts{Answer: time.Second}
	_, err := b.Identity(context.Background(), "silent")
	if err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("Identity of a silent endpoint: %v, want 'did not answer'", err)
	}
}
