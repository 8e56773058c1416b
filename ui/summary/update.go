package summary

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
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
		if m.failureKey(state, msg) {
			return m, nil
		}
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

// listedFailures is how many failures the screen can list (and highlight).
func listedFailures(state *screen.State) int {
	if state.Result == nil || state.Result.Result == nil {
		return 0
	}
	return min(len(state.Result.Result.Failures), maxFailures)
}

// failureKey moves the highlighted failure (↑↓, j/k) and opens or closes
// its detail (enter, esc); it reports whether it took the key.
func (m *Model) failureKey(state *screen.State, msg tea.KeyPressMsg) bool {
	n := listedFailures(state)
	switch {
	case m.detail:
		if key.Matches(msg, widget.KeyClose) {
			m.detail = false
		}
		return true
	case n == 0:
		return false
	case key.Matches(msg, keyUp):
		m.failCursor = max(m.failCursor-1, 0)
	case key.Matches(msg, keyDown):
		m.failCursor = min(m.failCursor+1, n-1)
	case key.Matches(msg, widget.KeyDetail):
		m.failCursor = min(m.failCursor, n-1)
		m.detail = true
	default:
		return false
	}
	return true
}
