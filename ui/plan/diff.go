package plan

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
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
		sum, err := b.Diff(ctx, mig, diffKeep)
		return diffMsg{gen: gen, sum: sum, err: err}
	}
}

func (m *Model) diffLoaded(msg diffMsg) {
	if !m.diff.finish(msg.gen, msg.err) || msg.err != nil {
		return
	}
	m.diff.sum, m.diff.loaded = msg.sum, true
	m.diff.scroll = clamp(m.diff.scroll, 0, m.diffMaxScroll())
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
// the title, its blank line and the "and more" line take the rest.
func diffRows(h int) int { return max(h-3, 1) }

func (m *Model) diffMaxScroll() int {
	return max(len(m.diff.sum.Entries[m.selected()])-diffRows(contentHeight(m.height)), 0)
}

func (m *Model) diffKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	d := &m.diff
	if key.Matches(msg, keyCompare) {
		state.Options.Compare = string(nextCompareMode(compareMode(state)))
		return m.withSpin(m.loadDiff(state))
	}
	if d.drilled {
		if key.Matches(msg, keyUndrill) {
			d.drilled = false
			return nil
		}
		scrollBy(msg, &d.scroll, m.diffMaxScroll(), diffRows(contentHeight(m.height)))
		return nil
	}
	switch {
	case key.Matches(msg, keyUp):
		d.cursor = clamp(d.cursor-1, 0, len(classes)-1)
	case key.Matches(msg, keyDown):
		d.cursor = clamp(d.cursor+1, 0, len(classes)-1)
	case key.Matches(msg, keyDrill) && d.loaded:
		d.drilled, d.scroll = true, 0
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
	out = append(out, "", st.Subtle.Render("↑↓ select a class · enter lists its keys"))
	return strings.Join(out, "\n")
}

// drillView lists the kept entries of the selected class from the scroll
// offset on; only the visible rows are rendered.
func (m *Model) drillView(state *screen.State, width, height int) string {
	st, d := state.Styles, &m.diff
	c := m.selected()
	entries := d.sum.Entries[c]
	title := st.Bold.Render(fmt.Sprintf("%s: %d objects, %s", c, d.sum.Stats.Count[c], transfer.FormatBytes(d.sum.Stats.Bytes[c]))) +
		st.Subtle.Render("   (esc: back to the classes)")
	if d.loading {
		title += " " + m.spin.View()
	}
	out := []string{cut(title, width), ""}
	if len(entries) == 0 {
		out = append(out, st.Subtle.Render("  no keys in this class"))
		return strings.Join(out, "\n")
	}
	rows := diffRows(height)
	off := clamp(d.scroll, 0, max(len(entries)-rows, 0))
	end := min(off+rows, len(entries))
	keyW := 0
	for _, e := range entries[off:end] {
		keyW = max(keyW, ansi.StringWidth(text.Key(e.Rel)))
	}
	keyW = min(keyW, max(width-40, 20))
	for _, e := range entries[off:end] {
		size := e.Src.Size
		if c == transfer.ClassExtra {
			size = e.Dst.Size
		}
		k := ansi.Truncate(text.Key(e.Rel), keyW, "…")
		row := fmt.Sprintf("  %s%s  %10s", k, strings.Repeat(" ", keyW-ansi.StringWidth(k)), transfer.FormatBytes(size))
		if e.Reason != "" {
			row += "  " + e.Reason
		}
		out = append(out, cut(row, width))
	}
	var more []string
	if len(entries) > rows {
		more = append(more, fmt.Sprintf("%d–%d of %d listed · ↑↓ pgup/pgdn scroll", off+1, end, len(entries)))
	}
	if d.sum.Truncated[c] {
		more = append(more, "… and more (only the first "+fmt.Sprint(len(entries))+" are listed)")
	}
	if len(more) > 0 {
		out = append(out, st.Subtle.Render(strings.Join(more, "   ")))
	}
	return strings.Join(out, "\n")
}
