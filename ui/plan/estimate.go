package plan

import (
	"fmt"

	"github.com/s3migrate/s3migrate/internal/estimate"
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
	e := sum.Estimate
	if e == nil {
		return nil
	}
	st := state.Styles
	set, c, d := e.Settings(), e.Price(sum.Prices), e.Duration()
	money := func(v float64) string { return fmt.Sprintf("$%.2f", v) }
	// The amounts line up, right-aligned, in a column as wide as the
	// largest.
	amounts := []float64{c.Origin, c.Dest, c.Transfer}
	b := sum.Batch
	if b == nil || e.Objects < batchSuggestion {
		b = nil
	} else {
		amounts = append(amounts, b.Price(sum.Prices).Total())
	}
	mw := 0
	for _, v := range amounts {
		mw = max(mw, len(money(v)))
	}
	out := []string{
		cut(st.Bold.Render("Estimate: "+money(c.Total())+" in all")+st.Subtle.Render(" ("+sum.Prices.Source+")"), width),
		cut(fmt.Sprintf("  %-12s %*s  %d PUT/COPY/LIST · %d GET/HEAD", "origin", mw, money(c.Origin), e.Origin.Write, e.Origin.Read), width),
		cut(fmt.Sprintf("  %-12s %*s  %d PUT/COPY/LIST · %d GET/HEAD · %d DELETE", "destination", mw, money(c.Dest), e.Dest.Write, e.Dest.Read, e.Dest.Delete), width),
		cut(fmt.Sprintf("  %-12s %*s  %s: %s", "transfer", mw, money(c.Transfer), transfer.FormatBytes(e.RelayBytes+e.CrossRegionBytes), c.TransferNote), width),
		cut(fmt.Sprintf("  %-12s at least %s (%s)", "duration", estimate.Rough(d.Floor), e.FloorBasis()), width),
		cut(fmt.Sprintf("  %-12s about %s at %d copies at once and %s a request (assumed)", "", estimate.Rough(d.Expected), set.Concurrency, set.Latency), width),
	}
	if b != nil {
		out = append(out, cut(fmt.Sprintf("  %-12s %*s  the same plan as an S3 Batch Operations job (sync --engine batch)", "batch", mw, money(amounts[3])), width))
	}
	return out
}
