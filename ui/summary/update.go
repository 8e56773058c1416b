package summary

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
)

// Init does nothing: the result is already in the shared state.
func (m *Model) Init(*screen.State) tea.Cmd { return nil }

// Update starts a verification on v and records its result.
func (m *Model) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	if handled, cmd := m.revokeUpdate(state, msg); handled {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, keyRevoke) && m.revoke == revokeIdle && state.Result != nil {
			return m, m.startRevoke(state)
		}
		if key.Matches(msg, keyVerify) && !m.verifying && state.Result != nil {
			m.verifying, m.verified, m.verifyErr = true, false, nil
			ctx, b, mig := state.Context(), state.Backend, state.Migration()
			return m, func() tea.Msg {
				res, err := b.Verify(ctx, mig)
				return verifiedMsg{res: res, err: err}
			}
		}
	case verifiedMsg:
		m.verifying, m.verifyErr = false, msg.err
		if msg.err == nil && state.Result != nil {
			state.Result.Verify, m.verified = msg.res, true
		}
	}
	return m, nil
}
