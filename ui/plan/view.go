package plan

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// contentHeight is the height of a tab's content in a body of height h:
// the tab bar and its rule above, a blank line and the start line below.
func contentHeight(h int) int { return max(h-4, 1) }

// View renders the tab bar, the current tab, the start line, and the top
// dialog over them.
func (m *Model) View(state *screen.State, width, height int) string {
	st := state.Styles
	ch := contentHeight(height)
	var content string
	switch m.tab {
	case tabPolicy:
		content = m.policyView(state, width, ch)
	case tabPreflight:
		content = m.preflightView(state, width, ch)
	case tabDiff:
		content = m.diffView(state, width, ch)
	case tabOptions:
		content = m.optionsView(state, width, ch)
	case tabBucket:
		content = m.bucketView(state, width, ch)
	}
	content = lipgloss.NewStyle().Height(ch).MaxHeight(ch).Render(content)
	rule := st.Subtle.Render(strings.Repeat("─", width))
	body := strings.Join([]string{m.tabBar(state, width), rule, content, "", m.startLine(state, width)}, "\n")
	if n := len(m.dialogs); n > 0 {
		body = widget.Overlay(body, m.dialogs[n-1].ask.View(st, width-4), width, height)
	} else if box := m.detailBox(state, width); box != "" {
		body = widget.Overlay(body, box, width, height)
	}
	return body
}

// tabBar names the tabs with their number; the current one is marked ▸
// and each shows the state of its load.
func (m *Model) tabBar(state *screen.State, width int) string {
	st := state.Styles
	var parts []string
	for t := tabPolicy; t < numTabs; t++ {
		label := fmt.Sprintf("%d %s", t+1, t)
		if b := m.badge(state, t); b != "" {
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
func (m *Model) badge(state *screen.State, t tab) string {
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
func (m *Model) startLine(state *screen.State, width int) string {
	st := state.Styles
	if reason := m.blocked(state); reason != "" {
		if m.refused {
			return cut(st.Fail.Render("✗ cannot start: "+reason), width)
		}
		return cut(st.Warn.Render("Start blocked: "+reason), width)
	}
	// enter drills down on the Diff tab and edits a filter row of the
	// Options tab, so S starts there.
	s := st.Key.Render("Start: enter") + st.Subtle.Render(" (or S)")
	if m.tab == tabDiff || (m.tab == tabOptions && m.options.cursor.isText()) {
		s = st.Key.Render("Start: S")
	}
	if m.diff.loaded {
		sum := m.diff.sum.Stats
		n := sum.Count[transfer.ClassNew] + sum.Count[transfer.ClassChanged]
		b := sum.Bytes[transfer.ClassNew] + sum.Bytes[transfer.ClassChanged]
		s += fmt.Sprintf(" — copies %d objects (%s)", n, transfer.FormatBytes(b))
		if state.Options.Delete {
			s += st.Fail.Render(fmt.Sprintf(", deletes %d", sum.Count[transfer.ClassExtra]))
		}
	}
	switch {
	case state.Options.DryRun:
		s += " · dry run: nothing is copied"
	case engineOf(&state.Options) == migration.EngineBatch:
		s += " · by an S3 Batch Operations job, asked before it runs"
	}
	return cut(s, width)
}
