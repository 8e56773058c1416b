package run

import (
	"charm.land/bubbles/v2/key"

	"github.com/s3migrate/s3migrate/ui/widget"
)

// The router leaves q and esc to this screen (a run must not be abandoned
// silently): while the run goes on, esc asks to cancel and q asks to cancel
// and quit; after it, esc goes back and q quits.
var (
	keyPause   = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause/resume"))
	keyMore    = key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "concurrency"))
	keyLess    = key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "less concurrency")) // shown with keyMore
	keyRate    = key.NewBinding(key.WithKeys("l"), key.WithHelp("l/b", "limit objects/s, bytes/s"))
	keyBytes   = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "limit bytes/s")) // shown with keyRate
	keyCancel  = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cancel run"))
	keyRetry   = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry failed"))
	keySummary = key.NewBinding(key.WithKeys("enter", "s"), key.WithHelp("enter", "summary"))
	// After the run, the failures table: a highlighted row, d shows it whole.
	keyFailUp   = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑↓/jk", "select a failure"))
	keyFailDown = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next failure")) // shown with keyFailUp
)

// Keys are shown in the help bar; only the ones that act in the current
// state are enabled.
func (m *Model) Keys() []key.Binding {
	if m.asking() {
		return confirmOf(m.question).Keys()
	}
	if m.dialog != dialogNone {
		return m.dialog.question().Keys()
	}
	running := m.state == stateRunning
	pause, more, rate, cancel := keyPause, keyMore, keyRate, keyCancel
	pause.SetEnabled(running)
	more.SetEnabled(running)
	rate.SetEnabled(running)
	cancel.SetEnabled(running)
	retry, summary := keyRetry, keySummary
	retry.SetEnabled(m.canRetry())
	summary.SetEnabled(m.state == stateFinished)
	if m.detail {
		return []key.Binding{widget.KeyClose}
	}
	if m.state == stateFinished && len(m.failed()) > 0 {
		return []key.Binding{retry, summary, keyFailUp, widget.KeyDetailD}
	}
	return []key.Binding{pause, more, rate, cancel, retry, summary}
}
