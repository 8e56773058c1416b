// Package profiles is the first screen: the origin and destination profiles
// side by side, each identity resolved in the background.
package profiles

import (
	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// side is which of the two lists has the focus.
type side int

const (
	origin side = iota
	destination
)

// row is one profile with what is known of its identity so far.
type row struct {
	info     awsauth.ProfileInfo
	id       awsauth.Identity
	resolved bool
	err      error
}

// Model is the profiles screen.
type Model struct {
	rows    []row
	loadErr error
	loaded  bool
	focus   side
	cursor  [2]int
	chosen  [2]int // -1 until chosen
	spin    widget.Spinner
	// resumable is the newest journaled migration that did not finish,
	// offered first.
	resumable *screen.Resumable
	// hint says why enter did not continue (a side not chosen yet).
	hint string
	// detail shows the highlighted profile whole over the lists (d; esc,
	// enter or q closes it): its problem line is cut to the pane.
	detail bool
}

// resumableMsg carries the unfinished migrations.
type resumableMsg struct{ list []screen.Resumable }

// New builds the screen.
func New() screen.Screen {
	return &Model{chosen: [2]int{-1, -1}, spin: widget.NewSpinner()}
}

// loadedMsg carries the profile list.
type loadedMsg struct {
	rows []awsauth.ProfileInfo
	err  error
}

// identityMsg carries one resolved identity.
type identityMsg struct {
	name string
	id   awsauth.Identity
	err  error
}

// Capturing is true while a profile's detail is open, so that esc, q and
// ? close it rather than leave, quit or toggle the help.
func (m *Model) Capturing() bool { return m.detail }

// label is how a chosen profile appears in the status line.
func (r row) label() string {
	switch {
	case r.id.Account != "":
		return r.info.Name + " (" + r.id.Account + ")"
	case r.id.Principal != "":
		return r.info.Name + " (" + r.id.Principal + ")"
	}
	return r.info.Name
}
