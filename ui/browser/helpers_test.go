package browser

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// The golden terminal size.
const width, height = 120, 30

// driver runs a screen the way the router would, but synchronously (see
// uitest.Drive): a test sees the state after all background work settled.
type driver struct {
	t   *testing.T
	ctx *screen.Context
	s   screen.Screen
	// nav collects the navigation messages the screen sent to the router.
	nav []tea.Msg
}

func newDriver(t *testing.T, ctx *screen.Context, s screen.Screen) *driver {
	t.Helper()
	d := &driver{t: t, ctx: ctx, s: s}
	d.run(s.Init(ctx))
	return d
}

func (d *driver) run(cmd tea.Cmd) {
	var nav []tea.Msg
	d.s, nav = uitest.Drive(d.ctx, d.s, cmd)
	d.nav = append(d.nav, nav...)
}

// send delivers one message and runs what it leads to.
func (d *driver) send(msg tea.Msg) {
	var cmd tea.Cmd
	d.s, cmd = d.s.Update(d.ctx, msg)
	d.run(cmd)
}

// press sends key presses by name: "down", "space", "enter", "/", "y".
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(uitest.Key(k))
	}
}

// typeText sends one key press per character.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// view renders at the golden size without colours, and checks that the
// screen stays inside it.
func (d *driver) view() string {
	d.t.Helper()
	v := uitest.Plain(d.s.View(d.ctx, width, height))
	lines := strings.Split(v, "\n")
	if len(lines) > height {
		d.t.Errorf("view is %d lines, more than %d", len(lines), height)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > width {
			d.t.Errorf("view line %d is %d cells, more than %d: %q", i+1, w, width, l)
		}
	}
	return v
}
