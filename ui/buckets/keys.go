package buckets

import (
	"charm.land/bubbles/v2/key"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Bindings while browsing the two lists. They mirror the profiles screen so
// the same fingers work on both.
var (
	keyUp     = widget.KeyUp
	keyDown   = widget.KeyDown // shown with keyUp
	keySwitch = key.NewBinding(key.WithKeys("tab", "left", "right", "h", "l"), key.WithHelp("tab/←→", "origin/destination"))
	keyChoose = key.NewBinding(key.WithKeys("space", "enter"), key.WithHelp("space", "choose"))
	keyFilter = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	keyCreate = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "create bucket"))
	keyReload = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload"))
	keyNext   = key.NewBinding(key.WithKeys("n"), key.WithHelp("n/enter", "next: browse"))
)

// Bindings while a text input or a question has the keyboard. Only the
// arrows move the cursor then: letters belong to the input.
var (
	keyInputUp   = key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up"))
	keyInputDown = key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down"))
	keyAccept    = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept"))
	keyCancel    = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// Keys are shown in the help bar; they follow the mode so the bar never
// advertises a key that would be typed into an input instead.
func (m *Model) Keys() []key.Binding {
	switch m.mode {
	case filtering:
		return []key.Binding{keyInputUp, keyInputDown, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"))}
	case naming:
		return []key.Binding{keyAccept, keyCancel}
	case confirming:
		return m.ask.Keys()
	}
	return []key.Binding{keyUp, keySwitch, keyChoose, keyFilter, keyCreate, keyReload, keyNext}
}
