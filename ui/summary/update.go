package summary

import (
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
)

// Init does nothing: the result is already in the context.
func (m *Model) Init(*screen.Context) tea.Cmd { return nil }

// Update has nothing to handle: the router owns q, esc and ?.
func (m *Model) Update(_ *screen.Context, _ tea.Msg) (screen.Screen, tea.Cmd) { return m, nil }
