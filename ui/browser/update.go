package browser

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
)

// listTimeout bounds one page request, so an endpoint that never answers
// ends in an error line instead of an endless spinner.
const listTimeout = time.Minute

// Init lists the level the user was last at (the top on a first visit) and
// totals a selection made on an earlier visit.
func (m *Model) Init(state *screen.State) tea.Cmd {
	m.input = newInput(state.Styles)
	m.find = newFind(state.Styles)
	return tea.Batch(m.sync(state), m.open(state, state.Where))
}

// open starts listing a level from its first page. A filter or a search
// belongs to the level it was typed on: it ends here.
func (m *Model) open(state *screen.State, prefix string) tea.Cmd {
	m.prefix, state.Where = prefix, prefix
	m.dirs, m.objs, m.next, m.more, m.listErr = nil, nil, "", false, nil
	m.dropSearch()
	m.query, m.scope = "", level
	m.find.SetValue("")
	m.cursor = 0
	m.reorder()
	m.gen++
	return m.fetch(state)
}

// fetch asks for the page after what is loaded.
func (m *Model) fetch(state *screen.State) tea.Cmd {
	m.loading = true
	gen, prefix, next := m.gen, m.prefix, m.next
	ctx, b, profile, bucket := state.Context(), state.Backend, state.SrcProfile, state.SrcBucket
	list := func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, listTimeout)
		defer cancel()
		pg, err := b.List(c, profile, bucket, prefix, next)
		if err != nil {
			err = fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		return pageMsg{gen: gen, page: pg, err: err}
	}
	return tea.Batch(list, m.startSpinner())
}

// maybeMore fetches the next page when the cursor nears the end of the
// loaded rows and one is not already on its way.
func (m *Model) maybeMore(state *screen.State) tea.Cmd {
	if !m.more || m.loading || m.listErr != nil || m.searching() || m.rows()-1-m.cursor > loadAhead {
		return nil
	}
	return m.fetch(state)
}

// recount starts totalling state.Items, cancelling a count still running.
func (m *Model) recount(state *screen.State) tea.Cmd {
	if m.cancelCount != nil {
		m.cancelCount()
		m.cancelCount = nil
	}
	m.countSeq++
	m.countErr = nil
	items := state.Items // never written in place (see selection.go): safe to hand over
	if len(items) == 0 {
		m.counting, m.counted, m.objects, m.bytes = false, true, 0, 0
		return nil
	}
	m.counting = true
	c, cancel := context.WithCancel(state.Context())
	m.cancelCount = cancel
	seq, b, profile, bucket := m.countSeq, state.Backend, state.SrcProfile, state.SrcBucket
	count := func() tea.Msg {
		defer cancel()
		n, size, err := b.Count(c, profile, bucket, items)
		return countMsg{seq: seq, objects: n, bytes: size, err: err}
	}
	return tea.Batch(count, m.startSpinner())
}

// startSpinner starts the spinner unless its tick is already running; the
// tick stops by itself once nothing is busy (see Update).
func (m *Model) startSpinner() tea.Cmd { return m.spin.Start() }

// Update handles keys and the background results.
func (m *Model) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	if cmd, ok := m.spin.Update(msg, m.busy()); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case pageMsg:
		return m, m.paged(state, msg)
	case walkTickMsg:
		m.polling = false
		m.refreshWalks()
		if !m.walking() {
			return m, m.want(state)
		}
		return m, tea.Batch(m.startPolling(), m.want(state))
	case walkDoneMsg:
		m.refreshWalks()
		return m, m.want(state)
	case detailDueMsg:
		if id, ok := m.detailID(state); !ok || msg.seq != m.detailSeq || msg.id != id {
			return m, nil // the cursor moved on before it rested here
		}
		return m, m.fetchDetail(state, msg.id)
	case detailMsg:
		m.gotDetail(msg)
		return m, nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return m, m.mouse(state, msg.(tea.MouseMsg).Mouse())
	case countMsg:
		if msg.seq != m.countSeq {
			return m, nil // the selection changed since: a newer count is running
		}
		m.counting, m.cancelCount = false, nil
		if msg.err != nil {
			m.countErr = fmt.Errorf("count the selection in s3://%s: %w", state.SrcBucket, msg.err)
			return m, nil
		}
		m.counted, m.objects, m.bytes = true, msg.objects, msg.bytes
		return m, nil
	case tea.WindowSizeMsg:
		// Roughly the rows the list shows: a page key moves by about that.
		m.page = max(1, msg.Height-12)
		return m, nil
	case tea.KeyPressMsg:
		switch m.mode {
		case editingPrefix:
			return m, m.prefixKey(state, msg)
		case finding:
			return m, tea.Batch(m.findKey(state, msg), m.want(state))
		}
		sync := m.sync(state)
		m.errLine, m.note = "", "" // a new key press makes the last message old news
		return m, tea.Batch(sync, m.browseKey(state, msg), m.want(state))
	}
	// Other input (a paste) belongs to the input that is open.
	switch m.mode {
	case editingPrefix:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	case finding:
		return m, tea.Batch(m.typed(state, msg), m.want(state))
	}
	return m, nil
}

// paged appends one page of the level being shown.
func (m *Model) paged(state *screen.State, msg pageMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil // a level the user has left, or a listing since restarted
	}
	m.loading = false
	if msg.err != nil {
		m.listErr = msg.err
		return nil
	}
	first := len(m.dirs)+len(m.objs) == 0
	// New prefixes go after the loaded ones, above the objects: keep the
	// cursor on the object it was on (reorder does, when rows are ordered).
	if m.cursor >= len(m.dirs) && !first && !m.ordered && !m.searching() {
		m.cursor += len(msg.page.Prefixes)
	}
	m.dirs = append(m.dirs, msg.page.Prefixes...)
	m.objs = append(m.objs, msg.page.Objects...)
	m.next, m.more = msg.page.Next, msg.page.Next != ""
	if m.ordered && !m.searching() {
		m.reorder()
	}
	if m.restore != "" && !m.searching() {
		// The row to come back to may be pages away (a search's match):
		// fetch on until it comes.
		switch i := m.locate(m.restore); {
		case i >= 0:
			m.cursor, m.restore = i, ""
		case m.more:
			return m.fetch(state)
		default:
			m.restore = ""
		}
	}
	return tea.Batch(m.maybeMore(state), m.want(state))
}

func (m *Model) browseKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	m.restore = "" // a key press ends waiting for a row to come back to
	switch {
	case key.Matches(msg, keyUp):
		return m.move(state, -1)
	case key.Matches(msg, keyDown):
		return m.move(state, 1)
	case key.Matches(msg, keyPgUp):
		return m.move(state, -m.page)
	case key.Matches(msg, keyPgDown):
		return m.move(state, m.page)
	case key.Matches(msg, keyHome):
		return m.move(state, -m.rows())
	case key.Matches(msg, keyEnd):
		return m.move(state, m.rows())
	case key.Matches(msg, keyIn):
		if m.rows() == 0 {
			return nil
		}
		k, obj := m.row(m.cursor)
		switch {
		case obj == nil:
			return m.open(state, k)
		case m.searching():
			// A match opens the level it is in, with the cursor on it.
			m.restore = k
			return m.open(state, parent(k))
		}
		m.note = "an object has nothing inside: space marks it, n goes on to the plan"
	case key.Matches(msg, keyOut):
		if m.searching() {
			m.dropSearch()
			m.query, m.scope = "", level
			m.find.SetValue("")
			m.reorder()
			m.note = "search ended: back to the rows of s3://" + state.SrcBucket + "/" + text.Key(m.prefix)
			return nil
		}
		if m.prefix == "" {
			m.note = "this is the top of s3://" + state.SrcBucket + ": esc goes back to the buckets"
			return nil
		}
		m.restore = m.prefix
		return m.open(state, parent(m.prefix))
	case key.Matches(msg, keyMark):
		return m.toggle(state)
	case key.Matches(msg, keyAll):
		return m.toggleAll(state)
	case key.Matches(msg, keyDst):
		m.mode = editingPrefix
		m.input.SetValue(state.DstPrefix)
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, keyReload):
		m.stopWalks()
		m.clearDetails()
		return tea.Batch(m.open(state, m.prefix), m.recount(state))
	case key.Matches(msg, keyFind):
		m.mode = finding
		m.find.SetValue(m.query)
		m.find.CursorEnd()
		m.findPrompt(state)
		return m.find.Focus()
	case key.Matches(msg, keySort):
		m.sortBy = (m.sortBy + 1) % numSorts
		m.reorder()
		m.note = "sorted by " + m.sortLabel()
		if m.more && m.sortBy != byName {
			m.note += ": the rows loaded so far (more load as the cursor nears the end)"
		}
	case key.Matches(msg, keyPreview):
		m.toggleSide(sidePreview)
	case key.Matches(msg, keyTarget):
		if state.DstBucket == "" {
			m.note = "no destination bucket chosen yet: esc goes back to the buckets"
			return nil
		}
		m.toggleSide(sideTarget)
	case key.Matches(msg, keyCount):
		return m.toggleCount(state)
	case key.Matches(msg, keyNext):
		if len(state.Items) == 0 {
			m.errLine = "nothing is marked: space marks the row under the cursor, a marks every loaded row"
			return nil
		}
		return screen.Navigate(screen.Plan)
	}
	return nil
}

// toggleSide shows pane p beside the listing, or the selection again.
func (m *Model) toggleSide(p sidePane) {
	if m.side == p {
		m.side = sideSelection
		return
	}
	m.side = p
}

// mouse moves the cursor: the wheel scrolls three rows, a click on a row
// puts the cursor there. Coordinates are the screen body's (the router
// draws its header above it).
func (m *Model) mouse(state *screen.State, ev tea.Mouse) tea.Cmd {
	switch ev.Button {
	case tea.MouseWheelUp:
		return tea.Batch(m.move(state, -3), m.want(state))
	case tea.MouseWheelDown:
		return tea.Batch(m.move(state, 3), m.want(state))
	case tea.MouseLeft:
		if ev.X >= m.listW {
			return nil
		}
		start, end := window(m.cursor, m.rows(), m.rowsH)
		if i := start + ev.Y - listTop; ev.Y >= listTop && i < end {
			m.cursor = i
			return tea.Batch(m.maybeMore(state), m.want(state))
		}
	}
	return nil
}

// move moves the cursor by d rows within the loaded ones (no wrapping: the
// end of the loaded rows is where more are fetched).
func (m *Model) move(state *screen.State, d int) tea.Cmd {
	m.cursor = max(0, min(m.cursor+d, m.rows()-1))
	return m.maybeMore(state)
}

// toggle marks or unmarks the row under the cursor, then steps down, as
// file managers do, so that consecutive rows are marked by repeating space.
func (m *Model) toggle(state *screen.State) tea.Cmd {
	if m.rows() == 0 {
		return nil
	}
	k, _ := m.row(m.cursor)
	if c := m.cover(k); c != "" {
		m.note = "already included: " + c + " is marked"
		return nil
	}
	var items []string
	if m.marks[k] {
		items = without(state.Items, map[string]bool{k: true})
	} else {
		items = with(state.Items, k)
	}
	return tea.Batch(m.setItems(state, items), m.move(state, 1))
}

// toggleAll marks every loaded row of the level, or unmarks them all when
// they all are marked already.
func (m *Model) toggleAll(state *screen.State) tea.Cmd {
	if m.rows() == 0 {
		return nil
	}
	if m.prefix != "" {
		if c := m.cover(m.prefix + "x"); c != "" {
			m.note = "already included: " + c + " is marked"
			return nil
		}
	}
	keys := make(map[string]bool, m.rows())
	all := true
	for i := range m.rows() {
		k, _ := m.row(i)
		keys[k] = true
		all = all && m.marks[k]
	}
	if all {
		m.note = fmt.Sprintf("unmarked %d rows", len(keys))
		return m.setItems(state, without(state.Items, keys))
	}
	items := append(slices.Clone(state.Items), mapKeys(keys)...)
	m.note = fmt.Sprintf("marked %d rows", len(keys))
	if m.more {
		m.note += "; rows further down are not loaded yet and were not marked"
	}
	return m.setItems(state, normalize(items))
}

// cover is the marked prefix that already includes key ("" if none).
func (m *Model) cover(key string) string {
	for _, a := range ancestors(key) {
		if m.marks[a] {
			return a
		}
	}
	return ""
}

// setItems publishes a new selection and totals it.
func (m *Model) setItems(state *screen.State, items []string) tea.Cmd {
	state.Items, m.published, m.marks = items, items, set(items)
	return m.recount(state)
}

// sync adopts state.Items when another screen replaced them since this one
// last wrote them (the screen is entered again, or the plan dropped an
// item), and totals them afresh.
func (m *Model) sync(state *screen.State) tea.Cmd {
	if sameSlice(state.Items, m.published) {
		return nil
	}
	m.published, m.marks = state.Items, set(state.Items)
	return m.recount(state)
}

// prefixKey edits the destination prefix. A non-empty prefix gets a
// trailing "/" (else "backup" + "logs/a" would make "backuplogs/a"), and
// loses leading ones (a key starting with "/" is legal but never meant).
func (m *Model) prefixKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keyAccept):
		typed := strings.TrimSpace(m.input.Value())
		p := strings.TrimLeft(typed, "/")
		if p != "" && !strings.HasSuffix(p, "/") {
			p += "/"
		}
		state.DstPrefix = p
		m.mode = browsing
		m.input.Blur()
		switch {
		case p == "":
			m.note = "no destination prefix: the copies keep their keys"
		case p != typed:
			m.note = fmt.Sprintf("destination prefix is %q (adjusted from %q)", p, typed)
		default:
			m.note = fmt.Sprintf("destination prefix is %q", p)
		}
	case key.Matches(msg, keyCancel):
		m.mode = browsing
		m.input.Blur()
	default:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	return nil
}

func mapKeys(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	return out
}
