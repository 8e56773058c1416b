package app

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

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
			return m, tea.Quit
		}
		if !top.screen.Capturing() {
			switch {
			case key.Matches(msg, keyQuit) && top.id != screen.Running:
				m.quitting = true
				return m, tea.Quit
			case key.Matches(msg, keyHelp):
				m.showHelp = !m.showHelp
				return m, nil
			case key.Matches(msg, keyBack) && top.id != screen.Running:
				return m.back()
			}
		}
	case screen.Go:
		e := entry{id: msg.To, screen: m.factories[msg.To]()}
		m.stack = append(m.stack, e)
		return m, e.screen.Init(m.ctx)
	case screen.Back:
		return m.back()
	}
	s, cmd := top.screen.Update(m.ctx, msg)
	top.screen = s
	return m, cmd
}

// back pops the top screen; on the first screen it does nothing.
func (m *Model) back() (tea.Model, tea.Cmd) {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	return m, nil
}
