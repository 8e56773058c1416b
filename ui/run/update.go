package run

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Init starts the migration in the background.
func (m *Model) Init(state *screen.State) tea.Cmd {
	m.state = stateStarting
	m.concurrency = state.Options.Concurrency
	b, mig, opt := state.Backend, state.Migration(), state.Options
	return func() tea.Msg {
		// Not the screen's context: a run has its own lifecycle (Cancel,
		// the journal), and the router does not leave this screen while
		// it runs.
		r, err := b.Start(context.Background(), mig, opt)
		return startedMsg{run: r, err: err}
	}
}

// tick polls the snapshot once, after m.every. The snapshot is taken in the
// Cmd, so Update only copies a value.
func (m *Model) tick() tea.Cmd {
	r, gen := m.run, m.gen
	return tea.Tick(m.every, func(time.Time) tea.Msg { return poll(r, gen) })
}

func poll(r screen.Run, gen int) tickMsg {
	return tickMsg{gen: gen, snap: r.Snapshot(), question: r.Question()}
}

// wait blocks on Done: the only message a run ever sends.
func wait(r screen.Run, gen int) tea.Cmd {
	return func() tea.Msg { return doneMsg{gen: gen, res: <-r.Done()} }
}

// retry starts the failed objects again (it writes a new journal: I/O).
func retry(r screen.Run) tea.Cmd {
	return func() tea.Msg {
		nr, ok := r.RetryFailed()
		return retriedMsg{run: nr, ok: ok}
	}
}

// attach makes r the run on screen and starts polling it.
func (m *Model) attach(r screen.Run) tea.Cmd {
	m.run = r
	m.gen++
	m.state = stateRunning
	m.polled = false
	m.history = newHistory()
	m.result = nil
	m.retryNote = ""
	return tea.Batch(m.tick(), wait(r, m.gen))
}

// Update handles the run's messages and the keys.
func (m *Model) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case startedMsg:
		if msg.err != nil || msg.run == nil {
			m.state, m.startErr = stateStartFailed, msg.err
			return m, nil
		}
		return m, m.attach(msg.run)
	case retriedMsg:
		m.retrying = false
		if !msg.ok || msg.run == nil {
			m.state = stateFinished
			m.retryNote = "the failed objects could not be started again"
			return m, nil
		}
		return m, m.attach(msg.run)
	case tickMsg:
		if msg.gen != m.gen || (m.state != stateRunning && m.state != stateCancelling) {
			return m, nil // an older run's tick, or the run is over: stop polling
		}
		m.snap, m.polled = msg.snap, true
		if q := msg.question; q == nil || m.question == nil || q.Seq != m.question.Seq {
			m.question, m.qScroll = q, 0
		}
		m.paused = msg.snap.Paused
		if msg.snap.Concurrency > 0 {
			m.concurrency = msg.snap.Concurrency
		}
		m.maxObjects, m.maxBytes = msg.snap.MaxObjectsPerSec, msg.snap.MaxBytesPerSec
		m.history.add(msg.snap)
		return m, m.tick()
	case doneMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		res := msg.res
		m.state, m.dialog, m.result, m.question = stateFinished, dialogNone, &res, nil
		if res.Snapshot.Phase != "" {
			m.snap, m.polled = res.Snapshot, true
		}
		state.Result = &res
		if m.quitWhenDone {
			return m, screen.QuitApp()
		}
		return m, screen.Navigate(screen.Summary)
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

// key handles a key press. Pause, Resume, SetConcurrency and Cancel are
// called here rather than in Cmds: they only set fields of the in-memory
// engine and return at once, and two quick presses must apply in order
// (Cmds run concurrently).
func (m *Model) key(msg tea.KeyPressMsg) (screen.Screen, tea.Cmd) {
	if m.asking() {
		return m.answer(msg)
	}
	if m.dialog != dialogNone {
		return m.confirm(msg)
	}
	if m.detail {
		if key.Matches(msg, widget.KeyClose) {
			m.detail = false
		}
		return m, nil
	}
	switch m.state {
	case stateStarting:
		if msg.String() == "q" {
			return m, screen.QuitApp()
		}
	case stateStartFailed:
		switch msg.String() {
		case "q":
			return m, screen.QuitApp()
		case "esc":
			return m, screen.GoBack()
		}
	case stateRunning:
		switch {
		case key.Matches(msg, keyPause):
			if m.paused {
				m.run.Resume()
			} else {
				m.run.Pause()
			}
			m.paused = !m.paused
		case key.Matches(msg, keyMore):
			m.setConcurrency(m.concurrency + step(m.concurrency))
		case key.Matches(msg, keyLess):
			m.setConcurrency(m.concurrency - step(m.concurrency-1))
		case key.Matches(msg, keyRate):
			m.maxObjects = next(objectLimits, m.maxObjects)
			m.run.SetLimits(m.maxObjects, m.maxBytes)
		case key.Matches(msg, keyBytes):
			m.maxBytes = next(byteLimits, m.maxBytes)
			m.run.SetLimits(m.maxObjects, m.maxBytes)
		case key.Matches(msg, keyCancel), msg.String() == "esc":
			m.dialog = dialogCancel
		case msg.String() == "q":
			m.dialog = dialogQuit
		}
	case stateCancelling:
		if msg.String() == "q" {
			m.quitWhenDone = true
		}
	case stateFinished:
		switch {
		case key.Matches(msg, keyRetry) && m.canRetry():
			m.state, m.retrying = stateStarting, true
			return m, retry(m.run)
		case key.Matches(msg, keySummary):
			return m, screen.Navigate(screen.Summary)
		case key.Matches(msg, keyFailUp):
			m.failCursor = max(m.failCursor-1, 0)
		case key.Matches(msg, keyFailDown):
			m.failCursor = max(min(m.failCursor+1, len(m.failed())-1), 0)
		case key.Matches(msg, widget.KeyDetailD) && len(m.failed()) > 0:
			m.failCursor = min(m.failCursor, len(m.failed())-1)
			m.detail = true
		case msg.String() == "esc":
			return m, screen.GoBack()
		case msg.String() == "q":
			return m, screen.QuitApp()
		}
	}
	return m, nil
}

// confirm answers the y/n question.
func (m *Model) confirm(msg tea.KeyPressMsg) (screen.Screen, tea.Cmd) {
	switch m.dialog.question().Answer(msg) {
	case widget.Yes:
		if m.dialog == dialogQuit {
			m.quitWhenDone = true
		}
		m.dialog = dialogNone
		if m.state == stateRunning {
			m.run.Cancel()
			m.state = stateCancelling
		}
	case widget.No:
		m.dialog = dialogNone
	}
	return m, nil
}

// answer answers the run's question, or scrolls it.
func (m *Model) answer(msg tea.KeyPressMsg) (screen.Screen, tea.Cmd) {
	switch confirmOf(m.question).Answer(msg) {
	case widget.Yes:
		m.run.Answer(true)
		m.answered = m.question.Seq
	case widget.No:
		m.run.Answer(false)
		m.answered = m.question.Seq
	default:
		switch msg.String() {
		case "up", "k":
			m.qScroll--
		case "down", "j":
			m.qScroll++
		case "pgup":
			m.qScroll -= 10
		case "pgdown", "space":
			m.qScroll += 10
		}
		// The view stops at the end; bound it here by the most lines the
		// body can wrap to, so up answers at once after scrolling past it.
		m.qScroll = max(0, min(m.qScroll, len(text.Wrap(m.question.Body, 36))))
	}
	return m, nil
}

// setConcurrency applies n within the bounds.
func (m *Model) setConcurrency(n int) {
	n = max(MinConcurrency, min(MaxConcurrency, n))
	if n == m.concurrency {
		return
	}
	m.concurrency = n
	m.run.SetConcurrency(n)
}

// The limits l and b step through, from none to tighter: enough to make
// room for production traffic without typing a number mid-run
// (sync --max-rate and --max-bandwidth take any value).
var (
	objectLimits = []float64{0, 1000, 500, 100, 10}
	byteLimits   = []int64{0, 1 << 30, 100 << 20, 10 << 20, 1 << 20}
)

// next is the limit after cur in limits, wrapping to the first (none); a
// value not in the list (set on the command line) goes to the first.
func next[T comparable](limits []T, cur T) T {
	for i, v := range limits {
		if v == cur && i+1 < len(limits) {
			return limits[i+1]
		}
	}
	return limits[0]
}

// step is the +/- increment: about an eighth of the current value, so a
// few presses go from 4 to 64 and back, and single steps stay possible
// below 16.
func step(n int) int { return max(1, n/8) }
