package flow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The batch engine started from the TUI: the live backend's run asks its
// questions through Run.Question and goes on only once Run.Answer is
// called, as the Running screen does it (the screen's side is tested in
// ui/run with a scripted run). The job runs on the sandbox's S3 Batch
// Operations emulator. The sandbox has no IAM, so the role is given and
// no setup question is asked; TestSyncEngineBatch and the moto tests of
// internal/cli cover the role and grant.

// batchSetup points the sandbox profiles at the sandbox, grants the
// destination identity the migration's read (the sandbox runs jobs as
// it) and returns the backend, the migration of reports/ and the options.
func batchSetup(t *testing.T, prefix string) (*backend.Live, screen.Migration, screen.RunOptions) {
	t.Helper()
	useSandbox(t)
	resetSandbox(t)
	b := backend.New()
	m := screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, SrcBucket: sandbox.OriginBucket,
		DstBucket: sandbox.DestBucket, DstPrefix: prefix, Items: []string{"reports/"}}
	ctx := context.Background()
	c, err := b.PolicyChange(ctx, m, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ApplyPolicy(ctx, m, c); err != nil {
		t.Fatal(err)
	}
	opt := screen.RunOptions{Concurrency: 8, Verify: true, Compare: "size-etag", Engine: migration.EngineBatch,
		BatchBucket: "s3://" + sandbox.DestBucket + "/.jobs/", BatchRole: "arn:aws:iam::" + sb.Dest.AccessKey + ":role/s3migrate-batch"}
	return b, m, opt
}

// answerUntilDone answers each question the run asks with answer(q) and
// returns the result; it fails the test after a minute.
func answerUntilDone(t *testing.T, r screen.Run, answer func(q screen.Question) bool) screen.RunResult {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case res := <-r.Done():
			return res
		case <-deadline:
			t.Fatalf("the run did not end; snapshot %+v", r.Snapshot())
		case <-time.After(20 * time.Millisecond):
		}
		if q := r.Question(); q != nil {
			r.Answer(answer(*q))
		}
	}
}

// TestBatchEngineFromTheTUI: the job is shown before it runs (what it
// copies, where to, as which role), runs after the yes, its report is
// read back and the copies are verified; the destination holds them.
func TestBatchEngineFromTheTUI(t *testing.T) {
	b, m, opt := batchSetup(t, "batch/")
	r, err := b.Start(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	var asked []screen.Question
	res := answerUntilDone(t, r, func(q screen.Question) bool { asked = append(asked, q); return true })
	if len(asked) != 1 || !strings.HasPrefix(asked[0].Title, "Run S3 Batch Operations job ") ||
		!strings.Contains(asked[0].Body, "copies 5 objects") || !strings.Contains(asked[0].Body, ":role/s3migrate-batch") || asked[0].Seq != 1 {
		t.Fatalf("questions asked: %+v", asked)
	}
	if res.Err != nil || res.Result == nil || res.Result.Copied != 5 || len(res.Result.Failures) != 0 {
		t.Fatalf("result: err %v, %+v", res.Err, res.Result)
	}
	if s := res.Snapshot; s.Batch != 5 || s.ServerSide != 0 || s.Relayed != 0 {
		t.Errorf("copies by strategy: %d by the job, %d server-side, %d relayed; want all 5 by the job", s.Batch, s.ServerSide, s.Relayed)
	}
	if res.Verify == nil || res.Verify.Verified != 5 || len(res.Verify.Mismatches) != 0 {
		t.Errorf("verify %+v", res.Verify)
	}
	out, err := sb.Client(sb.Dest).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket), Prefix: aws.String("batch/")})
	if err != nil || len(out.Contents) != 5 {
		t.Fatalf("destination batch/: %d objects, %v; want the 4 reports and the reports/ marker", len(out.Contents), err)
	}
	j, ok, err := journal.ReadBatchJob(res.Journal)
	if err != nil || !ok || !j.Read {
		t.Errorf("the journal's batch job %+v, %v, %v: want one, read", j, ok, err)
	}
	// The Summary's revoke names the job's role with the migration's
	// identity (the sandbox granted only the identity).
	m.Journal = res.Journal
	c, err := b.RevokeChange(context.Background(), m)
	if err != nil || !strings.Contains(c.Grantee, opt.BatchRole) || c.Unchanged() || strings.Contains(c.After, "S3MigrateRead") {
		t.Errorf("revoke after a batch run: grantee %q, err %v, after:\n%s", c.Grantee, err, c.After)
	}
}

// TestBatchEngineRefusedFromTheTUI: a no to the job cancels it before it
// copies anything; the run ends refused and the destination stays empty.
func TestBatchEngineRefusedFromTheTUI(t *testing.T) {
	b, m, opt := batchSetup(t, "refused/")
	r, err := b.Start(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	res := answerUntilDone(t, r, func(screen.Question) bool { return false })
	if !errors.Is(res.Err, migration.ErrBatchRefused) {
		t.Fatalf("result error %v, want the job refused", res.Err)
	}
	out, err := sb.Client(sb.Dest).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket), Prefix: aws.String("refused/")})
	if err != nil || len(out.Contents) != 0 {
		t.Errorf("destination refused/: %d objects, %v; want none", len(out.Contents), err)
	}
}

// TestBatchCancelFromTheTUI: cancelling the run while its job runs asks
// whether to cancel the job too; yes cancels it in the account.
func TestBatchCancelFromTheTUI(t *testing.T) {
	b, m, opt := batchSetup(t, "cancelled/")
	sb.BatchOps().SetTaskDelay(500 * time.Millisecond)
	defer sb.BatchOps().SetTaskDelay(0)
	r, err := b.Start(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := false
	seen := make(chan time.Duration, 1)
	var asked []string
	res := answerUntilDone(t, r, func(q screen.Question) bool {
		asked = append(asked, q.Title)
		if strings.HasPrefix(q.Title, "Run S3 Batch Operations job ") {
			go cancelWhenRunning(r, seen) // 5 tasks of 500 ms outlast the wait
			return true
		}
		cancelled = strings.HasPrefix(q.Title, "Cancel S3 Batch Operations job ")
		return cancelled
	})
	if !cancelled || len(asked) != 2 {
		t.Fatalf("questions %q: want the job, then whether to cancel it", asked)
	}
	// While only the job copies, the run's clock still runs.
	if e := <-seen; e < 100*time.Millisecond {
		t.Errorf("elapsed %v while the job ran for 100 ms", e)
	}
	if !errors.Is(res.Err, context.Canceled) {
		t.Errorf("result error %v, want the run interrupted", res.Err)
	}
	j, ok, err := journal.ReadBatchJob(res.Journal)
	if err != nil || !ok || (j.State != "Cancelled" && j.State != "Cancelling") {
		t.Errorf("the journal's batch job %+v, %v, %v: want it cancelled", j, ok, err)
	}
}

// TestBatchResumeFromTheTUI: a run cancelled while its job runs, with the
// job left running, is picked up again (Start on its journal, as the Jobs
// screen's R does): the resumed run reattaches to that job, settles what it
// copied and creates no second one.
func TestBatchResumeFromTheTUI(t *testing.T) {
	b, m, opt := batchSetup(t, "resumed/")
	sb.BatchOps().SetTaskDelay(500 * time.Millisecond)
	defer sb.BatchOps().SetTaskDelay(0)
	r, err := b.Start(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	res := answerUntilDone(t, r, func(q screen.Question) bool {
		if strings.HasPrefix(q.Title, "Run S3 Batch Operations job ") {
			go cancelWhenRunning(r, nil)
			return true
		}
		return false // leave the job running
	})
	if !errors.Is(res.Err, context.Canceled) {
		t.Fatalf("first run: %v, want interrupted", res.Err)
	}
	first, ok, err := journal.ReadBatchJob(res.Journal)
	if err != nil || !ok || first.Read {
		t.Fatalf("the journal's job after the interruption %+v, %v, %v: want one, not read", first, ok, err)
	}

	m.Journal = res.Journal
	r, err = b.Start(context.Background(), m, screen.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	res = answerUntilDone(t, r, func(q screen.Question) bool { asked = append(asked, q.Title); return true })
	if res.Err != nil || res.Verify == nil || res.Verify.Verified != 5 {
		t.Fatalf("resumed run: err %v, verify %+v, asked %q", res.Err, res.Verify, asked)
	}
	if len(asked) != 0 {
		t.Errorf("the resumed run asked %q: a second job?", asked)
	}
	last, _, _ := journal.ReadBatchJob(res.Journal)
	if last.ID != first.ID || !last.Read {
		t.Errorf("the journal's job after the resume %+v, want %s read", last, first.ID)
	}
}

// cancelWhenRunning cancels r once its batch job has run for 100 ms, and
// sends the elapsed time the snapshot showed then on seen (when not nil).
func cancelWhenRunning(r screen.Run, seen chan<- time.Duration) {
	for range 500 {
		if j := r.Snapshot().Job; j.State == "Active" || j.State == "Ready" {
			time.Sleep(100 * time.Millisecond)
			if seen != nil {
				seen <- r.Snapshot().Elapsed
			}
			r.Cancel()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestBatchBucketCreatedFromTheTUI: a batch bucket that does not exist is
// shown in the setup question; a no creates nothing and ends the run, a
// yes creates it (in the destination's account and region) and the job
// runs with its manifest there.
func TestBatchBucketCreatedFromTheTUI(t *testing.T) {
	b, m, opt := batchSetup(t, "newbucket/")
	opt.BatchBucket = "s3://s3migrate-jobs-tui/batch/"
	dc := sb.Client(sb.Dest)
	t.Cleanup(func() { emptyAndDelete(t, "s3migrate-jobs-tui") })
	r, err := b.Start(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	var asked []screen.Question
	res := answerUntilDone(t, r, func(q screen.Question) bool { asked = append(asked, q); return false })
	if len(asked) != 1 || !strings.Contains(asked[0].Body, "bucket s3://s3migrate-jobs-tui does not exist: created in") {
		t.Fatalf("questions %+v", asked)
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), "setup was not confirmed") {
		t.Fatalf("after no: %v", res.Err)
	}
	if _, err := dc.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("s3migrate-jobs-tui")}); err == nil {
		t.Fatal("the bucket exists after a no")
	}

	r, err = b.Start(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	res = answerUntilDone(t, r, func(screen.Question) bool { return true })
	if res.Err != nil || res.Verify == nil || res.Verify.Verified != 5 {
		t.Fatalf("after yes: err %v, verify %+v", res.Err, res.Verify)
	}
	out, err := dc.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("s3migrate-jobs-tui"), Prefix: aws.String("batch/")})
	if err != nil || len(out.Contents) == 0 {
		t.Errorf("the new batch bucket holds %d objects (%v): want the manifest and the report", len(out.Contents), err)
	}
}

// emptyAndDelete removes a bucket the test created, with its objects.
func emptyAndDelete(t *testing.T, bucket string) {
	ctx, dc := context.Background(), sb.Client(sb.Dest)
	p := s3.NewListObjectsV2Paginator(dc, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return // never created
		}
		for _, o := range page.Contents {
			dc.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		}
	}
	if _, err := dc.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Logf("delete s3://%s: %v", bucket, err)
	}
}
