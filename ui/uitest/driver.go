package uitest

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
)

// Width and Height are the golden terminal size of the screens' tests.
const Width, Height = 120, 30

// Driver runs one screen the way the router would, but synchronously (see
// Drive): a test sees the state after all background work settled.
type Driver struct {
	T     *testing.T
	State *screen.State
	S     screen.Screen
	// Nav collects the navigation messages the screen sent to the router.
	Nav []tea.Msg
}

// NewDriver initialises s and runs its background work.
func NewDriver(t *testing.T, state *screen.State, s screen.Screen) *Driver {
	t.Helper()
	d := &Driver{T: t, State: state, S: s}
	d.Run(s.Init(state))
	return d
}

// Run executes cmd and everything it leads to.
func (d *Driver) Run(cmd tea.Cmd) {
	var nav []tea.Msg
	d.S, nav = Drive(d.State, d.S, cmd)
	d.Nav = append(d.Nav, nav...)
}

// Send delivers one message and runs what it leads to.
func (d *Driver) Send(msg tea.Msg) {
	var cmd tea.Cmd
	d.S, cmd = d.S.Update(d.State, msg)
	d.Run(cmd)
}

// Press sends key presses by name: "down", "space", "enter", "/", "y".
func (d *Driver) Press(keys ...string) {
	for _, k := range keys {
		d.Send(Key(k))
	}
}

// TypeText sends one key press per character.
func (d *Driver) TypeText(s string) {
	for _, r := range s {
		d.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// View renders at the golden size without colours, and checks that the
// screen stays inside it.
func (d *Driver) View() string {
	d.T.Helper()
	v := Plain(d.S.View(d.State, Width, Height))
	lines := strings.Split(v, "\n")
	if len(lines) > Height {
		d.T.Errorf("view is %d lines, more than %d", len(lines), Height)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > Width {
			d.T.Errorf("view line %d is %d cells, more than %d: %q", i+1, w, Width, l)
		}
	}
	return v
}

// At 80×24, the smallest terminal the TUI supports, the router's title,
// status line and help bar leave a screen 80×20: SmallWidth × SmallHeight.
const SmallWidth, SmallHeight = 80, 20

// Fit strips v (see Plain) and checks that it stays inside w × h cells.
func Fit(t *testing.T, v string, w, h int) string {
	t.Helper()
	v = Plain(v)
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("view is %d lines, more than %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("view line %d is %d cells, more than %d: %q", i+1, lw, w, l)
		}
	}
	return v
}

// GoldenSmall compares a screen's view at 80×24 (the body the router
// gives it there, after a WindowSizeMsg of the whole terminal) with
// testdata/name.golden, and checks that it fits.
func GoldenSmall(t *testing.T, name string, state *screen.State, s screen.Screen) screen.Screen {
	t.Helper()
	s, _ = Drive(state, s, func() tea.Msg { return tea.WindowSizeMsg{Width: SmallWidth, Height: SmallHeight + 4} })
	Golden(t, name, Fit(t, s.View(state, SmallWidth, SmallHeight), SmallWidth, SmallHeight))
	return s
}

// Settle runs cmd and everything it leads to synchronously through a whole
// program (update is its Update), except ticks and cursor blinks that
// would go on for ever; a Quit ends it. It fails t when the program does
// not settle within limit steps.
func Settle(t testing.TB, update func(tea.Msg) tea.Cmd, cmd tea.Cmd, limit int) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > limit {
			t.Fatal("the program did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			return
		default:
			if name := strings.ToLower(typeName(msg)); strings.Contains(name, "tick") || strings.Contains(name, "blink") {
				continue
			}
			queue = append(queue, update(msg))
		}
	}
}
