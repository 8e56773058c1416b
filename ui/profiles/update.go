package profiles

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Init loads the profile list.
func (m *Model) Init(state *screen.State) tea.Cmd {
	b := state.Backend
	return tea.Batch(m.spin.Start(), func() tea.Msg {
		ps, err := b.Profiles()
		return loadedMsg{rows: ps, err: err}
	}, func() tea.Msg {
		list, _ := b.Resumable() // an unreadable journal directory only means nothing to offer
		return resumableMsg{list: list}
	})
}

// Reenter runs when the operator comes back to this screen: a migration
// picked up with R is let go (choosing buckets and keys from here makes a
// new one), and the unfinished migrations are read again (the one picked
// up may have finished meanwhile).
func (m *Model) Reenter(state *screen.State) tea.Cmd {
	state.LetGo()
	b := state.Backend
	return func() tea.Msg {
		list, _ := b.Resumable()
		return resumableMsg{list: list}
	}
}

// resolve asks for one identity in the background, bounded by the
// identity timeout and the screen's context.
func resolve(ctx context.Context, b screen.Backend, name string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, awsauth.IdentityTimeout+2e9)
		defer cancel()
		id, err := b.Identity(ctx, name)
		return identityMsg{name: name, id: id, err: err}
	}
}

// Update handles keys and the background results.
func (m *Model) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	if cmd, ok := m.spin.Update(msg, !m.allResolved()); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded, m.loadErr = true, msg.err
		var cmds []tea.Cmd
		for _, p := range msg.rows {
			m.rows = append(m.rows, row{info: p})
			name := p.Name
			if p.Kind == awsauth.KindEnv {
				name = ""
			}
			cmds = append(cmds, resolve(state.Context(), state.Backend, name))
		}
		return m, tea.Batch(cmds...)
	case resumableMsg:
		m.resumable = nil
		if len(msg.list) > 0 {
			r := msg.list[0]
			m.resumable = &r
		}
		return m, nil
	case identityMsg:
		for i := range m.rows {
			n := m.rows[i].info.Name
			if m.rows[i].info.Kind == awsauth.KindEnv {
				n = ""
			}
			if n == msg.name {
				m.rows[i].id, m.rows[i].err, m.rows[i].resolved = msg.id, msg.err, true
			}
		}
		m.publish(state)
		return m, nil
	case tea.KeyPressMsg:
		return m.key(state, msg)
	}
	return m, nil
}

func (m *Model) allResolved() bool {
	if !m.loaded {
		return false
	}
	for _, r := range m.rows {
		if !r.resolved {
			return false
		}
	}
	return true
}

func (m *Model) key(state *screen.State, msg tea.KeyPressMsg) (screen.Screen, tea.Cmd) {
	if m.detail {
		// The detail has the keyboard: esc, enter or q close it, and
		// nothing else (enter does not go on to the buckets from here).
		if key.Matches(msg, widget.KeyClose) {
			m.detail = false
		}
		return m, nil
	}
	if key.Matches(msg, keyJobs) {
		// History needs no profile: the journals name their own.
		return m, screen.Navigate(screen.Jobs)
	}
	n := len(m.rows)
	if n == 0 {
		return m, nil
	}
	if key.Matches(msg, keyResume) && m.resumable != nil {
		// Pick up where the journal left off: same identities, buckets and
		// selection; the plan screen checks everything again before Start.
		state.PickUp(m.resumable.Migration)
		return m, screen.Navigate(screen.Plan)
	}
	c := &m.cursor[m.focus]
	switch {
	case key.Matches(msg, keyUp):
		*c = (*c - 1 + n) % n
	case key.Matches(msg, keyDown):
		*c = (*c + 1) % n
	case key.Matches(msg, keySwitch):
		m.focus = 1 - m.focus
	case key.Matches(msg, widget.KeyDetailD):
		// d, not enter: enter goes on to the buckets and never chooses.
		m.detail = true
	case key.Matches(msg, keyNext):
		// Enter never chooses: a cursor that merely rests on a profile
		// must not become the origin unseen.
		if m.chosen[0] >= 0 && m.chosen[1] >= 0 {
			m.hint = ""
			return m, screen.Navigate(screen.Buckets)
		}
		m.hint = "choose the origin, then the destination, with space; enter continues once both are chosen"
	case key.Matches(msg, keyChoose):
		m.hint = ""
		m.chosen[m.focus] = *c
		m.publish(state)
		if m.focus == origin {
			m.focus = destination
			if m.chosen[destination] < 0 {
				m.cursor[destination] = *c
			}
		}
	}
	return m, nil
}

// publish writes the choices into the shared state.
func (m *Model) publish(state *screen.State) {
	if i := m.chosen[origin]; i >= 0 {
		state.SrcProfile, state.SrcIdentity = profileName(m.rows[i]), m.rows[i].label()
	}
	if i := m.chosen[destination]; i >= 0 {
		state.DstProfile, state.DstIdentity = profileName(m.rows[i]), m.rows[i].label()
	}
}

// profileName is the name Load takes ("" for environment credentials).
func profileName(r row) string {
	if r.info.Kind == awsauth.KindEnv {
		return ""
	}
	return r.info.Name
}
