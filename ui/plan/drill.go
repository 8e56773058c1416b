package plan

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// drill is the drill-down of one class: a window of the whole plan, paged
// from the diff's PlanStore (a temporary database in the live backend), so
// only the rows on screen are in memory whatever the number of keys.
type drill struct {
	gen     int              // numbers page requests: a superseded page is dropped
	rows    []transfer.Entry // the page on screen
	offset  int64            // index of rows[0] among the entries the filter keeps
	total   int64            // entries the filter keeps (the class's count without one)
	cursor  int              // the highlighted row, an index into rows
	filter  string
	typing  bool // the filter line takes the keys
	loading bool
	err     error
	detail  bool // the highlighted row is shown whole over the list
	// stop cancels the page request in flight: a filter typed key by key
	// asks for a count each time, and a superseded count (a scan of the
	// class) must not hold up the next one.
	stop context.CancelFunc
}

// captures reports that the drill-down takes every key (typing a filter,
// or the detail open), before the tab keys.
func (d *drill) captures() bool { return d.typing || d.detail }

// pageMsg is a page read from the plan store. offset and cursor say where
// it goes: computed when asked, adjusted by how many rows came back.
type pageMsg struct {
	gen   int
	page  screen.PlanPage
	err   error
	at    func(got int) (offset int64, cursor int)
	count bool // the page carries the filter's total
	// reset: the page replaces the list even when empty (a first page);
	// an empty page past the end otherwise leaves the list as it is.
	reset bool
}

// pageSize is how many rows the drill-down shows.
func (m *Model) pageSize() int { return diffRows(contentHeight(m.height)) }

// fetch reads a page of the selected class in the background.
func (m *Model) fetch(state *screen.State, from screen.PlanFrom, k string, count bool, at func(got int) (int64, int)) tea.Cmd {
	d := &m.diff.drill
	store := m.diff.sum.Plan
	if store == nil {
		return nil
	}
	d.gen++
	d.loading = true
	if d.stop != nil {
		d.stop()
	}
	ctx, stop := context.WithCancel(state.Context())
	d.stop = stop
	gen, reset := d.gen, from == screen.PlanFirst
	q := screen.PlanQuery{Class: m.selected(), Filter: d.filter, From: from, Key: k, Limit: m.pageSize(), Count: count}
	return func() tea.Msg {
		defer stop()
		p, err := store.Page(ctx, q)
		return pageMsg{gen: gen, page: p, err: err, at: at, count: count, reset: reset}
	}
}

// first reads the first page (again): on drilling in, a new filter, a new
// diff.
func (m *Model) first(state *screen.State) tea.Cmd {
	d := &m.diff.drill
	count := d.filter != ""
	if !count {
		d.total = m.diff.sum.Stats.Count[m.selected()]
	}
	return m.fetch(state, screen.PlanFirst, "", count, func(int) (int64, int) { return 0, 0 })
}

// resized reads the page on screen again from its first row when the
// height changed, so the list fills the new height.
func (m *Model) resized(state *screen.State) tea.Cmd {
	d := &m.diff.drill
	if !m.diff.drilled || len(d.rows) == 0 || len(d.rows) == m.pageSize() {
		return nil
	}
	off, cur := d.offset, d.cursor
	return m.fetch(state, screen.PlanAt, d.rows[0].Rel, false, func(got int) (int64, int) { return off, cur })
}

// openDrill drills into the selected class.
func (m *Model) openDrill(state *screen.State) tea.Cmd {
	m.diff.drilled = true
	if m.diff.drill.stop != nil {
		m.diff.drill.stop()
	}
	m.diff.drill = drill{gen: m.diff.drill.gen}
	return m.first(state)
}

func (m *Model) pageLoaded(msg pageMsg) {
	d := &m.diff.drill
	if msg.gen != d.gen {
		return
	}
	d.loading, d.err = false, msg.err
	if msg.err != nil {
		return
	}
	if msg.count {
		d.total = msg.page.Total
	}
	got := len(msg.page.Entries)
	if got == 0 && !msg.reset && len(d.rows) > 0 {
		return // nothing past the end: keep the page on screen
	}
	d.rows = msg.page.Entries
	d.offset, d.cursor = msg.at(got)
	d.offset = max(d.offset, 0)
	d.cursor = clamp(d.cursor, 0, max(got-1, 0))
}

// drillKey handles the keys of the drill-down.
func (m *Model) drillKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	d := &m.diff.drill
	switch {
	case d.detail:
		if key.Matches(msg, widget.KeyClose) {
			d.detail = false
		}
		return nil
	case d.typing:
		return m.drillFilterKey(state, msg)
	}
	n, last := len(d.rows), len(d.rows)-1
	end := d.offset + int64(n) // index past the last row shown
	switch {
	case key.Matches(msg, keyUndrill):
		if d.filter != "" && msg.String() == "esc" {
			d.filter = "" // esc clears the filter first
			return m.first(state)
		}
		m.diff.drilled = false
	case key.Matches(msg, keyFilter):
		d.typing = true
	case key.Matches(msg, widget.KeyDetail) && n > 0:
		d.detail = true
	case key.Matches(msg, keyDown):
		switch {
		case d.cursor < last:
			d.cursor++
		case end < d.total && n > 0: // scroll by one row
			off := d.offset + 1
			return m.fetch(state, screen.PlanAfter, d.rows[0].Rel, false, func(got int) (int64, int) { return off, got - 1 })
		}
	case key.Matches(msg, keyUp):
		switch {
		case d.cursor > 0:
			d.cursor--
		case d.offset > 0 && n > 0: // the page that ends one row higher
			endAt := end - 1
			return m.fetch(state, screen.PlanBefore, d.rows[last].Rel, false, func(got int) (int64, int) { return endAt - int64(got), 0 })
		}
	case key.Matches(msg, keyPgDown):
		if end >= d.total || n == 0 {
			d.cursor = max(last, 0)
			return nil
		}
		cur, off := d.cursor, end
		return m.fetch(state, screen.PlanAfter, d.rows[last].Rel, false, func(got int) (int64, int) { return off, cur })
	case key.Matches(msg, keyPgUp):
		if d.offset == 0 || n == 0 {
			d.cursor = 0
			return nil
		}
		cur, off := d.cursor, d.offset
		return m.fetch(state, screen.PlanBefore, d.rows[0].Rel, false, func(got int) (int64, int) { return off - int64(got), cur })
	case key.Matches(msg, keyHome):
		return m.fetch(state, screen.PlanFirst, "", false, func(int) (int64, int) { return 0, 0 })
	case key.Matches(msg, keyEnd):
		total := d.total
		return m.fetch(state, screen.PlanLast, "", false, func(got int) (int64, int) { return total - int64(got), got - 1 })
	}
	return nil
}

// drillFilterKey edits the drill-down's filter; every change reads the
// first page of what it keeps, with its count.
func (m *Model) drillFilterKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	d := &m.diff.drill
	switch msg.String() {
	case "enter":
		d.typing = false
		return nil
	case "esc":
		d.typing = false
		if d.filter == "" {
			return nil
		}
		d.filter = ""
	case "backspace":
		if d.filter == "" {
			return nil
		}
		r := []rune(d.filter)
		d.filter = string(r[:len(r)-1])
	case "ctrl+u":
		d.filter = ""
	default:
		if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
			return nil
		}
		d.filter += msg.Text
	}
	return m.first(state)
}

// drillView lists the page of the selected class on screen, the filter
// line, and where the page sits among the entries the filter keeps.
func (m *Model) drillView(state *screen.State, width, height int) string {
	st, d := state.Styles, &m.diff.drill
	c := m.selected()
	n := m.diff.sum.Stats.Count[c]
	noun := " objects"
	if n == 1 {
		noun = " object"
	}
	title := st.Bold.Render(fmt.Sprintf("%s: %s%s, %s", c, text.Count(n), noun, transfer.FormatBytes(m.diff.sum.Stats.Bytes[c]))) +
		st.Subtle.Render("   (esc: back to the classes)")
	if m.diff.loading || d.loading {
		title += " " + m.spin.View()
	}
	filter := st.Subtle.Render("/ filters the keys")
	switch {
	case d.typing:
		filter = st.Key.Render("filter: ") + d.filter + st.Cursor.Render("▏") + st.Subtle.Render("  (enter keeps it, esc clears it)")
	case d.filter != "":
		filter = st.Key.Render("filter: ") + d.filter + st.Subtle.Render("  (/ edits it, esc clears it)")
	}
	out := []string{cut(title, width), cut(filter, width)}
	switch {
	case d.err != nil:
		out = append(out, oneLine(st.Error, "✗ cannot read the plan: "+d.err.Error(), width))
		return strings.Join(out, "\n")
	case len(d.rows) == 0 && d.loading:
		return strings.Join(out, "\n")
	case len(d.rows) == 0 && d.filter != "":
		out = append(out, st.Subtle.Render(fmt.Sprintf("  no key of this class contains %q", d.filter)))
		return strings.Join(out, "\n")
	case len(d.rows) == 0:
		out = append(out, st.Subtle.Render("  no keys in this class"))
		return strings.Join(out, "\n")
	}
	rows := d.rows[:min(len(d.rows), diffRows(height))]
	keyW := 0
	for _, e := range rows {
		keyW = max(keyW, ansi.StringWidth(text.Key(e.Rel)))
	}
	keyW = min(keyW, max(width-40, 20))
	for i, e := range rows {
		size := e.Src.Size
		if c == transfer.ClassExtra {
			size = e.Dst.Size
		}
		k := text.Pad(text.LeftTrunc(text.Key(e.Rel), keyW), keyW)
		lead := "  "
		if i == d.cursor {
			lead, k = st.Cursor.Render("▸ "), st.Selected.Render(k)
		}
		row := fmt.Sprintf("%s%s  %10s", lead, k, transfer.FormatBytes(size))
		if e.Reason != "" {
			row += "  " + e.Reason
		}
		out = append(out, cut(row, width))
	}
	where := fmt.Sprintf("%s–%s of %s", text.Count(d.offset+1), text.Count(d.offset+int64(len(rows))), text.Count(d.total))
	if d.filter != "" {
		where += fmt.Sprintf(" matching (of %s)", text.Count(m.diff.sum.Stats.Count[c]))
	}
	out = append(out, cut(st.Subtle.Render(where+" · ↑↓ pgup/pgdn g/G · enter shows a key whole"), width))
	return strings.Join(out, "\n")
}

// drillDetail is the highlighted entry, whole, for the overlay: the key
// once, wrapped, then the folders on each side with the objects' facts,
// and the reason.
func (m *Model) drillDetail(state *screen.State) widget.Detail {
	d := &m.diff.drill
	e := d.rows[clamp(d.cursor, 0, len(d.rows)-1)]
	dst := state.DstPrefix
	if dst != "" && !strings.HasSuffix(dst, "/") {
		dst += "/"
	}
	src := "not in the source"
	if e.Src.Key != "" {
		src = "s3://" + state.SrcBucket + "/" + text.Key(strings.TrimSuffix(e.Src.Key, e.Rel)) + " · " + object(e.Src)
	}
	to := "s3://" + state.DstBucket + "/" + text.Key(dst)
	if e.Class == transfer.ClassNew {
		to += " · not there yet"
	} else {
		to += " · " + object(e.Dst)
	}
	return widget.Detail{Fields: []widget.Field{
		{Label: "class", Value: e.Class.String() + ": " + ansi.Strip(classAction(state, e.Class))},
		{Label: "key", Value: text.Key(e.Rel)},
		{Label: "source", Value: src},
		{Label: "destination", Value: to},
		{Label: "reason", Value: e.Reason},
	}}
}

// detailBox is the drill-down's detail, when open, for View to draw over
// the whole tab; "" otherwise.
func (m *Model) detailBox(state *screen.State, width int) string {
	d := &m.diff.drill
	if m.tab != tabDiff || !m.diff.drilled || !d.detail || len(d.rows) == 0 {
		return ""
	}
	return m.drillDetail(state).View(state.Styles, width-4)
}

// object is an object's size, ETag, storage class and time, on one line.
func object(o transfer.Object) string {
	parts := []string{transfer.FormatBytes(o.Size)}
	if o.ETag != "" {
		parts = append(parts, "ETag "+o.ETag)
	}
	if o.StorageClass != "" {
		parts = append(parts, o.StorageClass)
	}
	if !o.LastModified.IsZero() {
		parts = append(parts, o.LastModified.UTC().Format(time.RFC3339))
	}
	return strings.Join(parts, " · ")
}
