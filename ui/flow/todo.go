package flow

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/app"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// todo stands for a screen not built yet.
func todo(id screen.ID) app.Factory {
	return func() screen.Screen { return placeholder{id} }
}

type placeholder struct{ id screen.ID }

func (p placeholder) Init(*screen.Context) tea.Cmd                             { return nil }
func (p placeholder) Update(*screen.Context, tea.Msg) (screen.Screen, tea.Cmd) { return p, nil }
func (p placeholder) View(ctx *screen.Context, w, h int) string {
	return ctx.Styles.Subtle.Render("the " + p.id.String() + " screen is not built yet")
}
func (p placeholder) Keys() []key.Binding { return nil }
func (p placeholder) Capturing() bool     { return false }
