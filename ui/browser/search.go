package browser

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// searchCap is how many matches of a search below are kept and shown; the
// walk goes on counting the others, so the footer can say "1000 of at
// least 4,210" and memory does not grow with the bucket.
const searchCap = 1000

// pollEvery is how often a running walk's progress is copied out.
const pollEvery = 150 * time.Millisecond

// walk is a listing of every key below a prefix, without a delimiter: a
// search below the level, or the size of one prefix. The listing runs in
// a tea.Cmd and writes its progress under mu; Update copies it out on a
// poll tick and when the walk ends, so the view only reads copies and no
// message is sent per key.
type walk struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	prog   progress
	// found are the first searchCap matches. The walk only appends to it:
	// a copy of the slice header taken under mu stays valid.
	found []transfer.Object
}

// progress is a walk at one moment.
type progress struct {
	scanned, matched, bytes int64 // keys listed, keys matching, their bytes
	done                    bool
	stopped                 bool // cancelled before the end
	err                     error
}

// prefixCount is the total of one prefix asked for with c.
type prefixCount struct {
	w    *walk // nil once it ended
	prog progress
}

// walkTickMsg asks for the running walks' progress to be copied out.
type walkTickMsg struct{}

// walkDoneMsg says w has ended.
type walkDoneMsg struct{ w *walk }

// state copies out the progress and the matches so far.
func (w *walk) state() (progress, []transfer.Object) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.prog, w.found[:len(w.found):len(w.found)]
}

// run lists everything under prefix, counting the objects match accepts
// (all when match is nil) and keeping the first keep of them.
func (w *walk) run(c context.Context, b screen.Backend, profile, bucket, prefix string, match func(transfer.Object) bool, keep int) {
	for o, err := range b.Walk(c, profile, bucket, prefix) {
		if err != nil {
			w.mu.Lock()
			if c.Err() != nil {
				w.prog.stopped = true
			} else {
				w.prog.err = err
			}
			w.prog.done = true
			w.mu.Unlock()
			return
		}
		w.mu.Lock()
		w.prog.scanned++
		if match == nil || match(o) {
			w.prog.matched++
			w.prog.bytes += o.Size
			if len(w.found) < keep {
				w.found = append(w.found, o)
			}
		}
		w.mu.Unlock()
		if c.Err() != nil {
			break // a backend that ignores cancellation still stops here
		}
	}
	w.mu.Lock()
	w.prog.stopped = c.Err() != nil
	w.prog.done = true
	w.mu.Unlock()
}

// startWalk starts a walk below prefix in the source bucket.
func (m *Model) startWalk(state *screen.State, prefix string, match func(transfer.Object) bool, keep int) (*walk, tea.Cmd) {
	c, cancel := context.WithCancel(state.Context())
	w := &walk{cancel: cancel}
	b, profile, bucket := state.Backend, state.SrcProfile, state.SrcBucket
	run := func() tea.Msg {
		defer cancel()
		w.run(c, b, profile, bucket, prefix, match, keep)
		return walkDoneMsg{w: w}
	}
	return w, tea.Batch(run, m.startPolling(), m.startSpinner())
}

// startPolling starts the progress tick unless it runs already; it stops
// by itself once no walk is running.
func (m *Model) startPolling() tea.Cmd {
	if m.polling {
		return nil
	}
	m.polling = true
	return tea.Tick(pollEvery, func(time.Time) tea.Msg { return walkTickMsg{} })
}

// walking reports a search or a count still running.
func (m *Model) walking() bool {
	if m.search != nil && !m.searched.done {
		return true
	}
	for _, pc := range m.counts {
		if pc.w != nil {
			return true
		}
	}
	return false
}

// refreshWalks copies out the progress of every walk.
func (m *Model) refreshWalks() {
	if m.search != nil {
		prog, found := m.search.state()
		m.searched = prog
		if len(found) != len(m.found) {
			m.found = found
			m.reorder()
		}
	}
	for _, pc := range m.counts {
		if pc.w != nil {
			pc.prog, _ = pc.w.state()
			if pc.prog.done {
				pc.w = nil
			}
		}
	}
}

// startSearch (re)starts the search below the level for the query,
// cancelling the one running.
func (m *Model) startSearch(state *screen.State) tea.Cmd {
	m.stopSearch()
	q, prefix := strings.ToLower(m.find.Value()), m.prefix
	match := func(o transfer.Object) bool {
		return strings.Contains(strings.ToLower(strings.TrimPrefix(o.Key, prefix)), q)
	}
	w, cmd := m.startWalk(state, prefix, match, searchCap)
	m.search, m.found, m.searched = w, nil, progress{}
	m.cursor = 0
	m.reorder()
	return cmd
}

// stopSearch cancels the search below (its matches stay shown).
func (m *Model) stopSearch() {
	if m.search != nil && !m.searched.done {
		m.search.cancel()
	}
}

// dropSearch ends the search and goes back to the level's rows.
func (m *Model) dropSearch() {
	m.stopSearch()
	m.search, m.found, m.searched = nil, nil, progress{}
}

// toggleCount starts totalling the prefix under the cursor, or stops the
// count running there.
func (m *Model) toggleCount(state *screen.State) tea.Cmd {
	if m.rows() == 0 {
		return nil
	}
	k, obj := m.row(m.cursor)
	if obj != nil {
		m.note = "c totals a prefix: an object's size is on its row"
		return nil
	}
	if pc := m.counts[k]; pc != nil && pc.w != nil {
		pc.w.cancel()
		m.note = "stopping the count of " + k
		return nil
	}
	w, cmd := m.startWalk(state, k, nil, 0)
	m.counts[k] = &prefixCount{w: w}
	return cmd
}

// stopWalks cancels every walk (the level is reloaded).
func (m *Model) stopWalks() {
	m.dropSearch()
	for k, pc := range m.counts {
		if pc.w != nil {
			pc.w.cancel()
		}
		delete(m.counts, k)
	}
}

// reorder rebuilds the shown rows from the loaded ones, the filter and the
// sort, keeping the cursor on the row it was on (when a filter hides
// every row, on the row it was on before, once the row shows again).
func (m *Model) reorder() {
	at := m.anchor
	if m.rows() > 0 && m.cursor < m.rows() {
		at, _ = m.row(m.cursor)
	}
	filter := m.query != "" && !m.searching() // a search's rows are its matches
	if !filter && m.sortBy == byName {
		m.order, m.ordered = nil, false
	} else {
		q := strings.ToLower(m.query)
		order := make([]int, 0, m.loaded())
		for i := range m.loaded() {
			k, _ := m.loadedRow(i)
			if !filter || strings.Contains(strings.ToLower(strings.TrimPrefix(k, m.prefix)), q) {
				order = append(order, i)
			}
		}
		if m.sortBy != byName {
			// Prefixes stay first, in name order: they have no size or date.
			slices.SortStableFunc(order, func(a, b int) int {
				_, oa := m.loadedRow(a)
				_, ob := m.loadedRow(b)
				switch {
				case oa == nil || ob == nil:
					return boolCmp(oa != nil, ob != nil)
				case m.sortBy == bySize:
					return cmp.Compare(ob.Size, oa.Size)
				}
				return ob.LastModified.Compare(oa.LastModified)
			})
		}
		m.order, m.ordered = order, true
	}
	m.cursor, m.anchor = 0, ""
	if at != "" {
		if i := m.locate(at); i >= 0 {
			m.cursor = i
		} else if m.rows() == 0 {
			m.anchor = at
		}
	}
}

// locate is the shown row of key, or -1.
func (m *Model) locate(key string) int {
	for i := range m.rows() {
		if k, _ := m.row(i); k == key {
			return i
		}
	}
	return -1
}

// boolCmp orders false before true.
func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (s sortBy) String() string {
	return [...]string{"name", "size", "date"}[s]
}
