// Package run is the Running screen: it starts the migration, polls the
// engine's snapshot on a tick (the engine never sends a message per
// object), and shows overall progress, a throughput graph, the objects in
// flight, errors and notices. Pause, concurrency and cancel act on the run;
// when it ends the result goes to the summary.
package run

import (
	"time"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// state is where the run is in its life.
type state int

const (
	// stateStarting: Backend.Start (or RetryFailed) is in progress.
	stateStarting state = iota
	// stateStartFailed: Start returned an error; nothing runs.
	stateStartFailed
	// stateRunning: the run copies; ticks poll its snapshot.
	stateRunning
	// stateCancelling: Cancel was called; waiting for Done.
	stateCancelling
	// stateFinished: Done delivered the result.
	stateFinished
)

// dialog is the question on top of the screen, if any.
type dialog int

const (
	dialogNone dialog = iota
	// dialogCancel asks before Run.Cancel (c, esc).
	dialogCancel
	// dialogQuit asks before cancelling and quitting (q).
	dialogQuit
)

// question is what the dialog asks.
func (d dialog) question() widget.Confirm {
	c := widget.Confirm{
		Title: "Cancel the run?",
		Body:  "The objects in flight are abandoned. What is\ncopied stays copied: running the migration\nagain copies only what is missing.",
		Yes:   "cancel the run", No: "keep running",
	}
	if d == dialogQuit {
		c.Title, c.Yes = "Cancel the run and quit?", "cancel and quit"
	}
	return c
}

// Defaults of the screen.
const (
	// PollEvery is how often the snapshot is read (DESIGN: 100–250 ms).
	PollEvery = 200 * time.Millisecond
	// MinConcurrency and MaxConcurrency bound the +/- keys.
	MinConcurrency = 1
	MaxConcurrency = 1024
	// historyLen is how many one-second throughput samples are kept
	// (ten minutes; the graph shows as many as fit).
	historyLen = 600
	// bigObject is the size above which an in-flight object gets its own
	// progress bar: smaller ones finish between two ticks.
	bigObject = 8 << 20
)

// Model is the Running screen.
type Model struct {
	state  state
	dialog dialog
	every  time.Duration

	run screen.Run
	// gen numbers the runs this screen has attached (a retry is a new
	// run): ticks and results of an older run are dropped.
	gen int

	snap   transfer.Snapshot
	polled bool // a snapshot has arrived for the current run
	// paused and concurrency are what the user asked for, refreshed from
	// every snapshot, so a key press shows at once.
	paused      bool
	concurrency int
	// maxObjects and maxBytes are the pace limits in force (0: none).
	maxObjects float64
	maxBytes   int64
	history    history

	result       *screen.RunResult
	startErr     error
	retryNote    string
	quitWhenDone bool
	retrying     bool

	// failCursor is the highlighted failure after the run; detail shows
	// it whole (d, since enter goes to the summary here).
	failCursor int
	detail     bool

	// question is what the run waits for the operator to answer (a batch
	// job's role and grant, the job itself), from the last tick; answered
	// is the Seq of the last one answered, so a tick taken before the
	// answer does not show it again; qScroll scrolls a long question.
	question *screen.Question
	answered int
	qScroll  int
}

// New builds the screen.
func New() screen.Screen { return newModel(PollEvery) }

func newModel(every time.Duration) *Model { return &Model{every: every} }

// startedMsg carries the run Backend.Start (or RetryFailed) returned.
type startedMsg struct {
	run screen.Run
	err error
}

// tickMsg carries a snapshot taken in the tick's Cmd.
type tickMsg struct {
	gen      int
	snap     transfer.Snapshot
	question *screen.Question
}

// doneMsg carries the result from Run.Done.
type doneMsg struct {
	gen int
	res screen.RunResult
}

// retriedMsg carries the outcome of RetryFailed.
type retriedMsg struct {
	run screen.Run
	ok  bool
}

// Capturing is true while the y/n overlay, the run's question or a
// failure's detail is open, so ? does not toggle help under it.
func (m *Model) Capturing() bool { return m.dialog != dialogNone || m.detail || m.asking() }

// asking reports whether the run's question is on screen.
func (m *Model) asking() bool { return m.question != nil && m.question.Seq > m.answered }

// confirmOf is the run's question as a dialog.
func confirmOf(q *screen.Question) widget.Confirm {
	return widget.Confirm{Title: q.Title, Body: q.Body, Yes: q.Yes, No: q.No}
}

// canRetry: the run is over and some objects failed.
func (m *Model) canRetry() bool {
	return m.state == stateFinished && m.run != nil && m.result != nil &&
		m.result.Result != nil && len(m.result.Result.Failures) > 0
}

// sample is one second of throughput.
type sample struct {
	bytes, objects float64
}

// history keeps one throughput sample per second of the run's elapsed
// time (the snapshot's clock, not the wall clock, so it is deterministic).
type history struct {
	samples []sample
	lastSec int64 // -1 before the first sample
	// peak is the highest byte rate of the whole run, not only of the
	// seconds the graph still shows.
	peak float64
}

func newHistory() history { return history{lastSec: -1} }

// add records s if a new second of elapsed time has begun. Seconds skipped
// (a slow terminal) repeat the current rate so the x axis stays in time.
func (h *history) add(s transfer.Snapshot) {
	sec := int64(s.Elapsed / time.Second)
	if sec <= h.lastSec {
		return
	}
	n := int64(1)
	if h.lastSec >= 0 {
		n = min(sec-h.lastSec, historyLen)
	}
	h.lastSec = sec
	h.peak = max(h.peak, s.BytesPerSec)
	for range n {
		h.samples = append(h.samples, sample{bytes: s.BytesPerSec, objects: s.ObjectsPerSec})
	}
	if over := len(h.samples) - historyLen; over > 0 {
		h.samples = append(h.samples[:0], h.samples[over:]...)
	}
}
