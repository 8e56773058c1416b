package screen

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketconfig"
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

// Mapping says where the selection goes, with the key mapping the
// migration uses: a source key root+rel is written to dst-folder+rel.
func (m Migration) Mapping() string {
	dst := m.DstPrefix
	if dst != "" && !strings.HasSuffix(dst, "/") {
		dst += "/"
	}
	src := "s3://" + m.SrcBucket + "/" + m.SrcPrefix
	to := "s3://" + m.DstBucket + "/" + dst
	switch len(m.Items) {
	case 0:
		return src + " → " + to
	case 1:
		return src + m.Items[0] + " → " + to + m.Items[0]
	}
	return fmt.Sprintf("%s → %s (%d items, same keys below)", src, to, len(m.Items))
}

// Run is a migration in progress.
type Run interface {
	Snapshot() transfer.Snapshot
	Pause()
	Resume()
	SetConcurrency(n int)
	// SetLimits changes the pace limits (objects and bytes per second; 0:
	// none) while running.
	SetLimits(objectsPerSec float64, bytesPerSec int64)
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
	// CreateBucket creates a bucket as profile; with like.Bucket set, like
	// that (origin) bucket: its region, Object Lock, versioning and Object
	// Ownership. It returns how the bucket was created.
	CreateBucket(ctx context.Context, profile, name string, like BucketRef) (string, error)
	List(ctx context.Context, profile, bucket, prefix, next string) (Page, error)
	// Count totals the objects and bytes under each item (a prefix or a key).
	Count(ctx context.Context, profile, bucket string, items []string) (objects, bytes int64, err error)
	PolicyChange(ctx context.Context, m Migration, broad bool) (bucketpolicy.Change, error)
	ApplyPolicy(ctx context.Context, m Migration, c bucketpolicy.Change) error
	// RevokeChange plans the removal of the destination identity's read
	// grant from the origin bucket policy (applied with ApplyPolicy, which
	// checks the policy did not change since).
	RevokeChange(ctx context.Context, m Migration) (bucketpolicy.Change, error)
	// GrantsLeft lists the read grants applied in this session and not
	// revoked ("s3://bucket to principal"), so quitting can remind.
	GrantsLeft() []string
	Preflight(ctx context.Context, m Migration, opt RunOptions) ([]preflight.Check, error)
	Diff(ctx context.Context, m Migration, keep int) (DiffSummary, error)
	Start(ctx context.Context, m Migration, opt RunOptions) (Run, error)
	// Resumable lists journaled migrations that did not finish, newest first.
	Resumable() ([]Resumable, error)

	// Jobs lists every journaled migration, newest first (s3migrate jobs).
	Jobs() ([]Job, error)
	// JobFailures returns up to limit failed objects of a journal, in key
	// order, read without its lock (a running journal too).
	JobFailures(journal string, limit int) ([]JobFailure, error)
	// JobReport writes a journal's CSV report into dir and returns where,
	// with its counts and first lines.
	JobReport(journal, dir string) (JobReport, error)
	// Forget deletes a journal with its lock and WAL files; a journal a
	// process holds is refused (*journal.LockedError).
	Forget(journal string) error
	// Verify checks every selected source object against the destination.
	Verify(ctx context.Context, m Migration) (*transfer.VerifyResult, error)

	// BucketConfig plans the destination bucket's configuration from the
	// origin bucket's, as the bucket-config command does (no mappings:
	// what needs one is held back and says so); for a migration with a
	// journal, what it applied before is taken into account
	// (bucketconfig.Result.Recorded).
	BucketConfig(ctx context.Context, m Migration) (*bucketconfig.Result, error)
	// ApplyBucketConfig writes a copy of plan as the destination identity
	// (each configuration read again first, left alone if it changed) and
	// returns the copy with each item's outcome. What was written is
	// recorded in the migration's journal (m.Journal, or the journal Start
	// creates next).
	ApplyBucketConfig(ctx context.Context, m Migration, plan *bucketconfig.Result) (*bucketconfig.Result, error)

	// Walk streams every object under prefix in key order, without a
	// delimiter (the browser's search below a prefix, a prefix's size).
	Walk(ctx context.Context, profile, bucket, prefix string) iter.Seq2[transfer.Object, error]
	// Head describes one object: headers, user metadata and tags.
	Head(ctx context.Context, profile, bucket, key string) (ObjectDetail, error)
	// Peek reads at most the first n bytes of an object (a ranged GET).
	Peek(ctx context.Context, profile, bucket, key string, n int64) ([]byte, error)
}

// ObjectDetail is one object as its HEAD and tags describe it: what the
// browser's preview shows.
type ObjectDetail struct {
	Object                                        transfer.Object
	ContentType, ContentEncoding, ContentLanguage string
	ContentDisposition, CacheControl              string
	Metadata                                      map[string]string
	Tags                                          []Tag
	// TagsErr says why the tags could not be read ("" when they were).
	TagsErr string
}

// Tag is one object tag.
type Tag struct{ Key, Value string }

// BucketRef names a bucket and the profile that reads it.
type BucketRef struct{ Profile, Bucket string }

// Resumable is a journaled migration that can be picked up again.
type Resumable struct {
	ID            string
	Migration     Migration
	Done, Planned int64
	State         string
}

// Job is one journaled migration as the Jobs screen lists it.
type Job struct {
	ID string
	// Migration holds the profiles, locations, selection and the journal's
	// path (Migration.Journal), ready to be picked up again.
	Migration Migration
	// State is "planning", "running", "interrupted", "done" or "failed";
	// Held says a process holds the journal now (its pid and host).
	State      string
	Held       bool
	HolderPID  int
	HolderHost string
	Created    time.Time
	Updated    time.Time
	// Counts of the plan's keys, and bytes copied of the bytes to copy.
	Planned, Pending, Done, Failed, Skipped int64
	Bytes, PlannedBytes                     int64
	// Err says why the journal could not be read ("" when it could); the
	// other fields are then only ID and Migration.Journal.
	Err string
}

// JobFailure is one object a journaled migration gave up on.
type JobFailure struct {
	Key        string // the source key (the destination's for a failed delete)
	Attempts   int
	ErrorCode  string
	HTTPStatus int
	Error      string
}

// JobReport is a report written from a journal.
type JobReport struct {
	Path              string
	Succeeded, Failed int64
	// Head is the report's first lines (the CSV header first).
	Head []string
}
