package plan

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// afterRun diffs like the fake until copied is set; then every key the
// fake calls new or changed is identical, as after a run that copied them.
type afterRun struct {
	*recorder
	copied atomic.Bool
}

func (a *afterRun) Diff(ctx context.Context, m screen.Migration) (screen.DiffSummary, error) {
	if !a.copied.Load() {
		return a.recorder.Diff(ctx, m)
	}
	a.mu.Lock()
	a.compares = append(a.compares, m.Compare)
	a.mu.Unlock()
	var out screen.DiffSummary
	for _, e := range a.Fake.DiffEntriesOf(m) {
		if e.Class == transfer.ClassNew || e.Class == transfer.ClassChanged {
			e.Class, e.Dst, e.Reason = transfer.ClassIdentical, e.Src, ""
		}
		out.Stats.Add(e)
	}
	return out, nil
}

// TestPlanRefreshesAfterARun: coming back from a run (the router's
// Reenter), the diff, policy and preflight are read again, so the diff
// no longer counts what the run copied as new — without pressing m.
func TestPlanRefreshesAfterARun(t *testing.T) {
	h := newHarness(t, nil)
	b := &afterRun{recorder: h.b}
	h.state.Backend = b
	h.s = New()
	h.run(h.s.Init(h.state))
	h.press("3")
	if v := h.view(); !strings.Contains(lineWith(v, "new"), " 14 ") {
		t.Fatalf("before the run:\n%s", v)
	}
	b.copied.Store(true)
	r, ok := h.s.(screen.Reenterer)
	if !ok {
		t.Fatal("the plan does not refresh when the router comes back to it")
	}
	cmd := r.Reenter(h.state)
	if v := h.view(); !strings.Contains(v, "diffing again") {
		t.Errorf("no sign of the refresh while it runs:\n%s", v)
	}
	h.run(cmd)
	v := h.view()
	if !strings.Contains(lineWith(v, "new"), " 0 ") || !strings.Contains(lineWith(v, "identical"), " 16 ") {
		t.Errorf("the diff is stale after the run:\n%s", v)
	}
	if n := len(h.b.compares); n != 2 {
		t.Errorf("Diff called %d times, want 2 (Init, then the refresh)", n)
	}
	if n := len(h.b.broad); n != 2 {
		t.Errorf("PolicyChange called %d times, want 2", n)
	}
}
