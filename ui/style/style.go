// Package style holds the TUI's Lip Gloss styles. Selection and focus are
// visible without background colours (bold, markers, borders), because
// screenshots and some terminals drop backgrounds; NO_COLOR removes colour
// altogether.
package style

import (
	"os"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles are the styles every screen uses.
type Styles struct {
	Title, Subtle, Bold, Selected, Cursor, Focused, Blurred  lipgloss.Style
	OK, Warn, Fail, Added, Removed, Key, Help, Status, Error lipgloss.Style
	Tab, ActiveTab                                           lipgloss.Style
	Pane, FocusedPane                                        lipgloss.Style
	NoColor                                                  bool
}

// New builds the styles; noColor drops every colour (NO_COLOR).
func New(noColor bool) Styles {
	c := func(s string) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(lipgloss.Color(s))
	}
	border := func(col string) lipgloss.Style {
		s := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
		if !noColor {
			s = s.BorderForeground(lipgloss.Color(col))
		}
		return s
	}
	return Styles{
		Title:       c("#7D56F4").Bold(true),
		Subtle:      c("#808080"),
		Bold:        lipgloss.NewStyle().Bold(true),
		Selected:    c("#04B575").Bold(true),
		Cursor:      c("#F25D94").Bold(true),
		Focused:     c("#7D56F4").Bold(true),
		Blurred:     c("#808080"),
		OK:          c("#04B575"),
		Warn:        c("#E5C07B"),
		Fail:        c("#FF5F57").Bold(true),
		Added:       c("#04B575"),
		Removed:     c("#FF5F57"),
		Key:         c("#7D56F4").Bold(true),
		Help:        c("#808080"),
		Status:      c("#A0A0A0"),
		Error:       c("#FF5F57").Bold(true),
		Tab:         c("#808080").Padding(0, 1),
		ActiveTab:   c("#F25D94").Bold(true).Underline(true).Padding(0, 1),
		Pane:        border("#444444"),
		FocusedPane: border("#7D56F4"),
		NoColor:     noColor,
	}
}

// FromEnv builds the styles honouring NO_COLOR.
func FromEnv() Styles { return New(os.Getenv("NO_COLOR") != "") }

// MessageLine is a screen's last error (in Error style, with ✗) or, failing
// that, its last note, on one line of at most width cells.
func MessageLine(st Styles, errLine, note string, width int) string {
	switch {
	case errLine != "":
		return st.Error.Render(ansi.Truncate("✗ "+strings.Join(strings.Fields(errLine), " "), width, "…"))
	case note != "":
		return st.Subtle.Render(ansi.Truncate(note, width, "…"))
	}
	return ""
}
