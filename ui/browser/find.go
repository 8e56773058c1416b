package browser

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
)

// findKey handles a key while the filter is typed. On this level the rows
// narrow as the user types; below it, every change restarts the search
// (the one running is cancelled). Esc first stops a running search, then
// clears the filter; enter closes the input and keeps what is shown.
func (m *Model) findKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	m.errLine, m.note = "", ""
	switch {
	case key.Matches(msg, keyFindKeep):
		m.mode = browsing
		m.find.Blur()
		if m.find.Value() == "" && m.scope == level {
			m.query = ""
			m.reorder()
			return nil
		}
		m.note = "filter kept: / changes it, esc in it clears it"
		return nil
	case key.Matches(msg, keyFindClear):
		if m.searching() && !m.searched.done {
			m.stopSearch()
			m.note = "search stopped: esc again clears it"
			return nil
		}
		m.mode = browsing
		m.find.Blur()
		m.dropSearch()
		m.query, m.scope = "", level
		m.find.SetValue("")
		m.reorder()
		return nil
	case key.Matches(msg, keyFindScope):
		if m.scope == level {
			m.scope = below
			m.query = m.find.Value()
			m.findPrompt(state)
			return m.startSearch(state)
		}
		m.dropSearch()
		m.scope = level
		m.query = m.find.Value()
		m.findPrompt(state)
		m.reorder()
		return m.maybeMore(state)
	case key.Matches(msg, keyFindUp):
		return m.move(state, -1)
	case key.Matches(msg, keyFindDown):
		return m.move(state, 1)
	}
	return m.typed(state, msg)
}

// typed gives msg (a key or a paste) to the input and applies the new
// filter.
func (m *Model) typed(state *screen.State, msg tea.Msg) tea.Cmd {
	before := m.find.Value()
	var cmd tea.Cmd
	m.find, cmd = m.find.Update(msg)
	if m.find.Value() == before {
		return cmd
	}
	m.query = m.find.Value()
	if m.scope == below {
		return tea.Batch(cmd, m.startSearch(state))
	}
	m.reorder()
	// Few rows pass: load further pages (maybeMore asks while the cursor is
	// near the end of the shown rows).
	return tea.Batch(cmd, m.maybeMore(state))
}

// findPrompt says where the filter looks.
func (m *Model) findPrompt(state *screen.State) {
	if m.scope == below {
		m.find.Prompt = "search below s3://" + state.SrcBucket + "/" + text.Key(m.prefix) + ": "
		return
	}
	m.find.Prompt = "filter: "
}

// findStatus is the footer's account of the filter or the search: how
// many rows pass, and for a search how far it got, honestly: a stopped or
// running search says "at least".
func (m *Model) findStatus() string {
	if m.searching() {
		p := m.searched
		shown := len(m.found)
		atLeast := ""
		if !p.done || p.stopped {
			atLeast = "at least "
		}
		var s string
		switch {
		case p.matched > int64(shown):
			s = fmt.Sprintf("%s of %s%s matches shown", text.Count(int64(shown)), atLeast, text.Count(p.matched))
		case p.done && !p.stopped:
			s = plural(shown, "match", "matches")
		default:
			s = plural(shown, "match", "matches") + " so far"
		}
		switch {
		case p.err != nil:
			s += " · ✗ " + text.OneLine(p.err.Error())
		case !p.done:
			s = m.spin.View() + s + fmt.Sprintf(" · %s keys listed… (/ then esc stops)", text.Count(p.scanned))
		case p.stopped:
			s += fmt.Sprintf(" · stopped after %s keys", text.Count(p.scanned))
		default:
			s += fmt.Sprintf(" · all %s keys below listed", text.Count(p.scanned))
		}
		return s
	}
	if m.query != "" {
		return fmt.Sprintf("%d of %d loaded rows match %q", m.rows(), m.loaded(), m.query)
	}
	return ""
}
