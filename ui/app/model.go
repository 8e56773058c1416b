// Package app is the TUI's root router: it owns the shared State, the
// stack of screens (Esc goes back) with a context per screen that leaving
// it cancels, the status line, the help bar and the size check. Screens
// live in their own packages under ui/.
package app

import (
	"context"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
)

// Factory builds a screen when it is entered.
type Factory func() screen.Screen

// Model is the root model.
type Model struct {
	state     *screen.State
	factories map[screen.ID]Factory
	// base is the parent of every screen's context.
	base     context.Context
	stack    []entry
	help     help.Model
	showHelp bool
	width    int
	height   int
	quitting bool

	mfa   *MFA
	modal *mfaModal
	// quitAsk holds the grants the reminder on quit names while it is
	// open (see quit.go).
	quitAsk []string
}

// entry is a screen on the stack with the context of its background work:
// derived when it is pushed, cancelled when it is popped (or the program
// quits), so a diff or a search stops when the operator leaves the screen.
type entry struct {
	id     screen.ID
	screen screen.Screen
	ctx    context.Context
	cancel context.CancelFunc
}

// push enters a new screen on top of the stack and returns its Init.
func (m *Model) push(id screen.ID) tea.Cmd {
	ctx, cancel := context.WithCancel(m.base)
	m.stack = append(m.stack, entry{id: id, screen: m.factories[id](), ctx: ctx, cancel: cancel})
	top := &m.stack[len(m.stack)-1]
	m.state.SetContext(top.ctx)
	return top.screen.Init(m.state)
}

// pop leaves the top screen, cancelling its work, and makes the one under
// it current again.
func (m *Model) pop() {
	m.stack[len(m.stack)-1].cancel()
	m.stack = m.stack[:len(m.stack)-1]
	m.state.SetContext(m.stack[len(m.stack)-1].ctx)
}

// leave cancels the work of every screen on the stack (quitting).
func (m *Model) leave() {
	for _, e := range m.stack {
		e.cancel()
	}
}

// MinWidth and MinHeight are the smallest terminal the TUI lays out in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// New builds the root model starting at first.
func New(b screen.Backend, st style.Styles, factories map[screen.ID]Factory, first screen.ID) *Model {
	state := &screen.State{Backend: b, Styles: st, Options: screen.RunOptions{Mode: "auto", Concurrency: 32, Verify: true, Compare: "size-etag"}}
	m := &Model{state: state, factories: factories, help: help.New(), base: context.Background()}
	ctx, cancel := context.WithCancel(m.base)
	m.stack = []entry{{id: first, screen: factories[first](), ctx: ctx, cancel: cancel}}
	state.SetContext(ctx)
	return m
}

// State exposes the shared state (for tests and the program's wiring).
func (m *Model) State() *screen.State { return m.state }

// Current is the screen on top.
func (m *Model) Current() screen.ID { return m.stack[len(m.stack)-1].id }

// Init starts the first screen.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.stack[0].screen.Init(m.state), m.waitMFA()) }
