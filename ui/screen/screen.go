// Package screen is the contract between the TUI's root router and its
// screens: the Screen interface, the shared Context, navigation messages,
// and the Backend the screens call (only from tea.Cmds, never in Update).
package screen

import (
	"fmt"
	"slices"
	"strings"

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
// tea.Cmds that call the Backend, and handles their result messages.
type Screen interface {
	// Init starts the screen's background work when it is entered.
	Init(ctx *Context) tea.Cmd
	// Update handles a message; the returned Cmd may be nil.
	Update(ctx *Context, msg tea.Msg) (Screen, tea.Cmd)
	// View renders the screen's body in width × height cells.
	View(ctx *Context, width, height int) string
	// Keys are the bindings the help bar shows for this screen.
	Keys() []key.Binding
	// Capturing reports that the screen is taking text input (a filter, a
	// prefix, a dialog), so global keys such as q must not fire.
	Capturing() bool
}

// Context is the state the screens share: the choices made so far. The
// root router owns it; screens change it only in Update.
type Context struct {
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
}

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
}

// Reenterer is a screen that refreshes when the router comes back to it
// (Esc from a screen it led to): what it shows may have changed meanwhile,
// e.g. a run copied objects the plan's diff counted as new.
type Reenterer interface {
	Reenter(ctx *Context) tea.Cmd
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

// Migration is what the Backend needs, copied out of the context so a
// command never reads state Update may change.
func (c *Context) Migration() Migration {
	return Migration{
		SrcProfile: c.SrcProfile, DstProfile: c.DstProfile,
		SrcBucket: c.SrcBucket, DstBucket: c.DstBucket, SrcPrefix: c.SrcPrefix,
		Items: slices.Clone(c.Items), DstPrefix: c.DstPrefix,
		Compare: c.Options.Compare, Journal: c.Journal,
	}
}

// PickUp makes a journaled migration the current one (R on the profiles
// screen, R on the jobs screen): its identities, buckets, selection and
// journal, so that Start runs that journal again with its own definition.
func (c *Context) PickUp(r Migration) {
	c.SrcProfile, c.DstProfile, c.SrcIdentity, c.DstIdentity = r.SrcProfile, r.DstProfile, r.SrcProfile, r.DstProfile
	c.SrcBucket, c.DstBucket, c.Items, c.DstPrefix = r.SrcBucket, r.DstBucket, slices.Clone(r.Items), r.DstPrefix
	c.SrcPrefix, c.Journal = r.SrcPrefix, r.Journal
}

// LetGo forgets a migration picked up with PickUp once the operator
// goes back before its plan (to the jobs or profiles screen): a selection
// made from there is a new migration, and Start must not run the old
// journal with it.
func (c *Context) LetGo() {
	if c.Journal != "" {
		c.Journal, c.SrcPrefix = "", ""
	}
}

// Mapping says where the selection goes, with the key mapping the
// migration uses: a source key root+rel is written to dst-folder+rel.
func (c *Context) Mapping() string {
	dst := c.DstPrefix
	if dst != "" && !strings.HasSuffix(dst, "/") {
		dst += "/"
	}
	src := "s3://" + c.SrcBucket + "/" + c.SrcPrefix
	to := "s3://" + c.DstBucket + "/" + dst
	switch len(c.Items) {
	case 0:
		return src + " → " + to
	case 1:
		return src + c.Items[0] + " → " + to + c.Items[0]
	}
	return fmt.Sprintf("%s → %s (%d items, same keys below)", src, to, len(c.Items))
}
