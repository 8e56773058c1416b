package summary

import (
	"charm.land/bubbles/v2/key"

	"github.com/s3migrate/s3migrate/ui/widget"
)

var (
	keyVerify = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify now"))
	keyRevoke = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "revoke the grant"))
	keyUp     = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑↓/jk", "select a failure"))
	keyDown   = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next failure")) // shown with keyUp
)

// Keys: v verifies again, g revokes the grant; the router's esc (back to
// the run screen, where r retries failures), ? and q apply. While the
// revocation's question is open, its keys.
func (m *Model) Keys() []key.Binding {
	if m.revoke == revokeConfirm {
		return revokeQuestion(m.revokeChange).Keys()
	}
	if m.detail {
		return []key.Binding{widget.KeyClose}
	}
	return []key.Binding{keyVerify, keyRevoke, keyUp, widget.KeyDetail}
}
