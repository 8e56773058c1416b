package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/motoserver"
	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// TestSyncEngineBatch: sync --engine batch writes the manifest into the
// destination account, creates the job (it waits until confirmed: --yes
// here), follows it on the sandbox's S3 Batch Operations emulator, reads
// the completion report back into the journal, copies the object the job
// refused as too large with the local engine, and verifies everything;
// jobs shows the job. Without --yes and a terminal, and with a key mapping
// a job cannot express, it refuses before any job exists.
func TestSyncEngineBatch(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "cli-batch")
	keys := putN(t, src, "b/", 30)
	putSized(t, src, "b/zz-large.bin", 5000)
	sb.BatchOps().SetCopyLimit(4096)
	defer sb.BatchOps().SetCopyLimit(0)
	// One key the destination already holds with other bytes: changed.
	if _, err := sb.Client(sb.Dest).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(dst), Key: aws.String("b/00001"),
		Body: strings.NewReader("older, different bytes")}); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	role := "arn:aws:iam::" + sb.Dest.AccessKey + ":role/s3migrate-batch"
	args := withProfiles("sync", "s3://"+src+"/b/", "s3://"+dst+"/b/", "--engine", "batch",
		"--batch-bucket", "s3://"+dst+"/s3migrate-jobs/", "--batch-role", role, "--progress", "none")

	if r := run(t, args...); r.code != 2 || !strings.Contains(r.stderr, "add --yes") {
		t.Fatalf("without --yes or a terminal: exit %d %q", r.code, r.stderr)
	}
	r := run(t, append(args, "--yes")...)
	if r.code != 0 || !strings.Contains(r.stderr, "batch job ") || !strings.Contains(r.stdout, "verified 31 of 31 objects: all match") {
		t.Fatalf("sync --engine batch: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	// The job refused the object above its (lowered) limit; the local
	// engine copied it, server-side.
	if !strings.Contains(r.stdout, "copied 31 objects") || !strings.Contains(r.stdout, "[1 server-side, 0 relayed, 30 by a batch job]") {
		t.Errorf("the object above the job's limit was not handed to the local engine:\n%s%s", r.stdout, r.stderr)
	}
	got := listKeys(t, sb.Client(sb.Dest), dst)
	for _, k := range append(keys, "b/zz-large.bin") {
		if !slices.Contains(got, k) {
			t.Errorf("%s not copied", k)
		}
	}
	if j := run(t, "jobs"); !strings.Contains(j.stdout, "(batch job ") || !strings.Contains(j.stdout, "Complete)") {
		t.Errorf("jobs does not show the batch job:\n%s", j.stdout)
	}
	// The report does not give the copies' ETags: the journal records none,
	// never the ETag of the object a copy replaced.
	dbs, _ := filepath.Glob(filepath.Join(state, "s3migrate", "*.db"))
	if len(dbs) != 1 {
		t.Fatalf("journals: %v", dbs)
	}
	j, err := journal.Open(dbs[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, _, wrote, ok := j.Copied("00001"); ok {
		t.Errorf("the journal recalls ETag %q for a key the job copied over another object", wrote)
	}
	j.Close()
	// A second run finds everything identical: no job is created.
	if r := run(t, append(args, "--yes")...); r.code != 0 || strings.Contains(r.stderr, "created and waiting") {
		t.Errorf("re-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Refused before the setup: the missing batch bucket is not created.
	moved := withProfiles("sync", "s3://"+src+"/b/", "s3://"+dst+"/other/", "--engine", "batch",
		"--batch-bucket", "s3://"+dst+"-never/jobs/", "--batch-role", role, "--progress", "none", "--yes")
	if r := run(t, moved...); r.code != 2 || !strings.Contains(r.stderr, "only prepends a prefix") || strings.Contains(r.stderr, "does not exist: created") ||
		strings.Contains(r.stderr, "resume") {
		t.Errorf("a mapping a job cannot express: exit %d %q", r.code, r.stderr)
	}
	if _, err := sb.Client(sb.Dest).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(dst + "-never")}); err == nil {
		t.Error("the batch bucket was created for a mapping that was refused")
	}
}

// putSized writes one object of size bytes as the origin account.
func putSized(t *testing.T, bucket, key string, size int) {
	t.Helper()
	if _, err := sb.Client(sb.Origin).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(make([]byte, size))}); err != nil {
		t.Fatal(err)
	}
}

// TestBatchFlagsRefusedFirst: a batch bucket or role that cannot be right
// is one line and exit 2 before anything exists: no journal is left to
// show as an interrupted migration.
func TestBatchFlagsRefusedFirst(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	for _, tc := range []struct{ flags, want []string }{
		{[]string{"--batch-bucket", "s3://Bad_Bucket/x/"}, []string{"is not a valid bucket name"}},
		{[]string{"--batch-bucket", "dest-archive"}, []string{"--batch-bucket dest-archive: write it as s3://bucket/prefix/"}},
		{[]string{"--batch-bucket", "s3://dest-archive/j/", "--batch-role", "copier"}, []string{"--batch-role copier: want a role ARN"}},
	} {
		args := append([]string{"sync", "s3://" + sandbox.OriginBucket + "/docs/", "s3://" + sandbox.DestBucket + "/t/docs/", "--engine", "batch", "--yes"}, tc.flags...)
		r := run(t, withProfiles(args...)...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 || !strings.Contains(r.stderr, tc.want[0]) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line with %q", tc.flags, r.code, r.stderr, tc.want[0])
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(state, "s3migrate")); len(entries) != 0 {
		t.Errorf("refused runs left %d journal files", len(entries))
	}
}

// TestBatchBucketCreated: a --batch-bucket that does not exist is shown
// with the setup and created after the yes (--yes here), in the
// destination account; the job then writes its manifest there.
func TestBatchBucketCreated(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "cli-batch-newbucket")
	putN(t, src, "n/", 3)
	jobs := dst + "-jobs"
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	r := run(t, withProfiles("sync", "s3://"+src+"/n/", "s3://"+dst+"/n/", "--engine", "batch", "--batch-bucket", "s3://"+jobs+"/m/",
		"--batch-role", "arn:aws:iam::"+sb.Dest.AccessKey+":role/s3migrate-batch", "--progress", "json", "--yes")...)
	if r.code != 0 || !strings.Contains(r.stderr, "bucket s3://"+jobs+" does not exist: created in") || !strings.Contains(r.stderr, "verified 3 of 3") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	// The progress lines and the summary line count what the job copied.
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 2 || !strings.Contains(lines[len(lines)-2], `"copied_by_batch_job":3`) ||
		!strings.Contains(lines[len(lines)-1], `"summary":true`) || !strings.Contains(lines[len(lines)-1], `"copied_by_batch_job":3`) {
		t.Errorf("the last progress lines:\n%s", strings.Join(lines[max(0, len(lines)-2):], "\n"))
	}
	out, err := sb.Client(sb.Dest).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(jobs), Prefix: aws.String("m/")})
	if err != nil || len(out.Contents) == 0 {
		t.Errorf("s3://%s/m/ holds %d objects (%v): want the manifest and the report", jobs, len(out.Contents), err)
	}
}

// TestBatchResumeAsksForAWaitingJob: a run that ended after creating its
// job and before confirming it (killed while asking) leaves the job
// waiting, Suspended; the resume asks about that job again instead of
// following a job that never starts: a no cancels it, a yes runs it.
func TestBatchResumeAsksForAWaitingJob(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	for _, yes := range []bool{false, true} {
		m, path, _ := newBatchMigration(t, fmt.Sprintf("cli-batch-wait-%v", yes), "w/", 6)
		ctx, cancel := context.WithCancel(context.Background())
		first := ""
		out := m.Run(ctx, migration.RunOptions{ConfirmBatch: func(p migration.BatchPlan) bool {
			first = p.JobID
			cancel() // the answer never reaches the job
			return true
		}})
		m.Close()
		if !out.Interrupted() || first == "" {
			t.Fatalf("first run: %v, job %q", out.Err, first)
		}

		r, err := migration.Resume(context.Background(), path, awsauth.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var asked []migration.BatchPlan
		out = r.Run(context.Background(), migration.RunOptions{ConfirmBatch: func(p migration.BatchPlan) bool { asked = append(asked, p); return yes }})
		r.Close()
		if len(asked) == 0 || asked[0].JobID != first || asked[0].Count != 6 || !strings.Contains(asked[0].Describe(), "copies 6 objects to") {
			t.Fatalf("yes=%v: the resume asked %+v, want job %s first", yes, asked, first)
		}
		st, err := sb.ControlClient(sb.Dest).DescribeJob(context.Background(), &s3control.DescribeJobInput{AccountId: aws.String(sb.Dest.AccessKey), JobId: aws.String(first)})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case !yes && (!errors.Is(out.Err, migration.ErrBatchRefused) || (st.Job.Status != "Cancelled" && st.Job.Status != "Cancelling")):
			t.Errorf("no: run %v, job %s; want refused and cancelled", out.Err, st.Job.Status)
		case yes && (out.Err != nil || out.Verify == nil || out.Verify.Verified != 6 || st.Job.Status != "Complete" || len(asked) != 1):
			t.Errorf("yes: run %v, verify %+v, job %s, asked %d times; want the same job complete and 6 verified", out.Err, out.Verify, st.Job.Status, len(asked))
		}
	}
}

// TestBatchResumeReattaches: a run interrupted while its job is Active
// leaves the job running (nobody was asked to cancel it); the resumed run
// follows that same job to its end instead of creating a second one,
// settles what it copied from its report, and verifies.
func TestBatchResumeReattaches(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	sb.BatchOps().SetTaskDelay(100 * time.Millisecond)
	defer sb.BatchOps().SetTaskDelay(0)
	m, path, dst := newBatchMigration(t, "cli-batch-resume", "r/", 40)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *migration.Outcome)
	go func() { done <- m.Run(ctx, migration.RunOptions{Yes: true}) }()
	var out *migration.Outcome
	for deadline := time.Now().Add(30 * time.Second); out == nil; time.Sleep(10 * time.Millisecond) {
		select {
		case out = <-done:
			t.Fatalf("the run ended before it was interrupted: %v %+v", out.Err, out.Result)
		default:
		}
		if slices.ContainsFunc(m.Snapshot().Notices, jobRunning) {
			break // confirmed: 40 tasks of 100 ms, 8 at a time, take longer than this
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job never ran: %+v", m.Snapshot().Notices)
		}
	}
	cancel()
	out = <-done
	m.Close()
	if !out.Interrupted() {
		t.Fatalf("first run: %v, want interrupted", out.Err)
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first, ok, err := j.LastBatchJob()
	j.Close()
	if err != nil || !ok || first.Read {
		t.Fatalf("after the interruption the journal holds job %+v (%v, %v), want one not yet read", first, ok, err)
	}

	m, err = migration.Resume(context.Background(), path, awsauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out = m.Run(context.Background(), migration.RunOptions{Yes: true})
	notices := m.Snapshot().Notices
	m.Close()
	if out.Err != nil || out.Verify == nil || out.Verify.Verified != out.Verify.Checked {
		t.Fatalf("resumed run: %v, verify %+v", out.Err, out.Verify)
	}
	if got := len(listKeys(t, sb.Client(sb.Dest), dst)); got < 40 {
		t.Errorf("%d objects in the destination, want the 40 of r/ (and the job's files)", got)
	}
	if !slices.ContainsFunc(notices, func(n string) bool { return strings.Contains(n, "reattaching to S3 Batch Operations job "+first.ID) }) {
		t.Errorf("the resumed run did not reattach to job %s: notices %q", first.ID, notices)
	}
	j, err = journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if last, _, _ := j.LastBatchJob(); !last.Read {
		t.Errorf("the last job %+v was not read back", last)
	}
	counts, _ := j.Counts()
	if counts[journal.StatusPending] != 0 || counts[journal.StatusFailed] != 0 {
		t.Errorf("rows left: %v", counts)
	}
}

// TestBatchSetupOnMoto: with two real accounts and no --batch-role, sync
// --engine batch shows and (with --yes) creates the job's role in the
// destination account and grants it read on the origin bucket, through
// the same policy flow as the migration's own grant; moto runs no Batch
// Operations jobs, so the run then stops at CreateJob with its error.
func TestBatchSetupOnMoto(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	oc, dc := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, oc, "batch-src"), motoBucket(t, dc, "batch-dst")
	motoPut(t, oc, src, "k/a.txt", []byte("a"))
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	r := run(t, append([]string{"sync", "s3://" + src + "/k/", "s3://" + dst + "/k/", "--engine", "batch",
		"--batch-bucket", "s3://" + dst + "/jobs/", "--progress", "none", "--yes"}, motoProfiles...)...)
	if !strings.Contains(r.stderr, "trusted by S3 Batch Operations") || !strings.Contains(r.stderr, "the read grant to the job's role") {
		t.Fatalf("the role and the grant were not shown: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r.code == 0 || !strings.Contains(r.stderr, "S3 Batch Operations job") {
		t.Errorf("moto runs no jobs, yet: exit %d\n%s", r.code, r.stderr)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(motoserver.DestProfile))
	if err != nil {
		t.Fatal(err)
	}
	roles, err := iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	// The role the command showed, by its ARN.
	role, _, _ := strings.Cut(strings.TrimPrefix(r.stderr[strings.Index(r.stderr, "batch role "):], "batch role "), ",")
	if !strings.HasPrefix(role, "arn:aws:iam::222222222222:role/s3migrate-batch-") ||
		!slices.ContainsFunc(roles.Roles, func(rl iamtypes.Role) bool { return aws.ToString(rl.Arn) == role }) {
		t.Fatalf("the role %q shown is not in the destination account: %v", role, roles.Roles)
	}
	pol, err := oc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(src)})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), role) {
		t.Errorf("the origin policy does not grant the role %s: %v %s", role, err, aws.ToString(pol.Policy))
	}
	// The revoke at the end (--revoke-after, the Summary) removes the
	// role's grant with the migration's own.
	dir, err := journal.Dir()
	if err != nil {
		t.Fatal(err)
	}
	list, err := journal.List(dir)
	if err != nil || len(list) != 1 {
		t.Fatalf("journals %+v, %v", list, err)
	}
	m, err := migration.Resume(ctx, list[0].Path, awsauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	change, who, err := m.RevokeGrant(ctx)
	if err != nil || !strings.Contains(who, role) || strings.Contains(change.After, role) || change.Unchanged() {
		t.Errorf("revoke names %q (err %v); the policy after it:\n%s", who, err, change.After)
	}
}

// TestBatchCancelOnInterrupt: interrupted while the job runs, with the
// operator's yes to the question, the job is cancelled in the account (not
// left running), the run says interrupted, and the journal keeps the job as
// Cancelled.
func TestBatchCancelOnInterrupt(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	sb.BatchOps().SetTaskDelay(100 * time.Millisecond)
	defer sb.BatchOps().SetTaskDelay(0)
	m, path, _ := newBatchMigration(t, "cli-batch-cancel", "c/", 40)
	ctx, cancel := context.WithCancel(context.Background())
	asked := ""
	done := make(chan *migration.Outcome)
	go func() {
		done <- m.Run(ctx, migration.RunOptions{Yes: true, CancelBatch: func(id string) bool { asked = id; return true }})
	}()
	waitForJob(t, m)
	cancel()
	out := <-done
	m.Close()
	if !out.Interrupted() || asked == "" {
		t.Fatalf("run: %v, asked about %q", out.Err, asked)
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	job, _, _ := j.LastBatchJob()
	if job.ID != asked || (job.State != "Cancelled" && job.State != "Cancelling") {
		t.Errorf("asked about job %s; the journal holds %s, %s", asked, job.ID, job.State)
	}
	st, err := sb.ControlClient(sb.Dest).DescribeJob(context.Background(), &s3control.DescribeJobInput{AccountId: aws.String(sb.Dest.AccessKey), JobId: aws.String(asked)})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Job.Status; got != "Cancelled" && got != "Cancelling" {
		t.Errorf("the job is %s in the account, want cancelled", got)
	}
}

// jobRunning reports the progress notice of a confirmed job not yet done.
func jobRunning(n string) bool {
	return strings.HasPrefix(n, "batch job ") && (strings.Contains(n, ": Ready,") || strings.Contains(n, ": Active,"))
}

// TestBatchNeedsAWayToAsk: a run whose caller gives no way to confirm the
// job (no ConfirmBatch, no Yes) is refused before any manifest or job
// exists. Both front ends give one; the lifecycle refuses rather than run
// a job unseen.
func TestBatchNeedsAWayToAsk(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	m, _, dst := newBatchMigration(t, "cli-batch-ask", "a/", 3)
	out := m.Run(context.Background(), migration.RunOptions{})
	m.Close()
	if !errors.Is(out.Err, migration.ErrBatchRefused) {
		t.Fatalf("run without a way to ask: %v", out.Err)
	}
	if keys := listKeys(t, sb.Client(sb.Dest), dst); len(keys) != 0 {
		t.Errorf("something was written: %v", keys)
	}
}

// newBatchMigration is a batch migration of n fresh objects under prefix,
// with its journal in a temporary file.
func newBatchMigration(t *testing.T, name, prefix string, n int) (m *migration.Migration, journalPath, dst string) {
	t.Helper()
	src, dst := newPair(t, name)
	putN(t, src, prefix, n)
	p := openPair(t, "s3://"+src+"/"+prefix, "s3://"+dst+"/"+prefix)
	opt := migration.DefaultOptions()
	opt.Engine, opt.BatchBucket = migration.EngineBatch, "s3://"+dst+"/jobs/"
	opt.BatchRole = "arn:aws:iam::" + sb.Dest.AccessKey + ":role/s3migrate-batch"
	journalPath = filepath.Join(t.TempDir(), "m.db")
	m, err := migration.New(p, migration.Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, journalPath, false)
	if err != nil {
		t.Fatal(err)
	}
	return m, journalPath, dst
}

// waitForJob waits until m's batch job is confirmed and not yet done.
func waitForJob(t *testing.T, m *migration.Migration) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !slices.ContainsFunc(m.Snapshot().Notices, jobRunning); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the job never ran: %+v", m.Snapshot().Notices)
		}
	}
}
