// Package plan is the screen between choosing what to copy and copying it:
// the bucket policy the migration needs (and applying it), the preflight
// checks, the diff of keys per class, the run options, and the destination
// bucket's configuration (bucket.go). Start is refused while a preflight
// check fails.
package plan

import (
	"charm.land/bubbles/v2/textinput"

	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// tab is which of the five tabs is shown.
type tab int

const (
	tabPolicy tab = iota
	tabPreflight
	tabDiff
	tabOptions
	tabBucket
	numTabs
)

func (t tab) String() string {
	return [...]string{"Policy", "Preflight", "Diff", "Options", "Bucket"}[t]
}

// defaultHeight is the body height assumed for paging until a
// WindowSizeMsg arrives (the router does not resend one to a new screen).
const defaultHeight = 26

// load is the state of one background load. gen numbers the requests so
// that the result of a superseded one (b or m pressed twice) is dropped.
type load struct {
	gen     int
	loading bool
	err     error
}

// start begins a new request and returns its number.
func (l *load) start() int {
	l.gen++
	l.loading, l.err = true, nil
	return l.gen
}

// finish records a result; it reports false for a superseded request.
func (l *load) finish(gen int, err error) bool {
	if gen != l.gen {
		return false
	}
	l.loading, l.err = false, err
	return true
}

// policyTab is the Policy tab: the proposed change and what was done with it.
type policyTab struct {
	load
	change   bucketpolicy.Change
	lines    []bucketpolicy.DiffLine
	loaded   bool
	scroll   int
	applying bool
	// note is the outcome of the last apply, save or copy, shown under
	// the diff; noteErr marks it as a failure.
	note    string
	noteErr bool
}

// preflightTab is the Preflight tab.
type preflightTab struct {
	load
	checks []preflight.Check
	loaded bool
	// stale is set when an option the checks depend on (the ACL) changed:
	// they run again when the Options tab is left or Start is pressed.
	stale  bool
	scroll int // index of the first check shown
}

// failing names the checks that block a start.
func (p *preflightTab) failing() []string {
	var names []string
	for _, c := range p.checks {
		if c.Status == preflight.StatusFail {
			names = append(names, c.Name)
		}
	}
	return names
}

// diffTab is the Diff tab: the class list, or one class's entries.
type diffTab struct {
	load
	sum     screen.DiffSummary
	loaded  bool
	cursor  int  // the selected class
	drilled bool // showing the entries of the selected class
	drill   drill
}

// field is a row of the Options form.
type field int

const (
	fieldMode field = iota
	fieldConcurrency
	fieldACL
	fieldStorage
	fieldEncryption
	fieldKMSKey // text, typed after enter
	fieldDelete
	fieldDryRun
	fieldVerify
	fieldObjectLock
	// The filter's rows (filter.go): text typed after enter.
	fieldExclude
	fieldInclude
	fieldMinSize
	fieldMaxSize
	fieldNewer
	fieldOlder
	// The engine's rows (engine.go): a choice, then text.
	fieldEngine
	fieldBatchBucket
	fieldBatchRole
	numFields
)

// optionsTab is the Options tab; the values live in state.Options.
type optionsTab struct {
	cursor field
	// text is what was typed into each filter row, as it was accepted
	// (state.Options.Filter holds it parsed).
	text [numFields]string
	// editing is set while a filter row takes text in input; inputErr
	// says why the text was refused.
	editing  bool
	input    textinput.Model
	inputErr string
	// rediff is set when an option the diff or its estimate depends on
	// changed: the diff runs again when the tab is left.
	rediff bool
	// deleteWaits is set when Start with delete on ran the diff again
	// first: Start is refused until it ends, so the question counts
	// what the run will delete.
	deleteWaits bool
}

// Model is the plan screen.
type Model struct {
	tab       tab
	policy    policyTab
	preflight preflightTab
	diff      diffTab
	options   optionsTab
	bucket    bucketTab
	// dialogs is the overlay stack; the top one takes the keys.
	dialogs []dialog
	// refused is set when Start was pressed while blocked, so the footer
	// says so loudly until the next key.
	refused bool
	spin    widget.Spinner
	height  int // body height, for paging
}

// New builds the screen.
func New() screen.Screen {
	return &Model{spin: widget.NewSpinner(), height: defaultHeight}
}

// Capturing is true while a dialog is open, a diff class is drilled
// into or a filter row of the Options tab takes text: Esc and q belong to
// the screen then.
func (m *Model) Capturing() bool {
	return len(m.dialogs) > 0 || (m.tab == tabDiff && m.diff.drilled) || m.options.editing
}

// Background results.
type (
	policyMsg struct {
		gen    int
		change bucketpolicy.Change
		err    error
	}
	preflightMsg struct {
		gen    int
		checks []preflight.Check
		err    error
	}
	diffMsg struct {
		gen int
		sum screen.DiffSummary
		err error
	}
	appliedMsg struct{ err error }
	savedMsg   struct {
		path string
		err  error
	}
)
