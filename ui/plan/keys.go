package plan

import (
	"charm.land/bubbles/v2/key"

	"github.com/s3migrate/s3migrate/ui/widget"
)

var (
	keyNextTab = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab"))
	keyPrevTab = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab"))
	keyTabN    = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1-5", "tabs"))
	keyUp      = widget.KeyUp
	keyDown    = widget.KeyDown // shown with keyUp
	keyPgUp    = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up"))
	keyPgDown  = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down"))
	// Start is enter everywhere except the Diff class list, where enter
	// drills down; S works on every tab.
	keyStart      = key.NewBinding(key.WithKeys("enter", "S"), key.WithHelp("enter/S", "start"))
	keyStartShift = key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "start"))

	// Policy tab.
	keyBroad = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "scoped/broad"))
	keyApply = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "apply"))
	keySave  = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save"))
	keyCopy  = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy"))

	// Preflight tab.
	keyRerun = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run"))

	// Diff tab.
	keyDrill   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "list keys"))
	keyCompare = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "compare mode"))
	keyUndrill = key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "classes"))
	// While the filter is typed (help only: filterKey reads the keys).
	keyFilterDone  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep the filter"))
	keyFilterClear = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear it"))
	keyFilter      = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	keyHome        = key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "first/last"))
	keyEnd         = key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")) // shown with keyHome

	// Options tab.
	keyInc    = key.NewBinding(key.WithKeys("+", "=", "right", "l"), key.WithHelp("+/→", "more"))
	keyDec    = key.NewBinding(key.WithKeys("-", "left", "h"), key.WithHelp("-/←", "less"))
	keyToggle = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle"))

	// Bucket tab (a applies, as on the Policy tab).
	keyAskPolicy = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "include policy"))
	keyReread    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read again"))
)

// Keys are shown in the help bar: the tab's own keys first.
func (m *Model) Keys() []key.Binding {
	if n := len(m.dialogs); n > 0 {
		return m.dialogs[n-1].ask.Keys()
	}
	nav := []key.Binding{keyNextTab, keyTabN}
	switch m.tab {
	case tabPolicy:
		return append([]key.Binding{keyUp, keyBroad, keyApply, keySave, keyCopy, keyStart}, nav...)
	case tabPreflight:
		return append([]key.Binding{keyRerun, keyUp, keyStart}, nav...)
	case tabDiff:
		if m.diff.drilled {
			switch d := &m.diff.drill; {
			case d.detail:
				return []key.Binding{widget.KeyClose}
			case d.typing:
				return []key.Binding{keyFilterDone, keyFilterClear}
			}
			return []key.Binding{keyUp, keyPgDown, keyHome, keyFilter, widget.KeyDetail, keyUndrill, keyStartShift}
		}
		return append([]key.Binding{keyUp, keyDrill, keyCompare, keyStartShift}, nav...)
	case tabOptions:
		if m.options.editing {
			return []key.Binding{keyAccept, keyLeave}
		}
		if m.options.cursor.isText() {
			return append([]key.Binding{keyUp, keyEdit, keyStartShift}, nav...)
		}
		return append([]key.Binding{keyUp, keyDec, keyInc, keyToggle, keyStart}, nav...)
	case tabBucket:
		return append([]key.Binding{keyUp, keyApply, keyAskPolicy, keyReread, keyStart}, nav...)
	}
	return nav
}
