// Package browser is the third screen: it walks the origin bucket like a
// file manager, one delimiter level at a time, and lets the user mark the
// prefixes and objects to migrate. A side pane totals the selection in the
// background and shows where the copies will go.
//
// Listings arrive in pages of up to 1000 entries and the next page is asked
// for only when the cursor nears the end of what is loaded; only the rows
// around the cursor are rendered, so a level of 100k entries stays fast.
//
// Finding things: "/" filters the loaded rows of the level as the user
// types, or (tab) searches everything below the level with a listing
// without delimiter that streams in the background; "s" sorts; "c" totals
// a prefix in the background; "p" and "t" turn the side pane into a
// preview of the highlighted object or a view of what the destination
// already holds there. Every listing of that kind (a walk, see search.go)
// runs in a tea.Cmd with its own context and is polled on a tick, so no
// message is sent per key listed.
package browser

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/widget"
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
	finding            // typing the filter
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
	// listW and rowsH are the list pane's width and row count as last
	// drawn: a mouse click is matched against what the user sees.
	listW, rowsH int

	// marks mirrors state.Items for quick lookups. published is the slice
	// last written to state.Items: when state.Items is another slice, another
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

	// The filter in force ("" for none) and where it looks: the loaded rows
	// of the level, or everything below it (a search walk whose matches
	// are the rows while scope is below).
	query  string
	scope  scope
	find   textinput.Model
	search *walk
	// found are the search's matches so far (at most searchCap: the walk
	// keeps counting the others); searched is its progress.
	found    []transfer.Object
	searched progress
	// sortBy orders the rows; order maps shown rows to loaded ones
	// (dirs, then objs, or found) when a filter or a sort is in force.
	sortBy  sortBy
	order   []int
	ordered bool
	// anchor is the row the cursor was on when a filter hid every row.
	anchor string

	// counts are the prefix totals asked for with c, by prefix; polling is
	// set while the tick that copies out walk progress is running.
	counts  map[string]*prefixCount
	polling bool

	// side is what the side pane shows. details caches the previews and
	// destination views by pane and key (detailKeys, oldest first, bound
	// it); detailSeq numbers the fetches, only the latest one's reply is
	// awaited and starting one cancels the previous.
	side         sidePane
	details      map[detailKey]*detail
	detailKeys   []detailKey
	detailSeq    int
	cancelDetail context.CancelFunc
	// detailDelay is how long the cursor must rest on a row before its
	// preview is fetched, so scrolling through a level sends no request
	// per row passed.
	detailDelay time.Duration

	mode  mode
	input textinput.Model
	// errLine is the last failure (one red line); note the last hint.
	errLine string
	note    string
	spin    widget.Spinner
}

// New builds the screen.
func New() screen.Screen {
	return &Model{spin: widget.NewSpinner(), page: 20, marks: map[string]bool{},
		counts: map[string]*prefixCount{}, details: map[detailKey]*detail{}, detailDelay: 150 * time.Millisecond}
}

// Capturing is true while the destination prefix or the filter is typed.
func (m *Model) Capturing() bool { return m.mode != browsing }

// busy reports background work the spinner stands for.
func (m *Model) busy() bool { return m.loading || m.counting || m.walking() || m.fetchingDetail() }

// searching reports that the rows are the matches of a search below.
func (m *Model) searching() bool { return m.scope == below && m.search != nil }

// loaded is how many rows the rows come from: the loaded rows of the
// level, or the search's matches.
func (m *Model) loaded() int {
	if m.searching() {
		return len(m.found)
	}
	return len(m.dirs) + len(m.objs)
}

// loadedRow is loaded row i: a prefix (obj nil) or an object.
func (m *Model) loadedRow(i int) (key string, obj *transfer.Object) {
	if m.searching() {
		return m.found[i].Key, &m.found[i]
	}
	if i < len(m.dirs) {
		return m.dirs[i], nil
	}
	o := &m.objs[i-len(m.dirs)]
	return o.Key, o
}

// rows is how many rows are shown (loaded rows that pass the filter).
func (m *Model) rows() int {
	if m.ordered {
		return len(m.order)
	}
	return m.loaded()
}

// row is the key (or prefix) of shown row i and, for an object, the
// object.
func (m *Model) row(i int) (key string, obj *transfer.Object) {
	if m.ordered {
		i = m.order[i]
	}
	return m.loadedRow(i)
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

// scope is where the filter looks.
type scope int

const (
	level scope = iota // the loaded rows of the level
	below              // every key below the level (a search walk)
)

// sortBy is the order of the rows.
type sortBy int

const (
	byName sortBy = iota // key order, as S3 lists
	bySize               // largest first
	byDate               // newest first
	numSorts
)

// sidePane is what the pane beside the listing shows.
type sidePane int

const (
	sideSelection sidePane = iota // the selection and its totals
	sidePreview                   // the highlighted object
	sideTarget                    // what the destination holds for the highlighted row
)

// newFind is the filter's text input.
func newFind(st style.Styles) textinput.Model {
	in := style.TextInput(st)
	in.Prompt = "filter: "
	in.Placeholder = "part of a name (tab: search below)"
	return in
}

// newInput is the screen's text input.
func newInput(st style.Styles) textinput.Model {
	in := style.TextInput(st)
	in.Prompt = "destination prefix: "
	in.Placeholder = "none: keys keep their names"
	return in
}
