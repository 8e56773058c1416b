package backend

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// diffOf streams entries as a diff does.
func diffOf(es []transfer.Entry) func(func(transfer.Entry, error) bool) {
	return func(yield func(transfer.Entry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func rels(p screen.PlanPage) []string {
	var out []string
	for _, e := range p.Entries {
		out = append(out, e.Rel)
	}
	return out
}

// The plan store holds a few thousand entries (more than one write batch)
// and pages each class forward and back, filtered by a case-insensitive
// substring with its count; entries come back whole (the reason too);
// nothing is left in the temporary directory, and Close (or the end of the
// diff's context) removes the store.
func TestPlanStorePages(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("SQLITE_TMPDIR", tmp)
	const n = 12_000 // planBatch is 10,000
	var es []transfer.Entry
	for i := range n {
		k := fmt.Sprintf("Logs/%05d.json", i)
		c := transfer.ClassNew
		if i%3 == 0 {
			c = transfer.ClassChanged
		}
		es = append(es, transfer.Entry{Rel: k, Class: c, Src: transfer.Object{Key: "src/" + k, Size: int64(i), ETag: "e", LastModified: time.Unix(1700000000, 0).UTC()},
			Dst: transfer.Object{Key: "dst/" + k, Size: 1}, Reason: "size " + fmt.Sprint(i)})
	}
	s, err := newPlanStore()
	if err != nil {
		t.Fatal(err)
	}
	var stats transfer.DiffStats
	if err := s.fill(context.Background(), diffOf(es), &stats); err != nil {
		t.Fatal(err)
	}
	if stats.Count[transfer.ClassNew] != 8000 || stats.Count[transfer.ClassChanged] != 4000 {
		t.Fatalf("stats %v", stats.Count)
	}
	ctx := context.Background()
	page := func(q screen.PlanQuery) screen.PlanPage {
		t.Helper()
		p, err := s.Page(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Forward through the changed class, past 200, to its end.
	q := screen.PlanQuery{Class: transfer.ClassChanged, Limit: 500, Count: true}
	p := page(q)
	if p.Total != 4000 || len(p.Entries) != 500 || p.Entries[0].Rel != "Logs/00000.json" || p.Entries[1].Rel != "Logs/00003.json" {
		t.Fatalf("first page: total %d, %d entries, %q", p.Total, len(p.Entries), rels(p)[:2])
	}
	e := p.Entries[1]
	if e.Src.Key != "src/Logs/00003.json" || e.Src.Size != 3 || e.Dst.Key != "dst/Logs/00003.json" || e.Reason != "size 3" ||
		!e.Src.LastModified.Equal(time.Unix(1700000000, 0)) || e.Class != transfer.ClassChanged {
		t.Fatalf("entry read back: %+v", e)
	}
	seen := len(p.Entries)
	for {
		p = page(screen.PlanQuery{Class: transfer.ClassChanged, Limit: 500, From: screen.PlanAfter, Key: p.Entries[len(p.Entries)-1].Rel})
		if len(p.Entries) == 0 {
			break
		}
		seen += len(p.Entries)
	}
	if seen != 4000 {
		t.Fatalf("paged through %d changed entries, want 4000", seen)
	}
	last := page(screen.PlanQuery{Class: transfer.ClassNew, Limit: 3, From: screen.PlanLast})
	if got := strings.Join(rels(last), " "); got != "Logs/11996.json Logs/11998.json Logs/11999.json" {
		t.Fatalf("last page of new: %s", got)
	}
	before := page(screen.PlanQuery{Class: transfer.ClassNew, Limit: 2, From: screen.PlanBefore, Key: "Logs/00004.json"})
	if got := strings.Join(rels(before), " "); got != "Logs/00001.json Logs/00002.json" {
		t.Fatalf("page before 00004 in new: %s", got)
	}
	at := page(screen.PlanQuery{Class: transfer.ClassNew, Limit: 2, From: screen.PlanAt, Key: "Logs/00004.json"})
	if got := strings.Join(rels(at), " "); got != "Logs/00004.json Logs/00005.json" {
		t.Fatalf("page at 00004 in new: %s", got)
	}
	// Any case, a substring; the count is of what the filter keeps.
	f := page(screen.PlanQuery{Class: transfer.ClassNew, Filter: "LOGS/0999", Limit: 4, Count: true})
	if f.Total != 6 || strings.Join(rels(f), " ") != "Logs/09991.json Logs/09992.json Logs/09994.json Logs/09995.json" {
		t.Fatalf("filtered: total %d, %q", f.Total, rels(f))
	}
	f = page(screen.PlanQuery{Class: transfer.ClassNew, Filter: "logs/0999", Limit: 4, From: screen.PlanAfter, Key: "Logs/09995.json"})
	if strings.Join(rels(f), " ") != "Logs/09997.json Logs/09998.json" || f.Total != -1 {
		t.Fatalf("filtered next page: %q, total %d", rels(f), f.Total)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("files left in the temporary directory: %v", left)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Page(ctx, q); err == nil {
		t.Fatal("a closed store still pages")
	}

	// The end of the diff's context removes the store.
	s2, err := newPlanStore()
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	s2.removeWith(cctx)
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := s2.Page(ctx, q); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the store outlives the diff's context")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
