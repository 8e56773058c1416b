// Package app is the TUI's root router: it owns the shared Context, the
// stack of screens (Esc goes back), the status line, the help bar and the
// size check. Screens live in their own packages under ui/.
package app

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
)

// Factory builds a screen when it is entered.
type Factory func() screen.Screen

// Model is the root model.
type Model struct {
	ctx       *screen.Context
	factories map[screen.ID]Factory
	stack     []entry
	help      help.Model
	showHelp  bool
	width     int
	height    int
	quitting  bool

	mfa   *MFA
	modal *mfaModal
	// quitAsk holds the grants the reminder on quit names while it is
	// open (see quit.go).
	quitAsk []string
}

type entry struct {
	id     screen.ID
	screen screen.Screen
}

// MinWidth and MinHeight are the smallest terminal the TUI lays out in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// New builds the root model starting at first.
func New(b screen.Backend, st style.Styles, factories map[screen.ID]Factory, first screen.ID) *Model {
	ctx := &screen.Context{Backend: b, Styles: st, Options: screen.RunOptions{Mode: "auto", Concurrency: 32, Verify: true, Compare: "size-etag"}}
	m := &Model{ctx: ctx, factories: factories, help: help.New()}
	m.stack = []entry{{id: first, screen: factories[first]()}}
	return m
}

// Context exposes the shared state (for tests).
func (m *Model) Context() *screen.Context { return m.ctx }

// Current is the screen on top.
func (m *Model) Current() screen.ID { return m.stack[len(m.stack)-1].id }

// Init starts the first screen.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.stack[0].screen.Init(m.ctx), m.waitMFA()) }
