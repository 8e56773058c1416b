package app

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
)

// Update routes messages: global keys and navigation here, everything else
// to the screen on top.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	top := &m.stack[len(m.stack)-1]
	if req, ok := msg.(MFARequest); ok {
		m.modal = newMFAModal(req)
		return m, textinput.Blink
	}
	if m.modal != nil {
		if _, isKey := msg.(tea.KeyPressMsg); isKey {
			return m, m.updateMFA(msg)
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			m.quitting = true
			m.leave()
			return m, tea.Quit
		}
		if m.quitAsk != nil {
			return m.updateQuitAsk(msg)
		}
		if !top.screen.Capturing() {
			switch {
			case key.Matches(msg, keyQuit) && top.id != screen.Running:
				return m.quit()
			case key.Matches(msg, keyHelp):
				m.showHelp = !m.showHelp
				return m, nil
			case key.Matches(msg, keyBack) && top.id != screen.Running:
				return m.back()
			}
		}
	case screen.Go:
		return m, m.push(msg.To)
	case screen.Back:
		return m.back()
	case screen.Quit:
		return m.quit()
	case tea.MouseClickMsg:
		// Screens get coordinates in their own body, below the header.
		msg.Y -= lipgloss.Height(m.header(top.id))
		return m.toScreen(top, msg)
	case tea.MouseWheelMsg:
		msg.Y -= lipgloss.Height(m.header(top.id))
		return m.toScreen(top, msg)
	}
	return m.toScreen(top, msg)
}

// toScreen hands a message to the top screen.
func (m *Model) toScreen(top *entry, msg tea.Msg) (tea.Model, tea.Cmd) {
	s, cmd := top.screen.Update(m.state, msg)
	top.screen = s
	return m, cmd
}

// back pops the top screen; on the first screen it does nothing. The
// screen under it may refresh what a later screen changed (the plan after
// a run).
func (m *Model) back() (tea.Model, tea.Cmd) {
	if len(m.stack) <= 1 {
		return m, nil
	}
	m.pop()
	if r, ok := m.stack[len(m.stack)-1].screen.(screen.Reenterer); ok {
		return m, r.Reenter(m.state)
	}
	return m, nil
}
