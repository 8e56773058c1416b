package summary

import "charm.land/bubbles/v2/key"

// Keys: the summary has none of its own; the router's esc (back to the run
// screen, where r retries failures), ? and q apply.
func (m *Model) Keys() []key.Binding { return nil }
