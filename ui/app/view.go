package app

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// View lays out: title and status line, the screen, the help bar.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	// Wheel and clicks move the browser's cursor; text is still selected
	// with shift held, as in most terminal programs with a mouse.
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "s3migrate"
	return v
}

func (m *Model) render() string {
	if m.quitting {
		return ""
	}
	st := m.state.Styles
	if m.width == 0 {
		return "starting…"
	}
	if m.width < MinWidth || m.height < MinHeight {
		return st.Warn.Render(fmt.Sprintf("s3migrate needs a terminal of at least %d×%d; this one is %d×%d. Make it larger, or press q to quit.",
			MinWidth, MinHeight, m.width, m.height))
	}
	top := m.stack[len(m.stack)-1]
	header := m.header(top.id)
	helpBar := m.helpBar(top.screen)
	bodyHeight := m.height - lipgloss.Height(header) - lipgloss.Height(helpBar)
	body := top.screen.View(m.state, m.width, bodyHeight)
	body = lipgloss.NewStyle().Width(m.width).Height(bodyHeight).MaxHeight(bodyHeight).Render(body)
	frame := lipgloss.JoinVertical(lipgloss.Left, header, body, helpBar)
	// The router's own questions go over the whole screen.
	switch {
	case m.modal != nil:
		return widget.Overlay(frame, m.mfaBox(), m.width, m.height)
	case m.quitAsk != nil:
		return widget.Overlay(frame, m.quitQuestion().View(st, m.width-4), m.width, m.height)
	}
	return frame
}

// header is the title with the flow's steps and the status line with both
// identities and the current location.
func (m *Model) header(cur screen.ID) string {
	st := m.state.Styles
	var steps []string
	if cur == screen.Jobs {
		// Outside the flow: the history of journaled migrations.
		steps = append(steps, st.Subtle.Render("  "+screen.Profiles.String()), st.ActiveTab.Render("▸ "+cur.String()))
	}
	for id := screen.Profiles; id <= screen.Summary && cur != screen.Jobs; id++ {
		name := id.String()
		switch {
		case id == cur:
			steps = append(steps, st.ActiveTab.Render("▸ "+name))
		case id < cur:
			steps = append(steps, st.Subtle.Render("✓ "+name))
		default:
			steps = append(steps, st.Subtle.Render("  "+name))
		}
	}
	title := st.Title.Render("s3migrate") + "  " + strings.Join(steps, st.Subtle.Render(" › "))
	c := m.state
	origin := orDash(c.SrcIdentity, c.SrcProfile)
	dest := orDash(c.DstIdentity, c.DstProfile)
	where := ""
	switch {
	case cur >= screen.Plan && cur <= screen.Summary && c.SrcBucket != "" && c.DstBucket != "":
		// From the plan on, where the keys really go comes first: it is what
		// a narrow terminal must not cut.
		status := st.Status.Render(truncate(c.Mapping()+"   origin: "+origin+"   destination: "+dest, m.width))
		return title + "\n" + status + "\n"
	case c.SrcBucket != "" && cur != screen.Jobs:
		where = "  s3://" + c.SrcBucket + "/" + c.Where
		if c.DstBucket != "" {
			where += " → s3://" + c.DstBucket + "/" + folder(c.DstPrefix)
		}
	}
	status := st.Status.Render(truncate("origin: "+origin+"   destination: "+dest+where, m.width))
	return title + "\n" + status + "\n"
}

func orDash(id, profile string) string {
	switch {
	case id != "":
		return id
	case profile != "":
		return profile
	}
	return "—"
}

func (m *Model) helpBar(s screen.Screen) string {
	keys := append([]key.Binding{}, s.Keys()...)
	if !s.Capturing() {
		// While a screen captures (a question, a text input), esc, ? and
		// q are its own: the screen's keys say what they do.
		keys = append(keys, keyBack, keyHelp, keyQuit)
	}
	if m.showHelp {
		return m.help.FullHelpView([][]key.Binding{keys})
	}
	return m.help.ShortHelpView(keys)
}

func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r)) > w-1 {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// folder renders a destination prefix as the folder it names.
func folder(p string) string {
	if p != "" && !strings.HasSuffix(p, "/") {
		return p + "/"
	}
	return p
}
