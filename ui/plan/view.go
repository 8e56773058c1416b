package plan

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// contentHeight is the height of a tab's content in a body of height h:
// the tab bar and its rule above, a blank line and the start line below.
func contentHeight(h int) int { return max(h-4, 1) }

// View renders the tab bar, the current tab, the start line, and the top
// dialog over them.
func (m *Model) View(ctx *screen.Context, width, height int) string {
	st := ctx.Styles
	ch := contentHeight(height)
	var content string
	switch m.tab {
	case tabPolicy:
		content = m.policyView(ctx, width, ch)
	case tabPreflight:
		content = m.preflightView(ctx, width, ch)
	case tabDiff:
		content = m.diffView(ctx, width, ch)
	case tabOptions:
		content = m.optionsView(ctx, width, ch)
	case tabBucket:
		content = m.bucketView(ctx, width, ch)
	}
	content = lipgloss.NewStyle().Height(ch).MaxHeight(ch).Render(content)
	rule := st.Subtle.Render(strings.Repeat("─", width))
	body := strings.Join([]string{m.tabBar(ctx, width), rule, content, "", m.startLine(ctx, width)}, "\n")
	if n := len(m.dialogs); n > 0 {
		body = overlay(body, m.dialogs[n-1].view(st, width-4), width, height)
	}
	return body
}

// overlay draws box centred over base.
func overlay(base, box string, width, height int) string {
	x := max((width-lipgloss.Width(box))/2, 0)
	y := max((height-lipgloss.Height(box))/2, 0)
	return lipgloss.NewCanvas(width, height).
		Compose(lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(box).X(x).Y(y).Z(1))).
		Render()
}

// tabBar names the tabs with their number; the current one is marked ▸
// and each shows the state of its load.
func (m *Model) tabBar(ctx *screen.Context, width int) string {
	st := ctx.Styles
	var parts []string
	for t := tabPolicy; t < numTabs; t++ {
		label := fmt.Sprintf("%d %s", t+1, t)
		if b := m.badge(ctx, t); b != "" {
			label += " " + b
		}
		if t == m.tab {
			parts = append(parts, st.ActiveTab.Render("▸ "+label))
		} else {
			parts = append(parts, st.Tab.Render("  "+label))
		}
	}
	return cut(strings.Join(parts, " "), width)
}

// badge is a tab's state in the tab bar: a spinner while it loads, ✗ on
// an error or a failing check.
func (m *Model) badge(ctx *screen.Context, t tab) string {
	var l *load
	switch t {
	case tabPolicy:
		l = &m.policy.load
	case tabPreflight:
		l = &m.preflight.load
	case tabDiff:
		l = &m.diff.load
	case tabBucket:
		l = &m.bucket.load
	default:
		return ""
	}
	switch {
	case l.loading:
		return m.spin.View()
	case l.err != nil:
		return "✗"
	case t == tabPreflight && len(m.preflight.failing()) > 0:
		return fmt.Sprintf("✗%d", len(m.preflight.failing()))
	case t == tabPreflight && m.preflight.loaded:
		return "✓"
	case t == tabPolicy && m.policy.loaded && !m.policy.change.Unchanged():
		return "•"
	case t == tabBucket && m.bucket.loaded && m.bucket.res.Pending() > 0:
		return "•"
	}
	return ""
}

// startLine says how to start, or why Start is refused.
func (m *Model) startLine(ctx *screen.Context, width int) string {
	st := ctx.Styles
	if reason := m.blocked(); reason != "" {
		if m.refused {
			return cut(st.Fail.Render("✗ cannot start: "+reason), width)
		}
		return cut(st.Warn.Render("Start blocked: "+reason), width)
	}
	// enter drills down on the Diff tab, so S starts there.
	s := st.Key.Render("Start: enter") + st.Subtle.Render(" (or S)")
	if m.tab == tabDiff {
		s = st.Key.Render("Start: S")
	}
	if m.diff.loaded {
		sum := m.diff.sum.Stats
		n := sum.Count[transfer.ClassNew] + sum.Count[transfer.ClassChanged]
		b := sum.Bytes[transfer.ClassNew] + sum.Bytes[transfer.ClassChanged]
		s += fmt.Sprintf(" — copies %d objects (%s)", n, transfer.FormatBytes(b))
		if ctx.Options.Delete {
			s += st.Fail.Render(fmt.Sprintf(", deletes %d", sum.Count[transfer.ClassExtra]))
		}
	}
	if ctx.Options.DryRun {
		s += " · dry run: nothing is copied"
	}
	return cut(s, width)
}
