package backend

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The Options tab's filter reaches the migration's definition as the
// command line's flags would (excludes, then includes; the window), and
// survives the journal's encoding, so a resume selects the same keys.
func TestDefinitionCarriesTheFilter(t *testing.T) {
	since := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
	opt := screen.RunOptions{Concurrency: 8, Verify: true, Filter: screen.Filter{
		Exclude: []string{"*.tmp", "cache/*"}, Include: []string{"cache/keep.tmp"},
		MinSize: 1 << 10, MaxSize: 10 << 20, NewerThan: since,
	}}
	def := definition(screen.Migration{SrcProfile: "o", DstProfile: "d", Items: []string{"logs/"}}, opt)
	wantRules := []migration.Rule{{Pattern: "*.tmp"}, {Pattern: "cache/*"}, {Include: true, Pattern: "cache/keep.tmp"}}
	if !reflect.DeepEqual(def.Options.Filter, wantRules) {
		t.Errorf("rules %+v, want %+v", def.Options.Filter, wantRules)
	}
	wantWindow := migration.Window{MinSize: 1 << 10, MaxSize: 10 << 20, NewerThan: since}
	if def.Options.Window != wantWindow {
		t.Errorf("window %+v, want %+v", def.Options.Window, wantWindow)
	}
	b, err := def.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := migration.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Options.Filter, wantRules) || !back.Options.Window.NewerThan.Equal(since) || back.Options.Window.MinSize != 1<<10 {
		t.Errorf("after the journal's encoding: %+v %+v", back.Options.Filter, back.Options.Window)
	}
	// No filter: nothing in the definition.
	if d := definition(screen.Migration{}, screen.RunOptions{}); d.Options.Filter != nil || !d.Options.Window.Empty() {
		t.Errorf("an empty filter gave %+v %+v", d.Options.Filter, d.Options.Window)
	}
}

// The filter the pair diffs with keeps what the rules and window keep, and
// a window that keeps nothing is refused.
func TestNewFilterFromOptions(t *testing.T) {
	f, err := NewFilter(screen.Filter{Exclude: []string{"*"}, Include: []string{"*.csv"}, MaxSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	obj := func(rel string, size int64) transfer.Entry {
		return transfer.Entry{Rel: rel, Class: transfer.ClassNew, Src: transfer.Object{Key: rel, Size: size}}
	}
	for e, want := range map[transfer.Entry]bool{obj("a.csv", 10): true, obj("a.json", 10): false, obj("big.csv", 101): false} {
		if got := f.KeepEntry(e); got != want {
			t.Errorf("KeepEntry(%s, %d bytes) = %v, want %v", e.Rel, e.Src.Size, got, want)
		}
	}
	if f, err := NewFilter(screen.Filter{}); f != nil || err != nil {
		t.Errorf("an empty filter: %v, %v; want nil, nil", f, err)
	}
	if _, err := NewFilter(screen.Filter{MinSize: 10, MaxSize: 5}); err == nil || !strings.Contains(err.Error(), "no object can be kept") {
		t.Errorf("a window that keeps nothing: %v", err)
	}
}

// The estimate's settings follow the run options as diff --estimate's do.
func TestEstimateSettingsFollowTheOptions(t *testing.T) {
	s := EstimateSettings(screen.RunOptions{Mode: "relay", Concurrency: 4, StorageClass: "STANDARD_IA", Delete: true}, false, true, 3)
	if !s.Relay || s.Concurrency != 4 || s.StorageClass != "STANDARD_IA" || !s.Delete || s.Verify || !s.CrossRegion || s.Prefixes != 3 {
		t.Errorf("relay settings %+v", s)
	}
	s = EstimateSettings(screen.RunOptions{Verify: true}, false, false, 0)
	if s.Relay || s.Concurrency != migration.DefaultOptions().Concurrency || !s.Verify || s.Prefixes != 1 {
		t.Errorf("default settings %+v", s)
	}
	if s := EstimateSettings(screen.RunOptions{Mode: "server-side"}, true, false, 1); !s.Relay {
		t.Errorf("two endpoints must relay: %+v", s)
	}
}

// A journaled migration picked up again diffs with the rules its journal
// keeps, whatever the Options tab holds.
func TestJournalFilter(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	def := migration.Definition{Src: transfer.Location{Bucket: "o"}, Dst: transfer.Location{Bucket: "d"}, SrcProfile: "o", DstProfile: "d",
		Options: migration.DefaultOptions()}
	def.Options.Filter = []migration.Rule{{Pattern: "*.tmp"}}
	def.Options.Window = migration.Window{MaxSize: 100}
	j, err := migration.CreateJournal("", def)
	if err != nil {
		t.Fatal(err)
	}
	path := j.Path()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := journalFilter(path)
	if err != nil {
		t.Fatal(err)
	}
	e := func(rel string, size int64) transfer.Entry {
		return transfer.Entry{Rel: rel, Class: transfer.ClassNew, Src: transfer.Object{Key: rel, Size: size}}
	}
	if !f.KeepEntry(e("a.csv", 10)) || f.KeepEntry(e("a.tmp", 10)) || f.KeepEntry(e("b.csv", 101)) {
		t.Error("the journal's rules and window are not the filter")
	}
}

// The price table of tui --prices replaces the built-in one in the Plan's
// estimate; without one the built-in table prices it.
func TestEstimatesUseTheGivenPrices(t *testing.T) {
	own := estimate.Prices{Source: "negotiated 2026", WritePer1000: map[string]float64{"STANDARD": 1000}, ReadPer1000: 1}
	for _, tc := range []struct {
		prices *estimate.Prices
		source string
	}{{nil, estimate.DefaultPrices.Source}, {&own, "negotiated 2026"}} {
		e := NewEstimates(EstimateSettings(screen.RunOptions{Verify: true}, false, false, 1))
		for range e.Count(func(yield func(transfer.Entry, error) bool) {
			yield(transfer.Entry{Class: transfer.ClassNew, Src: transfer.Object{Key: "a", Size: 10}}, nil)
		}) {
		}
		var sum screen.DiffSummary
		e.Finish(&sum, tc.prices)
		if sum.Prices.Source != tc.source || sum.Estimate == nil || sum.Batch == nil {
			t.Errorf("prices %v: table %q, want %q", tc.prices, sum.Prices.Source, tc.source)
		}
		if tc.prices != nil && sum.Estimate.Price(sum.Prices).Dest < 1 {
			t.Errorf("one write at $1000 per 1000 priced at $%v", sum.Estimate.Price(sum.Prices).Dest)
		}
	}
}

// The Options tab's encryption, Object Lock and engine rows reach the
// migration's definition as the command line's flags would.
func TestDefinitionCarriesTheOptions(t *testing.T) {
	def := definition(screen.Migration{}, screen.RunOptions{SSE: "aws:kms", SSEKMSKeyID: "alias/archive", KeepObjectLock: true,
		Engine: "batch", BatchBucket: "s3://jobs/m/", BatchRole: "arn:aws:iam::444455556666:role/copier"})
	o := def.Options
	if o.SSE != "aws:kms" || o.SSEKMSKeyID != "alias/archive" || !o.KeepObjectLock || o.Engine != "batch" || o.BatchBucket != "s3://jobs/m/" ||
		o.BatchRole != "arn:aws:iam::444455556666:role/copier" {
		t.Errorf("definition options %+v", o)
	}
	if o := definition(screen.Migration{}, screen.RunOptions{}).Options; o.Engine == migration.EngineBatch || o.SSE != "" || o.KeepObjectLock {
		t.Errorf("default options %+v", o)
	}
}
