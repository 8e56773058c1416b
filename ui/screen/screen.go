// Package screen is the contract between the TUI's root router and its
// screens: the Screen interface, the shared State, navigation messages,
// and the Backend the screens call (only from tea.Cmds, never in Update).
package screen

import (
	"context"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/style"
)

// ID names a screen.
type ID int

// The screens, in the order of the migration flow.
const (
	Profiles ID = iota
	Buckets
	Browser
	Plan
	Running
	Summary
	// Jobs is outside the flow: every journaled migration, reached from
	// Profiles; resuming one goes on to Plan.
	Jobs
)

func (id ID) String() string {
	return [...]string{"Profiles", "Buckets", "Browser", "Plan", "Run", "Summary", "Jobs"}[id]
}

// Screen is one step of the flow. Update must not do I/O: it returns
// tea.Cmds that call the Backend, and handles their result messages. Those
// Cmds run on state.Context(), which the router cancels when the screen is
// left.
type Screen interface {
	// Init starts the screen's background work when it is entered.
	Init(state *State) tea.Cmd
	// Update handles a message; the returned Cmd may be nil.
	Update(state *State, msg tea.Msg) (Screen, tea.Cmd)
	// View renders the screen's body in width × height cells.
	View(state *State, width, height int) string
	// Keys are the bindings the help bar shows for this screen.
	Keys() []key.Binding
	// Capturing reports that the screen is taking text input (a filter, a
	// prefix, a dialog), so global keys such as q must not fire.
	Capturing() bool
}

// State is what the screens share: the backend, the styles and the
// choices made so far. The root router owns it; screens change it only in
// Update.
type State struct {
	Backend Backend
	Styles  style.Styles

	SrcProfile, DstProfile   string
	SrcIdentity, DstIdentity string // "profile (account)" for the status line

	SrcBucket, DstBucket string
	// SrcPrefix is the source folder the items are relative to: "" (the
	// bucket root) when browsing, a journaled migration's folder after R.
	SrcPrefix string
	// Items are the hand-picked source keys and prefixes ("logs/2026/").
	Items []string
	// Journal is set when the migration is a journaled one picked up again:
	// Start runs that journal, with its own definition.
	Journal string
	// DstPrefix is prepended to every copied key.
	DstPrefix string
	// Where is the current browse location, for the status line.
	Where string

	// SaveDir is where files the user asks for are written (the directory
	// s3migrate started in: the embedded sandbox changes the working one).
	SaveDir string

	Options RunOptions
	// Result is the finished run, for the summary.
	Result *RunResult

	// work is the context of the screen on top (see Context).
	work context.Context
}

// Context is the context of the screen on top: the router derives one for
// each screen it enters and cancels it when that screen is left, so the
// screen's background work (a diff, a search, a verify) stops with it.
// Read it in Init or Update and hand it to the tea.Cmd; a Cmd must not read
// it, since by then another screen may be on top.
func (s *State) Context() context.Context {
	if s.work == nil {
		return context.Background()
	}
	return s.work
}

// SetContext is for the router: it installs the context of the screen it
// is about to call.
func (s *State) SetContext(ctx context.Context) { s.work = ctx }

// RunOptions are the Plan screen's options tab.
type RunOptions struct {
	// Mode is how objects travel: "auto" (server-side, relaying when the
	// origin policy denies the destination identity), "server-side" or
	// "relay" (through this machine: no grant needed).
	Mode         string
	Concurrency  int
	ACL          string
	StorageClass string
	Delete       bool
	DryRun       bool
	Verify       bool
	Compare      string
	Broad        bool // the broad policy instead of least privilege
	// Filter leaves keys and objects out of the plan and the run, as the
	// command line's --exclude/--include and size and age flags do.
	Filter Filter
	// KeepObjectLock gives each copy its source's Object Lock retention and
	// legal hold (sync --keep-object-lock).
	KeepObjectLock bool
	// SSE is the encryption the copies ask for: "" (the bucket's default),
	// "AES256" or "aws:kms" with SSEKMSKeyID ("": the account's default
	// key), as sync --sse and --sse-kms-key-id.
	SSE, SSEKMSKeyID string
	// Engine is "local" (this machine copies; "" means local) or "batch"
	// (an S3 Batch Operations job in the destination account copies).
	Engine string
	// BatchBucket is where a batch job's manifest and reports go
	// (s3://bucket/prefix/, in the destination account); BatchRole the
	// role it runs as ("": s3migrate shows one and creates it after a yes).
	BatchBucket, BatchRole string
}

// Reenterer is a screen that refreshes when the router comes back to it
// (Esc from a screen it led to): what it shows may have changed meanwhile,
// e.g. a run copied objects the plan's diff counted as new.
type Reenterer interface {
	Reenter(state *State) tea.Cmd
}

// Go asks the router to switch to a screen (entering it afresh).
type Go struct{ To ID }

// Back asks the router to go to the previous screen (Esc).
type Back struct{}

// Navigate returns the command that sends Go.
func Navigate(to ID) tea.Cmd { return func() tea.Msg { return Go{To: to} } }

// GoBack returns the command that sends Back.
func GoBack() tea.Cmd { return func() tea.Msg { return Back{} } }

// Quit asks the router to leave the program: screens send it rather than
// tea.Quit, so the router can remind of a grant still in place first.
type Quit struct{}

// QuitApp returns the command that sends Quit.
func QuitApp() tea.Cmd { return func() tea.Msg { return Quit{} } }

// Migration is what the Backend needs, copied out of the state (the
// selection cloned) so a command never reads what Update may change. It is
// the one way a screen derives the migration.
func (s *State) Migration() Migration {
	return Migration{
		SrcProfile: s.SrcProfile, DstProfile: s.DstProfile,
		SrcBucket: s.SrcBucket, DstBucket: s.DstBucket, SrcPrefix: s.SrcPrefix,
		Items: slices.Clone(s.Items), DstPrefix: s.DstPrefix,
		Compare: s.Options.Compare, Options: s.Options.Clone(), Journal: s.Journal,
	}
}

// Clone copies the options, the filter's patterns included, so a command
// never reads what Update may change.
func (o RunOptions) Clone() RunOptions {
	o.Filter = o.Filter.Clone()
	return o
}

// PickUp makes a journaled migration the current one (R on the profiles
// screen, R on the jobs screen): its identities, buckets, selection and
// journal, so that Start runs that journal again with its own definition.
func (s *State) PickUp(r Migration) {
	s.SrcProfile, s.DstProfile, s.SrcIdentity, s.DstIdentity = r.SrcProfile, r.DstProfile, r.SrcProfile, r.DstProfile
	s.SrcBucket, s.DstBucket, s.Items, s.DstPrefix = r.SrcBucket, r.DstBucket, slices.Clone(r.Items), r.DstPrefix
	s.SrcPrefix, s.Journal = r.SrcPrefix, r.Journal
}

// LetGo forgets a migration picked up with PickUp once the operator
// goes back before its plan (to the jobs or profiles screen): a selection
// made from there is a new migration, and Start must not run the old
// journal with it.
func (s *State) LetGo() {
	if s.Journal != "" {
		s.Journal, s.SrcPrefix = "", ""
	}
}

// Mapping says where the selection goes (see Migration.Mapping).
func (s *State) Mapping() string { return s.Migration().Mapping() }
