package uitest

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/internal/golden"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// Update rewrites golden files: go test ./ui/... -update (golden.Update).
var Update = golden.Update

// Golden compares got (ANSI stripped, trailing spaces trimmed) with
// testdata/name.golden (golden.Check).
func Golden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), Plain(got), nil)
}

// Plain strips colours and trailing spaces, line by line.
func Plain(s string) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Key builds a key press from a tea key name: "enter", "space", "down", "a".
func Key(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(name)[0]
	if r >= 'A' && r <= 'Z' {
		return tea.KeyPressMsg{Code: r + 'a' - 'A', Text: name, Mod: tea.ModShift}
	}
	return tea.KeyPressMsg{Code: r, Text: name}
}

// Drive runs a screen's command synchronously and feeds the messages back
// until nothing is left, skipping ticks (spinners, timers) that would never
// end. It returns the navigation messages seen.
func Drive(state *screen.State, s screen.Screen, cmd tea.Cmd) (screen.Screen, []tea.Msg) {
	var nav []tea.Msg
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0 && steps < 10_000; steps++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch m := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		case screen.Go, screen.Back:
			nav = append(nav, m)
		default:
			if isTick(msg) {
				continue
			}
			var next tea.Cmd
			s, next = s.Update(state, msg)
			queue = append(queue, next)
		}
	}
	return s, nav
}

// isTick reports animation messages, by type name, so Drive does not loop
// on them.
func isTick(msg tea.Msg) bool {
	name := strings.ToLower(typeName(msg))
	return strings.Contains(name, "tick") || strings.Contains(name, "blink")
}
