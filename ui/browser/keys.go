package browser

import "charm.land/bubbles/v2/key"

// Bindings while browsing. The arrows walk the tree like a file manager:
// → goes in, ← goes up.
var (
	keyUp     = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	keyDown   = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	keyPgUp   = key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up"))
	keyPgDown = key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down"))
	keyHome   = key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/G", "first/last"))
	keyEnd    = key.NewBinding(key.WithKeys("end", "G"))
	keyIn     = key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter/→", "open prefix"))
	keyOut    = key.NewBinding(key.WithKeys("left", "backspace", "h"), key.WithHelp("←/⌫", "up a level"))
	keyMark   = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark"))
	keyAll    = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "mark all/none"))
	keyDst    = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "destination prefix"))
	keyReload = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload"))
	keyNext   = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next: plan"))
)

// Bindings while the destination prefix is being typed.
var (
	keyAccept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set prefix"))
	keyCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// Keys are shown in the help bar; while the prefix is typed only enter and
// esc mean anything else than text.
func (m *Model) Keys() []key.Binding {
	if m.mode == editingPrefix {
		return []key.Binding{keyAccept, keyCancel}
	}
	return []key.Binding{keyUp, keyDown, keyIn, keyOut, keyMark, keyAll, keyDst, keyNext, keyPgUp, keyPgDown, keyHome, keyReload}
}
