package plan

import (
	"context"
	"strings"
	"sync"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// recorder wraps the fake backend and records what the screen asked for.
type recorder struct {
	*uitest.Fake
	mu        sync.Mutex
	broad     []bool
	compares  []string
	preflight []screen.RunOptions
	diffErr   error
	unchanged bool
	// change edits every planned policy change (the owner's policy as it
	// is at that moment, a NoGrant, a scope change).
	change func(*bucketpolicy.Change)
	// applyErr is returned by the next ApplyPolicy, which then writes
	// nothing; applied records what each call was given.
	applyErr error
	applied  []bucketpolicy.Change
}

func (r *recorder) ApplyPolicy(ctx context.Context, m screen.Migration, c bucketpolicy.Change) error {
	r.mu.Lock()
	err := r.applyErr
	r.applyErr = nil
	r.applied = append(r.applied, c)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	return r.Fake.ApplyPolicy(ctx, m, c)
}

func (r *recorder) PolicyChange(ctx context.Context, m screen.Migration, broad bool) (bucketpolicy.Change, error) {
	r.mu.Lock()
	r.broad = append(r.broad, broad)
	unchanged, change := r.unchanged, r.change
	r.mu.Unlock()
	c, err := r.Fake.PolicyChange(ctx, m, broad)
	if unchanged {
		c.Before = c.After
	}
	if change != nil {
		change(&c)
	}
	return c, err
}

func (r *recorder) Preflight(ctx context.Context, m screen.Migration, opt screen.RunOptions) ([]preflight.Check, error) {
	r.mu.Lock()
	r.preflight = append(r.preflight, opt)
	r.mu.Unlock()
	return r.Fake.Preflight(ctx, m, opt)
}

func (r *recorder) Diff(ctx context.Context, m screen.Migration) (screen.DiffSummary, error) {
	r.mu.Lock()
	r.compares = append(r.compares, m.Compare)
	err := r.diffErr
	r.mu.Unlock()
	if err != nil {
		return screen.DiffSummary{}, err
	}
	return r.Fake.Diff(ctx, m)
}

// harness drives the screen as the router would, running every command
// synchronously and feeding its messages back.
type harness struct {
	t     *testing.T
	state *screen.State
	s     screen.Screen
	b     *recorder
	init  tea.Cmd
}

// newHarness builds the screen on a recorder; setup may change the
// backend before Init. The Init command is kept in h.init, not run.
func newHarness(t *testing.T, setup func(*recorder)) *harness {
	t.Helper()
	b := &recorder{Fake: uitest.New()}
	if setup != nil {
		setup(b)
	}
	state := &screen.State{
		Backend: b, Styles: style.New(true),
		SrcProfile: "prod-origin", DstProfile: "prod-archive",
		SrcIdentity: "prod-origin (111122223333)", DstIdentity: "prod-archive (444455556666)",
		SrcBucket: "origin-data", DstBucket: "dest-archive", DstPrefix: "migrated/",
		Items:   []string{"logs/2026/", "reports/", "README.txt"},
		Options: screen.RunOptions{Concurrency: 32, Verify: true, Compare: "size-etag"},
	}
	h := &harness{t: t, state: state, b: b, s: New()}
	h.init = h.s.Init(state)
	return h
}

// started is a harness whose three loads have finished.
func started(t *testing.T, setup func(*recorder)) *harness {
	t.Helper()
	h := newHarness(t, setup)
	h.run(h.init)
	return h
}

func (h *harness) model() *Model { return h.s.(*Model) }

// run executes cmd and everything it leads to; the messages the screen
// does not handle (navigation, clipboard) are returned. Spinner ticks are
// dropped: they only animate.
func (h *harness) run(cmd tea.Cmd) []tea.Msg {
	h.t.Helper()
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case policyMsg, preflightMsg, diffMsg, pageMsg, appliedMsg, savedMsg, bucketMsg, bucketAppliedMsg:
			var next tea.Cmd
			h.s, next = h.s.Update(h.state, msg)
			queue = append(queue, next)
		default:
			out = append(out, msg)
		}
	}
	return out
}

// press sends keys one by one and returns the unhandled messages of all.
func (h *harness) press(keys ...string) []tea.Msg {
	h.t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		h.s, cmd = h.s.Update(h.state, keyOf(k))
		out = append(out, h.run(cmd)...)
	}
	return out
}

// view renders at the golden size without ANSI sequences.
func (h *harness) view() string { return ansi.Strip(h.s.View(h.state, 120, 30)) }

// keyOf builds the key press whose String() is s.
func keyOf(s string) tea.KeyPressMsg { return uitest.Key(s) }

// navigations are the screens the messages ask the router to go to.
func navigations(msgs []tea.Msg) []screen.ID {
	var ids []screen.ID
	for _, m := range msgs {
		if g, ok := m.(screen.Go); ok {
			ids = append(ids, g.To)
		}
	}
	return ids
}

// golden compares the view with testdata/name.golden through the shared
// helper (ANSI stripped, trailing spaces trimmed); its -update flag,
// registered by uitest, rewrites the file.
func golden(t *testing.T, name, got string) {
	t.Helper()
	uitest.Golden(t, name, got)
}

// lineWith is the first line of s containing sub, or "".
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
