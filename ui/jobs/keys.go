package jobs

import (
	"charm.land/bubbles/v2/key"

	"github.com/s3migrate/s3migrate/ui/widget"
)

var (
	keyUp       = widget.KeyUp
	keyDown     = widget.KeyDown // shown with keyUp
	keyPgUp     = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up"))
	keyPgDown   = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down"))
	keyReport   = key.NewBinding(key.WithKeys("enter", "o"), key.WithHelp("enter/o", "report"))
	keyFailures = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "failures"))
	keyResume   = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "resume"))
	keyForget   = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "forget"))
	keyReload   = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload"))
	keyClose    = key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back to the list"))
)

// Keys are shown in the help bar: the question's, an open report's or
// failures', or the list's.
func (m *Model) Keys() []key.Binding {
	switch {
	case m.forget != nil:
		return forgetQuestion(*m.forget).Keys()
	case m.mode == modeReport:
		return []key.Binding{keyFailures, keyClose}
	case m.detail:
		return []key.Binding{widget.KeyClose}
	case m.mode == modeFailures:
		return []key.Binding{keyUp, keyPgDown, widget.KeyDetailD, keyReport, keyClose}
	}
	return []key.Binding{keyUp, keyReport, keyFailures, keyResume, keyForget, keyReload}
}
