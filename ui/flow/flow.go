// Package flow assembles the screens into the TUI: which screen each step
// is, and the program that runs them.
package flow

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/ui/app"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/browser"
	"github.com/s3migrate/s3migrate/ui/buckets"
	"github.com/s3migrate/s3migrate/ui/jobs"
	"github.com/s3migrate/s3migrate/ui/plan"
	"github.com/s3migrate/s3migrate/ui/profiles"
	"github.com/s3migrate/s3migrate/ui/run"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/summary"
)

// Screens maps every step to its screen.
func Screens() map[screen.ID]app.Factory {
	return map[screen.ID]app.Factory{
		screen.Profiles: profiles.New,
		screen.Buckets:  buckets.New,
		screen.Browser:  browser.New,
		screen.Plan:     plan.New,
		screen.Running:  run.New,
		screen.Summary:  summary.New,
		screen.Jobs:     jobs.New,
	}
}

// NewModel is the root model on a backend.
func NewModel(b screen.Backend, st style.Styles) *app.Model {
	return app.New(b, st, Screens(), screen.Profiles)
}

// Options are the settings of one TUI session.
type Options struct {
	// Log receives the SDK's log lines; never the terminal.
	Log io.Writer
	// SaveDir is where saved files go (resolved before a sandbox starts).
	SaveDir string
	// Prices replaces the built-in price table of the estimate (nil: none).
	Prices *estimate.Prices
	// RequesterPays accepts the charges of Requester Pays buckets
	// (--request-payer requester).
	RequesterPays bool
}

// Run runs the TUI on the live backend until the user quits or state ends.
// The SDK's log lines go to logw, never to the terminal.
func Run(ctx context.Context, o Options, in io.Reader, out io.Writer) error {
	mfa := app.NewMFA()
	b := backend.New()
	b.MFAToken, b.Log, b.Prices, b.RequesterPays = mfa.Token, o.Log, o.Prices, o.RequesterPays
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if in != nil {
		opts = append(opts, tea.WithInput(in))
	}
	if out != nil {
		opts = append(opts, tea.WithOutput(out))
	}
	m := NewModel(b, style.FromEnv()).WithMFA(mfa)
	m.State().SaveDir = o.SaveDir
	_, err := tea.NewProgram(m, opts...).Run()
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return nil
	}
	return err
}
