package screen

import (
	"context"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/transfer"
)

// Bucket is one row of a bucket list.
type Bucket struct {
	Name    string
	Region  string
	Created time.Time
}

// Page is one page of a delimiter listing of a bucket.
type Page struct {
	Prefixes []string // "logs/2026/" (full keys)
	Objects  []transfer.Object
	// Next continues the listing; "" when this was the last page.
	Next string
}

// Migration is what the screens have chosen, as the Backend needs it.
type Migration struct {
	SrcProfile, DstProfile string
	SrcBucket, DstBucket   string
	// SrcPrefix is the folder Items are relative to ("" for the bucket).
	SrcPrefix string
	// Items are relative to SrcPrefix; empty means all of it (only a
	// journaled migration picked up again has none).
	Items     []string
	DstPrefix string
	Compare   string
	// Journal is the journal of a migration picked up again (R on the
	// profiles screen): Start runs that journal again, with its own
	// definition, instead of starting a new migration.
	Journal string
}

// Run is a migration in progress.
type Run interface {
	Snapshot() transfer.Snapshot
	Pause()
	Resume()
	SetConcurrency(n int)
	// Cancel stops the run; Done reports the result.
	Cancel()
	Done() <-chan RunResult
	// RetryFailed runs the failed objects again once the run is done.
	RetryFailed() (Run, bool)
}

// RunResult is a finished run.
type RunResult struct {
	Result   *transfer.Result
	Err      error
	Verify   *transfer.VerifyResult
	Journal  string // path of the journal
	Snapshot transfer.Snapshot
}

// DiffSummary is the diff of a migration: counts and bytes per class, and
// the first entries of each class for the drill-down lists.
type DiffSummary struct {
	Stats   transfer.DiffStats
	Entries map[transfer.Class][]transfer.Entry
	// Truncated is set for classes with more entries than were kept.
	Truncated map[transfer.Class]bool
}

// Backend is everything the screens ask of the outside world. Screens call
// it only inside tea.Cmds; the methods may block.
type Backend interface {
	Profiles() ([]awsauth.ProfileInfo, error)
	Identity(ctx context.Context, profile string) (awsauth.Identity, error)
	Buckets(ctx context.Context, profile string) ([]Bucket, error)
	CreateBucket(ctx context.Context, profile, name string) error
	List(ctx context.Context, profile, bucket, prefix, next string) (Page, error)
	// Count totals the objects and bytes under each item (a prefix or a key).
	Count(ctx context.Context, profile, bucket string, items []string) (objects, bytes int64, err error)
	PolicyChange(ctx context.Context, m Migration, broad bool) (bucketpolicy.Change, error)
	ApplyPolicy(ctx context.Context, m Migration, c bucketpolicy.Change) error
	// RevokeChange plans the removal of the destination identity's read
	// grant from the origin bucket policy (applied with ApplyPolicy, which
	// checks the policy did not change since).
	RevokeChange(ctx context.Context, m Migration) (bucketpolicy.Change, error)
	Preflight(ctx context.Context, m Migration, opt RunOptions) ([]preflight.Check, error)
	Diff(ctx context.Context, m Migration, keep int) (DiffSummary, error)
	Start(ctx context.Context, m Migration, opt RunOptions) (Run, error)
	// Resumable lists journaled migrations that did not finish, newest first.
	Resumable() ([]Resumable, error)
	// Verify checks every selected source object against the destination.
	Verify(ctx context.Context, m Migration) (*transfer.VerifyResult, error)
}

// Resumable is a journaled migration that can be picked up again.
type Resumable struct {
	ID            string
	Migration     Migration
	Done, Planned int64
	State         string
}
