// Package jobs is the history screen, reached from Profiles with J: every
// journaled migration (what `s3migrate jobs` lists) with its state,
// progress, bytes, times, profiles and locations. From it the operator
// writes and reads a migration's report, reads its failures from the
// journal, resumes it (the same way R on the profiles screen does: Start
// runs the journal again through migration.Resume) and forgets it (the
// journal is deleted after a question that names it, and never while a
// run holds it).
package jobs

import (
	"github.com/s3migrate/s3migrate/ui/screen"
)

// mode is what the screen shows under its title.
type mode int

const (
	modeList     mode = iota // the list, with the selected job's details
	modeReport               // the report written from the selected journal
	modeFailures             // the failed objects of the selected journal
)

// maxFailures bounds the failures read from a journal at once.
const maxFailures = 500

// defaultHeight is the body height assumed until a WindowSizeMsg arrives
// (the router does not resend one to a new screen).
const defaultHeight = 26

// Model is the jobs screen.
type Model struct {
	jobs    []screen.Job
	listed  bool // the first list arrived (or failed)
	loadErr error
	gen     int // numbers the list loads: a superseded one is dropped

	cursor int // index into jobs
	offset int // first row shown
	mode   mode

	// The report and failures are for the journal they were read from;
	// a result for another journal (the cursor moved) is dropped.
	report     screen.JobReport
	reportFor  string
	reportErr  error
	failures   []screen.JobFailure
	failFor    string
	failErr    error
	failScroll int
	// failCursor is the highlighted failure; detail shows it whole (d:
	// enter writes the report here).
	failCursor int
	detail     bool
	busy       bool // a report or failures read in flight

	// forget is the job the forget question is about (nil: no question).
	forget *screen.Job
	// note and noteErr are the outcome of the last action.
	note    string
	noteErr string

	height int
}

// New builds the screen.
func New() screen.Screen { return &Model{height: defaultHeight} }

// Capturing is true while the forget question waits, and while a report
// or the failures are open: esc closes them rather than leave the screen,
// and q does not quit in the middle of a question.
func (m *Model) Capturing() bool { return m.forget != nil || m.mode != modeList }

// Background results.
type (
	jobsMsg struct {
		gen  int
		jobs []screen.Job
		err  error
	}
	reportMsg struct {
		journal string
		report  screen.JobReport
		err     error
	}
	failuresMsg struct {
		journal  string
		failures []screen.JobFailure
		err      error
	}
	forgotMsg struct {
		job screen.Job
		err error
	}
)

// selected is the job under the cursor, or nil.
func (m *Model) selected() *screen.Job {
	if m.cursor < 0 || m.cursor >= len(m.jobs) {
		return nil
	}
	return &m.jobs[m.cursor]
}
