package widget

import (
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// Spinner stands for a screen's background work. It keeps one tick chain
// at a time (a second chain would spin it twice as fast), and the chain
// stops by itself once the screen is no longer busy.
type Spinner struct {
	model   spinner.Model
	ticking bool
}

// NewSpinner is the spinner every screen uses.
func NewSpinner() Spinner {
	return Spinner{model: spinner.New(spinner.WithSpinner(spinner.Dot))}
}

// Start returns the tick that starts the spinner, or nil when it is
// already ticking.
func (s *Spinner) Start() tea.Cmd {
	if s.ticking {
		return nil
	}
	s.ticking = true
	return s.model.Tick
}

// Update advances the spinner on its own tick while busy, and lets the
// chain end once the screen is not. ok reports that msg was a spinner
// tick (a tick of another screen's spinner is dropped).
func (s *Spinner) Update(msg tea.Msg, busy bool) (cmd tea.Cmd, ok bool) {
	tick, ok := msg.(spinner.TickMsg)
	if !ok {
		return nil, false
	}
	if tick.ID != s.model.ID() {
		return nil, true
	}
	if !busy {
		s.ticking = false
		return nil, true
	}
	s.model, cmd = s.model.Update(tick)
	return cmd, true
}

// View is the spinner's current frame.
func (s Spinner) View() string { return s.model.View() }
