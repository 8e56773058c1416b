package browser

import (
	"charm.land/bubbles/v2/key"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Bindings while browsing. The arrows walk the tree like a file manager:
// → goes in, ← goes up.
var (
	keyUp     = widget.KeyUp
	keyDown   = widget.KeyDown // shown with keyUp
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

	keyFind    = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter/search"))
	keySort    = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort name/size/date"))
	keyPreview = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "preview"))
	keyTarget  = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "destination pane"))
	keyCount   = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "count prefix"))
)

// Bindings while the destination prefix is being typed.
var (
	keyAccept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set prefix"))
	keyCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// Bindings while the filter is typed: the arrows still move the cursor,
// every other key is text.
var (
	keyFindKeep  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter"))
	keyFindClear = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop search/clear"))
	keyFindScope = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "this level/search below"))
	keyFindUp    = key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move"))
	keyFindDown  = key.NewBinding(key.WithKeys("down"))
)

// Keys are shown in the help bar; while text is typed only the keys that
// are not text are listed.
func (m *Model) Keys() []key.Binding {
	switch m.mode {
	case editingPrefix:
		return []key.Binding{keyAccept, keyCancel}
	case finding:
		return []key.Binding{keyFindKeep, keyFindClear, keyFindScope, keyFindUp}
	}
	return []key.Binding{keyUp, keyIn, keyOut, keyMark, keyAll, keyDst, keyNext,
		keyFind, keySort, keyPreview, keyTarget, keyCount, keyPgUp, keyPgDown, keyHome, keyReload}
}
