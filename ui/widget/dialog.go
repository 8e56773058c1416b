package widget

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
)

// Confirm is a yes/no question, drawn as a Box over the screen that asks
// it (Overlay). The screen keeps what the question is about next to it, so
// the answer applies to what was shown even if a reload arrives meanwhile.
type Confirm struct {
	// Title is the question, in bold; it may hold several lines.
	Title string
	// Body says what yes does; long lines wrap inside the box.
	Body string
	// Yes and No say what each answer does ("remove", "keep it");
	// "yes" and "no" when empty.
	Yes, No string
}

// Answer is what a key press says to a Confirm.
type Answer int

// The answers: a key that is neither yes nor no leaves the question open.
const (
	Open Answer = iota
	Yes
	No
)

var (
	keyYes = key.NewBinding(key.WithKeys("y", "Y"))
	keyNo  = key.NewBinding(key.WithKeys("n", "N", "esc", "q"))
)

// Answer maps a key: y is yes; n, esc and q are no.
func (c Confirm) Answer(msg tea.KeyPressMsg) Answer {
	switch {
	case key.Matches(msg, keyYes):
		return Yes
	case key.Matches(msg, keyNo):
		return No
	}
	return Open
}

// Keys are the question's bindings for the help bar.
func (c Confirm) Keys() []key.Binding {
	yes, no := c.labels()
	return []key.Binding{
		key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", yes)),
		key.NewBinding(key.WithKeys("n", "N", "esc", "q"), key.WithHelp("n/esc", no)),
	}
}

func (c Confirm) labels() (yes, no string) {
	yes, no = c.Yes, c.No
	if yes == "" {
		yes = "yes"
	}
	if no == "" {
		no = "no"
	}
	return yes, no
}

// View is the question's box, at most width cells wide.
func (c Confirm) View(st style.Styles, width int) string {
	yes, no := c.labels()
	hint := st.Key.Render("y") + " " + yes + "   " + st.Key.Render("n/esc") + " " + no
	return Box(st, c.Title, c.Body, hint, width)
}

// Box is the one dialog frame: a bold title, the body and, after a blank
// line, what the keys do, in the focused pane. It is as wide as its
// longest line, between 40 cells and width, and long lines wrap inside
// it: a question is never cut.
func Box(st style.Styles, title, body, hint string, width int) string {
	return box(st, title, body, hint, boxWidth(width, title, body, hint))
}

// boxWidth is the width of a Box holding parts: its longest line and the
// frame, between 40 cells and width.
func boxWidth(width int, parts ...string) int {
	longest := 0
	for _, p := range parts {
		for _, l := range strings.Split(p, "\n") {
			longest = max(longest, ansi.StringWidth(l))
		}
	}
	return min(width, max(40, longest+4))
}

// box draws a Box w cells wide.
func box(st style.Styles, title, body, hint string, w int) string {
	var lines []string
	plain := func(s ...string) string { return strings.Join(s, "") }
	if title != "" {
		lines = append(lines, wrapLines(title, w, st.Bold.Render)...)
	}
	if body != "" {
		if title != "" {
			lines = append(lines, "")
		}
		lines = append(lines, wrapLines(body, w, plain)...)
	}
	if hint != "" {
		lines = append(lines, "")
		lines = append(lines, wrapLines(hint, w, plain)...)
	}
	return st.FocusedPane.Width(w).Render(strings.Join(lines, "\n"))
}

// wrapLines wraps s to the inside of a box w cells wide.
func wrapLines(s string, w int, render func(...string) string) []string {
	inner := max(w-4, 1)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, wl := range text.Wrap(l, inner) {
			out = append(out, render(wl))
		}
	}
	return out
}

// ViewIn is the question's box fitted into width × height cells: a body
// too long for it scrolls, showing its lines from off on, with a line that
// says which lines are shown. It returns the box and the largest offset
// worth scrolling to (0 when the body fits).
func (c Confirm) ViewIn(st style.Styles, width, height, off int) (string, int) {
	yes, no := c.labels()
	hint := st.Key.Render("y") + " " + yes + "   " + st.Key.Render("n/esc") + " " + no
	w := boxWidth(width, c.Title, c.Body, hint)
	plain := func(s ...string) string { return strings.Join(s, "") }
	body := wrapLines(c.Body, w, plain)
	// The frame (2), the title and a blank, a blank and the hint, and the
	// line saying where the body is.
	room := height - 2 - len(wrapLines(c.Title, w, plain)) - 1 - 1 - len(wrapLines(hint, w, plain)) - 1
	if len(body) <= room+1 || room < 1 {
		return box(st, c.Title, c.Body, hint, w), 0
	}
	most := len(body) - room
	off = max(0, min(off, most))
	shown := append(body[off:off+room:off+room], st.Subtle.Render(fmt.Sprintf("lines %d–%d of %d, ↑↓ scrolls", off+1, off+room, len(body))))
	return box(st, c.Title, strings.Join(shown, "\n"), hint, w), most
}

// Overlay draws box centred over base, a screen of width × height cells.
func Overlay(base, box string, width, height int) string {
	x := max((width-lipgloss.Width(box))/2, 0)
	y := max((height-lipgloss.Height(box))/2, 0)
	return lipgloss.NewCanvas(width, height).
		Compose(lipgloss.NewCompositor(lipgloss.NewLayer(base), lipgloss.NewLayer(box).X(x).Y(y).Z(1))).
		Render()
}
