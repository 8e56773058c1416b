package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/s3migrate/s3migrate/internal/printable"
	"github.com/s3migrate/s3migrate/transfer"
)

func runVerify(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "verify", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	deep := fs.Bool("deep", false, "also compare the bytes (reads both sides in full)")
	keepLock := fs.Bool("keep-object-lock", false, "also compare each copy's Object Lock retention and legal hold with its source's")
	conc := fs.Int("concurrency", 16, "keys checked at once")
	asJSON := fs.Bool("json", false, "print the outcome, every difference and unreadable object, as one JSON object on stdout")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	p, err := resolvePair(ctx, env, pf, pos, *conc)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	res, err := p.Verify(ctx, transfer.VerifyOptions{Deep: *deep, Concurrency: *conc, ObjectLock: *keepLock})
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(env.Stderr, "s3migrate: verify cancelled after %d of the objects: nothing is known about the rest\n", res.Checked)
		return ExitFailures
	}
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if *asJSON {
		printJSON(env.Stdout, verifyOf(res))
		if len(res.Mismatches) > 0 || len(res.Unchecked) > 0 {
			return ExitFailures
		}
		return ExitOK
	}
	var sample []string
	for _, u := range res.Unchecked {
		sample = append(sample, u.Rel+": "+u.Detail)
	}
	again := verifyCommand(pos[0], pos[1], pf.srcProfile, pf.dstProfile)
	return reportVerify(env.Stdout, env.Stderr, res, int64(len(res.Unchecked)), sample, again)
}

// reportVerify prints the outcome and returns the exit code: 1 when any
// object does not match.
//
// Objects that could not be read are reported apart ("could not check"):
// a read error says nothing about the copy.
// again is the complete command that checks again.
func reportVerify(out, errw io.Writer, res *transfer.VerifyResult, unchecked int64, sample []string, again string) int {
	fmt.Fprintf(out, "verified %d of %d objects", res.Verified, res.Checked)
	code := ExitOK
	switch {
	case len(res.Mismatches) == 0 && unchecked == 0:
		fmt.Fprintln(out, ": all match")
		return ExitOK
	case len(res.Mismatches) == 0:
		fmt.Fprintln(out, ": no difference found")
	default:
		fmt.Fprintf(out, ": %s\n", plural(int64(len(res.Mismatches)), "difference"))
		code = ExitFailures
	}
	if unchecked > 0 {
		fmt.Fprintf(errw, "s3migrate: could not check %s (read errors after retries); check again later with `%s`\n", plural(unchecked, "object"), again)
		for _, s := range sample {
			fmt.Fprintf(errw, "  %s\n", printable.String(s))
		}
		code = ExitFailures
	}
	const show = 50
	for i, m := range res.Mismatches {
		if i == show {
			fmt.Fprintf(errw, "  … and %d more\n", len(res.Mismatches)-show)
			break
		}
		fmt.Fprintf(errw, "  %s: %s: %s\n", printable.String(m.Rel), m.What, m.Detail)
	}
	return code
}

// plural renders "1 object" or "3 objects".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// verifyCommand is the complete verify command for two locations, runnable
// as printed.
func verifyCommand(src, dst, srcProfile, dstProfile string) string {
	return fmt.Sprintf("s3migrate verify %s %s --source-profile %s --dest-profile %s", src, dst, srcProfile, dstProfile)
}
