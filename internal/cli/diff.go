package cli

import (
	"context"
	"fmt"

	"github.com/s3migrate/s3migrate/internal/printable"
	"github.com/s3migrate/s3migrate/transfer"
)

func runDiff(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "diff", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	var list string
	fs.StringVar(&list, "list", "new,changed,only-in-destination", "classes whose keys are printed (comma-separated; \"none\" for counts only, \"all\" for every key)")
	var ef estimateFlags
	ef.register(fs)
	asJSON := fs.Bool("json", false, "print JSON lines on stdout: one per listed key (class, key, size, reason), then a summary")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	prices, err := ef.prices()
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	show, err := parseClasses(list)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	p, err := resolvePair(ctx, env, pf, pos, 8)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	var st transfer.DiffStats
	est := ef.start(p)
	for e, err := range p.Diff(ctx) {
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		st.Add(e)
		if est != nil {
			est.Add(e)
		}
		if !show[e.Class] {
			continue
		}
		if *asJSON {
			printJSONLine(env.Stdout, diffEntryOf(e))
			continue
		}
		switch e.Class {
		case transfer.ClassChanged:
			fmt.Fprintf(env.Stdout, "%-20s %s  (%s)\n", e.Class, printable.String(e.Rel), e.Reason)
		case transfer.ClassExtra:
			fmt.Fprintf(env.Stdout, "%-20s %s  %s\n", e.Class, printable.String(e.Rel), transfer.FormatBytes(e.Dst.Size))
		default:
			fmt.Fprintf(env.Stdout, "%-20s %s  %s\n", e.Class, printable.String(e.Rel), transfer.FormatBytes(e.Src.Size))
		}
	}
	// As diff(1): 1 when the two sides differ, so scripts can test it.
	differ := st.Count[transfer.ClassNew]+st.Count[transfer.ClassChanged]+st.Count[transfer.ClassExtra] > 0
	code := ExitOK
	if differ {
		code = ExitFailures
	}
	if *asJSON {
		sum := diffSummaryJSON{Summary: true, Classes: map[string]classJSON{}, Differ: differ}
		for _, c := range []transfer.Class{transfer.ClassNew, transfer.ClassChanged, transfer.ClassIdentical, transfer.ClassExtra} {
			sum.Classes[c.String()] = classJSON{Objects: st.Count[c], Bytes: st.Bytes[c]}
		}
		sum.FilteredKeys, sum.FilteredBytes = p.Filtered()
		if est != nil {
			est.Finish()
			sum.Estimate = estimateOf(est, prices)
		}
		printJSONLine(env.Stdout, sum)
		return code
	}
	for _, c := range []transfer.Class{transfer.ClassNew, transfer.ClassChanged, transfer.ClassIdentical, transfer.ClassExtra} {
		fmt.Fprintf(env.Stdout, "%-20s %8d objects  %12s\n", c.String()+":", st.Count[c], transfer.FormatBytes(st.Bytes[c]))
	}
	if keys, bytes := p.Filtered(); keys > 0 {
		fmt.Fprintf(env.Stdout, "%-20s %8d objects  %12s\n", "left out by filters:", keys, transfer.FormatBytes(bytes))
	}
	if est != nil {
		est.Finish()
		printEstimate(env.Stdout, est, prices, ef)
	}
	return code
}

func parseClasses(s string) (map[transfer.Class]bool, error) {
	show := map[transfer.Class]bool{}
	all := []transfer.Class{transfer.ClassNew, transfer.ClassChanged, transfer.ClassIdentical, transfer.ClassExtra}
	for _, part := range splitComma(s) {
		switch part {
		case "none":
		case "all":
			for _, c := range all {
				show[c] = true
			}
		default:
			found := false
			for _, c := range all {
				if c.String() == part {
					show[c], found = true, true
				}
			}
			if !found {
				return nil, fmt.Errorf("--list %s: want new, changed, identical, only-in-destination, all or none", part)
			}
		}
	}
	return show, nil
}
