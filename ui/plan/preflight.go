package plan

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// loadPreflight runs the checks in the background with the current options.
func (m *Model) loadPreflight(state *screen.State) tea.Cmd {
	gen := m.preflight.start()
	m.preflight.stale = false
	ctx, b, mig, opt := state.Context(), state.Backend, state.Migration(), state.Options
	return func() tea.Msg {
		checks, err := b.Preflight(ctx, mig, opt)
		return preflightMsg{gen: gen, checks: checks, err: err}
	}
}

func (m *Model) preflightLoaded(msg preflightMsg) {
	if !m.preflight.finish(msg.gen, msg.err) || msg.err != nil {
		return
	}
	m.preflight.checks, m.preflight.loaded = msg.checks, true
	m.preflight.scroll = clamp(m.preflight.scroll, 0, max(len(msg.checks)-1, 0))
}

func (m *Model) preflightKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	p := &m.preflight
	if scrollBy(msg, &p.scroll, max(len(p.checks)-1, 0), 3) {
		return nil
	}
	if key.Matches(msg, keyRerun) && !p.loading {
		return m.withSpin(m.loadPreflight(state))
	}
	return nil
}

// mark is a check's verdict as a symbol, readable without colour.
func mark(state *screen.State, s preflight.Status) string {
	st := state.Styles
	switch s {
	case preflight.StatusPass:
		return st.OK.Render("✓")
	case preflight.StatusWarn:
		return st.Warn.Render("!")
	case preflight.StatusFail:
		return st.Fail.Render("✗")
	}
	return "?"
}

// preflightView lists the checks from the scroll offset on, as many as
// fit: the verdict, name and reason, then the fix on its own line.
func (m *Model) preflightView(state *screen.State, width, height int) string {
	st, p := state.Styles, &m.preflight
	switch {
	case p.err != nil:
		return oneLine(st.Error, "✗ the preflight checks could not run: "+p.err.Error(), width)
	case !p.loaded:
		return m.spin.View() + " running the preflight checks as the identities the copy will use…"
	}
	var pass, warn, fail int
	for _, c := range p.checks {
		switch c.Status {
		case preflight.StatusPass:
			pass++
		case preflight.StatusWarn:
			warn++
		case preflight.StatusFail:
			fail++
		}
	}
	title := st.Bold.Render(fmt.Sprintf("Preflight: %d checks", len(p.checks))) +
		fmt.Sprintf("  ✓ %d pass  ! %d warn  ✗ %d fail", pass, warn, fail) + st.Subtle.Render("   (r re-runs)")
	if p.loading {
		title += " " + m.spin.View() + " re-running…"
	}
	if p.stale {
		title += st.Warn.Render("  options changed: they run again when you leave Options")
	}
	out := []string{cut(title, width), ""}
	room := height - len(out) - 1 // keep a line for "more"
	off := clamp(p.scroll, 0, max(len(p.checks)-1, 0))
	shown := off
	for _, c := range p.checks[off:] {
		lines := checkLines(state, c, width)
		if len(lines) > room {
			break
		}
		out = append(out, lines...)
		room -= len(lines)
		shown++
	}
	if off > 0 || shown < len(p.checks) {
		out = append(out, st.Subtle.Render(fmt.Sprintf("checks %d–%d of %d · ↑↓ scroll", off+1, shown, len(p.checks))))
	}
	return strings.Join(out, "\n")
}

// checkLines renders one check: "✓ name — reason", wrapped under the name,
// and "fix: …" indented below it.
func checkLines(state *screen.State, c preflight.Check, width int) []string {
	st := state.Styles
	name := c.Name
	if c.Status == preflight.StatusFail {
		name = st.Fail.Render(name)
	} else {
		name = st.Bold.Render(name)
	}
	const indent = "    "
	head := mark(state, c.Status) + " " + name + " — " + c.Reason
	lines := strings.Split(ansi.Wrap(head, width, ""), "\n")
	if c.Fix != "" {
		fix := ansi.Wrap("fix: "+c.Fix, max(width-len(indent), 10), "")
		for _, l := range strings.Split(fix, "\n") {
			lines = append(lines, indent+l)
		}
	}
	return lines
}
