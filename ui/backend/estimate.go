package backend

import (
	"iter"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// FilterRules turns the Options tab's filter into the migration's rules
// (the excludes, then the includes: the last rule that matches wins) and
// window, as the command line's flags in that order would.
func FilterRules(f screen.Filter) ([]migration.Rule, migration.Window) {
	var rules []migration.Rule
	for _, p := range f.Exclude {
		rules = append(rules, migration.Rule{Pattern: p})
	}
	for _, p := range f.Include {
		rules = append(rules, migration.Rule{Include: true, Pattern: p})
	}
	return rules, migration.Window{MinSize: f.MinSize, MaxSize: f.MaxSize, NewerThan: f.NewerThan, OlderThan: f.OlderThan}
}

// NewFilter compiles the Options tab's filter (nil when it keeps
// everything).
func NewFilter(f screen.Filter) (*migration.Filter, error) {
	if f.Empty() {
		return nil, nil
	}
	return migration.NewFilter(FilterRules(f))
}

// EstimateSettings are the estimate's settings for the run options, as
// diff --estimate builds them (internal/cli/estimate.go): relay when the
// mode says so or the endpoints differ, cross-region when the buckets'
// regions do, one prefix per selected item.
func EstimateSettings(opt screen.RunOptions, relay, crossRegion bool, items int) estimate.Settings {
	o := migration.Options{Mode: transfer.Mode(opt.Mode), Concurrency: opt.Concurrency, StorageClass: opt.StorageClass,
		Delete: opt.Delete, NoVerify: !opt.Verify, KeepObjectLock: opt.KeepObjectLock}
	return migration.EstimateSettings(o, relay, crossRegion, items, estimate.DefaultLatency)
}

// Estimates are the plan's estimate under the run options and the same
// plan handed to S3 Batch Operations, fed by one pass over the diff.
type Estimates struct{ Local, Batch *estimate.Estimate }

// NewEstimates starts both estimates.
func NewEstimates(s estimate.Settings) Estimates {
	b := s
	b.Batch, b.Relay = true, false
	return Estimates{Local: estimate.New(s), Batch: estimate.New(b)}
}

// Count passes the diff on, adding each entry to both estimates.
func (e Estimates) Count(diff iter.Seq2[transfer.Entry, error]) iter.Seq2[transfer.Entry, error] {
	return func(yield func(transfer.Entry, error) bool) {
		for en, err := range diff {
			if err == nil {
				e.Local.Add(en)
				e.Batch.Add(en)
			}
			if !yield(en, err) {
				return
			}
		}
	}
}

// Finish adds the listings and puts both estimates into sum, priced with
// prices (nil: the built-in table).
func (e Estimates) Finish(sum *screen.DiffSummary, prices *estimate.Prices) {
	e.Local.Finish()
	e.Batch.Finish()
	sum.Estimate, sum.Batch, sum.Prices = e.Local, e.Batch, estimate.DefaultPrices
	if prices != nil {
		sum.Prices = *prices
	}
}

// Definition is the migration definition Start creates for m and opt: the
// screens' tests check that what the Options tab sets reaches it.
func Definition(m screen.Migration, opt screen.RunOptions) migration.Definition {
	return definition(m, opt)
}

// journalFilter is the filter a journaled migration runs with: the rules
// and window its definition keeps.
func journalFilter(path string) (*migration.Filter, error) {
	jd, _, err := journal.ReadDefinition(path)
	if err != nil {
		return nil, err
	}
	def, err := migration.Decode(jd.Spec)
	if err != nil {
		return nil, err
	}
	return migration.NewFilter(def.Options.Filter, def.Options.Window)
}
