package profiles

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// View renders the two lists side by side.
func (m *Model) View(state *screen.State, width, height int) string {
	st := state.Styles
	if !m.loaded {
		return m.spin.View() + " reading AWS profiles…"
	}
	if m.loadErr != nil {
		return st.Error.Render("cannot read the AWS profiles: " + m.loadErr.Error())
	}
	if len(m.rows) == 0 {
		return st.Warn.Render("no AWS profiles found: run `aws configure`, or try `s3migrate demo`")
	}
	paneW := (width - 4) / 2
	left := m.pane(state, origin, "Origin — reads the source", paneW, height-4)
	right := m.pane(state, destination, "Destination — writes the copies", paneW, height-4)
	introText := "Pick the origin and destination identities (the same profile may do both). Enter continues."
	if lipgloss.Width(introText) > width {
		introText = "Pick the origin and destination profiles; Enter continues."
	}
	intro := st.Subtle.Render(introText)
	if m.hint != "" {
		intro = st.Warn.Render(ansi.Truncate(m.hint, width, "…"))
	}
	if r := m.resumable; r != nil {
		intro = st.Warn.Render(fmt.Sprintf("↺ Migration %s did not finish (%s, %d of %d done): s3://%s → s3://%s/%s. Press R to pick it up.",
			r.ID, r.State, r.Done, r.Planned, r.Migration.SrcBucket, r.Migration.DstBucket, r.Migration.DstPrefix)) + "\n" + intro
	}
	return intro + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right)
}

func (m *Model) pane(state *screen.State, s side, title string, w, h int) string {
	st := state.Styles
	box := st.Pane
	if m.focus == s {
		box = st.FocusedPane
		title = st.Focused.Render(title)
	} else {
		title = st.Blurred.Render(title)
	}
	inner := w - 4
	lines := []string{title, ""}
	for i, r := range m.rows {
		cursor := "  "
		if m.cursor[s] == i && m.focus == s {
			cursor = st.Cursor.Render("▸ ")
		}
		mark := "○ "
		name := r.info.Name
		if m.chosen[s] == i {
			mark = st.Selected.Render("● ")
			name = st.Selected.Render(name)
		}
		lines = append(lines, cursor+mark+name+st.Subtle.Render("  "+string(r.info.Kind)))
		lines = append(lines, "     "+m.detail(state, r, inner-5))
	}
	body := strings.Join(lines, "\n")
	return box.Width(w).Height(h).MaxHeight(h + 2).Render(body)
}

// detail is the identity line under a profile: account, region, status.
func (m *Model) detail(state *screen.State, r row, w int) string {
	st := state.Styles
	region := r.info.Region
	if region == "" {
		region = "default region"
	}
	var s string
	switch {
	case r.info.Problem != "":
		s = st.Fail.Render("✗ " + r.info.Problem)
	case !r.resolved:
		s = m.spin.View() + st.Subtle.Render(" resolving… ") + region
	case r.err != nil:
		s = st.Fail.Render("✗ " + r.err.Error())
	case r.id.Account != "":
		s = st.OK.Render("✓ ") + fmt.Sprintf("account %s  %s", r.id.Account, region)
		if lipgloss.Width(s) > w { // narrow: the account id says what it is
			s = st.OK.Render("✓ ") + fmt.Sprintf("%s  %s", r.id.Account, region)
		}
	default:
		s = st.OK.Render("✓ ") + fmt.Sprintf("%s  %s", r.id.Principal, region) + st.Subtle.Render("  (no STS)")
		if lipgloss.Width(s) > w {
			s = st.OK.Render("✓ ") + fmt.Sprintf("%s  %s", r.id.Principal, region)
		}
	}
	if lipgloss.Width(s) > w {
		s = lipgloss.NewStyle().MaxWidth(w).Render(s)
	}
	return s
}
