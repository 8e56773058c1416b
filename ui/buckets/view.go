package buckets

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Column widths of a bucket row after the name.
const (
	regionWidth = 14
	dateWidth   = len("2006-01-02")
)

// View renders the two lists side by side, then the input line and the
// message line, and the question over them when one is open. Both bottom
// lines are always drawn so the panes do not jump when a message comes or
// goes.
func (m *Model) View(state *screen.State, width, height int) string {
	st := state.Styles
	introText := "Choose the bucket to copy from and the bucket to copy into. Enter continues once both are chosen."
	if lipgloss.Width(introText) > width {
		introText = "Choose the origin and destination buckets; Enter continues."
	}
	intro := st.Subtle.Render(ansi.Truncate(introText, width, "…"))
	paneW := (width - 1) / 2
	paneH := max(height-3, 5)
	left := m.pane(state, origin, paneW, paneH)
	right := m.pane(state, destination, width-1-paneW, paneH)
	body := lipgloss.JoinVertical(lipgloss.Left, intro,
		lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right),
		m.promptLine(state, width), m.messageLine(state, width))
	if m.mode == confirming {
		return widget.Overlay(body, m.ask.View(st, width-4), width, height)
	}
	return body
}

// pane draws one side: title, filter, then a window of rows around the
// cursor (bucket lists can be long).
func (m *Model) pane(state *screen.State, s side, w, h int) string {
	st := state.Styles
	l := &m.lists[s]
	box, titleStyle := st.Pane, st.Blurred
	if m.focus == s {
		box, titleStyle = st.FocusedPane, st.Focused
	}
	inner := w - 4 // border and padding
	title := "Origin — copy from"
	if s == destination {
		title = "Destination — copy into"
	}
	title += " · " + orDefault(profile(state, s))
	lines := []string{titleStyle.Render(ansi.Truncate(title, inner, "…"))}

	switch {
	case m.mode == filtering && m.focus == s:
		lines = append(lines, m.input.View())
	case l.filter != "":
		lines = append(lines, st.Subtle.Render(ansi.Truncate("filter: "+l.filter+" (/ to change)", inner, "…")))
	default:
		lines = append(lines, "")
	}

	rowsH := h - 2 - len(lines)
	shown := l.shown()
	switch {
	case l.err != nil:
		// The whole error, wrapped: its end ("…did not answer within 30s:
		// check endpoint_url / the network") is what the operator acts on.
		msg := strings.Split(ansi.Wrap("✗ "+l.err.Error(), inner, " /"), "\n")
		if room := max(1, rowsH-1); len(msg) > room {
			msg = msg[:room]
			msg[room-1] = ansi.Truncate(msg[room-1], inner-1, "") + "…"
		}
		for _, ml := range msg {
			lines = append(lines, st.Error.Render(ml))
		}
		lines = append(lines, st.Subtle.Render("r retries"))
	case l.loading && !l.loaded:
		lines = append(lines, m.spin.View()+st.Subtle.Render("listing buckets…"))
	case len(l.all) == 0 && s == destination:
		lines = append(lines, st.Subtle.Render("no buckets: press c to create one"))
	case len(l.all) == 0:
		lines = append(lines, st.Subtle.Render("no buckets"))
	case len(shown) == 0:
		lines = append(lines, st.Subtle.Render(ansi.Truncate(fmt.Sprintf("no bucket matches %q", l.filter), inner, "…")))
	default:
		c := fitColumns(shown, inner)
		head := "    " + text.Pad("name", c.name)
		if c.region {
			head += "  " + text.Pad("region", regionWidth)
		}
		if c.date {
			head += "  created"
		}
		lines = append(lines, st.Subtle.Render(head))
		start, end := window(l.cursor, len(shown), rowsH-1)
		for i := start; i < end; i++ {
			lines = append(lines, m.row(state, s, shown[i], i == l.cursor, c))
		}
	}
	if l.loading && l.loaded {
		// A reload: say so without hiding the rows.
		lines[0] += " " + m.spin.View()
	}
	return box.Width(w).Height(h).MaxHeight(h).Render(strings.Join(lines, "\n"))
}

// row is "▸ ● name  region  date": the cursor only in the focused pane, the
// mark and bold on the chosen bucket.
func (m *Model) row(state *screen.State, s side, b screen.Bucket, atCursor bool, c columns) string {
	nameW := c.name
	st := state.Styles
	cursor := "  "
	if atCursor && m.focus == s {
		cursor = st.Cursor.Render("▸ ")
	}
	mark := "○ "
	name := text.Pad(ansi.Truncate(b.Name, nameW, "…"), nameW)
	if b.Name == m.lists[s].chosen {
		mark, name = st.Selected.Render("● "), st.Selected.Render(name)
	} else if atCursor && m.focus == s {
		name = st.Bold.Render(name)
	}
	region := b.Region
	if region == "" {
		region = "—"
	}
	date := "—"
	if !b.Created.IsZero() {
		date = b.Created.UTC().Format("2006-01-02")
	}
	out := cursor + mark + name
	var rest string
	if c.region {
		rest += "  " + text.Pad(ansi.Truncate(region, regionWidth, "…"), regionWidth)
	}
	if c.date {
		rest += "  " + date
	}
	return out + st.Subtle.Render(rest)
}

// columns is what a pane shows: the name's width, and whether the region
// and the creation date fit beside it.
type columns struct {
	name         int
	region, date bool
}

// minNameWidth is how many cells of a name stay before a column is dropped.
const minNameWidth = 20

// fitColumns keeps the names legible on a narrow terminal: the date goes
// first, then the region, before a name is cut below min(its length, 20).
func fitColumns(bs []screen.Bucket, inner int) columns {
	longest := 4
	for _, b := range bs {
		longest = max(longest, lipgloss.Width(b.Name))
	}
	want := min(longest, minNameWidth)
	for _, c := range []columns{{region: true, date: true}, {region: true}, {}} {
		room := inner - 4
		if c.region {
			room -= 2 + regionWidth
		}
		if c.date {
			room -= 2 + dateWidth
		}
		if room >= want || !c.region {
			c.name = max(4, min(longest, room))
			return c
		}
	}
	return columns{name: max(4, inner-4)}
}

// promptLine is the new-bucket input, or what is being created.
func (m *Model) promptLine(state *screen.State, width int) string {
	st := state.Styles
	switch m.mode {
	case naming:
		return m.input.View()
	}
	if m.creating {
		return m.spin.View() + st.Subtle.Render("creating s3://"+m.newName+"…")
	}
	return ""
}

// messageLine is the last error (red) or, failing that, the last note.
func (m *Model) messageLine(state *screen.State, width int) string {
	return style.MessageLine(state.Styles, m.errLine, m.note, width)
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
