package backend

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
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
		j, err := migration.CreateJournal("", def)
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

// The preview says how Object Lock protects an object, from its HEAD.
func TestLockText(t *testing.T) {
	until := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		h    s3.HeadObjectOutput
		want string
	}{
		{s3.HeadObjectOutput{}, ""},
		{s3.HeadObjectOutput{ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: &until}, "COMPLIANCE until 2027-01-02 03:04 UTC"},
		{s3.HeadObjectOutput{ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn}, "legal hold"},
		{s3.HeadObjectOutput{ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOff}, ""},
		{s3.HeadObjectOutput{ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &until,
			ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn}, "GOVERNANCE until 2027-01-02 03:04 UTC, legal hold"},
	} {
		if got := lockText(&tc.h); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.h, got, tc.want)
		}
	}
}
