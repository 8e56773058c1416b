package browser

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
)

// Column widths of an object row after the name.
const (
	sizeWidth     = 10
	modifiedWidth = len("2006-01-02 15:04")
	dayWidth      = len("2006-01-02")
	classWidth    = 12
	sideWidth     = 38
	// minName is the narrowest the name column gets: below it the other
	// columns drop, class first, then the time of day, the date, the size.
	minName = 20
	// listTop is the body line of the first row: border, title, heads.
	listTop = 3
)

// columns is which columns an object row has room for, and their widths.
type columns struct {
	name, date  int // date is 0 when the column is dropped
	size, class bool
}

// layout fits the columns into inner cells, dropping them in priority
// order rather than cutting names to a few characters.
func layout(inner int) columns {
	avail := inner - 4 // cursor and mark
	c := columns{date: modifiedWidth, size: true, class: true}
	need := func() int {
		n := 0
		if c.size {
			n += 2 + sizeWidth
		}
		if c.date > 0 {
			n += 2 + c.date
		}
		if c.class {
			n += 2 + classWidth
		}
		return n
	}
	for avail-need() < minName {
		switch {
		case c.class:
			c.class = false
		case c.date == modifiedWidth:
			c.date = dayWidth
		case c.date > 0:
			c.date = 0
		case c.size:
			c.size = false
		default:
			c.name = max(avail, 1)
			return c
		}
	}
	c.name = avail - need()
	return c
}

// View renders the listing with the side pane beside it, then the input
// line and the message line (both always drawn, so the panes do not jump
// when a message comes or goes). It notes where the rows were drawn: a
// mouse click is matched against what the user sees.
func (m *Model) View(state *screen.State, width, height int) string {
	sideW := min(sideWidth, width/3)
	if m.side != sideSelection && width >= 120 {
		sideW = min(64, max(46, width/3)) // room for an ETag and the lines of a preview
	}
	listW := width - sideW - 1
	paneH := max(height-2, 6)
	m.listW, m.rowsH = listW, paneH-5 // borders, title, heads, footer
	return lipgloss.JoinVertical(lipgloss.Left,
		lipgloss.JoinHorizontal(lipgloss.Top, m.listPane(state, listW, paneH), " ", m.sidePane(state, sideW, paneH)),
		m.promptLine(state, width), m.messageLine(state, width))
}

// listPane is the level: a title, column heads, the rows around the cursor
// and a footer saying whether more rows are coming.
func (m *Model) listPane(state *screen.State, w, h int) string {
	st := state.Styles
	inner := w - 4 // border and padding
	cols := layout(inner)

	title := st.Focused.Render("s3://"+state.SrcBucket+"/"+text.Key(m.prefix)) + st.Subtle.Render(m.titleCounts())
	lines := []string{ansi.Truncate(title, inner, "…"), st.Subtle.Render(ansi.Truncate(m.heads(cols), inner, "…"))}

	rowsH := h - 2 - len(lines) - 1 // border, and one line for the footer
	start, end := window(m.cursor, m.rows(), rowsH)
	cover := ""
	if m.prefix != "" {
		cover = m.cover(m.prefix + "x") // the level is inside a marked prefix
	}
	for i := start; i < end; i++ {
		lines = append(lines, m.renderRow(state, i, cols, cover != ""))
	}
	for len(lines) < h-3 {
		lines = append(lines, "")
	}
	lines = append(lines, m.footer(state, inner, cover))
	return st.FocusedPane.Width(w).Height(h).MaxHeight(h).Render(strings.Join(lines, "\n"))
}

// heads are the column heads; the sorted column carries an arrow, and a
// sort by a column that did not fit is named at the end.
func (m *Model) heads(c columns) string {
	arrow := func(s string, by sortBy) string {
		if m.sortBy != by {
			return s
		}
		if by == byName {
			return s + " ↑"
		}
		return s + " ↓"
	}
	h := "    " + text.Pad(arrow("name", byName), c.name)
	if c.size {
		h += "  " + text.PadLeft(arrow("size", bySize), sizeWidth)
	}
	if c.date > 0 {
		h += "  " + text.Pad(arrow("modified", byDate), c.date)
	}
	if c.class {
		h += "  class"
	}
	if (m.sortBy == bySize && !c.size) || (m.sortBy == byDate && c.date == 0) {
		h += "  (by " + m.sortLabel() + ")"
	}
	return h
}

// sortLabel names the order.
func (m *Model) sortLabel() string {
	switch m.sortBy {
	case bySize:
		return "size, largest first"
	case byDate:
		return "date, newest first"
	}
	return "name"
}

// titleCounts is the title's " · 3 prefixes, 120 objects", or what the filter
// or the search shows.
func (m *Model) titleCounts() string {
	switch {
	case m.searching():
		return fmt.Sprintf(" · search below: %q", m.query)
	case m.query != "":
		return fmt.Sprintf(" · filter %q: %d of %d", m.query, m.rows(), m.loaded())
	}
	if m.rows() == 0 {
		return ""
	}
	var parts []string
	if len(m.dirs) > 0 {
		parts = append(parts, plural(len(m.dirs), "prefix", "prefixes"))
	}
	if len(m.objs) > 0 {
		parts = append(parts, plural(len(m.objs), "object", "objects"))
	}
	s := " · " + strings.Join(parts, ", ")
	if m.more {
		s += " loaded so far"
	}
	return s
}

// renderRow is "▸ ● name  size  modified  class". Prefixes ("▹ name/") have
// no size, date or class: those belong to objects.
// A counted prefix shows its size and object count in the object columns.
func (m *Model) renderRow(state *screen.State, i int, c columns, covered bool) string {
	st := state.Styles
	k, obj := m.row(i)
	cursor := "  "
	if i == m.cursor {
		cursor = st.Cursor.Render("▸ ")
	}
	name := text.Key(strings.TrimPrefix(k, m.prefix))
	switch {
	case obj == nil:
		name = "▹ " + name
	case name == "":
		name = "(folder marker)" // the zero-byte object named like the prefix
	}
	if m.searching() {
		name = text.LeftTrunc(name, c.name) // a match's own name is at its end
	}
	name = text.Pad(ansi.Truncate(name, c.name, "…"), c.name)
	mark := "  "
	switch {
	case m.marked(state, k):
		mark, name = st.Selected.Render("● "), st.Selected.Render(name)
	case covered || (m.searching() && m.cover(k) != ""):
		mark = st.Subtle.Render("● ")
	}
	row := cursor + mark + name
	if obj == nil {
		return row + m.prefixColumns(state, k, c)
	}
	if c.size {
		row += "  " + text.PadLeft(transfer.FormatBytes(obj.Size), sizeWidth)
	}
	var rest []string
	if c.date > 0 {
		rest = append(rest, text.Pad(ansi.Truncate(modified(*obj), c.date, ""), c.date))
	}
	if c.class {
		rest = append(rest, ansi.Truncate(obj.StorageClass, classWidth, "…"))
	}
	if len(rest) > 0 {
		row += "  " + st.Subtle.Render(strings.Join(rest, "  "))
	}
	return row
}

// prefixColumns are a counted prefix's size and object count (or how far
// its count got), in the room the object columns leave.
func (m *Model) prefixColumns(state *screen.State, k string, c columns) string {
	pc := m.counts[k]
	if pc == nil || !c.size {
		return ""
	}
	st := state.Styles
	p := pc.prog
	room := 2 // what is left after the size, for the object count
	if c.date > 0 {
		room += 2 + c.date
	}
	if c.class {
		room += 2 + classWidth
	}
	var n string
	switch {
	case p.err != nil:
		return "  " + st.Error.Render(text.PadLeft("✗", sizeWidth))
	case !p.done:
		n = "counting… " + plural(int(p.scanned), "object", "objects") + " so far"
	case p.stopped:
		n = "at least " + plural(int(p.scanned), "object", "objects") + " (stopped)"
	default:
		n = plural(int(p.scanned), "object", "objects")
	}
	size := transfer.FormatBytes(p.bytes)
	if !p.done || p.stopped {
		size = "≥" + size
	}
	return "  " + text.PadLeft(size, sizeWidth) + st.Subtle.Render(ansi.Truncate("  "+n, room, "…"))
}

// footer says where the listing stands.
func (m *Model) footer(state *screen.State, inner int, cover string) string {
	st := state.Styles
	var s string
	switch {
	case m.listErr != nil:
		return st.Error.Render(ansi.Truncate("✗ "+text.OneLine(m.listErr.Error())+" (r retries)", inner, "…"))
	case m.searching():
		s = m.findStatus()
	case m.countLine() != "":
		s = m.countLine()
	case m.query != "" && !m.loading:
		s = m.findStatus()
	case m.loading && m.rows() == 0:
		s = m.spin.View() + "listing…"
	case m.loading:
		s = m.spin.View() + "loading more…"
	case m.more:
		s = "⋯ more below: they load as the cursor nears the end"
	case m.rows() == 0:
		s = "nothing here"
	case cover != "":
		s = "all of this is included: " + cover + " is marked"
	}
	return st.Subtle.Render(ansi.Truncate(s, inner, "…"))
}

// countLine is the progress of the count of the prefix under the cursor.
func (m *Model) countLine() string {
	if m.rows() == 0 {
		return ""
	}
	k, obj := m.row(m.cursor)
	pc := m.counts[k]
	if obj != nil || pc == nil {
		return ""
	}
	p := pc.prog
	switch {
	case p.err != nil:
		return "✗ count " + text.Key(k) + ": " + text.OneLine(p.err.Error())
	case !p.done:
		return m.spin.View() + "counting… " + text.Count(p.scanned) + " objects so far, " + transfer.FormatBytes(p.bytes) + " (c stops)"
	case p.stopped:
		return "count stopped: at least " + text.Count(p.scanned) + " objects, " + transfer.FormatBytes(p.bytes) + " (c counts again)"
	}
	return text.Key(k) + ": " + plural(int(p.scanned), "object", "objects") + " · " + transfer.FormatBytes(p.bytes)
}

// sidePane is the selection (its items, totals and destination), the
// preview of the highlighted object, or what the destination holds for it.
func (m *Model) sidePane(state *screen.State, w, h int) string {
	switch m.side {
	case sidePreview:
		return m.previewPane(state, w, h)
	case sideTarget:
		return m.targetPane(state, w, h)
	}
	st := state.Styles
	inner := w - 4
	lines := []string{st.Bold.Render("Selection")}
	items := state.Items
	if len(items) == 0 {
		lines = append(lines, st.Subtle.Render("nothing marked yet"))
	} else {
		lines = append(lines, st.Subtle.Render(plural(len(items), "item", "items")+" marked"))
	}

	bottom := m.totals(state, inner)
	room := h - 2 - len(lines) - len(bottom)
	shown := items
	if len(items) > room {
		shown = items[:max(0, room-1)]
	}
	for _, it := range shown {
		lines = append(lines, st.Selected.Render("● ")+ansi.Truncate(text.Key(it), inner-2, "…"))
	}
	if len(shown) < len(items) && room > 0 {
		lines = append(lines, st.Subtle.Render(fmt.Sprintf("… and %d more", len(items)-len(shown))))
	}
	for len(lines) < h-2-len(bottom) {
		lines = append(lines, "")
	}
	lines = append(lines, bottom...)
	return st.Pane.Width(w).Height(h).MaxHeight(h).Render(strings.Join(lines, "\n"))
}

// totals is the bottom of the side pane: the count and the destination.
func (m *Model) totals(state *screen.State, inner int) []string {
	st := state.Styles
	var total string
	switch {
	case m.counting:
		total = m.spin.View() + st.Subtle.Render("counting…")
	case m.countErr != nil:
		total = st.Error.Render(ansi.Truncate("✗ "+text.OneLine(m.countErr.Error()), inner, "…"))
	case len(state.Items) == 0 || !m.counted:
		total = st.Subtle.Render("—")
	default:
		total = plural(int(m.objects), "object", "objects") + " · " + transfer.FormatBytes(m.bytes)
	}
	dst := "s3://" + state.DstBucket + "/" + state.DstPrefix
	return []string{"",
		st.Bold.Render("Total"),
		total,
		"",
		st.Bold.Render("Destination"),
		ansi.Truncate(dst, inner, "…"),
		st.Subtle.Render("d changes the prefix"),
	}
}

// promptLine is the destination prefix input while it is open.
func (m *Model) promptLine(state *screen.State, width int) string {
	switch m.mode {
	case editingPrefix:
		return m.input.View()
	case finding:
		return m.find.View()
	}
	return ""
}

// messageLine is the last error (red) or, failing that, the last note.
func (m *Model) messageLine(state *screen.State, width int) string {
	return style.MessageLine(state.Styles, m.errLine, m.note, width)
}

// marked reports whether key is in the selection. Before sync has run
// after another screen changed state.Items, marks is stale: look there.
func (m *Model) marked(state *screen.State, key string) bool {
	if sameSlice(state.Items, m.published) {
		return m.marks[key]
	}
	return slices.Contains(state.Items, key)
}

func modified(o transfer.Object) string {
	if o.LastModified.IsZero() {
		return ""
	}
	return o.LastModified.UTC().Format("2006-01-02 15:04")
}

// window is the range of rows to draw so the cursor is visible. The cursor
// sits mid-window except near the ends; needing no scroll offset keeps the
// view a pure function of the model.
func window(cursor, n, h int) (start, end int) {
	if h <= 0 {
		return 0, 0
	}
	if n <= h {
		return 0, n
	}
	start = max(0, min(cursor-h/2, n-h))
	return start, start + h
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
