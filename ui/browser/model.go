// Package browser is the third screen: it walks the origin bucket like a
// file manager, one delimiter level at a time, and lets the user mark the
// prefixes and objects to migrate. A side pane totals the selection in the
// background and shows where the copies will go.
//
// Listings arrive in pages of up to 1000 entries and the next page is asked
// for only when the cursor nears the end of what is loaded; only the rows
// around the cursor are rendered, so a level of 100k entries stays fast.
package browser

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
)

// loadAhead is how close (in rows) the cursor may come to the end of the
// loaded rows before the next page is asked for: a few screens, so the page
// is usually there before the cursor is.
const loadAhead = 200

// mode is what the keyboard is doing.
type mode int

const (
	browsing      mode = iota
	editingPrefix      // typing the destination prefix
)

// Model is the browser screen.
type Model struct {
	// prefix is the level shown ("" is the bucket's top).
	prefix string
	// dirs and objs are the loaded rows of this level: the common prefixes
	// first, then the objects, each in listing (key) order. Rows are
	// indexed across both: row i < len(dirs) is a prefix.
	dirs []string
	objs []transfer.Object
	// next continues the listing; more is false once the last page came.
	next    string
	more    bool
	loading bool
	listErr error
	// gen numbers the listings: a page of a level the user has left (or
	// reloaded) is dropped.
	gen    int
	cursor int
	// restore is the prefix to put the cursor on when the level arrives
	// (the one just left by going up).
	restore string
	// page is how many rows pgup/pgdown move, from the terminal height.
	page int

	// marks mirrors ctx.Items for quick lookups. published is the slice
	// last written to ctx.Items: when ctx.Items is another slice, another
	// screen changed it and marks are rebuilt.
	marks     map[string]bool
	published []string

	// The selection's totals, counted in the background. countSeq numbers
	// the counts: only the latest one's result is shown, and starting a
	// new one cancels the previous call.
	counting    bool
	countSeq    int
	cancelCount context.CancelFunc
	counted     bool
	objects     int64
	bytes       int64
	countErr    error

	mode  mode
	input textinput.Model
	// errLine is the last failure (one red line); note the last hint.
	errLine string
	note    string
	spin    spinner.Model
	ticking bool
}

// New builds the screen.
func New() screen.Screen {
	return &Model{spin: spinner.New(spinner.WithSpinner(spinner.Dot)), page: 20, marks: map[string]bool{}}
}

// Capturing is true while the destination prefix is typed.
func (m *Model) Capturing() bool { return m.mode == editingPrefix }

// busy reports background work the spinner stands for.
func (m *Model) busy() bool { return m.loading || m.counting }

// rows is how many rows are loaded.
func (m *Model) rows() int { return len(m.dirs) + len(m.objs) }

// row is the key (or prefix) of row i and, for an object, the object.
func (m *Model) row(i int) (key string, obj *transfer.Object) {
	if i < len(m.dirs) {
		return m.dirs[i], nil
	}
	o := &m.objs[i-len(m.dirs)]
	return o.Key, o
}

// pageMsg is one page of the listing of generation gen.
type pageMsg struct {
	gen  int
	page screen.Page
	err  error
}

// countMsg is the total of the selection counted as number seq.
type countMsg struct {
	seq            int
	objects, bytes int64
	err            error
}

// parent is the level above prefix: "a/b/" → "a/", "a/" → "".
func parent(prefix string) string {
	p := strings.TrimSuffix(prefix, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return ""
}

// ancestors are the prefixes that contain key, outermost first:
// "a/b/c" → "a/", "a/b/"; "a/b/" → "a/".
func ancestors(key string) []string {
	var out []string
	for i := 0; i < len(key)-1; i++ {
		if key[i] == '/' {
			out = append(out, key[:i+1])
		}
	}
	return out
}

// newInput is the screen's text input.
func newInput(st style.Styles) textinput.Model {
	in := style.TextInput(st)
	in.Prompt = "destination prefix: "
	in.Placeholder = "none: keys keep their names"
	return in
}
