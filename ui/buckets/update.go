package buckets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// callTimeout bounds one ListBuckets or CreateBucket call, so an endpoint
// that never answers ends in an error line instead of an endless spinner.
const callTimeout = 30 * time.Second

// Init loads both lists and starts the spinner. Choices already in the
// shared state (the screen is entered again) are kept if the buckets still exist.
func (m *Model) Init(state *screen.State) tea.Cmd {
	m.input = newInput(state.Styles)
	m.lists[origin].chosen = state.SrcBucket
	m.lists[destination].chosen = state.DstBucket
	return tea.Batch(m.load(state, origin), m.load(state, destination), m.startSpinner())
}

// profile is the profile that lists (and creates) a side's buckets.
func profile(state *screen.State, s side) string {
	if s == origin {
		return state.SrcProfile
	}
	return state.DstProfile
}

// load marks a side as loading and returns the command that lists it.
func (m *Model) load(state *screen.State, s side) tea.Cmd {
	l := &m.lists[s]
	l.gen++
	l.loading = true
	ctx, gen, b, p := state.Context(), l.gen, state.Backend, profile(state, s)
	return func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		bs, err := b.Buckets(c, p)
		if err != nil {
			err = fmt.Errorf("list buckets (profile %s): %w", orDefault(p), err)
		}
		return loadedMsg{side: s, gen: gen, buckets: bs, err: err}
	}
}

// create returns the command that creates the destination bucket: like
// the origin bucket when one is chosen (its region, Object Lock,
// versioning and ownership), so configurations that need them can move.
func create(state *screen.State, name string) tea.Cmd {
	b, p := state.Backend, state.DstProfile
	like := screen.BucketRef{Profile: state.SrcProfile, Bucket: state.SrcBucket}
	return func() tea.Msg {
		// Not the screen's context: a bucket the operator asked for is not
		// left half-made because they left the screen.
		c, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		how, err := b.CreateBucket(c, p, name, like)
		return createdMsg{name: name, how: how, err: err}
	}
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
	case loadedMsg:
		m.loaded(state, msg)
		return m, nil
	case createdMsg:
		m.creating = false
		if msg.err != nil {
			m.errLine = fmt.Sprintf("create s3://%s: %v", msg.name, msg.err)
			return m, nil
		}
		// The user created it to use it: choose it, and reload so it shows.
		d := &m.lists[destination]
		d.chosen, d.filter = msg.name, ""
		m.publish(state)
		m.note = "created s3://" + msg.name + " and chose it as the destination"
		if msg.how != "" {
			m.note = "created s3://" + msg.name + ", " + msg.how + "; chosen as the destination"
		}
		return m, tea.Batch(m.load(state, destination), m.startSpinner())
	case tea.KeyPressMsg:
		return m.key(state, msg)
	}
	// Other input (a paste) belongs to the open text input, if any.
	if m.mode == filtering || m.mode == naming {
		return m, m.updateInput(msg)
	}
	return m, nil
}

// loaded stores one side's list and puts the cursor on its chosen bucket.
func (m *Model) loaded(state *screen.State, msg loadedMsg) {
	l := &m.lists[msg.side]
	if msg.gen != l.gen {
		return // a newer load is on its way
	}
	l.loading, l.loaded, l.err = false, true, msg.err
	if msg.err != nil {
		return // keep what was shown before, if anything
	}
	l.all = msg.buckets
	if l.chosen != "" && !contains(l.all, l.chosen) {
		// Chosen on an earlier visit, with what may have been other
		// profiles: it is not there any more.
		l.chosen = ""
		m.publish(state)
	}
	if i := index(l.shown(), l.chosen); i >= 0 {
		l.cursor = i
	}
	l.clamp()
}

func (m *Model) key(state *screen.State, msg tea.KeyPressMsg) (screen.Screen, tea.Cmd) {
	switch m.mode {
	case filtering:
		return m, m.filterKey(msg)
	case naming:
		return m, m.nameKey(state, msg)
	case confirming:
		return m, m.confirmKey(state, msg)
	}
	// A new key press makes the last message old news.
	m.errLine, m.note = "", ""
	l := &m.lists[m.focus]
	shown := l.shown()
	both := m.lists[origin].chosen != "" && m.lists[destination].chosen != ""
	switch {
	case key.Matches(msg, keyUp):
		m.move(-1)
	case key.Matches(msg, keyDown):
		m.move(1)
	case key.Matches(msg, keySwitch):
		m.focus = 1 - m.focus
	case key.Matches(msg, keyNext), key.Matches(msg, keyChoose) && msg.String() == "enter" && both:
		// Enter chooses until both sides are chosen, then continues; space
		// always chooses. (A bucket chosen shows its mark at once; on the
		// profiles screen enter never chooses.)
		if !both {
			m.note = "choose an origin and a destination bucket first (space)"
			return m, nil
		}
		return m, screen.Navigate(screen.Browser)
	case key.Matches(msg, keyChoose):
		if len(shown) == 0 {
			return m, nil
		}
		l.chosen = shown[l.cursor].Name
		m.publish(state)
		if m.focus == origin {
			m.focus = destination
		}
	case key.Matches(msg, keyFilter):
		m.mode = filtering
		m.input.Prompt, m.input.Placeholder = "/", "type to filter"
		m.input.SetValue(l.filter)
		m.input.CursorEnd()
		return m, m.input.Focus()
	case key.Matches(msg, keyCreate):
		if m.focus != destination {
			m.note = "buckets are created on the destination side: press tab, then c"
			return m, nil
		}
		m.mode = naming
		m.input.Prompt, m.input.Placeholder = "new bucket name: ", "e.g. archive-2026"
		m.input.Reset()
		return m, m.input.Focus()
	case key.Matches(msg, keyReload):
		return m, tea.Batch(m.load(state, origin), m.load(state, destination), m.startSpinner())
	}
	return m, nil
}

// move steps the focused list's cursor, wrapping at the ends.
func (m *Model) move(d int) {
	l := &m.lists[m.focus]
	if n := len(l.shown()); n > 0 {
		l.cursor = (l.cursor + d + n) % n
	}
}

// filterKey narrows the focused list as the user types. Enter keeps the
// filter, esc drops it; the arrows still move in the narrowed list.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.lists[m.focus]
	switch {
	case key.Matches(msg, keyInputUp):
		m.move(-1)
	case key.Matches(msg, keyInputDown):
		m.move(1)
	case msg.String() == "enter":
		m.mode = browsing
		m.input.Blur()
	case msg.String() == "esc":
		m.mode = browsing
		m.input.Blur()
		l.filter = ""
		if i := index(l.all, l.chosen); i >= 0 {
			l.cursor = i
		}
		l.clamp()
	default:
		cmd := m.updateInput(msg)
		if v := m.input.Value(); v != l.filter {
			// The best match is the first one: start there.
			l.filter, l.cursor = v, 0
		}
		return cmd
	}
	return nil
}

// nameKey reads the new bucket's name; a name S3 would refuse is caught
// here, before the question is asked.
func (m *Model) nameKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keyAccept):
		name := strings.TrimSpace(m.input.Value())
		if err := transfer.ValidateBucketName(name); err != nil {
			m.errLine = err.Error()
			return nil
		}
		if contains(m.lists[destination].all, name) {
			m.errLine = "s3://" + name + " already exists: esc, then choose it with space"
			return nil
		}
		m.errLine = ""
		m.newName, m.mode, m.ask = name, confirming, createQuestion(state, name)
		m.input.Blur()
	case key.Matches(msg, keyCancel):
		m.mode, m.errLine = browsing, ""
		m.input.Blur()
	default:
		return m.updateInput(msg)
	}
	return nil
}

// createQuestion asks before creating the destination bucket name: as
// whom, and like which origin bucket.
func createQuestion(state *screen.State, name string) widget.Confirm {
	like := ""
	if state.SrcBucket != "" {
		like = "Like s3://" + state.SrcBucket + ": its region, Object Lock, versioning and ownership."
	}
	return widget.Confirm{Title: fmt.Sprintf("Create bucket s3://%s as %s?", name, orDefault(state.DstProfile)), Body: like, Yes: "create", No: "cancel"}
}

// confirmKey answers "create s3://name?".
func (m *Model) confirmKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	switch m.ask.Answer(msg) {
	case widget.Yes:
		m.mode, m.creating = browsing, true
		m.note = "creating s3://" + m.newName + "…"
		return tea.Batch(create(state, m.newName), m.startSpinner())
	case widget.No:
		m.mode = browsing
		m.note = "s3://" + m.newName + " was not created"
	}
	return nil
}

func (m *Model) updateInput(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

// publish writes the choices into the shared state. A new origin bucket
// drops the items picked in the old one: their keys mean nothing there.
func (m *Model) publish(state *screen.State) {
	src := m.lists[origin].chosen
	if src != state.SrcBucket {
		state.Items, state.Where = nil, ""
	}
	state.SrcBucket, state.DstBucket = src, m.lists[destination].chosen
}

func index(bs []screen.Bucket, name string) int {
	for i, b := range bs {
		if b.Name == name {
			return i
		}
	}
	return -1
}

func contains(bs []screen.Bucket, name string) bool { return name != "" && index(bs, name) >= 0 }

// orDefault names the profile "" (environment credentials) for messages.
func orDefault(p string) string {
	if p == "" {
		return "from the environment"
	}
	return p
}
