package backend

import (
	"context"
	"sync"

	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// run is a migration running in the background, through the same
// migration lifecycle the commands call. The TUI polls Snapshot on a tick;
// the only message it ever gets from here is the result on Done.
type run struct {
	m      *migration.Migration
	cancel context.CancelFunc
	done   chan screen.RunResult

	ctx    context.Context
	b      *Live
	dryRun bool

	mu     sync.Mutex
	result *screen.RunResult
	// asking is the question the run waits on, or nil; asked counts the
	// questions (Question.Seq).
	asking *pending
	asked  int
}

// pending is a question and where its answer goes (buffered: the first
// answer is kept, later ones dropped).
type pending struct {
	q      screen.Question
	answer chan bool
}

// definition turns the screens' choices into a migration definition.
func definition(sm screen.Migration, opt screen.RunOptions) migration.Definition {
	o := migration.DefaultOptions()
	if opt.Concurrency > 0 {
		o.Concurrency = opt.Concurrency
	}
	o.ACL, o.StorageClass, o.Delete, o.NoVerify = opt.ACL, opt.StorageClass, opt.Delete, !opt.Verify
	o.KeepObjectLock = opt.KeepObjectLock
	o.SSE, o.SSEKMSKeyID = opt.SSE, opt.SSEKMSKeyID
	if opt.Mode != "" {
		o.Mode = transfer.Mode(opt.Mode)
	}
	if opt.Compare != "" {
		o.Compare = transfer.CompareMode(opt.Compare)
	}
	o.Filter, o.Window = FilterRules(opt.Filter)
	if opt.Engine != "" {
		o.Engine = opt.Engine
	}
	o.BatchBucket, o.BatchRole = opt.BatchBucket, opt.BatchRole
	return migration.Definition{SrcProfile: sm.SrcProfile, DstProfile: sm.DstProfile, Items: sm.Items, Options: o}
}

func startRun(ctx context.Context, m *migration.Migration, b *Live, dryRun bool) *run {
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &run{m: m, cancel: cancel, done: make(chan screen.RunResult, 1), ctx: rctx, b: b, dryRun: dryRun}
	go func() {
		o := &migration.Outcome{}
		if m.Def.Options.Engine == migration.EngineBatch && !dryRun {
			o.Err = r.setUpBatch(rctx)
		}
		if o.Err == nil {
			o = m.Run(rctx, migration.RunOptions{
				// The TUI asked before starting a run that deletes, with
				// the scope; the lifecycle's own rules (empty source,
				// limits) still apply.
				ConfirmDelete: func(migration.DeletePlan) bool { return true },
				ConfirmBatch:  r.confirmBatch,
				CancelBatch:   r.cancelBatch,
			})
		}
		out := screen.RunResult{Result: o.Result, Err: o.Err, Journal: m.JournalPath()}
		if v := o.Verify; v != nil {
			out.Verify = &transfer.VerifyResult{Checked: v.Checked, Verified: v.Verified, Mismatches: v.Mismatches, Unreadable: v.Unchecked}
			for _, s := range v.UncheckedSample {
				out.Verify.Unchecked = append(out.Verify.Unchecked, transfer.Mismatch{What: "error", Detail: s})
			}
		}
		if o.DeletesSkipped != "" && out.Result != nil {
			out.Result.Notices = append(out.Result.Notices, "deletes skipped: "+o.DeletesSkipped)
		}
		out.Snapshot = m.Snapshot()
		_ = m.Close()
		r.mu.Lock()
		r.result = &out
		r.mu.Unlock()
		r.done <- out
	}()
	return r
}

// ask puts q to the operator and waits for the answer; a run cancelled
// meanwhile answers no.
func (r *run) ask(ctx context.Context, q screen.Question) bool {
	p := &pending{q: q, answer: make(chan bool, 1)}
	r.mu.Lock()
	r.asked++
	p.q.Seq = r.asked
	r.asking = p
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.asking = nil
		r.mu.Unlock()
	}()
	select {
	case yes := <-p.answer:
		return yes
	case <-ctx.Done():
		return false
	}
}

// Question is the pending question, or nil.
func (r *run) Question() *screen.Question {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.asking == nil {
		return nil
	}
	q := r.asking.q
	return &q
}

// Answer hands yes or no to the question the run waits on.
func (r *run) Answer(yes bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.asking == nil {
		return
	}
	select {
	case r.asking.answer <- yes:
	default: // answered already
	}
}

func (r *run) Snapshot() transfer.Snapshot { return r.m.Snapshot() }
func (r *run) Pause()                      { r.m.Pause() }
func (r *run) Resume()                     { r.m.Unpause() }
func (r *run) SetConcurrency(n int)        { r.m.SetConcurrency(n) }
func (r *run) SetLimits(objects float64, bytes int64) {
	r.m.SetLimits(objects, bytes)
}
func (r *run) Cancel()                       { r.cancel() }
func (r *run) Done() <-chan screen.RunResult { return r.done }

// RetryFailed runs the same journal again once this run is finished: the
// failed objects are planned again (and anything else that changed since).
func (r *run) RetryFailed() (screen.Run, bool) {
	r.mu.Lock()
	res := r.result
	r.mu.Unlock()
	if res == nil || res.Result == nil || len(res.Result.Failures) == 0 || res.Journal == "" {
		return nil, false
	}
	m, err := migration.Resume(r.ctx, res.Journal, r.b.sessionOptions())
	if err != nil {
		return nil, false
	}
	return startRun(r.ctx, m, r.b, false), true
}
