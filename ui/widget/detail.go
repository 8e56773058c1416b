package widget

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
)

// Detail is the whole of one row that a table cuts to its width (a key, an
// error, a reason): labelled fields, each wrapped rather than cut, in a Box
// drawn over the screen (Overlay). Esc closes it.
type Detail struct {
	Title  string
	Fields []Field
}

// Field is one labelled value of a Detail; an empty value is left out.
type Field struct{ Label, Value string }

// KeyUp and KeyDown move a cursor; the help bar shows them as one.
var (
	KeyUp   = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑↓/jk", "move"))
	KeyDown = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")) // shown with KeyUp
)

// KeyClose closes a Detail.
var KeyClose = key.NewBinding(key.WithKeys("esc", "enter", "q"), key.WithHelp("esc", "close"))

// KeyDetail opens the Detail of the highlighted row where enter is free;
// KeyDetailD where enter already means something else (the run screen's
// summary, the jobs screen's report).
var (
	KeyDetail  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details"))
	KeyDetailD = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "details"))
)

// View is the detail's box, at most width cells wide: each value wraps
// beside its label.
func (d Detail) View(st style.Styles, width int) string {
	labelW := 0
	for _, f := range d.Fields {
		if f.Value != "" {
			labelW = max(labelW, ansi.StringWidth(f.Label))
		}
	}
	inner := max(width-4, 10)
	valueW := max(inner-labelW-2, 8)
	var lines []string
	for _, f := range d.Fields {
		if f.Value == "" {
			continue
		}
		for i, l := range text.Wrap(f.Value, valueW) {
			lab := ""
			if i == 0 {
				lab = f.Label
			}
			lines = append(lines, st.Subtle.Render(text.Pad(lab, labelW))+"  "+l)
		}
	}
	return Box(st, d.Title, strings.Join(lines, "\n"), st.Key.Render("esc")+" closes", width)
}

// FailureDetail is the detail of one failure: the whole key and the whole
// error.
func FailureDetail(f Failure) Detail {
	return Detail{Title: "Failed object", Fields: []Field{
		{"key", text.Key(f.Key)},
		{"tries", strconv.Itoa(f.Attempts)},
		{"error", f.Error},
	}}
}
