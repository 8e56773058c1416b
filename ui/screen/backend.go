package screen

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/internal/estimate"
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
	// Options are the run options the plan's diff filters with (Filter)
	// and estimates the run under (mode, concurrency, storage class,
	// delete, verify).
	Options RunOptions
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
	// Question is what the run waits for the operator to answer, or nil:
	// a batch job's role and grant before they are created, the job
	// before it runs, whether to cancel it when the run is cancelled.
	Question() *Question
	// Answer answers the pending question (nothing when none is pending).
	Answer(yes bool)
}

// Question is a yes/no question a run asks while it waits: the run goes
// on only once Answer is called.
type Question struct {
	Title string
	// Body says what a yes does; it may be long (a policy diff): the
	// screen scrolls it.
	Body    string
	Yes, No string
	// Seq numbers the run's questions from 1, so a screen can tell a new
	// question from one it has just answered.
	Seq int
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
// the whole plan, every entry, for the drill-down to page through.
type DiffSummary struct {
	Stats transfer.DiffStats
	// Plan holds every entry of the diff; nil when there is none (a
	// failed diff). Whoever holds the summary closes it when done with it
	// (the Plan screen: on a new diff); the live backend also removes it
	// when the context the diff ran on ends (the screen was left).
	Plan PlanStore
	// FilteredKeys and FilteredBytes are what the migration's
	// Options.Filter left out of the plan.
	FilteredKeys, FilteredBytes int64
	// Estimate prices the plan under the migration's Options, as diff
	// --estimate does; Batch prices the same plan handed to S3 Batch
	// Operations; both with Prices. Nil when the diff did not finish.
	Estimate, Batch *estimate.Estimate
	Prices          estimate.Prices
}

// Filter keeps keys by pattern and objects by size and age: the command
// line's --exclude/--include, --min-size, --max-size, --newer-than and
// --older-than. The zero Filter keeps everything.
type Filter struct {
	// Exclude and Include are glob patterns on the key relative to the
	// source folder. The rules are the excludes, then the includes, and
	// the last rule that matches a key wins: an include takes back keys an
	// exclude left out (Exclude "*", Include "*.csv" keeps the CSVs).
	Exclude, Include []string
	// MinSize and MaxSize bound the size kept (0: no bound).
	MinSize, MaxSize int64
	// NewerThan and OlderThan bound the last-modified time (zero: none);
	// an age typed on the Options tab is turned into a time there, so the
	// run selects what the plan showed.
	NewerThan, OlderThan time.Time
}

// Clone copies the filter with its patterns.
func (f Filter) Clone() Filter {
	f.Exclude, f.Include = slices.Clone(f.Exclude), slices.Clone(f.Include)
	return f
}

// Empty reports whether the filter keeps everything.
func (f Filter) Empty() bool {
	return len(f.Exclude) == 0 && len(f.Include) == 0 && f.MinSize == 0 && f.MaxSize == 0 && f.NewerThan.IsZero() && f.OlderThan.IsZero()
}

// PlanStore is a whole diff, paged by class: the live backend keeps it in
// a temporary SQLite database (deleted when closed, or when the process
// ends), so a plan of millions of keys is not held in memory.
type PlanStore interface {
	// Page returns one page of a class's entries, in key order.
	Page(ctx context.Context, q PlanQuery) (PlanPage, error)
	// Close removes the store; Page fails afterwards.
	Close() error
}

// PlanFrom is where a page starts.
type PlanFrom int

// The page positions.
const (
	// PlanFirst is the first entries of the class.
	PlanFirst PlanFrom = iota
	// PlanAfter is the entries after PlanQuery.Key.
	PlanAfter
	// PlanBefore is the entries just before PlanQuery.Key (the page
	// that ends there).
	PlanBefore
	// PlanLast is the last entries of the class.
	PlanLast
	// PlanAt is the entries from PlanQuery.Key on, that key included (the
	// page on screen read again at another height).
	PlanAt
)

// PlanQuery asks a PlanStore for one page.
type PlanQuery struct {
	Class transfer.Class
	// Filter keeps the keys (Rel) that contain it, case-insensitively;
	// "" keeps all.
	Filter string
	From   PlanFrom
	Key    string // the key PlanAfter, PlanBefore and PlanAt are relative to
	Limit  int
	// Count asks for Total, the number of entries the filter keeps (a
	// scan of the class: asked once per filter, not per page).
	Count bool
}

// PlanPage is one page of a PlanStore.
type PlanPage struct {
	Entries []transfer.Entry // in key order
	// Total is the number of entries of the class the filter keeps, when
	// PlanQuery.Count asked for it; -1 otherwise.
	Total int64
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
	// Diff lists both sides and diffs them into a PlanStore (see
	// DiffSummary), removed when ctx ends at the latest.
	Diff(ctx context.Context, m Migration) (DiffSummary, error)
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
	// Lock is the object's Object Lock protection as HEAD reports it
	// ("GOVERNANCE until 2026-12-01 10:00 UTC", "legal hold"), "" for none.
	Lock string
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
	// BatchJob and BatchState name the S3 Batch Operations job of a batch
	// migration and its last known state ("" for the local engine).
	BatchJob, BatchState string
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
