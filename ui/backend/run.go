package backend

import (
	"context"
	"strings"
	"sync"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// run is a migration running in the background. The TUI polls Snapshot on
// a tick; the only message it ever gets from here is the result on Done.
type run struct {
	eng    *transfer.Engine
	cancel context.CancelFunc
	done   chan screen.RunResult

	ctx  context.Context
	pair *migration.Pair
	m    screen.Migration
	opt  screen.RunOptions

	mu     sync.Mutex
	result *screen.RunResult
}

func startRun(ctx context.Context, p *migration.Pair, m screen.Migration, opt screen.RunOptions, items []string) (*run, error) {
	if items == nil {
		items = m.Items
	}
	if len(items) == 0 {
		return nil, ErrNoSelection
	}
	eopt := transfer.Options{
		Src: p.Src, Dst: p.Dst, Mode: transfer.ModeAuto, Concurrency: opt.Concurrency,
		ACL: opt.ACL, StorageClass: opt.StorageClass, Delete: opt.Delete, DryRun: opt.DryRun,
	}
	var j *journal.Journal
	if !opt.DryRun {
		var err error
		j, err = journal.Create("", journal.Definition{Src: p.Src, Dst: p.Dst, SrcProfile: m.SrcProfile, DstProfile: m.DstProfile,
			Options: map[string]string{"items": strings.Join(migration.Selection(items), "\n")}})
		if err != nil {
			return nil, err
		}
		eopt.Recorder = j
		_ = j.SetState(journal.StateRunning)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &run{eng: transfer.New(eopt, p.Endpoints()), cancel: cancel, done: make(chan screen.RunResult, 1), ctx: rctx, pair: p, m: m, opt: opt}
	go func() {
		res, err := r.eng.Run(rctx, p.DiffItems(rctx, items))
		out := screen.RunResult{Result: res, Err: err}
		if j != nil {
			out.Journal = j.Path()
		}
		if err == nil && res != nil && len(res.Failures) == 0 && opt.Verify && !opt.DryRun {
			out.Verify, out.Err = transfer.Verify(rctx, p.Endpoints(), p.Src, p.Dst, p.DiffItems(rctx, items), transfer.VerifyOptions{})
		}
		if j != nil {
			state := journal.StateDone
			switch {
			case out.Err != nil:
				state = journal.StateFailed
				if rctx.Err() != nil {
					state = journal.StateInterrupted
				}
			case len(res.Failures) > 0 || (out.Verify != nil && len(out.Verify.Mismatches) > 0):
				state = journal.StateFailed
			}
			_ = j.SetState(state)
			_ = j.Close()
		}
		out.Snapshot = r.eng.Snapshot()
		r.mu.Lock()
		r.result = &out
		r.mu.Unlock()
		r.done <- out
	}()
	return r, nil
}

func (r *run) Snapshot() transfer.Snapshot   { return r.eng.Snapshot() }
func (r *run) Pause()                        { r.eng.Pause() }
func (r *run) Resume()                       { r.eng.Resume() }
func (r *run) SetConcurrency(n int)          { r.eng.SetConcurrency(n) }
func (r *run) Cancel()                       { r.cancel() }
func (r *run) Done() <-chan screen.RunResult { return r.done }

// RetryFailed starts a new run over the objects that failed, once this one
// is finished.
func (r *run) RetryFailed() (screen.Run, bool) {
	r.mu.Lock()
	res := r.result
	r.mu.Unlock()
	if res == nil || res.Result == nil || len(res.Result.Failures) == 0 {
		return nil, false
	}
	var items []string
	for _, f := range res.Result.Failures {
		items = append(items, r.pair.Src.Prefix+strings.TrimPrefix(f.Key, r.pair.Dst.Prefix))
	}
	nr, err := startRun(r.ctx, r.pair, r.m, r.opt, items)
	if err != nil {
		return nil, false
	}
	return nr, true
}
