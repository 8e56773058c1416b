package profiles

import (
	"charm.land/bubbles/v2/key"

	"github.com/s3migrate/s3migrate/ui/widget"
)

var (
	keyUp     = widget.KeyUp
	keyDown   = widget.KeyDown // shown with keyUp
	keySwitch = key.NewBinding(key.WithKeys("tab", "left", "right", "h", "l"), key.WithHelp("tab/←→", "other side"))
	keyChoose = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "choose"))
	keyNext   = key.NewBinding(key.WithKeys("n", "enter"), key.WithHelp("n/enter", "next: buckets"))
	keyResume = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "resume the unfinished migration"))
	keyJobs   = key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "jobs"))
)

// Keys are shown in the help bar; while a profile's detail is open, only
// what closes it.
func (m *Model) Keys() []key.Binding {
	if m.detail {
		return []key.Binding{widget.KeyClose}
	}
	keys := []key.Binding{keyUp, keySwitch, keyChoose, keyNext, widget.KeyDetailD}
	if m.resumable != nil {
		keys = append(keys, keyResume)
	}
	return append(keys, keyJobs)
}
