package transfer

import (
	"context"
	"testing"
	"time"
)

// TestPacer: a take larger than a second's worth waits in steps instead of
// failing, and never runs ahead of the limit (a lower bound on time, which
// a slow machine cannot break); a cancelled wait returns at once; zero
// limits do not pace.
func TestPacer(t *testing.T) {
	ctx := context.Background()
	p := newPacer(0, 1<<20)
	start := time.Now()
	if err := p.take(ctx, 3<<19); err != nil { // 1.5 MiB at 1 MiB/s
		t.Fatal(err)
	}
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("1.5 MiB at 1 MiB/s took %v: ran ahead of the limit", d)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.take(cctx, 4<<20); err == nil {
		t.Error("a cancelled take returned no error")
	}
	objs := newPacer(20, 0)
	start = time.Now()
	for range 30 {
		if err := objs.object(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("30 objects at 20/s (a burst of 20) took %v: ran ahead of the limit", d)
	}
	// Without limits a huge take is allowed at once (with a limit it
	// would wait for hours, and the test would time out).
	none := newPacer(0, 0)
	for range 1000 {
		if err := none.object(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := none.take(ctx, 1<<40); err != nil {
		t.Errorf("zero limits: %v", err)
	}
	// Limits change while running, and say what they are.
	none.set(5, 1<<20)
	if o, b := none.limits(); o != 5 || b != 1<<20 {
		t.Errorf("limits after set: %v objects/s, %d B/s", o, b)
	}
	none.set(0, 0)
	if o, b := none.limits(); o != 0 || b != 0 || none.take(ctx, 1<<40) != nil {
		t.Errorf("limits after clearing: %v, %d", o, b)
	}
}
