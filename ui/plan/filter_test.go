package plan

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/backend"
)

// typeIn presses one key per character.
func (h *harness) typeIn(s string) {
	h.t.Helper()
	for _, r := range s {
		h.press(string(r))
	}
}

// editRow moves the Options tab's cursor to row f, opens it, types text
// and presses enter.
func (h *harness) editRow(f field, text string) {
	h.t.Helper()
	for h.model().options.cursor > f {
		h.press("up")
	}
	for h.model().options.cursor < f {
		h.press("down")
	}
	h.press("enter")
	if !h.model().options.editing {
		h.t.Fatalf("enter on row %d did not open it", f)
	}
	in := &h.model().options.input
	in.SetValue("")
	h.typeIn(text)
	h.press("enter")
}

// An exclude pattern and a size window typed on the Options tab narrow
// the plan's diff (its counts, and the line saying what they left out)
// once the tab is left, and reach the migration's definition as the
// command line's --exclude and --min-size would.
func TestOptionsFilterReachesDiffAndDefinition(t *testing.T) {
	h := started(t, nil)
	before := h.model().diff.sum.Stats
	if before.Count[transfer.ClassNew] != 14 {
		t.Fatalf("the unfiltered diff has %d new keys, want 14", before.Count[transfer.ClassNew])
	}
	h.press("4")
	h.editRow(fieldExclude, "*.json")
	h.editRow(fieldMinSize, "4KiB")
	o := h.state.Options.Filter
	if !reflect.DeepEqual(o.Exclude, []string{"*.json"}) || o.MinSize != 4096 {
		t.Fatalf("the Options tab set %+v", o)
	}
	if v := h.view(); !strings.Contains(lineWith(v, "Exclude"), "*.json") || !strings.Contains(lineWith(v, "Min size"), "4.0 KiB (4096 bytes)") ||
		!strings.Contains(v, "the diff and its estimate run again when you leave this tab") {
		t.Errorf("the form does not show the filter:\n%s", v)
	}
	diffs := len(h.b.compares)
	h.press("3")
	if len(h.b.compares) != diffs+1 {
		t.Fatalf("leaving Options after a filter change ran %d diffs, want 1", len(h.b.compares)-diffs)
	}
	// Left: 12 events.json (24,030 B), reports/ and README.txt under
	// 4 KiB, and the 2 KiB extra. Kept: q1.csv (new), q2.csv (changed).
	st := h.model().diff.sum.Stats
	if st.Count[transfer.ClassNew] != 1 || st.Count[transfer.ClassChanged] != 1 || st.Count[transfer.ClassIdentical] != 0 || st.Count[transfer.ClassExtra] != 0 {
		t.Errorf("filtered counts %v, want 1 new, 1 changed", st.Count)
	}
	sum := h.model().diff.sum
	if sum.FilteredKeys != 15 || sum.FilteredBytes != 24030+321+2048 {
		t.Errorf("left out %d keys, %d bytes; want 15, %d", sum.FilteredKeys, sum.FilteredBytes, 24030+321+2048)
	}
	if v := h.view(); !strings.Contains(v, "the filters left out 15 keys ("+transfer.FormatBytes(26399)+")") {
		t.Errorf("the Diff tab does not say what the filters left out:\n%s", v)
	}

	def := backend.Definition(h.state.Migration(), h.state.Options)
	if want := []migration.Rule{{Pattern: "*.json"}}; !reflect.DeepEqual(def.Options.Filter, want) || def.Options.Window.MinSize != 4096 {
		t.Errorf("definition filter %+v window %+v, want %+v and min 4096", def.Options.Filter, def.Options.Window, want)
	}
	// Every Backend call (Diff, Verify, Start) gets it with the migration.
	if got := h.state.Migration().Options.Filter; !reflect.DeepEqual(got, h.state.Options.Filter) {
		t.Errorf("the migration carries %+v, want the filter", got)
	}
}

// A row refuses what the command line refuses, says why and keeps the
// text for a fix; esc leaves the row as it was. While a row takes text,
// the global keys (tabs, q) are typed.
func TestOptionsFilterRefusesAndEscapes(t *testing.T) {
	h := started(t, nil)
	h.press("4")
	h.editRow(fieldMinSize, "1MiB")
	h.editRow(fieldMaxSize, "1KiB")
	m := h.model()
	if !m.options.editing || !strings.Contains(m.options.inputErr, "no object can be kept") || h.state.Options.Filter.MaxSize != 0 {
		t.Fatalf("a window keeping nothing was not refused: editing %v, %q, %+v", m.options.editing, m.options.inputErr, h.state.Options.Filter)
	}
	if v := h.view(); !strings.Contains(v, "✗ --min-size 1048576 is above --max-size 1024") {
		t.Errorf("the refusal is not shown:\n%s", v)
	}
	if !m.Capturing() {
		t.Error("a row taking text does not capture the keys")
	}
	h.press("esc")
	if m.options.editing || h.state.Options.Filter.MaxSize != 0 {
		t.Error("esc did not leave the row as it was")
	}
	h.editRow(fieldMaxSize, "ten")
	if !strings.Contains(m.options.inputErr, `"ten" is not a size`) {
		t.Errorf("a bad size: %q", m.options.inputErr)
	}
	h.press("esc")
	h.editRow(fieldExclude, "3[a")
	if !strings.Contains(m.options.inputErr, "unclosed [") {
		t.Errorf("a bad pattern: %q", m.options.inputErr)
	}
	in := &m.options.input
	in.SetValue("")
	h.typeIn("1q*")
	h.press("enter")
	if m.tab != tabOptions || !reflect.DeepEqual(h.state.Options.Filter.Exclude, []string{"1q*"}) {
		t.Errorf("keys typed into a row acted: tab %v, exclude %q", m.tab, h.state.Options.Filter.Exclude)
	}
	// Emptied, a row keeps everything again.
	h.editRow(fieldExclude, "")
	h.editRow(fieldMinSize, "")
	if !h.state.Options.Filter.Empty() {
		t.Errorf("emptied rows left %+v", h.state.Options.Filter)
	}
	// enter on a filter row edits; on the other rows it still starts.
	if nav := navigations(h.press("up", "up", "up", "up", "up", "up", "up", "up", "up", "enter")); len(nav) != 1 {
		t.Errorf("enter on the mode row did not start: %v", nav)
	}
}

// An age is counted back from when it was typed, so the run selects what
// the plan showed; a date is midnight UTC.
func TestOptionsFilterAges(t *testing.T) {
	h := started(t, nil)
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	m := h.model()
	if err := m.setFilter(h.state, fieldNewer, "7d", now); err != nil {
		t.Fatal(err)
	}
	if err := m.setFilter(h.state, fieldOlder, "2026-11-28", now); err != nil {
		t.Fatal(err)
	}
	f := h.state.Options.Filter
	if !f.NewerThan.Equal(now.AddDate(0, 0, -7)) || !f.OlderThan.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("window %v – %v", f.NewerThan, f.OlderThan)
	}
	h.press("4")
	v := h.view()
	if l := lineWith(v, "Newer than"); !strings.Contains(l, "7d → 2026-11-22 12:00 UTC") {
		t.Errorf("newer row %q", l)
	}
	if l := lineWith(v, "Older than"); !strings.Contains(l, "2026-11-28 00:00 UTC") || strings.Contains(l, "→") {
		t.Errorf("older row %q", l)
	}
	if err := m.setFilter(h.state, fieldOlder, "2026-11-01", now); err == nil || !strings.Contains(err.Error(), "no object can be kept") {
		t.Errorf("older than before newer than: %v", err)
	}
	if err := m.setFilter(h.state, fieldNewer, "yesterday", now); err == nil {
		t.Error("yesterday was taken as a time")
	}
}

// The Diff tab estimates the run under the options, as diff --estimate
// does, and says so again when they change.
func TestDiffEstimate(t *testing.T) {
	h := started(t, nil)
	h.press("3")
	v := h.view()
	for _, want := range []string{
		"Estimate: $0.00 in all (AWS S3 prices, US East (N. Virginia), 2025-01)",
		"origin", "PUT/COPY/LIST · 0 GET/HEAD", "destination", "· 0 DELETE",
		"transfer", "copied between regions",
		"duration     at least a second (S3: 3500 writes/s per prefix, 3 prefixes)",
		"about a second at 32 copies at once and 60ms a request (assumed)",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the Diff tab lacks %q:\n%s", want, v)
		}
	}
	// The other engine is priced beside it, without the advice a big plan
	// gets.
	if l := lineWith(v, "batch"); !strings.Contains(l, "$0.25  as an S3 Batch Operations job, at least a second") || strings.Contains(l, "worth it") {
		t.Errorf("a small plan's batch line %q in:\n%s", l, v)
	}
	e := h.model().diff.sum.Estimate
	if e == nil || e.Objects != 15 || e.Dest.Write == 0 || e.CrossRegionBytes != h.model().diff.sum.Stats.Bytes[transfer.ClassNew]+h.model().diff.sum.Stats.Bytes[transfer.ClassChanged] {
		t.Fatalf("estimate %+v", e)
	}
	// Relay, 8 at once, delete extras: recomputed when Options is left.
	h.press("4", "space", "space", "down", "left", "left", "left", "left", "left", "left", "left", "left", "left", "left",
		"left", "left", "left", "left", "left", "left", "left", "left", "left", "left", "left", "left", "left", "left",
		"down", "down", "down", "down", "down", "space")
	if h.state.Options.Mode != "relay" || !h.state.Options.Delete {
		t.Fatalf("options %+v", h.state.Options)
	}
	conc := h.state.Options.Concurrency
	h.press("3")
	v = h.view()
	for _, want := range []string{"relayed bytes at internet prices", "· 1 DELETE", "at " + strconv.Itoa(conc) + " copies at once"} {
		if !strings.Contains(v, want) {
			t.Errorf("after the options changed the estimate lacks %q:\n%s", want, v)
		}
	}
	if s := h.model().diff.sum.Estimate.Settings(); !s.Relay || !s.Delete || s.Concurrency != conc {
		t.Errorf("estimate settings %+v", s)
	}
}

// A plan of three million objects or more is pointed at the batch engine.
func TestDiffEstimateBigPlanShowsBatch(t *testing.T) {
	h := started(t, nil)
	h.press("3")
	m := h.model()
	big := func(batch bool) *estimate.Estimate {
		e := estimate.New(estimate.Settings{Batch: batch, Concurrency: 32})
		for range 3 {
			e.Add(transfer.Entry{Class: transfer.ClassNew, Src: transfer.Object{Size: 1 << 20}})
		}
		e.Objects = batchSuggestion
		e.Finish()
		return e
	}
	m.diff.sum.Estimate, m.diff.sum.Batch = big(false), big(true)
	v := h.view()
	if l := lineWith(v, "batch"); !strings.Contains(l, "$0.25  as an S3 Batch Operations job") || !strings.Contains(l, "worth it at this size") {
		t.Errorf("batch line %q in:\n%s", l, v)
	}
	m.diff.sum.Estimate.Objects = batchSuggestion - 1
	if strings.Contains(h.view(), "worth it") {
		t.Error("the batch engine is advised below the threshold")
	}

	// With the batch engine chosen the estimate is the job's, with its
	// fees, and the local engine is the alternative.
	h.state.Options.Engine = "batch"
	v = h.view()
	for _, want := range []string{"Estimate: $0.25 in all", "job fees", "$0.25  $0.25 per job, $1.00 per million objects",
		"the job's pace is AWS's", "local        $0.00  copied from this machine, about"} {
		if !strings.Contains(v, want) {
			t.Errorf("batch engine's estimate lacks %q:\n%s", want, v)
		}
	}
}

// Only what the diff or its estimate depends on diffs again: not the ACL,
// dry run, or a space on the concurrency (which changes nothing).
func TestOptionsRediffOnlyWhenPriced(t *testing.T) {
	h := started(t, nil)
	h.press("4", "down", "space", "down", "space", "down", "down", "down", "down", "down", "space")
	if h.model().options.rediff {
		t.Errorf("ACL, dry run or a space on the concurrency asked for a new diff: %+v", h.state.Options)
	}
	diffs := len(h.b.compares)
	h.press("3")
	if len(h.b.compares) != diffs {
		t.Error("leaving Options diffed again with nothing priced changed")
	}
	h.press("4", "down", "space") // verify off
	if !h.model().options.rediff {
		t.Fatal("verify off did not ask for a new diff")
	}
	h.press("3")
	if len(h.b.compares) != diffs+1 || h.model().diff.sum.Estimate.Settings().Verify {
		t.Errorf("verify off: %d diffs, estimate %+v", len(h.b.compares)-diffs, h.model().diff.sum.Estimate.Settings())
	}
}

// Start with delete on, right after the filter changed on the Options tab,
// diffs again first, so the question counts what the run will delete.
func TestDeleteQuestionWaitsForTheFilteredDiff(t *testing.T) {
	h := started(t, nil)
	h.press("4")
	for h.model().options.cursor != fieldDelete {
		h.press("down")
	}
	h.press("space")
	h.editRow(fieldMinSize, "4KiB") // leaves out the 2 KiB extra
	diffs := len(h.b.compares)
	// The diff's command is held back, to look at the screen meanwhile.
	m := h.model()
	_, c := m.Update(h.state, keyOf("S"))
	if len(h.b.compares) != diffs || !m.refused || !m.diff.loading || len(m.dialogs) != 0 {
		t.Fatalf("S did not wait for a new diff: refused %v loading %v dialogs %d", m.refused, m.diff.loading, len(m.dialogs))
	}
	if l := lineWith(h.view(), "cannot start"); !strings.Contains(l, "the delete question waits for the diff") {
		t.Errorf("start line %q", l)
	}
	h.run(c)
	if len(h.b.compares) != diffs+1 || m.diff.loading {
		t.Fatalf("the diff did not run again")
	}
	h.press("S")
	if len(m.dialogs) != 1 || !strings.Contains(m.dialogs[0].ask.Title, "DELETE 0 objects") {
		t.Errorf("the delete question does not count the filtered diff: %+v", m.dialogs)
	}
}
