package app

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// quit leaves the program, unless read grants this session applied are
// still in place: least privilege means they go when the migration is
// done, so q first asks (ctrl+c never does).
func (m *Model) quit() (tea.Model, tea.Cmd) {
	if grants := m.ctx.Backend.GrantsLeft(); len(grants) > 0 && m.quitAsk == nil {
		m.quitAsk = grants
		return m, nil
	}
	m.quitting = true
	return m, tea.Quit
}

// updateQuitAsk answers the reminder: y quits, anything else stays.
func (m *Model) updateQuitAsk(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if msg.String() == "y" || msg.String() == "Y" {
		m.quitting = true
		return m, tea.Quit
	}
	m.quitAsk = nil
	return m, nil
}

func (m *Model) quitAskView() string {
	st := m.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Grant still in place") + "\n\n")
	b.WriteString("This session granted read access that is still in the bucket policy:\n\n")
	for _, g := range m.quitAsk {
		b.WriteString("  " + st.Warn.Render(g) + "\n")
	}
	b.WriteString("\nRevoke it on the Summary (g), or later with\n`s3migrate policy s3://BUCKET --revert --grantee PRINCIPAL`.\n\n")
	b.WriteString(st.Help.Render("y: quit anyway   any other key: stay"))
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, st.FocusedPane.Width(min(m.width-4, 76)).Render(b.String()))
}
