package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// TestTUIDiffPagedSandbox: the TUI backend's diff on the sandbox holds the
// whole plan (2,500 new keys, far past the 200 the drill-down used to keep)
// in its plan store; every key pages back, in order, and a filter counts
// what it keeps; the store is gone once the diff's context ends (the Plan
// screen was left).
func TestTUIDiffPagedSandbox(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "tui-diff-paged")
	keys := putN(t, src, "many/", 2500)
	put(t, sb.Client(sb.Dest), dst, "many/stale.bin")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := backend.New()
	sum, err := b.Diff(ctx, screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile,
		SrcBucket: src, DstBucket: dst, Items: []string{"many/"}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stats.Count[transfer.ClassNew] != 2500 || sum.Stats.Count[transfer.ClassExtra] != 1 || sum.Plan == nil {
		t.Fatalf("stats %v, plan %v", sum.Stats.Count, sum.Plan)
	}
	var got []string
	q := screen.PlanQuery{Class: transfer.ClassNew, Limit: 300, Count: true}
	for {
		p, err := sum.Plan.Page(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if q.Count && p.Total != 2500 {
			t.Fatalf("total %d", p.Total)
		}
		if len(p.Entries) == 0 {
			break
		}
		for _, e := range p.Entries {
			got = append(got, e.Rel)
		}
		q = screen.PlanQuery{Class: transfer.ClassNew, Limit: 300, From: screen.PlanAfter, Key: p.Entries[len(p.Entries)-1].Rel}
	}
	if len(got) != len(keys) {
		t.Fatalf("paged %d keys, want %d", len(got), len(keys))
	}
	for i, k := range keys {
		if got[i] != k {
			t.Fatalf("key %d: %q, want %q", i, got[i], k)
		}
	}
	f, err := sum.Plan.Page(ctx, screen.PlanQuery{Class: transfer.ClassNew, Filter: "MANY/0012", Limit: 5, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Total != 10 || len(f.Entries) != 5 || f.Entries[0].Rel != "many/00120" {
		t.Fatalf("filtered: total %d, %v", f.Total, f.Entries)
	}
	x, err := sum.Plan.Page(ctx, screen.PlanQuery{Class: transfer.ClassExtra, Limit: 5})
	if err != nil || len(x.Entries) != 1 || x.Entries[0].Rel != "stale.bin" && !strings.HasSuffix(x.Entries[0].Rel, "stale.bin") {
		t.Fatalf("extra: %v, %v", x.Entries, err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := sum.Plan.Page(context.Background(), q); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the plan store outlives the diff's context")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
