package summary

import "charm.land/bubbles/v2/key"

var (
	keyVerify = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify now"))
	keyRevoke = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "revoke the grant"))
)

// Keys: v verifies again; the router's esc (back to the run screen, where r
// retries failures), ? and q apply.
func (m *Model) Keys() []key.Binding { return []key.Binding{keyVerify, keyRevoke} }
