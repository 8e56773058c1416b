package profiles

import "charm.land/bubbles/v2/key"

var (
	keyUp     = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	keyDown   = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	keySwitch = key.NewBinding(key.WithKeys("tab", "left", "right", "h", "l"), key.WithHelp("tab/←→", "other side"))
	keyChoose = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "choose"))
	keyNext   = key.NewBinding(key.WithKeys("n", "enter"), key.WithHelp("n/enter", "next: buckets"))
	keyResume = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "resume the unfinished migration"))
	keyJobs   = key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "jobs"))
)

// Keys are shown in the help bar.
func (m *Model) Keys() []key.Binding {
	keys := []key.Binding{keyUp, keyDown, keySwitch, keyChoose, keyNext}
	if m.resumable != nil {
		keys = append(keys, keyResume)
	}
	return append(keys, keyJobs)
}
