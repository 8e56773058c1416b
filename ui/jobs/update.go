package jobs

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Init reads the journals.
func (m *Model) Init(state *screen.State) tea.Cmd { return m.load(state) }

// Reenter reads them again when the operator comes back (from a resumed
// migration's plan or run): states and counts have moved. The migration
// picked up is let go: what is chosen next is chosen afresh.
func (m *Model) Reenter(state *screen.State) tea.Cmd {
	state.LetGo()
	m.mode, m.forget = modeList, nil
	return m.load(state)
}

// load lists the journals in a command.
func (m *Model) load(state *screen.State) tea.Cmd {
	m.gen++
	gen, b := m.gen, state.Backend
	return func() tea.Msg {
		list, err := b.Jobs()
		return jobsMsg{gen: gen, jobs: list, err: err}
	}
}

// Update handles keys and the background results.
func (m *Model) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// The router's title, status line and help bar take four rows.
		m.height = max(msg.Height-4, 8)
	case jobsMsg:
		m.takeList(msg)
	case reportMsg:
		if j := m.selected(); j != nil && j.Migration.Journal == msg.journal {
			m.busy, m.report, m.reportFor, m.reportErr = false, msg.report, msg.journal, msg.err
		}
	case failuresMsg:
		if j := m.selected(); j != nil && j.Migration.Journal == msg.journal {
			m.busy, m.failures, m.failFor, m.failErr, m.failScroll, m.failCursor = false, msg.failures, msg.journal, msg.err, 0, 0
		}
	case forgotMsg:
		return m, m.forgot(state, msg)
	case tea.KeyPressMsg:
		return m, m.key(state, msg)
	}
	return m, nil
}

// takeList takes a new list, keeping the cursor on the same journal when
// it is still there.
func (m *Model) takeList(msg jobsMsg) {
	if msg.gen != m.gen {
		return
	}
	m.listed, m.loadErr = true, msg.err
	if msg.err != nil {
		return
	}
	cur := ""
	if j := m.selected(); j != nil {
		cur = j.Migration.Journal
	}
	m.jobs, m.cursor = msg.jobs, 0
	for i, j := range m.jobs {
		if j.Migration.Journal == cur {
			m.cursor = i
		}
	}
	m.clamp()
}

func (m *Model) key(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	if m.forget != nil {
		return m.answer(state, msg)
	}
	switch m.mode {
	case modeReport, modeFailures:
		return m.openKey(state, msg)
	}
	m.note, m.noteErr = "", ""
	switch {
	case key.Matches(msg, keyUp):
		m.cursor--
	case key.Matches(msg, keyDown):
		m.cursor++
	case key.Matches(msg, keyPgUp):
		m.cursor -= listRows(m.height)
	case key.Matches(msg, keyPgDown):
		m.cursor += listRows(m.height)
	case key.Matches(msg, keyReload):
		return m.load(state)
	case key.Matches(msg, keyReport):
		return m.openReport(state)
	case key.Matches(msg, keyFailures):
		return m.openFailures(state)
	case key.Matches(msg, keyResume):
		return m.resume(state)
	case key.Matches(msg, keyForget):
		m.askForget()
	}
	m.clamp()
	return nil
}

// openKey handles the keys of an open report or failure list.
func (m *Model) openKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	if m.detail {
		if key.Matches(msg, widget.KeyClose) {
			m.detail = false
		}
		return nil
	}
	switch {
	case m.mode == modeFailures && key.Matches(msg, widget.KeyDetailD) && len(m.failures) > 0:
		m.detail = true
		return nil
	case key.Matches(msg, keyClose):
		m.mode = modeList
	case m.mode == modeReport && key.Matches(msg, keyFailures):
		return m.openFailures(state)
	case m.mode == modeFailures && key.Matches(msg, keyReport):
		return m.openReport(state)
	case m.mode == modeFailures && key.Matches(msg, keyUp):
		m.failCursor--
	case m.mode == modeFailures && key.Matches(msg, keyDown):
		m.failCursor++
	case m.mode == modeFailures && key.Matches(msg, keyPgUp):
		m.failCursor -= failRows(m.height)
	case m.mode == modeFailures && key.Matches(msg, keyPgDown):
		m.failCursor += failRows(m.height)
	}
	m.failCursor = max(0, min(m.failCursor, len(m.failures)-1))
	m.failScroll = window(m.failScroll, m.failCursor, failRows(m.height), len(m.failures))
	return nil
}

// usable says why the selected job cannot be acted on, or "".
func usable(j *screen.Job) string {
	switch {
	case j == nil:
		return "no migration is selected"
	case j.Err != "":
		return "the journal " + j.Migration.Journal + " cannot be read: " + j.Err
	}
	return ""
}

// openReport writes and shows the report of the selected journal, in the
// directory the operator's other saved files go to.
func (m *Model) openReport(state *screen.State) tea.Cmd {
	j := m.selected()
	if why := usable(j); why != "" {
		m.noteErr = why
		return nil
	}
	m.mode, m.busy, m.reportFor, m.reportErr = modeReport, true, j.Migration.Journal, nil
	b, path, dir := state.Backend, j.Migration.Journal, state.SaveDir
	return func() tea.Msg {
		rep, err := b.JobReport(path, dir)
		return reportMsg{journal: path, report: rep, err: err}
	}
}

// openFailures reads the failed objects of the selected journal.
func (m *Model) openFailures(state *screen.State) tea.Cmd {
	j := m.selected()
	if why := usable(j); why != "" {
		m.noteErr = why
		return nil
	}
	m.mode, m.busy, m.failFor, m.failErr, m.failures = modeFailures, true, j.Migration.Journal, nil, nil
	b, path := state.Backend, j.Migration.Journal
	return func() tea.Msg {
		fs, err := b.JobFailures(path, maxFailures)
		return failuresMsg{journal: path, failures: fs, err: err}
	}
}

// resume picks the selected migration up the way R on the profiles
// screen does: the plan checks everything again, and Start runs its
// journal through the same lifecycle as `s3migrate resume`.
func (m *Model) resume(state *screen.State) tea.Cmd {
	j := m.selected()
	switch {
	case usable(j) != "":
		m.noteErr = usable(j)
	case j.Held:
		m.noteErr = fmt.Sprintf("%s is running in %s: it cannot be resumed while that run holds its journal", j.ID, holder(j))
	case j.State == "done":
		m.noteErr = fmt.Sprintf("%s finished: there is nothing to resume (a new migration of the same folders skips what is identical)", j.ID)
	default:
		state.PickUp(j.Migration)
		return screen.Navigate(screen.Plan)
	}
	return nil
}

// askForget opens the question, unless a run holds the journal.
func (m *Model) askForget() {
	j := m.selected()
	switch {
	case j == nil:
		m.noteErr = "no migration is selected"
	case j.Held:
		m.noteErr = fmt.Sprintf("%s is running in %s: a journal in use is not forgotten; stop that run first", j.ID, holder(j))
	default:
		c := *j
		m.forget = &c
	}
}

// answer handles the forget question's y or n.
func (m *Model) answer(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	j := m.forget
	switch forgetQuestion(*j).Answer(msg) {
	case widget.Yes:
		m.forget = nil
		b := state.Backend
		return func() tea.Msg { return forgotMsg{job: *j, err: b.Forget(j.Migration.Journal)} }
	case widget.No:
		m.forget = nil
		m.note = j.ID + " is kept"
	}
	return nil
}

// forgot records the outcome and reads the list again: a refused forget
// (the journal was taken by a run since the list was read) shows why.
func (m *Model) forgot(state *screen.State, msg forgotMsg) tea.Cmd {
	if msg.err != nil {
		// A LockedError names the holder: the run that took the journal
		// since the list was read.
		m.noteErr = "not forgotten: " + msg.err.Error()
	} else {
		m.note = fmt.Sprintf("forgot %s: its journal %s is deleted (the buckets are untouched)", msg.job.ID, msg.job.Migration.Journal)
	}
	return m.load(state)
}

// holder names the process that holds a journal.
func holder(j *screen.Job) string {
	if j.HolderPID > 0 {
		return fmt.Sprintf("process %d on %s", j.HolderPID, j.HolderHost)
	}
	return "another process"
}

// clamp keeps the cursor on a job and in view.
func (m *Model) clamp() {
	m.cursor = max(0, min(m.cursor, len(m.jobs)-1))
	m.offset = window(m.offset, m.cursor, listRows(m.height), len(m.jobs))
}
