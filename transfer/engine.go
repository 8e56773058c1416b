package transfer

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/semaphore"
)

// Engine copies the entries of a diff from the source to the destination.
// Workers update atomic counters and a small in-flight table; Snapshot copies
// them out for whoever displays progress. Nothing is sent per object.
type Engine struct {
	opt Options
	ep  Endpoints

	relayMem *semaphore.Weighted

	// Plan counters, filled as the diff streams in.
	planCount [numClasses]atomic.Int64
	planBytes [numClasses]atomic.Int64
	listed    atomic.Bool
	// listedKeys counts the keys the planner has seen on both sides;
	// planStart is when planning began (for the listing rate).
	listedKeys atomic.Int64
	planStart  atomic.Int64 // unix nanoseconds

	copied, copiedBytes atomic.Int64
	failed, failedBytes atomic.Int64
	deleted             atomic.Int64
	bytesDone           atomic.Int64 // copied bytes, including parts of objects in flight
	serverSide, relayed atomic.Int64
	useRelay            atomic.Bool // auto mode decided to relay
	consecutiveDenied   atomic.Int64
	anySucceeded        atomic.Bool

	gate     sync.Mutex
	gateCond *sync.Cond
	active   int
	target   int
	paused   bool
	inflight map[uint64]*inFlight
	nextID   uint64
	failures []Failure
	notices  []string
	started  time.Time
	finished time.Time
	phase    Phase

	rate rateWindow
	pace *pacer
	// partSumsUntrusted is set once the destination was seen to report the
	// source object's checksum for a copied part (see serverMultipartCopy).
	partSumsUntrusted atomic.Bool
	// partSumsTrusted is set once it was seen to compute one.
	partSumsTrusted atomic.Bool

	rec     Recorder
	upMu    sync.Mutex
	uploads map[string]Upload // multipart uploads of this run, by relative key
}

// Phase is where a run is.
type Phase string

// The phases of a run.
const (
	PhaseIdle Phase = "idle"
	// PhaseListing: the plan is being built and nothing is copied yet.
	PhaseListing Phase = "listing"
	// PhaseCopying: copies run (the listing may still be running ahead:
	// Snapshot.Listed says when it is over).
	PhaseCopying   Phase = "copying"
	PhaseDeleting  Phase = "deleting"
	PhaseVerifying Phase = "verifying"
	PhaseDone      Phase = "done"
)

// Failure is an object that could not be copied (or deleted).
type Failure struct {
	Key      string // destination-relative key
	Op       string // "copy" or "delete"
	Err      error
	Attempts int
}

type inFlight struct {
	key      string
	size     int64
	done     atomic.Int64
	strategy atomic.Value // string
	attempt  atomic.Int32
	started  time.Time
	// wrote is the ETag of the destination object the last successful
	// attempt wrote; only the worker that owns the copy touches it.
	wrote string
	// lock is the source's Object Lock protection (KeepObjectLock), read
	// once per attempt before the copy.
	lock objectLock
}

// New builds an engine. It does nothing until Run.
func New(opt Options, ep Endpoints) *Engine {
	opt.defaults()
	if !ep.ServerSide {
		opt.Mode = ModeRelay
	}
	e := &Engine{
		opt:      opt,
		ep:       ep,
		relayMem: semaphore.NewWeighted(opt.RelayMemory),
		pace:     newPacer(opt.MaxObjectsPerSec, opt.MaxBytesPerSec),
		inflight: map[uint64]*inFlight{},
		target:   opt.Concurrency,
		phase:    PhaseIdle,
		rec:      opt.Recorder,
		uploads:  map[string]Upload{},
	}
	if e.rec == nil {
		e.rec = nopRecorder{}
	}
	e.gateCond = sync.NewCond(&e.gate)
	if opt.Mode == ModeRelay {
		e.useRelay.Store(true)
	}
	return e
}

// Options returns the engine's options after defaults were applied.
func (e *Engine) Options() Options { return e.opt }

// SetConcurrency changes the number of objects in flight while running.
func (e *Engine) SetConcurrency(n int) {
	if n < 1 {
		n = 1
	}
	if n > 1024 {
		n = 1024
	}
	e.gate.Lock()
	e.target = n
	e.gate.Unlock()
	e.gateCond.Broadcast()
}

// SetLimits changes --max-rate and --max-bandwidth while running (0: no
// limit).
func (e *Engine) SetLimits(objectsPerSec float64, bytesPerSec int64) {
	e.pace.set(max(0, objectsPerSec), max(0, bytesPerSec))
}

// Pause stops starting new objects; objects in flight finish.
func (e *Engine) Pause() {
	e.gate.Lock()
	e.paused = true
	e.gate.Unlock()
}

// Resume undoes Pause.
func (e *Engine) Resume() {
	e.gate.Lock()
	e.paused = false
	e.gate.Unlock()
	e.gateCond.Broadcast()
}

// Result is what a finished run did.
type Result struct {
	Stats    DiffStats
	Copied   int64
	Bytes    int64
	Deleted  int64
	Failures []Failure
	Notices  []string
	Elapsed  time.Duration
	DryRun   bool
}

// ErrTooManyDenied aborts a run whose first copies are all denied: the
// identity lacks a permission that every object needs.
var ErrTooManyDenied = errors.New("every copy so far was denied")

// Run plans and settles a diff in one pass: each entry is counted, handed
// to the Recorder's Planned, and copied, skipped or deleted. Callers that
// build the plan ahead of the copy (the migration lifecycle) call Plan and
// Settle instead.
func (e *Engine) Run(ctx context.Context, entries iter.Seq2[Entry, error]) (*Result, error) {
	e.SetPhase(PhaseCopying)
	planned := func(yield func(Entry, error) bool) {
		for ent, err := range entries {
			if err == nil {
				e.rec.Planned(ent)
				e.Plan(ent)
			}
			if !yield(ent, err) {
				return
			}
		}
		e.PlanDone()
	}
	res, err := e.Settle(ctx, planned)
	e.SetPhase(PhaseDone)
	return res, err
}

// Plan counts one entry of the plan, so Snapshot shows totals while the
// plan is still being listed.
func (e *Engine) Plan(ent Entry) {
	if e.planStart.Load() == 0 {
		e.planStart.CompareAndSwap(0, time.Now().UnixNano())
	}
	e.planCount[ent.Class].Add(1)
	if ent.Class == ClassExtra {
		e.planBytes[ent.Class].Add(ent.Dst.Size)
	} else {
		e.planBytes[ent.Class].Add(ent.Src.Size)
	}
	n := int64(1)
	if ent.Class == ClassChanged || ent.Class == ClassIdentical {
		n = 2 // one key on each side
	}
	e.listedKeys.Add(n)
}

// StartPlanning marks the start of listing (for the listing rate).
func (e *Engine) StartPlanning() {
	e.planStart.CompareAndSwap(0, time.Now().UnixNano())
}

// PlanDone says the plan is complete: the totals in Snapshot are final.
func (e *Engine) PlanDone() { e.listed.Store(true) }

// SetPhase records where the run is, for Snapshot.
func (e *Engine) SetPhase(p Phase) {
	e.gate.Lock()
	e.phase = p
	e.gate.Unlock()
}

// Settle copies the new and changed entries and, with Delete, deletes the
// only-in-destination ones; identical ones are skipped. It does not count
// the plan (see Plan). It returns when every object it started is settled.
// A listing error or a permission problem that affects every object aborts
// it with an error; other per-object errors are retried and then recorded
// in Result.Failures. It may be called again (the delete phase after the
// copy phase): counters accumulate.
func (e *Engine) Settle(ctx context.Context, entries iter.Seq2[Entry, error]) (*Result, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	e.gate.Lock()
	if e.started.IsZero() {
		e.started = time.Now()
	}
	e.finished = time.Time{}
	e.gate.Unlock()
	if err := e.prepare(ctx); err != nil {
		return nil, err
	}

	stopSampler := e.rate.start(e.sample)
	defer stopSampler()

	var wg sync.WaitGroup
	work := make(chan Entry)
	worker := func(ent Entry) {
		defer wg.Done()
		for ok := true; ok; ent, ok = <-work {
			e.process(ctx, cancel, ent)
			e.release()
		}
	}
	var runErr error
	probed := false
entries:
	for ent, err := range entries {
		if err != nil {
			runErr = err
			break
		}
		if ctx.Err() != nil {
			break
		}
		switch ent.Class {
		case ClassIdentical:
			continue
		case ClassExtra:
			if !e.opt.Delete || e.opt.DryRun {
				continue
			}
		default:
			if e.opt.DryRun {
				continue
			}
			if !probed {
				probed = true
				if err := e.probe(ctx, ent); err != nil {
					runErr = err
					break entries
				}
			}
		}
		if !e.acquire(ctx) {
			break
		}
		// Hand the object to an idle worker, or start one: workers are
		// reused, so their stacks are grown once, not once per object
		// (a goroutine per object spent ~5% of the CPU growing stacks).
		// A new worker starts only when none waits, so there are about
		// as many as the gate's slots (a few more after a race).
		select {
		case work <- ent:
		default:
			wg.Add(1)
			go worker(ent)
		}
	}
	close(work)
	wg.Wait()

	e.gate.Lock()
	e.finished = time.Now()
	e.gate.Unlock()
	if runErr == nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			runErr = cause
		} else if err := ctx.Err(); err != nil {
			runErr = err
		}
	}
	res := e.result()
	return res, runErr
}

func (e *Engine) result() *Result {
	e.gate.Lock()
	defer e.gate.Unlock()
	r := &Result{
		Copied:   e.copied.Load(),
		Bytes:    e.copiedBytes.Load(),
		Deleted:  e.deleted.Load(),
		Failures: append([]Failure(nil), e.failures...),
		Notices:  append([]string(nil), e.notices...),
		Elapsed:  e.finished.Sub(e.started),
		DryRun:   e.opt.DryRun,
	}
	for c := range r.Stats.Count {
		r.Stats.Count[c] = e.planCount[c].Load()
		r.Stats.Bytes[c] = e.planBytes[c].Load()
	}
	sort.Slice(r.Failures, func(i, j int) bool { return r.Failures[i].Key < r.Failures[j].Key })
	return r
}

func (e *Engine) notice(format string, args ...any) {
	e.gate.Lock()
	e.notices = append(e.notices, fmt.Sprintf(format, args...))
	e.gate.Unlock()
}

// acquire waits for a free slot (respecting pause and the current target).
func (e *Engine) acquire(ctx context.Context) bool {
	e.gate.Lock()
	defer e.gate.Unlock()
	for (e.paused || e.active >= e.target) && ctx.Err() == nil {
		e.gateCond.Wait()
	}
	if ctx.Err() != nil {
		return false
	}
	e.active++
	return true
}

func (e *Engine) release() {
	e.gate.Lock()
	e.active--
	e.gate.Unlock()
	e.gateCond.Broadcast()
}

// prepare checks destination settings that change how objects are written.
func (e *Engine) prepare(ctx context.Context) error {
	// Wake acquire() when the context ends, so a paused run can be cancelled.
	context.AfterFunc(ctx, func() { e.gateCond.Broadcast() })
	if e.opt.ACL != "" && e.opt.ACL != string(types.ObjectCannedACLBucketOwnerFullControl) {
		out, err := e.ep.Dst.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(e.opt.Dst.Bucket)})
		if err == nil && out.OwnershipControls != nil {
			for _, r := range out.OwnershipControls.Rules {
				if r.ObjectOwnership == types.ObjectOwnershipBucketOwnerEnforced {
					e.notice("--acl %s skipped: s3://%s has Object Ownership BucketOwnerEnforced, which disables ACLs (the bucket owner owns every object)", e.opt.ACL, e.opt.Dst.Bucket)
					e.opt.ACL = ""
				}
			}
		}
	}
	return nil
}

// probe runs before the first copy: in server-side and auto modes it checks
// that the destination identity can read the source, so a missing bucket
// policy is one clear error (or, in auto mode, a switch to relay) instead of
// one failure per object.
func (e *Engine) probe(ctx context.Context, ent Entry) error {
	if e.useRelay.Load() {
		return nil
	}
	_, err := e.ep.srcViaDst().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.opt.Src.Bucket), Key: aws.String(ent.Src.Key)})
	if err == nil || !IsAccessDenied(err) {
		return nil
	}
	if e.opt.Mode == ModeAuto {
		e.useRelay.Store(true)
		e.notice("server-side copy denied: %s cannot read %s, so objects are relayed through this machine (GET as %s, PUT as %s); %s for server-side speed",
			e.ep.DstName, e.opt.Src.URL(ent.Src.Key), e.ep.SrcName, e.ep.DstName, policyAdvice(e.ep.PolicyHint))
		return nil
	}
	return &OpError{Op: "read", URL: e.opt.Src.URL(ent.Src.Key), Identity: e.ep.DstName, Err: err,
		Hint: "the origin bucket policy does not grant s3:GetObject to the destination identity: " + policyAdvice(e.ep.PolicyHint) + ", or use --mode relay"}
}

func policyAdvice(hint string) string {
	if hint == "" {
		return "grant it with `s3migrate policy`"
	}
	return "run `" + hint + "`"
}

// process settles one entry with retries.
func (e *Engine) process(ctx context.Context, abort context.CancelCauseFunc, ent Entry) {
	if e.pace.object(ctx) != nil {
		// Cancelled while waiting for its turn: never started, it stays
		// pending for the next run.
		return
	}
	dstKey := e.opt.Dst.Prefix + ent.Rel
	f := &inFlight{key: dstKey, size: ent.Src.Size, started: time.Now()}
	op := "copy"
	if ent.Class == ClassExtra {
		op, f.size = "delete", 0
	}
	e.gate.Lock()
	e.nextID++
	id := e.nextID
	e.inflight[id] = f
	e.gate.Unlock()
	defer func() {
		e.gate.Lock()
		delete(e.inflight, id)
		e.gate.Unlock()
	}()

	var err error
	attempt := 0
	for attempt = 1; attempt <= e.opt.MaxAttempts; attempt++ {
		f.attempt.Store(int32(attempt))
		f.wrote = ""
		e.bytesDone.Add(-f.done.Swap(0))
		if op == "delete" {
			_, err = e.ep.Dst.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey)})
			if err != nil {
				err = &OpError{Op: "delete", URL: e.opt.Dst.URL(dstKey), Identity: e.ep.DstName, Err: err}
			}
		} else {
			err = e.copyOne(ctx, ent, dstKey, f)
		}
		if err == nil || ctx.Err() != nil || !Retryable(err) {
			break
		}
		if !sleepCtx(ctx, backoff(attempt)) {
			break
		}
	}
	if attempt > e.opt.MaxAttempts {
		attempt = e.opt.MaxAttempts
	}
	strategy, _ := f.strategy.Load().(string)
	if op == "delete" {
		strategy = "delete"
	}
	if err == nil {
		if op != "delete" {
			// What this copy wrote, so a later plan can recognise it
			// where ETags cannot be compared (a destination that
			// encrypts with KMS).
			ent.Dst = Object{Key: dstKey, Size: ent.Src.Size, ETag: f.wrote}
		}
		e.rec.Finished(ent, strategy, attempt, nil)
		e.consecutiveDenied.Store(0)
		e.anySucceeded.Store(true)
		if op == "delete" {
			e.deleted.Add(1)
		} else {
			e.copied.Add(1)
			e.copiedBytes.Add(ent.Src.Size)
			// Top up bytesDone to the full size: progress callbacks may have
			// counted less (a zero-byte object, a server-side single copy).
			e.bytesDone.Add(ent.Src.Size - f.done.Load())
		}
		return
	}
	e.bytesDone.Add(-f.done.Swap(0))
	e.abandonUpload(ctx, ent.Rel, dstKey)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// Not settled: recorded as interrupted (the report lists it), and a
		// resumed run picks the object up again.
		e.rec.Finished(ent, strategy, attempt, context.Canceled)
		return
	}
	e.rec.Finished(ent, strategy, attempt, err)
	e.failed.Add(1)
	e.failedBytes.Add(ent.Src.Size)
	e.gate.Lock()
	e.failures = append(e.failures, Failure{Key: dstKey, Op: op, Err: err, Attempts: attempt})
	e.gate.Unlock()
	if IsAccessDenied(err) && !e.anySucceeded.Load() && e.consecutiveDenied.Add(1) >= 20 {
		abort(fmt.Errorf("%w: the first 20 objects were all denied (last: %v)", ErrTooManyDenied, err))
	}
}

// copyOne copies one object once, choosing the strategy by size and mode.
func (e *Engine) copyOne(ctx context.Context, ent Entry, dstKey string, f *inFlight) error {
	relay := e.useRelay.Load()
	large := ent.Src.Size > e.opt.MultipartThreshold
	var err error
	if e.opt.KeepObjectLock {
		if f.lock, err = e.readLock(ctx, ent.Src); err != nil {
			return err
		}
	}
	switch {
	case isDirMarker(ent.Src):
		// Some servers refuse CopyObject onto a directory marker; it has no
		// bytes, so writing it anew with the source's headers is the copy.
		f.strategy.Store("marker")
		err = e.putMarker(ctx, ent.Src, dstKey, relay, f)
	case !relay && !large:
		f.strategy.Store("copy")
		err = e.serverCopy(ctx, ent.Src, dstKey, f)
	case !relay:
		f.strategy.Store("multipart copy")
		err = e.serverMultipartCopy(ctx, ent, dstKey, f)
	default:
		f.strategy.Store("relay")
		err = e.relayCopy(ctx, ent, dstKey, f)
	}
	if err == nil {
		if relay {
			e.relayed.Add(1)
		} else {
			e.serverSide.Add(1)
		}
	}
	return err
}

func backoff(attempt int) time.Duration {
	d := 200 * time.Millisecond << (attempt - 1)
	if d > 10*time.Second {
		d = 10 * time.Second
	}
	// Full jitter spreads retries of many workers hitting the same SlowDown.
	return time.Duration(rand.Int64N(int64(d))) + 50*time.Millisecond
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// CopySource renders the x-amz-copy-source value: bucket/key with the key
// percent-encoded except for unreserved characters and '/', so '+', '?',
// '#', '%', '&', '=' and spaces survive the server's decoding.
func CopySource(bucket, key string) string {
	var b strings.Builder
	b.WriteString(bucket)
	b.WriteByte('/')
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// isDirMarker reports a zero-byte "folder" object such as "logs/". Such
// markers are copied (aws s3 sync and rclone skip them).
func isDirMarker(o Object) bool { return o.Size == 0 && strings.HasSuffix(o.Key, "/") }

// Notice adds a message for the displays (shown once, with the result).
func (e *Engine) Notice(format string, args ...any) { e.notice(format, args...) }
