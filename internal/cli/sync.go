package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/printable"
	"github.com/s3migrate/s3migrate/internal/report"
	"github.com/s3migrate/s3migrate/internal/units"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/transfer"
)

// runFlags are how one run of a migration behaves and reports, as opposed
// to what the migration is (its definition, kept in the journal).
type runFlags struct {
	progress    string
	reportPath  string
	yes         bool
	revokeAfter bool
}

func (rf *runFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&rf.progress, "progress", "auto", "auto (a live line on a terminal, plain lines otherwise), plain, json (JSON lines on stdout), or none")
	fs.StringVar(&rf.reportPath, "report", "", "write a CSV report, one row per object acted on (S3 Batch Operations layout)")
	fs.BoolVar(&rf.yes, "yes", false, "confirm deletes without asking (scripts); without a terminal, --delete needs it")
	fs.BoolVar(&rf.revokeAfter, "revoke-after", false, "after a fully verified run, remove the migration's read grant from the origin bucket policy (as --source-profile)")
}

func runSync(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "sync", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	opt := migration.DefaultOptions()
	var mode, journalPath string
	var dryRun bool
	var rf runFlags
	rf.register(fs)
	fs.IntVar(&opt.Concurrency, "concurrency", opt.Concurrency, "objects copied at once")
	fs.StringVar(&mode, "mode", string(transfer.ModeAuto), "auto (server-side, relay if denied), server-side, or relay")
	fs.BoolVar(&dryRun, "dry-run", false, "show what would be copied and deleted; change nothing")
	fs.BoolVar(&opt.Delete, "delete", false, "after the copies, delete destination keys that are not in the source (inside the destination folder only; asks first)")
	fs.Int64Var(&opt.MaxDelete, "max-delete", -1, "refuse to delete more than this many objects (-1: no limit)")
	fs.BoolVar(&opt.AllowEmptySource, "allow-empty-source", false, "let --delete run when the source lists no objects (it would empty the destination folder)")
	fs.StringVar(&opt.ACL, "acl", "", "canned ACL for the copies (skipped when the destination enforces bucket-owner ownership)")
	fs.StringVar(&opt.StorageClass, "storage-class", "", "storage class of the copies (default: keep the source's)")
	fs.StringVar(&opt.SSE, "sse", "", "server-side encryption: AES256 or aws:kms (default: the bucket's)")
	fs.StringVar(&opt.SSEKMSKeyID, "sse-kms-key-id", "", "KMS key for --sse aws:kms")
	fs.BoolVar(&opt.KeepObjectLock, "keep-object-lock", false, "give each copy its source's Object Lock retention and legal hold (read as the origin identity: two requests per object; the destination bucket needs Object Lock)")
	fs.Var(sizeFlag{&opt.MultipartThreshold}, "multipart-threshold", "objects larger than this are copied in parallel parts (64MiB, 1G, or bytes)")
	fs.Var(sizeFlag{&opt.PartSize}, "part-size", "part size of multipart copies (64MiB, or bytes)")
	fs.BoolVar(&opt.NoVerify, "no-verify", false, "skip the check after the copy")
	fs.StringVar(&opt.Engine, "engine", migration.EngineLocal, "local (copy from this machine) or batch (hand the copy to an S3 Batch Operations job in the destination account)")
	fs.StringVar(&opt.BatchBucket, "batch-bucket", "", "with --engine batch: s3://bucket/prefix/ in the destination account for the job's manifest and reports")
	fs.StringVar(&opt.BatchRole, "batch-role", "", "with --engine batch: the ARN of the IAM role the job runs as (default: s3migrate shows one, and creates it after a yes)")
	fs.Float64Var(&opt.MaxObjectsPerSec, "max-rate", 0, "copy at most this many objects per second (0: no limit)")
	bandwidth := func(s string) (err error) {
		opt.MaxBytesPerSec, err = units.ParseSize(s)
		return err
	}
	fs.Func("max-bandwidth", "copy at most this many bytes per second, server-side or relayed (100MiB, 1G; 0: no limit)", bandwidth)
	fs.Func("bwlimit", "the same as --max-bandwidth (rclone's name)", bandwidth)
	fs.StringVar(&journalPath, "journal", "", "journal file (default: a new one under $XDG_STATE_HOME/s3migrate); an existing one is run again")
	createLike := fs.Bool("create-like-source", false, "when the destination bucket does not exist, create it first like the source: its region, Object Lock, versioning and Object Ownership (an existing bucket is used as it is)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if opt.Mode, err = transfer.ParseMode(mode); err != nil {
		return fail(env, ExitUsage, err)
	}
	if err := checkOptions(&opt); err != nil {
		return fail(env, ExitUsage, err)
	}
	if rf.reportPath != "" && dryRun {
		return fail(env, ExitUsage, errors.New("--report needs a real run: a dry run acts on no object"))
	}
	if err := rf.check(env); err != nil {
		return fail(env, ExitUsage, err)
	}
	if rf.revokeAfter && (opt.NoVerify || dryRun) {
		return fail(env, ExitUsage, errors.New("--revoke-after removes the grant after a fully verified run: drop --no-verify and --dry-run, or revoke later with `s3migrate policy --revert`"))
	}
	if err := checkCanConfirm(env, opt.Delete && !dryRun, rf.yes); err != nil {
		return fail(env, ExitUsage, err)
	}
	if opt.Engine == migration.EngineBatch && !dryRun && !rf.yes && (env.Stdin == nil || !env.StdinIsTerminal) {
		return fail(env, ExitUsage, errors.New("--engine batch asks before the job runs, and there is no terminal to ask on: add --yes to confirm in advance"))
	}
	if opt.Engine == migration.EngineBatch && pf.requestPayer != "" {
		return fail(env, ExitUsage, errors.New("--request-payer: S3 Batch Operations does not copy from a Requester Pays bucket: use --engine local"))
	}
	var created *bucketconfig.Creation
	if *createLike {
		pf.beforeOpen = func(ctx context.Context, src, dst *awsauth.Session, srcLoc, dstLoc transfer.Location) (err error) {
			created, err = createLikeSource(ctx, env, bucketconfig.Sides{Src: src, Dst: dst, SrcBucket: srcLoc.Bucket, DstBucket: dstLoc.Bucket}, dryRun)
			return err
		}
	}
	p, err := resolvePair(ctx, env, pf, pos, opt.Concurrency)
	if errors.Is(err, errWouldCreate) {
		return ExitOK
	}
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if opt.KeepObjectLock {
		// Every copy would be refused: say it once, before anything runs.
		if on, err := preflight.ObjectLockEnabled(ctx, p.DstSess, p.Dst.Bucket); err != nil || !on {
			why := "has no Object Lock: no copy can keep a retention or legal hold there (sync --create-like-source creates a bucket with it, like the source)"
			if err != nil {
				why = "cannot be read: " + transfer.ErrorSummary(err)
			}
			return fail(env, ExitUsage, fmt.Errorf("--keep-object-lock: the Object Lock configuration of s3://%s %s", p.Dst.Bucket, why))
		}
	}
	opt.Compare, opt.Filter, opt.Window = p.Compare, pf.filter, pf.window
	opt.RequesterPays = pf.requestPayer == "requester"
	def := migration.Definition{SrcProfile: pf.srcProfile, DstProfile: pf.dstProfile, Options: opt}
	m, err := migration.New(p, def, journalPath, dryRun)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	defer m.Close()
	if j := m.Journal(); created != nil && j != nil {
		// The report lists it, and the journal says the bucket is ours.
		if err := j.RecordBucketConfig(bucketconfig.KindBucket, created.Summary()); err != nil {
			return fail(env, ExitUsage, err)
		}
	}
	if opt.Engine == migration.EngineBatch && !dryRun {
		if err := setUpBatch(ctx, env, m, rf.yes); err != nil {
			return fail(env, ExitUsage, err)
		}
	}
	return runMigration(ctx, env, m, rf, dryRun)
}

// setUpBatch shows what a batch job needs — its bucket when missing, its
// role and the origin bucket's grant to it — and creates and applies them
// after a yes (--yes).
func setUpBatch(ctx context.Context, env Env, m *migration.Migration, yes bool) error {
	s, err := m.PlanBatchSetup(ctx)
	if err != nil {
		return err
	}
	if !s.Needed() {
		if s.NoGrant != "" {
			fmt.Fprintf(env.Stderr, "batch grant: none needed: %s\n", s.NoGrant)
		}
		return nil
	}
	fmt.Fprint(env.Stderr, s.Describe(m.Def.Src.Bucket))
	if !yes {
		ok, err := confirm(env, "Create and grant what is shown above for the batch job?", "")
		if err != nil || !ok {
			return errors.New("the batch job's setup was not confirmed: nothing was created or changed")
		}
	}
	return m.ApplyBatchSetup(ctx, s)
}

// errWouldCreate ends a dry run whose destination bucket does not exist
// yet: there is nothing to list, and what a run would do is said.
var errWouldCreate = errors.New("dry run: the destination would be created")

// createLikeSource is sync --create-like-source: a destination bucket that
// does not exist is created like the source (bucketconfig.EnsureLikeSource)
// before the migration opens the pair. One that exists is used as it is —
// a re-run of the same command (after an interruption, in a script) must
// carry on, not fail — and one line says so, with the command that shows
// how its configuration differs from the source's. A dry run creates
// nothing: it says what a run would create, and ends.
func createLikeSource(ctx context.Context, env Env, sides bucketconfig.Sides, dryRun bool) (*bucketconfig.Creation, error) {
	var c *bucketconfig.Creation
	var err error
	if dryRun {
		c, err = bucketconfig.PlanCreate(ctx, sides)
	} else {
		c, err = bucketconfig.EnsureLikeSource(ctx, sides)
	}
	switch {
	case err != nil:
		return nil, err
	case c == nil:
		fmt.Fprintf(env.Stderr, "s3://%s exists: used as it is (--create-like-source creates only a missing bucket; `s3migrate bucket-config s3://%s s3://%s` shows how its configuration differs)\n",
			sides.DstBucket, sides.SrcBucket, sides.DstBucket)
		return nil, nil
	case dryRun:
		fmt.Fprintf(env.Stderr, "dry run: s3://%s does not exist: a run creates it as %s, %s, then copies every selected object; nothing was changed\n",
			sides.DstBucket, sides.Dst.Name(), c.Summary())
		return nil, errWouldCreate
	}
	fmt.Fprintf(env.Stderr, "created s3://%s as %s, %s\n", sides.DstBucket, sides.Dst.Name(), c.Summary())
	return c, nil
}

// checkOptions refuses, before anything runs, values S3 or the engine
// would refuse (or silently change) later: a mistake costs one line, not a
// run with a thousand failures.
func checkOptions(o *migration.Options) error {
	const minPart, maxPart = 5 << 20, 5 << 30
	switch {
	case o.Concurrency < 1 || o.Concurrency > 1024:
		return fmt.Errorf("--concurrency %d: want 1 to 1024 objects at once", o.Concurrency)
	case o.PartSize < minPart || o.PartSize > maxPart:
		return fmt.Errorf("--part-size %d: want %d (5 MiB) to %d (5 GiB) bytes, S3's part limits", o.PartSize, minPart, int64(maxPart))
	case o.MultipartThreshold < minPart || o.MultipartThreshold > maxPart:
		return fmt.Errorf("--multipart-threshold %d: want %d (5 MiB) to %d (5 GiB) bytes: CopyObject takes at most 5 GiB", o.MultipartThreshold, minPart, int64(maxPart))
	case o.Engine != migration.EngineLocal && o.Engine != migration.EngineBatch:
		return fmt.Errorf("--engine %s: want local or batch", o.Engine)
	case o.Engine == migration.EngineBatch && o.BatchBucket == "":
		return errors.New("--engine batch needs --batch-bucket s3://bucket/prefix/ (the job's manifest and reports, in the destination account)")
	case o.Engine == migration.EngineBatch && !strings.HasPrefix(o.BatchBucket, "s3://"):
		return fmt.Errorf("--batch-bucket %s: write it as s3://bucket/prefix/ (a bucket of the destination account)", o.BatchBucket)
	case o.BatchRole != "" && (!strings.HasPrefix(o.BatchRole, "arn:") || !strings.Contains(o.BatchRole, ":role/")):
		return fmt.Errorf("--batch-role %s: want a role ARN, arn:aws:iam::ACCOUNT:role/NAME (or leave it out: s3migrate shows one and creates it after a yes)", o.BatchRole)
	case o.Engine == migration.EngineBatch && o.KeepObjectLock:
		return errors.New("--keep-object-lock gives each copy its own source's retention, and a batch job sets one retention for all its objects: use --engine local")
	case o.Engine == migration.EngineBatch && o.Mode == transfer.ModeRelay:
		return errors.New("--engine batch copies inside S3: --mode relay does not apply; drop one")
	case o.MaxDelete < -1:
		return fmt.Errorf("--max-delete %d: want a count, or -1 for no limit", o.MaxDelete)
	case o.MaxObjectsPerSec < 0 || math.IsNaN(o.MaxObjectsPerSec) || math.IsInf(o.MaxObjectsPerSec, 0):
		return fmt.Errorf("--max-rate %v: want objects per second, or 0 for no limit", o.MaxObjectsPerSec)
	case o.MaxBytesPerSec > 0 && o.MaxBytesPerSec < 64<<10:
		return fmt.Errorf("--max-bandwidth %d: want at least 64KiB per second, or 0 for no limit", o.MaxBytesPerSec)
	}
	if o.Engine == migration.EngineBatch {
		if _, err := transfer.ParseLocation(o.BatchBucket); err != nil {
			return fmt.Errorf("--batch-bucket: %w", err)
		}
	}
	if o.ACL != "" && !slices.Contains(types.ObjectCannedACL("").Values(), types.ObjectCannedACL(o.ACL)) {
		return fmt.Errorf("--acl %s: want one of S3's canned ACLs: %v", o.ACL, types.ObjectCannedACL("").Values())
	}
	if o.StorageClass != "" && !slices.Contains(types.StorageClass("").Values(), types.StorageClass(o.StorageClass)) {
		return fmt.Errorf("--storage-class %s: want one of %v", o.StorageClass, types.StorageClass("").Values())
	}
	switch {
	case o.SSE != "" && o.SSE != "AES256" && o.SSE != "aws:kms":
		return fmt.Errorf("--sse %s: want AES256 or aws:kms", o.SSE)
	case o.SSEKMSKeyID != "" && o.SSE == "AES256":
		return errors.New("--sse-kms-key-id goes with --sse aws:kms, not AES256: drop one")
	case o.SSEKMSKeyID != "":
		o.SSE = "aws:kms"
	}
	return nil
}

// check validates the run flags before anything runs: the progress mode,
// and a report path that can be written (found out before the copy, not
// after it).
func (rf *runFlags) check(env Env) error {
	if _, err := parseProgress(rf.progress, env.IsTerminal); err != nil {
		return err
	}
	if rf.reportPath == "" {
		return nil
	}
	_, statErr := os.Stat(rf.reportPath)
	f, err := os.OpenFile(rf.reportPath, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("--report %s: %w", rf.reportPath, errors.Unwrap(err))
	}
	f.Close()
	if statErr != nil {
		os.Remove(rf.reportPath) // it did not exist: leave nothing behind until the report is written
	}
	return nil
}

// checkCanConfirm refuses, before any work, a run that would have to ask
// and cannot.
func checkCanConfirm(env Env, deletes, yes bool) error {
	if deletes && !yes && (env.Stdin == nil || !env.StdinIsTerminal) {
		return errors.New("--delete asks before deleting, and there is no terminal to ask on: add --yes to confirm in advance (with --max-delete N as a bound)")
	}
	return nil
}

// runMigration runs m once with the command line's progress, questions and
// report, and returns the exit code.
func runMigration(ctx context.Context, env Env, m *migration.Migration, rf runFlags, dryRun bool) int {
	pm, _ := parseProgress(rf.progress, env.IsTerminal)
	// Human text goes to stdout, unless stdout carries JSON lines.
	human := env.Stdout
	if pm == progressJSON {
		human = env.Stderr
	}
	if id := m.ID(); id != "" {
		fmt.Fprintf(env.Stderr, "journal %s (%s)\n", id, m.JournalPath())
	}
	fmt.Fprintf(env.Stderr, "%s\n", printable.String(m.Def.Mapping()))
	prog := startProgress(env, pm, m.Snapshot)
	ro := migration.RunOptions{
		Planned: func(st transfer.DiffStats) {
			line := planLine(st, m.Def.Options.Delete)
			if keys, bytes := m.Pair.Filtered(); keys > 0 {
				line += fmt.Sprintf("; the filters left out %s (%s)", plural(keys, "key"), transfer.FormatBytes(bytes))
			}
			prog.Println(human, line)
			if n := st.Count[transfer.ClassNew] + st.Count[transfer.ClassChanged]; n >= batchSuggestion && m.Def.Options.Engine != migration.EngineBatch {
				prog.Println(human, fmt.Sprintf("note: %s to copy from one machine; --engine batch hands them to S3 Batch Operations (`diff --estimate --engine batch` prices it)", plural(n, "object")))
			}
		},
		ConfirmBatch: func(bp migration.BatchPlan) bool {
			prog.Hold()
			defer prog.Release()
			fmt.Fprintln(env.Stderr, bp.Describe())
			if rf.yes {
				return true
			}
			ok, err := confirm(env, "Run the batch job?", "")
			return err == nil && ok
		},
		CancelBatch: func(id string) bool {
			if env.Stdin == nil || !env.StdinIsTerminal {
				return false
			}
			prog.Hold()
			defer prog.Release()
			ok, err := confirm(env, fmt.Sprintf("Cancel batch job %s too (otherwise it goes on, and resume reattaches)?", id), "")
			return err == nil && ok
		},
		ConfirmDelete: func(dp migration.DeletePlan) bool {
			prog.Hold()
			defer prog.Release()
			fmt.Fprintf(env.Stderr, "delete plan: %s (%s) only in %s\n", plural(dp.Count, "object"), transfer.FormatBytes(dp.Bytes), strings.Join(dp.Scope, ", "))
			if rf.yes {
				return true
			}
			ok, err := confirm(env, fmt.Sprintf("Delete these %d objects from the destination?", dp.Count), "")
			return err == nil && ok
		},
	}
	out := m.Run(ctx, ro)
	prog.Stop()
	code := finishRun(env, human, m, out, dryRun)
	if rf.reportPath != "" && m.Journal() != nil {
		if err := writeReport(rf.reportPath, m); err != nil {
			fail(env, ExitUsage, err)
			code = ExitUsage
		} else {
			fmt.Fprintf(env.Stderr, "report: %s\n", rf.reportPath)
		}
	}
	if rf.revokeAfter && !dryRun {
		if err := revokeAfter(ctx, env, m, out); err != nil {
			fail(env, ExitFailures, err)
			code = max(code, ExitFailures)
		}
	}
	if pm == progressJSON {
		writeSummaryJSON(env.Stdout, m, out, code)
	}
	return code
}

// revokeAfter removes the migration's grant once the run is fully verified
// (--revoke-after): the removal is shown as a diff on stderr and written
// only if the policy is still the one read. Otherwise the grant stays and
// the operator is told why and how to remove it later.
func revokeAfter(ctx context.Context, env Env, m *migration.Migration, out *migration.Outcome) error {
	later := fmt.Sprintf("`s3migrate policy s3://%s --revert --grantee-profile %s --source-profile %s`", m.Def.Src.Bucket, m.Def.DstProfile, m.Def.SrcProfile)
	if role := m.Def.Options.BatchRole; role != "" {
		later += fmt.Sprintf(" and `s3migrate policy s3://%s --revert --grantee %s --source-profile %s`", m.Def.Src.Bucket, role, m.Def.SrcProfile)
	}
	if ok, why := out.FullyVerified(); !ok {
		fmt.Fprintf(env.Stderr, "grant kept: %s; remove it once the migration is verified with %s\n", why, later)
		return nil
	}
	change, principal, err := m.RevokeGrant(ctx)
	if err != nil {
		return fmt.Errorf("revoke the grant: %w; remove it later with %s", err, later)
	}
	if change.Unchanged() {
		fmt.Fprintf(env.Stderr, "grant: s3://%s has no s3migrate statements for %s; nothing to revoke\n", m.Def.Src.Bucket, principal)
		return nil
	}
	fmt.Fprintf(env.Stderr, "revoking the grant to %s on s3://%s:\n%s", principal, m.Def.Src.Bucket, bucketpolicy.FormatDiff(change.Diff()))
	if err := bucketpolicy.Apply(ctx, m.Pair.SrcSess, change); err != nil {
		return fmt.Errorf("revoke the grant: %w; remove it later with %s", err, later)
	}
	fmt.Fprintf(env.Stderr, "revoked: the s3migrate statements for %s removed from s3://%s\n", principal, m.Def.Src.Bucket)
	return nil
}

// finishRun prints the outcome and returns the exit code.
func finishRun(env Env, human io.Writer, m *migration.Migration, out *migration.Outcome, dryRun bool) int {
	snap := m.Snapshot() // its notices were printed by the progress reporter
	if out.Result != nil {
		printSummary(human, out.Plan, out.Result, snap, dryRun, m.Def.Options.Delete)
	}
	resume := ""
	if id := m.ID(); id != "" {
		resume = "; resume with `s3migrate resume " + id + "`"
	}
	code := ExitOK
	switch {
	case out.Interrupted():
		fmt.Fprintf(env.Stderr, "s3migrate: interrupted: objects already copied stay copied%s\n", resume)
		return ExitFailures
	case out.Err != nil:
		fail(env, ExitUsage, out.Err)
		if resume != "" && !errors.Is(out.Err, migration.ErrDeleteRefused) {
			fmt.Fprintf(env.Stderr, "s3migrate: fix the cause%s\n", resume)
		}
		return ExitUsage
	}
	if out.Result != nil && len(out.Result.Failures) > 0 {
		printFailures(env.Stderr, out.Result.Failures)
		fmt.Fprintf(env.Stderr, "s3migrate: fix the cause and retry the failed objects%s\n", resume)
		code = ExitFailures
	}
	if out.DeletesSkipped != "" {
		fmt.Fprintf(env.Stderr, "s3migrate: deletes skipped: %s\n", out.DeletesSkipped)
		code = ExitFailures
	}
	if v := out.Verify; v != nil {
		d := m.Def
		src := d.Src.String()
		if len(d.Items) == 1 {
			src = d.Src.URL(d.Src.Prefix + d.Items[0])
		}
		again := verifyCommand(src, d.Dst.String(), d.SrcProfile, d.DstProfile)
		if c := reportVerify(human, env.Stderr, &transfer.VerifyResult{Checked: v.Checked, Verified: v.Verified, Mismatches: v.Mismatches}, v.Unchecked, v.UncheckedSample, again); c != ExitOK {
			code = c
		}
	} else if out.Result != nil && !dryRun && out.Result.Copied == 0 && len(out.Result.Failures) == 0 {
		fmt.Fprintln(human, "nothing to copy: the destination already matches")
	}
	return code
}

// writeReport writes the migration's report to path, from its journal
// once everything is written to it (report.FromJournal, as `report` and
// the Jobs screen write it).
func writeReport(path string, m *migration.Migration) error {
	if err := m.Journal().Flush(); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	w := bufio.NewWriter(f)
	_, err = report.FromJournal(w, m.JournalPath())
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// planLine is the plan, printed as soon as the listing is complete.
func planLine(st transfer.DiffStats, deletes bool) string {
	extra := fmt.Sprintf("%d only in destination (%s)", st.Count[transfer.ClassExtra], transfer.FormatBytes(st.Bytes[transfer.ClassExtra]))
	if deletes {
		extra += ", to delete after the copies"
	} else if st.Count[transfer.ClassExtra] > 0 {
		extra += ", kept"
	}
	return fmt.Sprintf("plan: %d new (%s), %d changed (%s), %d identical (%s), %s",
		st.Count[transfer.ClassNew], transfer.FormatBytes(st.Bytes[transfer.ClassNew]),
		st.Count[transfer.ClassChanged], transfer.FormatBytes(st.Bytes[transfer.ClassChanged]),
		st.Count[transfer.ClassIdentical], transfer.FormatBytes(st.Bytes[transfer.ClassIdentical]), extra)
}

func printSummary(w io.Writer, st transfer.DiffStats, res *transfer.Result, snap transfer.Snapshot, dryRun, deletes bool) {
	toCopy := st.Count[transfer.ClassNew] + st.Count[transfer.ClassChanged]
	toCopyBytes := st.Bytes[transfer.ClassNew] + st.Bytes[transfer.ClassChanged]
	if dryRun {
		fmt.Fprintf(w, "dry run: would copy %s (%s)", plural(toCopy, "object"), transfer.FormatBytes(toCopyBytes))
		if deletes {
			fmt.Fprintf(w, ", would delete %d", st.Count[transfer.ClassExtra])
		}
		fmt.Fprintln(w, "; nothing was changed")
		return
	}
	secs := res.Elapsed.Seconds()
	rate := ""
	if secs > 0 && res.Copied > 0 {
		rate = fmt.Sprintf(", %.0f objects/s, %s/s", float64(res.Copied)/secs, transfer.FormatBytes(int64(float64(res.Bytes)/secs)))
	}
	fmt.Fprintf(w, "copied %s (%s) in %s%s", plural(res.Copied, "object"), transfer.FormatBytes(res.Bytes), res.Elapsed.Round(10*time.Millisecond), rate)
	switch {
	case snap.Batch > 0:
		fmt.Fprintf(w, " [%d server-side, %d relayed, %d by a batch job]", snap.ServerSide, snap.Relayed, snap.Batch)
	case snap.ServerSide > 0 || snap.Relayed > 0:
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
		fmt.Fprintf(w, "  %s (after %s): %s\n", printable.String(f.Key), tries, strings.ReplaceAll(transfer.ErrorSummary(f.Err), "\n", " "))
	}
}

// summaryJSON is the last line of --progress json.
type summaryJSON struct {
	Summary        bool    `json:"summary"`
	ID             string  `json:"id,omitempty"`
	State          string  `json:"state"`
	ExitCode       int     `json:"exit_code"`
	New            int64   `json:"new"`
	Changed        int64   `json:"changed"`
	Identical      int64   `json:"identical"`
	OnlyInDest     int64   `json:"only_in_destination"`
	Copied         int64   `json:"copied"`
	CopiedBytes    int64   `json:"copied_bytes"`
	BatchCopied    int64   `json:"copied_by_batch_job,omitempty"`
	Deleted        int64   `json:"deleted"`
	Failed         int     `json:"failed"`
	Verified       int64   `json:"verified"`
	Mismatches     int     `json:"mismatches"`
	Unchecked      int64   `json:"unchecked"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	Error          string  `json:"error,omitempty"`
}

func writeSummaryJSON(w io.Writer, m *migration.Migration, out *migration.Outcome, code int) {
	s := summaryJSON{Summary: true, ID: m.ID(), State: string(out.State), ExitCode: code,
		New: out.Plan.Count[transfer.ClassNew], Changed: out.Plan.Count[transfer.ClassChanged],
		Identical: out.Plan.Count[transfer.ClassIdentical], OnlyInDest: out.Plan.Count[transfer.ClassExtra]}
	if m.ID() == "" {
		s.State = "dry-run"
	}
	s.BatchCopied = m.Snapshot().Batch
	if r := out.Result; r != nil {
		s.Copied, s.CopiedBytes, s.Deleted, s.Failed = r.Copied, r.Bytes, r.Deleted, len(r.Failures)
		s.ElapsedSeconds = r.Elapsed.Seconds()
	}
	if v := out.Verify; v != nil {
		s.Verified, s.Mismatches, s.Unchecked = v.Verified, len(v.Mismatches), v.Unchecked
	}
	if out.Err != nil {
		s.Error = out.Err.Error()
	}
	b, _ := json.Marshal(s)
	fmt.Fprintf(w, "%s\n", b)
}
