package summary

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
)

// Init does nothing: the result is already in the context.
func (m *Model) Init(*screen.Context) tea.Cmd { return nil }

// Update starts a verification on v and records its result.
func (m *Model) Update(ctx *screen.Context, msg tea.Msg) (screen.Screen, tea.Cmd) {
	if handled, cmd := m.revokeUpdate(ctx, msg); handled {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, keyRevoke) && m.revoke == revokeIdle && ctx.Result != nil {
			return m, m.startRevoke(ctx)
		}
		if key.Matches(msg, keyVerify) && !m.verifying && ctx.Result != nil {
			m.verifying, m.verified, m.verifyErr = true, false, nil
			b, mig := ctx.Backend, ctx.Migration()
			return m, func() tea.Msg {
				res, err := b.Verify(context.Background(), mig)
				return verifiedMsg{res: res, err: err}
			}
		}
	case verifiedMsg:
		m.verifying, m.verifyErr = false, msg.err
		if msg.err == nil && ctx.Result != nil {
			ctx.Result.Verify, m.verified = msg.res, true
		}
	}
	return m, nil
}
