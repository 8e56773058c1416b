package plan

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// classes are the rows of the class list, in the order shown.
var classes = []transfer.Class{transfer.ClassNew, transfer.ClassChanged, transfer.ClassIdentical, transfer.ClassExtra}

// compareModes is the order m cycles through.
var compareModes = []transfer.CompareMode{transfer.CompareSizeETag, transfer.CompareSize, transfer.CompareSizeMtime, transfer.CompareChecksum}

// loadDiff diffs the selection in the background with the current compare
// mode.
func (m *Model) loadDiff(state *screen.State) tea.Cmd {
	gen := m.diff.start()
	ctx, b, mig := state.Context(), state.Backend, state.Migration()
	return func() tea.Msg {
		sum, err := b.Diff(ctx, mig)
		return diffMsg{gen: gen, sum: sum, err: err}
	}
}

// diffLoaded takes a new diff: the previous plan store is closed (removed)
// and an open drill-down reads its page again from the new one. A
// superseded diff's store is closed unseen.
func (m *Model) diffLoaded(state *screen.State, msg diffMsg) tea.Cmd {
	if !m.diff.finish(msg.gen, msg.err) || msg.err != nil {
		return closePlan(msg.sum.Plan)
	}
	old := m.diff.sum.Plan
	m.diff.sum, m.diff.loaded = msg.sum, true
	var cmd tea.Cmd
	if m.diff.drilled {
		m.diff.drill.detail = false
		cmd = m.first(state)
	}
	return tea.Batch(closePlan(old), cmd)
}

// closePlan removes a plan store in the background (nil: nothing to do).
func closePlan(p screen.PlanStore) tea.Cmd {
	if p == nil {
		return nil
	}
	return func() tea.Msg { p.Close(); return nil }
}

// compareMode is the current mode ("" means the default, size-etag).
func compareMode(state *screen.State) transfer.CompareMode {
	if state.Options.Compare == "" {
		return transfer.CompareSizeETag
	}
	return transfer.CompareMode(state.Options.Compare)
}

// nextCompareMode is the mode after cur; an unknown one goes to the first.
func nextCompareMode(cur transfer.CompareMode) transfer.CompareMode {
	i := slices.Index(compareModes, cur)
	return compareModes[(i+1)%len(compareModes)]
}

// selected is the class under the cursor.
func (m *Model) selected() transfer.Class { return classes[m.diff.cursor] }

// diffRows is how many entries fit in a drill-down of content height h:
// the title, the filter line and the position line take the rest.
func diffRows(h int) int { return max(h-3, 1) }

func (m *Model) diffKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	d := &m.diff
	if key.Matches(msg, keyCompare) {
		state.Options.Compare = string(nextCompareMode(compareMode(state)))
		return m.withSpin(m.loadDiff(state))
	}
	if d.drilled {
		return m.drillKey(state, msg)
	}
	switch {
	case key.Matches(msg, keyUp):
		d.cursor = clamp(d.cursor-1, 0, len(classes)-1)
	case key.Matches(msg, keyDown):
		d.cursor = clamp(d.cursor+1, 0, len(classes)-1)
	case key.Matches(msg, keyDrill) && d.loaded:
		return m.openDrill(state)
	}
	return nil
}

// classAction is what the run does with a class.
func classAction(state *screen.State, c transfer.Class) string {
	switch c {
	case transfer.ClassNew, transfer.ClassChanged:
		return "copied"
	case transfer.ClassIdentical:
		return "skipped"
	case transfer.ClassExtra:
		if state.Options.Delete {
			return state.Styles.Fail.Render("DELETED (delete extras is on)")
		}
		return "kept (delete extras is off)"
	}
	return ""
}

// diffView is the class list, or the drill-down of the selected class.
func (m *Model) diffView(state *screen.State, width, height int) string {
	st, d := state.Styles, &m.diff
	switch {
	case d.err != nil:
		return oneLine(st.Error, "✗ cannot diff the selection: "+d.err.Error(), width)
	case !d.loaded:
		return m.spin.View() + " listing both sides and diffing (compare: " + string(compareMode(state)) + ")…"
	}
	if d.drilled {
		return m.drillView(state, width, height)
	}
	dst := "s3://" + state.DstBucket + "/" + state.DstPrefix
	title := st.Bold.Render("Diff of the selection in s3://"+state.SrcBucket+" against "+dst) +
		"   compare: " + st.Key.Render(string(compareMode(state))) + st.Subtle.Render(" (m cycles)")
	out := []string{cut(title, width), ""}
	if d.loading {
		// On its own line: a long title must not cut it off.
		out[1] = cut(m.spin.View()+" diffing again… (the numbers below are the last diff's until it ends)", width)
	}
	out = append(out, st.Subtle.Render(fmt.Sprintf("  %-22s %10s %12s   %s", "class", "objects", "bytes", "the run")))
	for i, c := range classes {
		row := fmt.Sprintf("%-22s %10d %12s", c.String(), d.sum.Stats.Count[c], transfer.FormatBytes(d.sum.Stats.Bytes[c]))
		if i == d.cursor {
			row = st.Cursor.Render("▸ ") + st.Selected.Render(row)
		} else {
			row = "  " + row
		}
		out = append(out, row+"   "+classAction(state, c))
	}
	if l := m.filteredLine(state, width); l != "" {
		out = append(out, l)
	}
	if est := m.estimateLines(state, width); len(est) > 0 {
		out = append(append(out, ""), est...)
	}
	if len(out)+2 <= height {
		out = append(out, "", st.Subtle.Render("↑↓ select a class · enter lists its keys"))
	}
	return strings.Join(out, "\n")
}
