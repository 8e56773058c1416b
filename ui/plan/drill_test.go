package plan

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// manyNew is a plan of n new keys k/00000… (with one changed key whose
// name is long and mixed-case, and one extra), far more than the 200 the
// drill-down used to keep.
func manyNew(n int) func(*recorder) {
	return func(r *recorder) {
		var es []transfer.Entry
		for i := range n {
			k := fmt.Sprintf("k/%05d", i)
			es = append(es, transfer.Entry{Rel: k, Class: transfer.ClassNew, Src: transfer.Object{Key: k, Size: int64(i)}})
		}
		long := "Deep/" + strings.Repeat("Nested-Folder/", 12) + "Final-Report.CSV"
		es = append(es, transfer.Entry{Rel: long, Class: transfer.ClassChanged, Src: transfer.Object{Key: long, Size: 5120, ETag: "aaaa"},
			Dst: transfer.Object{Key: "migrated/" + long, Size: 4000, ETag: "bbbb"}, Reason: "size 3.9 KiB → 5.0 KiB, and the ETag differs (aaaa ≠ bbbb): copied again"})
		es = append(es, transfer.Entry{Rel: "old/stale.bin", Class: transfer.ClassExtra, Dst: transfer.Object{Key: "old/stale.bin", Size: 2048}})
		r.DiffEntries = es
	}
}

// cursorRow is the drill-down's highlighted row.
func cursorRow(v string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.HasPrefix(l, "▸ ") {
			return l
		}
	}
	return ""
}

// sized sends the router's WindowSizeMsg for a terminal of w × h.
func (h *harness) sized(w, ht int) {
	h.t.Helper()
	var cmd tea.Cmd
	h.s, cmd = h.s.Update(h.state, tea.WindowSizeMsg{Width: w, Height: ht})
	h.run(cmd)
}

// The drill-down pages through the whole plan, past the 200 entries it
// used to keep: pgdn, G, g and the arrows at a page's edge read pages from
// the store, and "A–B of M" says where they are.
func TestDrillPagesWholePlan(t *testing.T) {
	h := started(t, manyNew(1000))
	h.press("3", "enter")
	m := h.model()
	rows := m.pageSize()
	v := h.view()
	if !strings.Contains(v, fmt.Sprintf("1–%d of 1,000", rows)) || !strings.Contains(v, "k/00000") {
		t.Fatalf("first page:\n%s", v)
	}
	for range 12 {
		h.press("pgdown")
	}
	off := 12 * rows
	if off <= 200 {
		t.Fatalf("page of %d rows: 12 pages do not pass 200", rows)
	}
	v = h.view()
	if !strings.Contains(v, fmt.Sprintf("k/%05d", off)) || strings.Contains(v, fmt.Sprintf("k/%05d ", off-1)) ||
		!strings.Contains(v, fmt.Sprintf("%d–%d of 1,000", off+1, off+rows)) {
		t.Fatalf("after 12 pages, want rows from %d:\n%s", off, v)
	}
	h.press("G")
	v = h.view()
	if !strings.Contains(v, "k/00999") || !strings.Contains(v, fmt.Sprintf("%d–1,000 of 1,000", 1000-rows+1)) {
		t.Fatalf("G:\n%s", v)
	}
	if !strings.Contains(cursorRow(v), "k/00999") {
		t.Errorf("G leaves the cursor on %q, want the last key", cursorRow(v))
	}
	h.press("down") // nothing after the last key
	if !strings.Contains(h.view(), fmt.Sprintf("%d–1,000 of 1,000", 1000-rows+1)) {
		t.Errorf("down past the end moved:\n%s", h.view())
	}
	h.press("g")
	if v := h.view(); !strings.Contains(cursorRow(v), "k/00000") || !strings.Contains(v, fmt.Sprintf("1–%d of 1,000", rows)) {
		t.Fatalf("g:\n%s", v)
	}
	// The arrows scroll by one row at the page's edge.
	for range rows {
		h.press("down")
	}
	if v := h.view(); !strings.Contains(cursorRow(v), fmt.Sprintf("k/%05d", rows)) || !strings.Contains(v, fmt.Sprintf("2–%d of 1,000", rows+1)) {
		t.Fatalf("down at the bottom does not scroll one row:\n%s", v)
	}
	for range rows {
		h.press("up")
	}
	if v := h.view(); !strings.Contains(cursorRow(v), "k/00000") || !strings.Contains(v, fmt.Sprintf("1–%d of 1,000", rows)) {
		t.Fatalf("up at the top does not scroll back:\n%s", v)
	}
	h.press("pgup") // at the top: stays
	if m.diff.drill.offset != 0 {
		t.Errorf("pgup at the top: offset %d", m.diff.drill.offset)
	}
}

// / filters the class as it is typed (substring, any case), and the count
// says how many keys the filter keeps of how many; pages are of what it
// keeps; esc clears it, a second esc goes back to the classes.
func TestDrillFilter(t *testing.T) {
	h := started(t, manyNew(1000))
	h.press("3", "enter", "/")
	if !h.s.Capturing() {
		t.Fatal("not capturing while the filter is typed")
	}
	h.press("9", "9")
	want := 0
	for i := range 1000 {
		if strings.Contains(fmt.Sprintf("k/%05d", i), "99") {
			want++
		}
	}
	v := h.view()
	if !strings.Contains(v, "filter: 99") || !strings.Contains(v, fmt.Sprintf("of %d matching (of 1,000)", want)) {
		t.Fatalf("want %d matching:\n%s", want, v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " ▸"), "k/") && !strings.Contains(l, "99") {
			t.Errorf("a key the filter does not keep: %q", l)
		}
	}
	h.press("enter", "G") // enter keeps the filter; G pages the filtered rows
	if v := h.view(); !strings.Contains(cursorRow(v), "k/00999") || !strings.Contains(v, fmt.Sprintf("–%d of %d matching", want, want)) {
		t.Fatalf("G in the filtered rows:\n%s", v)
	}
	// Any case: the changed class's key is mixed-case.
	h.press("esc", "esc", "down", "enter", "/")
	for _, k := range strings.Split("final-report.csv", "") {
		h.press(k)
	}
	if v := h.view(); !strings.Contains(v, "1–1 of 1 matching (of 1)") || !strings.Contains(v, "Final-Report.CSV") {
		t.Fatalf("case-insensitive filter:\n%s", v)
	}
	h.press("backspace", "backspace", "backspace", "backspace", "x")
	if v := h.view(); !strings.Contains(v, `no key of this class contains "final-reportx"`) {
		t.Fatalf("a filter that keeps nothing:\n%s", v)
	}
	h.press("esc")
	if m := h.model(); m.diff.drill.filter != "" || m.diff.drill.typing || !m.diff.drilled {
		t.Fatalf("esc while typing: filter %q typing %v drilled %v", m.diff.drill.filter, m.diff.drill.typing, m.diff.drilled)
	}
	h.press("esc")
	if h.model().diff.drilled {
		t.Fatal("esc without a filter does not go back to the classes")
	}
}

// enter opens the highlighted key whole, wrapped, with its reason; esc
// closes it; tab keys do not leave the tab under it.
func TestDrillDetail(t *testing.T) {
	h := started(t, manyNew(10))
	h.sized(80, 24)
	h.press("3", "down", "enter")
	long := "Deep/" + strings.Repeat("Nested-Folder/", 12) + "Final-Report.CSV"
	list := ansi.Strip(h.s.View(h.state, 80, 20))
	if strings.Contains(list, long) {
		t.Fatalf("the key fits the list: the test needs a longer one")
	}
	h.press("enter")
	v := ansi.Strip(h.s.View(h.state, 80, 20))
	box := uitest.BoxText(v)
	if !strings.Contains(box, long) || !strings.Contains(box, "(aaaa≠bbbb):copiedagain") {
		t.Fatalf("the detail does not hold the whole key and reason:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line of %d cells", w)
		}
	}
	uitest.Golden(t, "diff_detail_80x24", v)
	h.press("2")
	if h.model().tab != tabDiff || !h.model().diff.drill.detail {
		t.Fatal("a tab key went through the detail")
	}
	h.press("esc")
	if m := h.model(); m.diff.drill.detail || !m.diff.drilled {
		t.Fatalf("esc: detail %v drilled %v", m.diff.drill.detail, m.diff.drilled)
	}
}

// A new diff closes the store of the last one, and leaving the screen (its
// context ends) closes the current one.
func TestDrillStoreRemoved(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	h := newHarness(t, manyNew(300))
	h.state.SetContext(ctx)
	h.s = New()
	h.run(h.s.Init(h.state))
	h.press("3", "enter", "pgdown")
	h.press("m")
	plans := h.b.Plans
	if len(plans) != 2 || !plans[0].Closed() || plans[1].Closed() {
		t.Fatalf("after a new diff: %d plans, first closed %v", len(plans), len(plans) > 0 && plans[0].Closed())
	}
	// The drill-down reads its page again from the new store.
	if v := h.view(); !strings.Contains(v, "1–") || !strings.Contains(v, "k/00000") {
		t.Fatalf("after the new diff:\n%s", v)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for !plans[1].Closed() {
		if time.Now().After(deadline) {
			t.Fatal("the store outlives the screen's context")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestGoldenDiffPaged(t *testing.T) {
	h := started(t, manyNew(1000))
	h.press("3", "enter", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "down", "down")
	golden(t, "diff_paged", h.view())
}

func TestGoldenDiffPaged80x24(t *testing.T) {
	h := started(t, manyNew(1000))
	h.sized(80, 24)
	h.press("3", "enter", "G", "up", "up")
	golden(t, "diff_paged_80x24", ansi.Strip(h.s.View(h.state, 80, 20)))
}

func TestGoldenDiffFilter80x24(t *testing.T) {
	h := started(t, manyNew(1000))
	h.sized(80, 24)
	h.press("3", "enter", "/", "7", "7")
	golden(t, "diff_filter_80x24", ansi.Strip(h.s.View(h.state, 80, 20)))
}

// A filter that keeps nothing empties the list even when the page on
// screen was far down the class.
func TestDrillFilterNothingAfterPaging(t *testing.T) {
	h := started(t, manyNew(1000))
	h.press("3", "enter", "pgdown", "pgdown", "/", "z")
	v := h.view()
	if !strings.Contains(v, `no key of this class contains "z"`) || strings.Contains(v, "k/0") {
		t.Fatalf("a filter that keeps nothing:\n%s", v)
	}
	h.press("backspace")
	if v := h.view(); !strings.Contains(cursorRow(v), "k/00000") {
		t.Fatalf("clearing the filter does not start again from the first key:\n%s", v)
	}
}

// A taller terminal reads the page again from its first row, so the list
// fills the new height without moving.
func TestDrillResize(t *testing.T) {
	h := started(t, manyNew(1000))
	h.press("3", "enter", "pgdown", "down")
	m := h.model()
	first, rows, cur := m.diff.drill.rows[0].Rel, m.pageSize(), m.diff.drill.cursor
	h.sized(120, 50)
	if m.pageSize() <= rows || len(m.diff.drill.rows) != m.pageSize() || m.diff.drill.rows[0].Rel != first || m.diff.drill.cursor != cur {
		t.Fatalf("after the resize: %d rows from %s (cursor %d), want %d from %s (cursor %d)",
			len(m.diff.drill.rows), m.diff.drill.rows[0].Rel, m.diff.drill.cursor, m.pageSize(), first, cur)
	}
	if v := ansi.Strip(h.s.View(h.state, 120, 46)); !strings.Contains(v, fmt.Sprintf("%d–%d of 1,000", rows+1, rows+m.pageSize())) {
		t.Fatalf("position after the resize:\n%s", v)
	}
}
