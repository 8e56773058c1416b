// Package buckets is the second screen: the origin profile's buckets and the
// destination profile's buckets side by side, each list loaded in the
// background. The user chooses one bucket on each side, may filter either
// list, and may create the destination bucket.
package buckets

import (
	"strings"

	"charm.land/bubbles/v2/textinput"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// side is which of the two lists has the focus.
type side int

const (
	origin side = iota
	destination
)

// mode is what the keyboard is doing: moving in the lists, or typing into
// the one text input (which serves both the filter and the new bucket name).
type mode int

const (
	browsing   mode = iota
	filtering       // typing a filter for the focused list
	naming          // typing the name of a new destination bucket
	confirming      // y/n before creating it
)

// list is one side: the buckets as loaded, and what the user did with them.
type list struct {
	all     []screen.Bucket
	loading bool
	loaded  bool
	err     error
	// gen numbers the loads, so a reply to a superseded load (r pressed
	// twice, or a reload after a create) is dropped.
	gen    int
	filter string
	// cursor indexes shown(), not all.
	cursor int
	chosen string
}

// shown is the part of the list the filter lets through, in load order.
func (l *list) shown() []screen.Bucket {
	if l.filter == "" {
		return l.all
	}
	f := strings.ToLower(l.filter)
	var out []screen.Bucket
	for _, b := range l.all {
		if strings.Contains(strings.ToLower(b.Name), f) {
			out = append(out, b)
		}
	}
	return out
}

// clamp keeps the cursor on a shown row after the list or the filter changed.
func (l *list) clamp() {
	n := len(l.shown())
	l.cursor = max(0, min(l.cursor, n-1))
}

// Model is the buckets screen.
type Model struct {
	lists [2]list
	focus side
	mode  mode
	input textinput.Model
	// newName is the bucket waiting for the y/n confirmation, then for
	// CreateBucket's reply.
	newName string
	// ask is the question before creating newName.
	ask      widget.Confirm
	creating bool
	// errLine is the last failure, drawn as one red line; note is the last
	// hint or confirmation, drawn as one subtle line.
	errLine string
	note    string
	spin    widget.Spinner
}

// New builds the screen.
func New() screen.Screen {
	return &Model{spin: widget.NewSpinner()}
}

// Capturing is true while an input or a question has the keyboard, so the
// router leaves q and esc to this screen.
func (m *Model) Capturing() bool { return m.mode != browsing }

// busy reports background work the spinner stands for.
func (m *Model) busy() bool {
	return m.lists[origin].loading || m.lists[destination].loading || m.creating
}

// loadedMsg carries one side's bucket list.
type loadedMsg struct {
	side    side
	gen     int
	buckets []screen.Bucket
	err     error
}

// createdMsg is CreateBucket's reply; how says how it was created.
type createdMsg struct {
	name, how string
	err       error
}

// newInput is the screen's text input.
func newInput(st style.Styles) textinput.Model {
	return style.TextInput(st)
}
