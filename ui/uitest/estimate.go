package uitest

import (
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// filterAndEstimate applies the migration's Options.Filter to the fake's
// diff, as the live backend's pair does, counting what it leaves out into
// sum, and estimates the rest under the options: the fake's buckets are
// in two regions (us-east-1, eu-west-1) on one endpoint, so the estimate
// is deterministic and prices cross-region bytes.
func filterAndEstimate(entries []transfer.Entry, m screen.Migration, sum *screen.DiffSummary) ([]transfer.Entry, error) {
	f, err := backend.NewFilter(m.Options.Filter)
	if err != nil {
		return nil, err
	}
	est := backend.NewEstimates(backend.EstimateSettings(m.Options, false, true, len(m.Items)))
	var kept []transfer.Entry
	for _, e := range entries {
		if !f.KeepEntry(e) {
			o := e.Src
			if e.Class == transfer.ClassExtra {
				o = e.Dst
			}
			sum.FilteredKeys++
			sum.FilteredBytes += o.Size
			continue
		}
		est.Local.Add(e)
		est.Batch.Add(e)
		kept = append(kept, e)
	}
	est.Finish(sum, nil)
	return kept, nil
}
