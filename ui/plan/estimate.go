package plan

import (
	"fmt"
	"slices"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// batchSuggestion is the plan size from which the estimate shows the
// batch engine's price (diff --estimate points at it from the same size).
const batchSuggestion = 3_000_000

// filteredLine says what the Options tab's filter left out of the diff,
// or "" when no filter is set.
func (m *Model) filteredLine(state *screen.State, width int) string {
	sum := m.diff.sum
	if state.Options.Filter.Empty() && sum.FilteredKeys == 0 {
		return ""
	}
	what := "nothing"
	if sum.FilteredKeys > 0 {
		what = fmt.Sprintf("%s (%s)", keys(sum.FilteredKeys), transfer.FormatBytes(sum.FilteredBytes))
	}
	return cut("  the filters left out "+what+state.Styles.Subtle.Render("   (Options tab)"), width)
}

// keys is "1 key" or "n keys".
func keys(n int64) string {
	if n == 1 {
		return "1 key"
	}
	return fmt.Sprintf("%d keys", n)
}

// estimateLines are the Diff tab's estimate of the run under the current
// options, as diff --estimate prints it: each account's requests and their
// price, the billed transfer, the total with the price table's source, the
// duration's floor and the expected time with its assumptions, and for a
// big plan the price of the same plan as an S3 Batch Operations job.
func (m *Model) estimateLines(state *screen.State, width int) []string {
	sum := m.diff.sum
	e, other := sum.Estimate, sum.Batch
	otherName, otherText := "batch", "as an S3 Batch Operations job"
	if engineOf(&state.Options) == migration.EngineBatch {
		e, other = sum.Batch, sum.Estimate
		otherName, otherText = "local", "copied from this machine"
	}
	if e == nil {
		return nil
	}
	st := state.Styles
	set, c, d := e.Settings(), e.Price(sum.Prices), e.Duration()
	money := func(v float64) string { return fmt.Sprintf("$%.2f", v) }
	// The amounts line up, right-aligned, in a column as wide as the
	// largest.
	amounts := []float64{c.Origin, c.Dest, c.Transfer, c.Batch}
	if other != nil {
		amounts = append(amounts, other.Price(sum.Prices).Total())
	}
	mw := 0
	for _, v := range amounts {
		mw = max(mw, len(money(v)))
	}
	expected := fmt.Sprintf("  %-12s about %s at %d copies at once and %s a request (assumed)", "", estimate.Rough(d.Expected), set.Concurrency, set.Latency)
	if set.Batch {
		expected = fmt.Sprintf("  %-12s the job's pace is AWS's: it states none", "")
	}
	out := []string{
		cut(st.Bold.Render("Estimate: "+money(c.Total())+" in all")+st.Subtle.Render(" ("+sum.Prices.Source+")"), width),
		cut(fmt.Sprintf("  %-12s %*s  %d PUT/COPY/LIST · %d GET/HEAD", "origin", mw, money(c.Origin), e.Origin.Write, e.Origin.Read), width),
		cut(fmt.Sprintf("  %-12s %*s  %d PUT/COPY/LIST · %d GET/HEAD · %d DELETE", "destination", mw, money(c.Dest), e.Dest.Write, e.Dest.Read, e.Dest.Delete), width),
		cut(fmt.Sprintf("  %-12s %*s  %s: %s", "transfer", mw, money(c.Transfer), transfer.FormatBytes(e.RelayBytes+e.CrossRegionBytes), c.TransferNote), width),
		cut(fmt.Sprintf("  %-12s at least %s (%s)", "duration", estimate.Rough(d.Floor), e.FloorBasis()), width),
		cut(expected, width),
	}
	if set.Batch {
		out = slices.Insert(out, 4, cut(fmt.Sprintf("  %-12s %*s  $%.2f per job, $%.2f per million objects", "job fees", mw, money(c.Batch),
			sum.Prices.BatchPerJob, sum.Prices.BatchPerMillion), width))
	}
	if other != nil {
		line := fmt.Sprintf("  %-12s %*s  %s, %s", otherName, mw, money(amounts[4]), otherText, duration(other))
		if otherName == "batch" && e.Objects >= batchSuggestion {
			line = st.Warn.Render(line + ": worth it at this size (Engine, Options tab)")
		}
		out = append(out, cut(line, width))
	}
	return out
}

// duration is an estimate's expected duration in a few words: a batch
// job's only known figure is its floor.
func duration(e *estimate.Estimate) string {
	d := e.Duration()
	if e.Settings().Batch {
		return "at least " + estimate.Rough(d.Floor)
	}
	return "about " + estimate.Rough(d.Expected)
}
