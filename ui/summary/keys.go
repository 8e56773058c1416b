package summary

import "charm.land/bubbles/v2/key"

var (
	keyVerify = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify now"))
	keyRevoke = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "revoke the grant"))
)

// Keys: v verifies again, g revokes the grant; the router's esc (back to
// the run screen, where r retries failures), ? and q apply. While the
// revocation's question is open, its keys.
func (m *Model) Keys() []key.Binding {
	if m.revoke == revokeConfirm {
		return revokeQuestion(m.revokeChange).Keys()
	}
	return []key.Binding{keyVerify, keyRevoke}
}
