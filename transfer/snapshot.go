package transfer

import (
	"sort"
	"sync"
	"time"
)

// Snapshot is a copy of the engine's progress at one moment. Displays poll it
// (every 100–250 ms); taking one costs a mutex and a few atomic loads.
type Snapshot struct {
	Phase Phase
	// Listed is true once the whole diff has streamed in, so totals are final.
	Listed bool
	// ListedKeys counts the keys listed so far (both sides), ListRate is
	// keys per second since listing began: what the displays show until
	// Listed, instead of a total that is still growing.
	ListedKeys int64
	ListRate   float64
	// Plan counts and bytes per class so far.
	Plan DiffStats
	// ToCopy and ToCopyBytes: the new and changed objects.
	ToCopy, ToCopyBytes int64
	// ToDelete: only-in-destination keys that will be deleted (with --delete).
	ToDelete int64

	Copied, CopiedBytes int64
	Failed, FailedBytes int64
	Deleted             int64
	// BytesDone counts copied bytes including the parts of objects in flight.
	BytesDone int64
	// ServerSide and Relayed count finished copies by strategy; Batch the
	// copies an S3 Batch Operations job made (set by the migration).
	ServerSide, Relayed, Batch int64
	// Job is the copy job the migration follows outside this process (an
	// S3 Batch Operations job) while it runs; the zero value when none.
	Job JobProgress

	InFlight []InFlight
	// ObjectsPerSec and BytesPerSec are averaged over the last 10 seconds.
	ObjectsPerSec, BytesPerSec float64
	// ETA is the estimated time left, or -1 while unknown.
	ETA         time.Duration
	Elapsed     time.Duration
	Concurrency int
	// MaxObjectsPerSec and MaxBytesPerSec are the pace limits in force
	// (0: none).
	MaxObjectsPerSec float64
	MaxBytesPerSec   int64
	Paused           bool
	DryRun           bool
	Notices          []string
}

// InFlight is one object being copied.
type InFlight struct {
	Key      string
	Size     int64
	Done     int64
	Strategy string
	Attempt  int
	Elapsed  time.Duration
}

// Snapshot returns the current progress.
func (e *Engine) Snapshot() Snapshot {
	var s Snapshot
	for c := range s.Plan.Count {
		s.Plan.Count[c] = e.planCount[c].Load()
		s.Plan.Bytes[c] = e.planBytes[c].Load()
	}
	s.Listed = e.listed.Load()
	s.ListedKeys = e.listedKeys.Load()
	if t := e.planStart.Load(); t != 0 && !s.Listed {
		if secs := time.Since(time.Unix(0, t)).Seconds(); secs > 0 {
			s.ListRate = float64(s.ListedKeys) / secs
		}
	}
	s.ToCopy = s.Plan.Count[ClassNew] + s.Plan.Count[ClassChanged]
	s.ToCopyBytes = s.Plan.Bytes[ClassNew] + s.Plan.Bytes[ClassChanged]
	if e.opt.Delete {
		s.ToDelete = s.Plan.Count[ClassExtra]
	}
	s.Copied, s.CopiedBytes = e.copied.Load(), e.copiedBytes.Load()
	s.Failed, s.FailedBytes = e.failed.Load(), e.failedBytes.Load()
	s.Deleted = e.deleted.Load()
	s.BytesDone = e.bytesDone.Load()
	s.ServerSide, s.Relayed = e.serverSide.Load(), e.relayed.Load()
	s.DryRun = e.opt.DryRun

	now := time.Now()
	e.gate.Lock()
	s.Phase = e.phase
	s.Concurrency = e.target
	s.Paused = e.paused
	s.Notices = append([]string(nil), e.notices...)
	switch {
	case e.started.IsZero():
	case e.finished.IsZero() || s.Phase != PhaseDone:
		s.Elapsed = now.Sub(e.started)
	default:
		s.Elapsed = e.finished.Sub(e.started)
	}
	s.InFlight = make([]InFlight, 0, len(e.inflight))
	for _, f := range e.inflight {
		st, _ := f.strategy.Load().(string)
		s.InFlight = append(s.InFlight, InFlight{
			Key: f.key, Size: f.size, Done: f.done.Load(), Strategy: st,
			Attempt: int(f.attempt.Load()), Elapsed: now.Sub(f.started),
		})
	}
	e.gate.Unlock()
	sort.Slice(s.InFlight, func(i, j int) bool { return s.InFlight[i].Elapsed > s.InFlight[j].Elapsed })

	s.MaxObjectsPerSec, s.MaxBytesPerSec = e.pace.limits()
	objs, bytes, paused := e.sample()
	s.ObjectsPerSec, s.BytesPerSec = e.rate.ratesAt(now, objs, bytes, paused)
	s.ETA = -1
	if s.Phase == PhaseDone {
		s.ETA = 0
	} else if s.Listed {
		leftBytes := s.ToCopyBytes - s.BytesDone - s.FailedBytes
		leftObjs := s.ToCopy + s.ToDelete - s.Copied - s.Deleted - s.Failed
		var eta float64
		if s.BytesPerSec > 0 && leftBytes > 0 {
			eta = float64(leftBytes) / s.BytesPerSec
		}
		if s.ObjectsPerSec > 0 && leftObjs > 0 {
			eta = max(eta, float64(leftObjs)/s.ObjectsPerSec)
		}
		if (s.BytesPerSec > 0 || s.ObjectsPerSec > 0) || leftObjs <= 0 {
			s.ETA = time.Duration(eta * float64(time.Second))
		}
	}
	return s
}

// sample is read by the rate window's ticker.
func (e *Engine) sample() (objects, bytes int64, paused bool) {
	e.gate.Lock()
	paused = e.paused
	e.gate.Unlock()
	return e.copied.Load() + e.deleted.Load(), e.bytesDone.Load(), paused
}

// rateWindow keeps a short history of counters to compute moving rates.
type rateWindow struct {
	mu      sync.Mutex
	samples []rateSample
	last    time.Time // when the last sample (or paused tick) was taken
}

type rateSample struct {
	at             time.Time
	objects, bytes int64
}

const (
	rateEvery     = 250 * time.Millisecond
	rateWindowLen = 10 * time.Second
)

func (w *rateWindow) start(read func() (int64, int64, bool)) (stop func()) {
	done := make(chan struct{})
	add := func() {
		o, b, paused := read()
		w.add(time.Now(), o, b, paused)
	}
	add()
	go func() {
		t := time.NewTicker(rateEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				add()
			}
		}
	}()
	return func() { close(done); add() }
}

// add records the counters at now. While paused it records nothing and
// shifts the window forward instead: paused time is not transfer time, so
// the rates after a pause are those before it, not diluted by it.
func (w *rateWindow) add(now time.Time, objects, bytes int64, paused bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if paused {
		if !w.last.IsZero() {
			for i := range w.samples {
				w.samples[i].at = w.samples[i].at.Add(now.Sub(w.last))
			}
		}
		w.last = now
		return
	}
	w.last = now
	w.samples = append(w.samples, rateSample{now, objects, bytes})
	cut := 0
	for cut < len(w.samples)-1 && now.Sub(w.samples[cut].at) > rateWindowLen {
		cut++
	}
	w.samples = append(w.samples[:0], w.samples[cut:]...)
}

// minRateSpan is the shortest stretch a rate is computed over: shorter ones
// swing too much to base an ETA on.
const minRateSpan = 100 * time.Millisecond

// ratesAt is rates with the counters read at now as the window's last
// point, so a rate (and an ETA) exists as soon as the first objects are
// done rather than at the sampler's second tick. While paused the rates are
// those before the pause.
func (w *rateWindow) ratesAt(now time.Time, objects, bytes int64, paused bool) (objs, bytesPerSec float64) {
	w.mu.Lock()
	var first rateSample
	ok := len(w.samples) > 0 && !paused
	if ok {
		first = w.samples[0]
	}
	w.mu.Unlock()
	if dt := now.Sub(first.at); ok && dt >= minRateSpan {
		return float64(objects-first.objects) / dt.Seconds(), float64(bytes-first.bytes) / dt.Seconds()
	}
	return w.rates()
}

func (w *rateWindow) rates() (objs, bytes float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.samples) < 2 {
		return 0, 0
	}
	a, b := w.samples[0], w.samples[len(w.samples)-1]
	dt := b.at.Sub(a.at).Seconds()
	if dt <= 0 {
		return 0, 0
	}
	return float64(b.objects-a.objects) / dt, float64(b.bytes-a.bytes) / dt
}

// JobProgress is a copy job that runs elsewhere: its id, its state as its
// service reports it, and its tasks.
type JobProgress struct {
	ID, State           string
	Done, Failed, Total int64
}
