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
	classWidth    = 12
	sideWidth     = 38
)

// View renders the listing with the selection pane beside it, then the
// prefix input line and the message line (both always drawn, so the panes
// do not jump when a message comes or goes).
func (m *Model) View(ctx *screen.Context, width, height int) string {
	sideW := min(sideWidth, width/3)
	listW := width - sideW - 1
	paneH := max(height-2, 6)
	return lipgloss.JoinVertical(lipgloss.Left,
		lipgloss.JoinHorizontal(lipgloss.Top, m.listPane(ctx, listW, paneH), " ", m.sidePane(ctx, sideW, paneH)),
		m.promptLine(ctx, width), m.messageLine(ctx, width))
}

// listPane is the level: a title, column heads, the rows around the cursor
// and a footer saying whether more rows are coming.
func (m *Model) listPane(ctx *screen.Context, w, h int) string {
	st := ctx.Styles
	inner := w - 4 // border and padding
	nameW := max(8, inner-4-2-sizeWidth-2-modifiedWidth-2-classWidth)

	title := st.Focused.Render("s3://"+ctx.SrcBucket+"/"+text.Key(m.prefix)) + st.Subtle.Render(m.counts())
	lines := []string{ansi.Truncate(title, inner, "…"),
		st.Subtle.Render("    " + text.Pad("name", nameW) + "  " + text.PadLeft("size", sizeWidth) + "  " + text.Pad("modified", modifiedWidth) + "  class")}

	rowsH := h - 2 - len(lines) - 1 // border, and one line for the footer
	start, end := window(m.cursor, m.rows(), rowsH)
	cover := ""
	if m.prefix != "" {
		cover = m.cover(m.prefix + "x") // the level is inside a marked prefix
	}
	for i := start; i < end; i++ {
		lines = append(lines, m.renderRow(ctx, i, nameW, cover != ""))
	}
	for len(lines) < h-3 {
		lines = append(lines, "")
	}
	lines = append(lines, m.footer(ctx, inner, cover))
	return st.FocusedPane.Width(w).Height(h).MaxHeight(h).Render(strings.Join(lines, "\n"))
}

// counts is the title's " · 3 prefixes, 120 objects".
func (m *Model) counts() string {
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
func (m *Model) renderRow(ctx *screen.Context, i, nameW int, covered bool) string {
	st := ctx.Styles
	k, obj := m.row(i)
	cursor := "  "
	if i == m.cursor {
		cursor = st.Cursor.Render("▸ ")
	}
	name := text.Key(strings.TrimPrefix(k, m.prefix))
	if obj == nil {
		name = "▹ " + name
	} else if name == "" {
		name = "(folder marker)" // the zero-byte object named like the prefix
	}
	name = text.Pad(ansi.Truncate(name, nameW, "…"), nameW)
	mark := "  "
	switch {
	case m.marked(ctx, k):
		mark, name = st.Selected.Render("● "), st.Selected.Render(name)
	case covered:
		mark = st.Subtle.Render("● ")
	}
	if obj == nil {
		return cursor + mark + name
	}
	return cursor + mark + name + "  " + text.PadLeft(transfer.FormatBytes(obj.Size), sizeWidth) + "  " +
		st.Subtle.Render(text.Pad(modified(*obj), modifiedWidth)+"  "+ansi.Truncate(obj.StorageClass, classWidth, "…"))
}

// footer says where the listing stands.
func (m *Model) footer(ctx *screen.Context, inner int, cover string) string {
	st := ctx.Styles
	var s string
	switch {
	case m.listErr != nil:
		return st.Error.Render(ansi.Truncate("✗ "+text.OneLine(m.listErr.Error())+" (r retries)", inner, "…"))
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

// sidePane lists the selection, its totals and the destination.
func (m *Model) sidePane(ctx *screen.Context, w, h int) string {
	st := ctx.Styles
	inner := w - 4
	lines := []string{st.Bold.Render("Selection")}
	items := ctx.Items
	if len(items) == 0 {
		lines = append(lines, st.Subtle.Render("nothing marked yet"))
	} else {
		lines = append(lines, st.Subtle.Render(plural(len(items), "item", "items")+" marked"))
	}

	bottom := m.totals(ctx, inner)
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
func (m *Model) totals(ctx *screen.Context, inner int) []string {
	st := ctx.Styles
	var total string
	switch {
	case m.counting:
		total = m.spin.View() + st.Subtle.Render("counting…")
	case m.countErr != nil:
		total = st.Error.Render(ansi.Truncate("✗ "+text.OneLine(m.countErr.Error()), inner, "…"))
	case len(ctx.Items) == 0 || !m.counted:
		total = st.Subtle.Render("—")
	default:
		total = plural(int(m.objects), "object", "objects") + " · " + transfer.FormatBytes(m.bytes)
	}
	dst := "s3://" + ctx.DstBucket + "/" + ctx.DstPrefix
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
func (m *Model) promptLine(ctx *screen.Context, width int) string {
	if m.mode == editingPrefix {
		return m.input.View()
	}
	return ""
}

// messageLine is the last error (red) or, failing that, the last note.
func (m *Model) messageLine(ctx *screen.Context, width int) string {
	return style.MessageLine(ctx.Styles, m.errLine, m.note, width)
}

// marked reports whether key is in the selection. Before sync has run
// after another screen changed ctx.Items, marks is stale: look there.
func (m *Model) marked(ctx *screen.Context, key string) bool {
	if sameSlice(ctx.Items, m.published) {
		return m.marks[key]
	}
	return slices.Contains(ctx.Items, key)
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
