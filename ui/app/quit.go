package app

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/widget"
)

// quit leaves the program, unless read grants this session applied are
// still in place: least privilege means they go when the migration is
// done, so q first asks (ctrl+c never does).
func (m *Model) quit() (tea.Model, tea.Cmd) {
	if grants := m.state.Backend.GrantsLeft(); len(grants) > 0 && m.quitAsk == nil {
		m.quitAsk = grants
		return m, nil
	}
	m.quitting = true
	m.leave()
	return m, tea.Quit
}

// updateQuitAsk answers the reminder: y quits, any other key stays.
func (m *Model) updateQuitAsk(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.quitQuestion().Answer(msg) == widget.Yes {
		m.quitting = true
		m.leave()
		return m, tea.Quit
	}
	m.quitAsk = nil
	return m, nil
}

// quitQuestion names the grants left and how to revoke them.
func (m *Model) quitQuestion() widget.Confirm {
	st := m.state.Styles
	var b strings.Builder
	b.WriteString("This session granted read access that is still in the bucket policy:\n\n")
	for _, g := range m.quitAsk {
		b.WriteString("  " + st.Warn.Render(g) + "\n")
	}
	b.WriteString("\nRevoke it on the Summary (g), or later with\n`s3migrate policy s3://BUCKET --revert --grantee PRINCIPAL`.")
	return widget.Confirm{Title: "Grant still in place", Body: b.String(), Yes: "quit anyway", No: "stay"}
}
