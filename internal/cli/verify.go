package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/s3migrate/s3migrate/transfer"
)

func runVerify(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "verify", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	deep := fs.Bool("deep", false, "also compare the bytes (reads both sides in full)")
	conc := fs.Int("concurrency", 16, "keys checked at once")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	p, err := resolvePair(ctx, env, pf, pos, *conc)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	res, err := p.Verify(ctx, transfer.VerifyOptions{Deep: *deep, Concurrency: *conc})
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	return reportVerify(env.Stdout, env.Stderr, res)
}

// reportVerify prints the outcome and returns the exit code: 1 when any
// object does not match.
func reportVerify(out, errw io.Writer, res *transfer.VerifyResult) int {
	fmt.Fprintf(out, "verified %d of %d objects", res.Verified, res.Checked)
	if len(res.Mismatches) == 0 {
		fmt.Fprintln(out, ": all match")
		return ExitOK
	}
	fmt.Fprintf(out, ": %s\n", plural(int64(len(res.Mismatches)), "difference"))
	const show = 50
	for i, m := range res.Mismatches {
		if i == show {
			fmt.Fprintf(errw, "  … and %d more\n", len(res.Mismatches)-show)
			break
		}
		fmt.Fprintf(errw, "  %s: %s: %s\n", m.Rel, m.What, m.Detail)
	}
	return ExitFailures
}
