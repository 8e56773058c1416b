package uitest

import (
	"sync"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// FakeRun is a scripted run: its snapshot is whatever the test sets.
type FakeRun struct {
	mu          sync.Mutex
	snap        transfer.Snapshot
	done        chan screen.RunResult
	Paused      bool
	Cancelled   bool
	Concurrency int
	Retried     int
	// MaxObjects and MaxBytes are the pace limits set with SetLimits.
	MaxObjects float64
	MaxBytes   int64
	// Asking is the question the run shows (Ask sets it); Answers are the
	// answers given, in order.
	Asking  *screen.Question
	Answers []bool
	asked   int
}

// NewRun returns a run showing snap.
func NewRun(snap transfer.Snapshot) *FakeRun {
	return &FakeRun{snap: snap, done: make(chan screen.RunResult, 1), Concurrency: snap.Concurrency}
}

// Set replaces the snapshot.
func (r *FakeRun) Set(s transfer.Snapshot) { r.mu.Lock(); r.snap = s; r.mu.Unlock() }

// Finish delivers the result on Done.
func (r *FakeRun) Finish(res screen.RunResult) { r.done <- res }

func (r *FakeRun) Snapshot() transfer.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.snap
	s.Paused, s.Concurrency = r.Paused, r.Concurrency
	s.MaxObjectsPerSec, s.MaxBytesPerSec = r.MaxObjects, r.MaxBytes
	return s
}
func (r *FakeRun) Pause()               { r.mu.Lock(); r.Paused = true; r.mu.Unlock() }
func (r *FakeRun) Resume()              { r.mu.Lock(); r.Paused = false; r.mu.Unlock() }
func (r *FakeRun) SetConcurrency(n int) { r.mu.Lock(); r.Concurrency = n; r.mu.Unlock() }
func (r *FakeRun) SetLimits(objects float64, bytes int64) {
	r.mu.Lock()
	r.MaxObjects, r.MaxBytes = objects, bytes
	r.mu.Unlock()
}
func (r *FakeRun) Cancel()                       { r.mu.Lock(); r.Cancelled = true; r.mu.Unlock() }
func (r *FakeRun) Done() <-chan screen.RunResult { return r.done }
func (r *FakeRun) RetryFailed() (screen.Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Retried++
	return r, true
}

// Ask makes q the pending question.
func (r *FakeRun) Ask(q screen.Question) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked++
	q.Seq, r.Asking = r.asked, &q
}

func (r *FakeRun) Question() *screen.Question {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Asking == nil {
		return nil
	}
	q := *r.Asking
	return &q
}

// Answer records the answer and clears the question.
func (r *FakeRun) Answer(yes bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Asking != nil {
		r.Answers, r.Asking = append(r.Answers, yes), nil
	}
}

// Given returns the answers given so far.
func (r *FakeRun) Given() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bool(nil), r.Answers...)
}

// FixedSnapshot is a mid-run snapshot with one large object in flight (done
// false) or a finished one (done true).
func FixedSnapshot(done bool) transfer.Snapshot {
	s := transfer.Snapshot{
		Phase: transfer.PhaseCopying, Listed: true,
		ToCopy: 1200, ToCopyBytes: 220 << 20,
		Copied: 640, CopiedBytes: 96 << 20, BytesDone: 120 << 20, ServerSide: 640,
		Failed: 2, FailedBytes: 2048,
		ObjectsPerSec: 212.5, BytesPerSec: 31.5 * (1 << 20), ETA: 4*time.Second + 100*time.Millisecond,
		Elapsed: 3 * time.Second, Concurrency: 32,
		InFlight: []transfer.InFlight{
			{Key: "backups/2026-11-01/db-dump.tar", Size: 80 << 20, Done: 48 << 20, Strategy: "multipart copy", Attempt: 1, Elapsed: 2 * time.Second},
			{Key: "logs/2026/02/03/events.json", Size: 2003, Strategy: "copy", Attempt: 2, Elapsed: 40 * time.Millisecond},
		},
	}
	s.Plan.Count[transfer.ClassNew], s.Plan.Bytes[transfer.ClassNew] = 1190, 218<<20
	s.Plan.Count[transfer.ClassChanged], s.Plan.Bytes[transfer.ClassChanged] = 10, 2<<20
	s.Plan.Count[transfer.ClassIdentical] = 35
	if done {
		s.Phase, s.Copied, s.CopiedBytes, s.BytesDone, s.ETA, s.InFlight = transfer.PhaseDone, 1198, 220<<20, 220<<20, 0, nil
	}
	return s
}
