package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/report"
	"github.com/s3migrate/s3migrate/transfer"
)

// journaledFlags are the sync flags a journal keeps, so `resume` runs the
// migration again exactly as it was started.
var journaledFlags = []string{"concurrency", "mode", "compare", "delete", "acl", "storage-class", "sse", "sse-kms-key-id",
	"multipart-threshold", "part-size", "no-verify"}

func runSync(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "sync", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	var opt transfer.Options
	var mode, progress, journalPath, reportPath string
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
	fs.StringVar(&journalPath, "journal", "", "journal file (default: a new one under $XDG_STATE_HOME/s3migrate); an existing one is resumed")
	fs.StringVar(&reportPath, "report", "", "write a CSV report, one row per object (S3 Batch Operations layout)")
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
	if reportPath != "" && opt.DryRun {
		return fail(env, ExitUsage, errors.New("--report needs a real run: a dry run acts on no object"))
	}
	p, err := resolvePair(ctx, env, pf, pos, opt.Concurrency)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	opt.Src, opt.Dst = p.Src, p.Dst

	var j *journal.Journal
	if !opt.DryRun {
		saved := map[string]string{}
		fs.Visit(func(f *flag.Flag) {
			if slices.Contains(journaledFlags, f.Name) {
				saved[f.Name] = f.Value.String()
			}
		})
		if j, err = openJournal(journalPath, journal.Definition{Src: p.Src, Dst: p.Dst, SrcProfile: pf.srcProfile, DstProfile: pf.dstProfile, Options: saved}); err != nil {
			return fail(env, ExitUsage, err)
		}
		defer j.Close()
		opt.Recorder = j
		fmt.Fprintf(env.Stderr, "journal %s (%s)\n", j.Definition().ID, j.Path())
		if err := j.SetState(journal.StateRunning); err != nil {
			return fail(env, ExitUsage, err)
		}
	}
	eng := transfer.New(opt, p.Endpoints())
	entries := p.Diff(ctx)
	if j != nil {
		retry, err := failedBefore(j)
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		entries = copyAgain(entries, retry)
	}

	stop := startProgress(env.Stderr, pm, eng)
	res, runErr := eng.Run(ctx, entries)
	stop()

	code := finishSync(ctx, env, p, opt, j, res, runErr, eng.Snapshot())
	if code == ExitOK && !opt.DryRun && !*noVerify {
		vres, err := p.Verify(ctx, transfer.VerifyOptions{Concurrency: min(opt.Concurrency, 64)})
		if err != nil {
			return fail(env, ExitUsage, fmt.Errorf("verify after copy: %w", err))
		}
		code = reportVerify(env.Stdout, env.Stderr, vres)
		if j != nil && len(vres.Mismatches) > 0 {
			// Recorded as failures: the report lists them, and a resume
			// copies them again even where size and ETag look identical.
			for _, m := range vres.Mismatches {
				j.Finished(transfer.Entry{Rel: m.Rel, Src: transfer.Object{Key: p.Src.Prefix + m.Rel}}, "verify", 0, &transfer.MismatchError{Mismatch: m})
			}
			_ = j.SetState(journal.StateFailed)
		}
	}
	if j != nil && reportPath != "" {
		if err := writeReport(reportPath, p, j); err != nil {
			return fail(env, ExitUsage, err)
		}
		fmt.Fprintf(env.Stdout, "report: %s\n", reportPath)
	}
	return code
}

// failedBefore returns the keys a journal records as failed (by copy or by
// verification). Failures are few; a run with millions of them would have
// stopped long before.
func failedBefore(j *journal.Journal) (map[string]bool, error) {
	keys := map[string]bool{}
	after := ""
	for {
		rows, err := j.Rows(journal.StatusFailed, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			keys[r.Rel] = true
		}
		if len(rows) < 1000 {
			return keys, nil
		}
		after = rows[len(rows)-1].Rel
	}
}

// copyAgain turns identical entries that failed before into changed ones, so
// an object that failed verification (say, its tags) is copied again.
func copyAgain(entries iter.Seq2[transfer.Entry, error], failed map[string]bool) iter.Seq2[transfer.Entry, error] {
	if len(failed) == 0 {
		return entries
	}
	return func(yield func(transfer.Entry, error) bool) {
		for e, err := range entries {
			if err == nil && e.Class == transfer.ClassIdentical && failed[e.Rel] {
				e.Class, e.Reason = transfer.ClassChanged, "failed in an earlier run"
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// openJournal creates a journal for def, or opens the existing one at path
// (which must describe the same migration).
func openJournal(path string, def journal.Definition) (*journal.Journal, error) {
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			j, err := journal.Open(path)
			if err != nil {
				return nil, err
			}
			if d := j.Definition(); d.Src != def.Src || d.Dst != def.Dst {
				j.Close()
				return nil, fmt.Errorf("journal %s belongs to %s → %s, not %s → %s: pick another --journal", path, d.Src, d.Dst, def.Src, def.Dst)
			}
			return j, nil
		}
	}
	return journal.Create(path, def)
}

// finishSync prints the outcome, settles the journal and returns the exit
// code of the copy phase.
func finishSync(ctx context.Context, env Env, p *migration.Pair, opt transfer.Options, j *journal.Journal, res *transfer.Result, runErr error, snap transfer.Snapshot) int {
	if res != nil {
		printSummary(env.Stdout, res, snap)
	}
	state, code := journal.StateDone, ExitOK
	switch {
	case runErr != nil && errors.Is(runErr, context.Canceled):
		state, code = journal.StateInterrupted, ExitFailures
	case runErr != nil:
		state, code = journal.StateFailed, ExitUsage
	case len(res.Failures) > 0:
		state, code = journal.StateFailed, ExitFailures
	}
	if j != nil {
		if state != journal.StateInterrupted {
			abortLeftovers(ctx, env, p, j)
		}
		if err := j.SetState(state); err != nil {
			fmt.Fprintf(env.Stderr, "s3migrate: journal: %v\n", err)
		}
	}
	resume := ""
	if j != nil {
		resume = "; resume with `s3migrate resume " + j.Definition().ID + "`"
	}
	switch {
	case state == journal.StateInterrupted:
		fmt.Fprintf(env.Stderr, "s3migrate: interrupted: objects already copied stay copied%s\n", resume)
	case runErr != nil:
		fail(env, ExitUsage, runErr)
	case len(res.Failures) > 0:
		printFailures(env.Stderr, res.Failures)
		if resume != "" {
			fmt.Fprintf(env.Stderr, "s3migrate: fix the cause and retry the failed objects%s\n", resume)
		}
	}
	return code
}

// abortLeftovers aborts multipart uploads the journal still lists once a
// run is over: they belong to objects that were finished or given up, so
// they would only be billed.
func abortLeftovers(ctx context.Context, env Env, p *migration.Pair, j *journal.Journal) {
	if err := j.Flush(); err != nil {
		return
	}
	ups, err := j.OpenUploads()
	if err != nil {
		return
	}
	for _, u := range ups {
		_, err := p.DstClient.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(p.Dst.Bucket), Key: aws.String(p.Dst.Prefix + u.Rel), UploadId: aws.String(u.ID)})
		if err == nil || transfer.ErrorCode(err) == "NoSuchUpload" {
			j.UploadEnded(u.Rel)
		} else {
			fmt.Fprintf(env.Stderr, "s3migrate: could not abort the leftover upload %s of %s: %s\n", u.ID, p.Dst.URL(p.Dst.Prefix+u.Rel), transfer.ErrorSummary(err))
		}
	}
}

func writeReport(path string, p *migration.Pair, j *journal.Journal) error {
	if err := j.Flush(); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	if _, err := report.WriteCSV(f, p.Src.Bucket, p.Dst.Bucket, p.Dst.Prefix, j.Each); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
