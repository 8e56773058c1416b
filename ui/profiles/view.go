package profiles

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
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
	body := intro + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right)
	if m.detail {
		r := m.rows[min(m.cursor[m.focus], len(m.rows)-1)]
		// Inside the two panes' borders, as a box over a pane is drawn.
		return widget.Overlay(body, profileDetail(r).View(st, width-8), width, height)
	}
	return body
}

// profileDetail is one profile whole, for the overlay d opens: what the
// list shows of it cut to the pane (its name in the title, its problem or
// the error its identity came back with), the fields of its config that
// say where its credentials come from, and how to fix it. Each value
// wraps; none is cut.
func profileDetail(r row) widget.Detail {
	p := r.info
	var file []string
	if p.InConfig {
		file = append(file, "config")
	}
	if p.InCredentials {
		file = append(file, "credentials")
	}
	region := p.Region
	if region == "" && p.Kind != awsauth.KindEnv {
		region = "default region"
	}
	var fix, identityErr string
	if r.err != nil && p.Problem == "" { // as on the list: the problem explains the error
		identityErr = r.err.Error()
	}
	if p.Problem != "" || identityErr != "" {
		fix = p.Hint()
	}
	return widget.Detail{Title: "Profile " + text.Key(p.Name), Fields: []widget.Field{
		{Label: "kind", Value: string(p.Kind)},
		{Label: "region", Value: region},
		{Label: "defined in", Value: strings.Join(file, ", ")},
		{Label: "account", Value: r.id.Account},
		{Label: "identity", Value: r.id.ARN},
		{Label: "role", Value: p.RoleARN},
		{Label: "source profile", Value: p.SourceProfile},
		{Label: "credential source", Value: p.CredentialSource},
		{Label: "mfa serial", Value: p.MFASerial},
		{Label: "sso session", Value: p.SSOSession},
		{Label: "sso start url", Value: p.SSOStartURL},
		{Label: "sso account", Value: p.SSOAccountID},
		{Label: "sso role", Value: p.SSORoleName},
		{Label: "access key id", Value: p.AccessKeyID},
		{Label: "endpoint", Value: p.EndpointURL},
		{Label: "problem", Value: p.Problem},
		{Label: "identity error", Value: identityErr},
		{Label: "fix", Value: fix},
	}}
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
		lines = append(lines, "     "+m.identityLine(state, r, inner-5))
	}
	body := strings.Join(lines, "\n")
	return box.Width(w).Height(h).MaxHeight(h + 2).Render(body)
}

// identityLine is the identity line under a profile: account, region, status.
func (m *Model) identityLine(state *screen.State, r row, w int) string {
	st := state.Styles
	region := r.info.Region
	if region == "" {
		region = "default region"
	}
	var s string
	switch {
	case r.info.Problem != "":
		return problem(st, r.info.Problem, w)
	case !r.resolved:
		s = m.spin.View() + st.Subtle.Render(" resolving… ") + region
	case r.err != nil:
		return problem(st, r.err.Error(), w)
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

// moreHint ends a problem line cut to its pane: d shows the profile whole.
const moreHint = " d: whole"

// problem is the line of a profile that cannot be used, at most w cells:
// when the reason is longer, it is cut and ends saying that d shows it
// whole.
func problem(st style.Styles, reason string, w int) string {
	s := "✗ " + text.OneLine(reason)
	if ansi.StringWidth(s) <= w {
		return st.Fail.Render(s)
	}
	hint := ansi.StringWidth(moreHint)
	if w < hint+4 { // too narrow for the hint: cut only
		return st.Fail.Render(text.Fit(s, w))
	}
	return st.Fail.Render(ansi.Truncate(s, w-hint, "…")) + st.Key.Render(" d") + st.Subtle.Render(moreHint[2:])
}
