package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

func runSync(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "sync", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	var opt transfer.Options
	var mode, progress string
	fs.IntVar(&opt.Concurrency, "concurrency", 32, "objects copied at once")
	fs.StringVar(&mode, "mode", string(transfer.ModeAuto), "auto (server-side, relay if denied), server-side, or relay")
	fs.BoolVar(&opt.DryRun, "dry-run", false, "show what would be copied and deleted; change nothing")
	fs.BoolVar(&opt.Delete, "delete", false, "delete destination keys that are not in the source (under the destination prefix only)")
	fs.StringVar(&opt.ACL, "acl", "", "canned ACL for the copies (skipped when the destination enforces bucket-owner ownership)")
	fs.StringVar(&opt.StorageClass, "storage-class", "", "storage class of the copies (default: keep the source's)")
	fs.StringVar(&opt.SSE, "sse", "", "server-side encryption: AES256 or aws:kms (default: the bucket's)")
	fs.StringVar(&opt.SSEKMSKeyID, "sse-kms-key-id", "", "KMS key for --sse aws:kms")
	fs.Int64Var(&opt.MultipartThreshold, "multipart-threshold", transfer.DefaultMultipartThreshold, "objects larger than this many bytes are copied in parallel parts")
	fs.Int64Var(&opt.PartSize, "part-size", transfer.DefaultPartSize, "part size in bytes for multipart copies")
	noVerify := fs.Bool("no-verify", false, "skip the verification pass after the copy")
	fs.StringVar(&progress, "progress", "auto", "auto (a live line on a terminal, plain lines otherwise), plain, json, or none")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if opt.Mode, err = transfer.ParseMode(mode); err != nil {
		return fail(env, ExitUsage, err)
	}
	if opt.SSE != "" && opt.SSE != "AES256" && opt.SSE != "aws:kms" {
		return fail(env, ExitUsage, fmt.Errorf("--sse %s: want AES256 or aws:kms", opt.SSE))
	}
	if opt.SSEKMSKeyID != "" && opt.SSE == "" {
		opt.SSE = "aws:kms"
	}
	pm, err := parseProgress(progress, env.IsTerminal)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	p, err := resolvePair(ctx, env, pf, pos, opt.Concurrency)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	opt.Src, opt.Dst = p.src, p.dst
	eng := transfer.New(opt, p.endpoints())

	stop := startProgress(env.Stderr, pm, eng)
	res, runErr := eng.Run(ctx, p.diff(ctx))
	stop()

	if res != nil {
		printSummary(env.Stdout, res, eng.Snapshot())
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			fmt.Fprintln(env.Stderr, "s3migrate: interrupted: objects already copied stay copied; run the same command again to finish")
			return ExitFailures
		}
		return fail(env, ExitUsage, runErr)
	}
	if len(res.Failures) > 0 {
		printFailures(env.Stderr, res.Failures)
		return ExitFailures
	}
	if opt.DryRun || *noVerify {
		return ExitOK
	}
	vres, err := p.verify(ctx, transfer.VerifyOptions{Concurrency: min(opt.Concurrency, 64)})
	if err != nil {
		return fail(env, ExitUsage, fmt.Errorf("verify after copy: %w", err))
	}
	return reportVerify(env.Stdout, env.Stderr, vres)
}

func printSummary(w io.Writer, res *transfer.Result, snap transfer.Snapshot) {
	st := res.Stats
	verb := "copied"
	if res.DryRun {
		verb = "would copy"
	}
	toCopy := st.Count[transfer.ClassNew] + st.Count[transfer.ClassChanged]
	toCopyBytes := st.Bytes[transfer.ClassNew] + st.Bytes[transfer.ClassChanged]
	for _, n := range res.Notices {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "plan: %d new (%s), %d changed (%s), %d identical (%s), %d only in destination (%s)\n",
		st.Count[transfer.ClassNew], transfer.FormatBytes(st.Bytes[transfer.ClassNew]),
		st.Count[transfer.ClassChanged], transfer.FormatBytes(st.Bytes[transfer.ClassChanged]),
		st.Count[transfer.ClassIdentical], transfer.FormatBytes(st.Bytes[transfer.ClassIdentical]),
		st.Count[transfer.ClassExtra], transfer.FormatBytes(st.Bytes[transfer.ClassExtra]))
	if res.DryRun {
		fmt.Fprintf(w, "dry run: would copy %s (%s)", plural(toCopy, "object"), transfer.FormatBytes(toCopyBytes))
		if snap.ToDelete > 0 || st.Count[transfer.ClassExtra] > 0 {
			fmt.Fprintf(w, ", would delete %d", deleteCount(res, snap))
		}
		fmt.Fprintln(w, "; nothing was changed")
		return
	}
	secs := res.Elapsed.Seconds()
	rate := ""
	if secs > 0 && res.Copied > 0 {
		rate = fmt.Sprintf(", %.0f objects/s, %s/s", float64(res.Copied)/secs, transfer.FormatBytes(int64(float64(res.Bytes)/secs)))
	}
	fmt.Fprintf(w, "%s %s (%s) in %s%s", verb, plural(res.Copied, "object"), transfer.FormatBytes(res.Bytes), res.Elapsed.Round(10*time.Millisecond), rate)
	if snap.ServerSide > 0 || snap.Relayed > 0 {
		fmt.Fprintf(w, " [%d server-side, %d relayed]", snap.ServerSide, snap.Relayed)
	}
	if res.Deleted > 0 {
		fmt.Fprintf(w, ", deleted %d", res.Deleted)
	}
	if n := len(res.Failures); n > 0 {
		fmt.Fprintf(w, ", %d failed", n)
	}
	fmt.Fprintln(w)
}

func deleteCount(res *transfer.Result, snap transfer.Snapshot) int64 {
	if snap.ToDelete > 0 {
		return snap.ToDelete
	}
	return 0
}

func printFailures(w io.Writer, fails []transfer.Failure) {
	fmt.Fprintf(w, "s3migrate: %d objects failed:\n", len(fails))
	const show = 50
	for i, f := range fails {
		if i == show {
			fmt.Fprintf(w, "  … and %d more\n", len(fails)-show)
			break
		}
		tries := "1 attempt"
		if f.Attempts > 1 {
			tries = fmt.Sprintf("%d attempts", f.Attempts)
		}
		fmt.Fprintf(w, "  %s (after %s): %s\n", f.Key, tries, strings.ReplaceAll(transfer.ErrorSummary(f.Err), "\n", " "))
	}
}

// plural renders "1 object" or "3 objects".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
