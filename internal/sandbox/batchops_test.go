package sandbox_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/batchops"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
)

var sb *sandbox.Sandbox

// object is an object a test puts into its origin bucket.
type object = sandboxtest.Object

// setup makes the test's bucket pair, the origin granting the destination
// account read, with objs in the origin bucket.
func setup(t *testing.T, objs []object) (src, dst string) {
	t.Helper()
	return sandboxtest.Pair(t, sb, objs)
}

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedNone, func(s *sandbox.Sandbox) { sb = s }))
}

const roleARN = "arn:aws:iam::" + sandbox.DestAccountID + ":role/s3migrate-batch"

// putManifest writes a CSV manifest (Bucket,Key; keys URL-encoded) into
// the destination bucket as the destination account and returns its ARN
// and ETag.
func putManifest(t *testing.T, bucket, srcBucket string, keys []string) (arn, etag string) {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, k := range keys {
		_ = w.Write([]string{srcBucket, url.QueryEscape(k)})
	}
	w.Flush()
	key := "batch/manifest.csv"
	out, err := sb.Client(sb.Dest).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(b.String()),
	})
	if err != nil {
		t.Fatal(err)
	}
	return "arn:aws:s3:::" + bucket + "/" + key, aws.ToString(out.ETag)
}

func copyJob(dst, manifestARN, etag string, confirm bool, scope ctypes.JobReportScope) *s3control.CreateJobInput {
	return &s3control.CreateJobInput{
		AccountId:            aws.String(sandbox.DestAccountID),
		ConfirmationRequired: aws.Bool(confirm),
		Description:          aws.String("test copy"),
		Priority:             aws.Int32(10),
		RoleArn:              aws.String(roleARN),
		Manifest: &ctypes.JobManifest{
			Spec: &ctypes.JobManifestSpec{
				Format: ctypes.JobManifestFormatS3BatchOperationsCsv20180820,
				Fields: []ctypes.JobManifestFieldName{ctypes.JobManifestFieldNameBucket, ctypes.JobManifestFieldNameKey},
			},
			Location: &ctypes.JobManifestLocation{ObjectArn: aws.String(manifestARN), ETag: aws.String(etag)},
		},
		Operation: &ctypes.JobOperation{S3PutObjectCopy: &ctypes.S3CopyObjectOperation{
			TargetResource:  aws.String("arn:aws:s3:::" + dst),
			TargetKeyPrefix: aws.String("copied/"),
		}},
		Report: &ctypes.JobReport{
			Enabled: true, Bucket: aws.String("arn:aws:s3:::" + dst), Prefix: aws.String("reports"),
			Format: ctypes.JobReportFormatReportCsv20180820, ReportScope: scope,
		},
	}
}

func describe(t *testing.T, cl *s3control.Client, id string) *ctypes.JobDescriptor {
	t.Helper()
	out, err := cl.DescribeJob(context.Background(), &s3control.DescribeJobInput{AccountId: aws.String(sandbox.DestAccountID), JobId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeJob: %v", err)
	}
	return out.Job
}

// waitStatus polls DescribeJob until the job reaches one of want.
func waitStatus(t *testing.T, cl *s3control.Client, id string, want ...ctypes.JobStatus) *ctypes.JobDescriptor {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last ctypes.JobStatus
	for time.Now().Before(deadline) {
		j := describe(t, cl, id)
		last = j.Status
		for _, w := range want {
			if j.Status == w {
				return j
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s: status %s, want one of %v", id, last, want)
	return nil
}

func getBytes(t *testing.T, c *s3.Client, bucket, key string) []byte {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readReport reads the completion report of job id: its manifest.json and
// the lines of each CSV file it names, by TaskExecutionStatus.
func readReport(t *testing.T, bucket, prefix, id string) (batchops.ReportManifest, map[string][][]string) {
	t.Helper()
	dest := sb.Client(sb.Dest)
	var man batchops.ReportManifest
	raw := getBytes(t, dest, bucket, prefix+"/job-"+id+"/manifest.json")
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatalf("manifest.json: %v\n%s", err, raw)
	}
	rows := map[string][][]string{}
	for _, r := range man.Results {
		if r.Bucket != bucket || !strings.HasPrefix(r.Key, prefix+"/job-"+id+"/results/") || !strings.HasSuffix(r.Key, ".csv") {
			t.Errorf("report result at s3://%s/%s, want under %s/job-%s/results/", r.Bucket, r.Key, prefix, id)
		}
		body := getBytes(t, dest, r.Bucket, r.Key)
		if sum := fmt.Sprintf("%x", md5sum(body)); sum != r.MD5Checksum {
			t.Errorf("%s: MD5Checksum %s, content's %s", r.Key, r.MD5Checksum, sum)
		}
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", r.Key, err)
		}
		rows[r.TaskExecutionStatus] = append(rows[r.TaskExecutionStatus], recs...)
	}
	return man, rows
}

func TestBatchCopyConfirmedEndToEnd(t *testing.T) {
	objs := []object{
		{Key: "a.txt", Body: []byte("alpha"), ContentType: "text/plain", Metadata: map[string]string{"owner": "finance"}, Tags: map[string]string{"class": "internal"}},
		{Key: "dir/with space.json", Body: bytes.Repeat([]byte("{}"), 500), ContentType: "application/json"},
		{Key: "odd/ünï+%&=c.bin", Body: []byte{0, 1, 2, 3}, Metadata: map[string]string{"k": "v"}, Tags: map[string]string{"a": "1", "b": "2"}},
		{Key: "odd/line\nbreak, \"quoted\".txt", Body: []byte("nl")},
	}
	src, dst := setup(t, objs)
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	arn, etag := putManifest(t, dst, src, keys)
	ctl := sb.ControlClient(sb.Dest)
	ctx := context.Background()

	created, err := ctl.CreateJob(ctx, copyJob(dst, arn, etag, true, ctypes.JobReportScopeAllTasks))
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	id := aws.ToString(created.JobId)
	j := waitStatus(t, ctl, id, ctypes.JobStatusSuspended)
	if got := aws.ToInt64(j.ProgressSummary.TotalNumberOfTasks); got != int64(len(objs)) {
		t.Errorf("Suspended: TotalNumberOfTasks %d, want %d", got, len(objs))
	}
	if !aws.ToBool(j.ConfirmationRequired) || aws.ToString(j.JobArn) != "arn:aws:s3:us-east-1:"+sandbox.DestAccountID+":job/"+id {
		t.Errorf("descriptor: confirmation %v, arn %s", aws.ToBool(j.ConfirmationRequired), aws.ToString(j.JobArn))
	}
	if j.Operation == nil || j.Operation.S3PutObjectCopy == nil || aws.ToString(j.Operation.S3PutObjectCopy.TargetKeyPrefix) != "copied/" {
		t.Errorf("descriptor does not echo the operation: %+v", j.Operation)
	}
	if j.CreationTime == nil || time.Since(*j.CreationTime) > time.Minute {
		t.Errorf("CreationTime %v", j.CreationTime)
	}
	dest := sb.Client(sb.Dest)
	if _, err := dest.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("copied/a.txt")}); err == nil {
		t.Fatal("a Suspended job copied before its confirmation")
	}
	// Suspended shows in ListJobs, filtered by status.
	lj, err := ctl.ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(sandbox.DestAccountID), JobStatuses: []ctypes.JobStatus{ctypes.JobStatusSuspended}})
	if err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	found := false
	for _, d := range lj.Jobs {
		if aws.ToString(d.JobId) == id {
			found = d.Status == ctypes.JobStatusSuspended && d.Operation == ctypes.OperationNameS3PutObjectCopy
		}
		if d.Status != ctypes.JobStatusSuspended {
			t.Errorf("ListJobs(Suspended) lists a %s job", d.Status)
		}
	}
	if !found {
		t.Errorf("ListJobs(Suspended) does not list %s: %+v", id, lj.Jobs)
	}

	up, err := ctl.UpdateJobStatus(ctx, &s3control.UpdateJobStatusInput{
		AccountId: aws.String(sandbox.DestAccountID), JobId: aws.String(id), RequestedJobStatus: ctypes.RequestedJobStatusReady,
	})
	if err != nil {
		t.Fatalf("UpdateJobStatus Ready: %v", err)
	}
	if up.Status != ctypes.JobStatusReady && up.Status != ctypes.JobStatusActive {
		t.Errorf("UpdateJobStatus answered %s", up.Status)
	}
	j = waitStatus(t, ctl, id, ctypes.JobStatusComplete, ctypes.JobStatusFailed)
	if j.Status != ctypes.JobStatusComplete {
		t.Fatalf("job %s: %+v", j.Status, j.FailureReasons)
	}
	ps := j.ProgressSummary
	if n := int64(len(objs)); aws.ToInt64(ps.TotalNumberOfTasks) != n || aws.ToInt64(ps.NumberOfTasksSucceeded) != n || aws.ToInt64(ps.NumberOfTasksFailed) != 0 {
		t.Errorf("progress %d/%d/%d, want all of %d succeeded",
			aws.ToInt64(ps.TotalNumberOfTasks), aws.ToInt64(ps.NumberOfTasksSucceeded), aws.ToInt64(ps.NumberOfTasksFailed), len(objs))
	}
	if ps.Timers == nil || ps.Timers.ElapsedTimeInActiveSeconds == nil {
		t.Error("no Timers.ElapsedTimeInActiveSeconds")
	}
	if j.TerminationDate == nil {
		t.Error("no TerminationDate on a Complete job")
	}

	for _, o := range objs {
		key := "copied/" + o.Key
		if got := getBytes(t, dest, dst, key); !bytes.Equal(got, o.Body) {
			t.Errorf("%s: copied bytes differ", key)
		}
		h, err := dest.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("head %s: %v", key, err)
		}
		if o.ContentType != "" && aws.ToString(h.ContentType) != o.ContentType {
			t.Errorf("%s: Content-Type %q, want %q", key, aws.ToString(h.ContentType), o.ContentType)
		}
		if fmt.Sprint(h.Metadata) != fmt.Sprint(o.Metadata) && !(len(h.Metadata) == 0 && len(o.Metadata) == 0) {
			t.Errorf("%s: metadata %v, want %v", key, h.Metadata, o.Metadata)
		}
		tg, err := dest.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(dst), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("tagging %s: %v", key, err)
		}
		got := map[string]string{}
		for _, x := range tg.TagSet {
			got[aws.ToString(x.Key)] = aws.ToString(x.Value)
		}
		if fmt.Sprint(got) != fmt.Sprint(o.Tags) && !(len(got) == 0 && len(o.Tags) == 0) {
			t.Errorf("%s: tags %v, want %v", key, got, o.Tags)
		}
	}

	man, rows := readReport(t, dst, "reports", id)
	if man.Format != "Report_CSV_20180820" || man.ReportSchema != "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage" {
		t.Errorf("manifest.json: format %q schema %q", man.Format, man.ReportSchema)
	}
	if _, err := time.Parse(time.RFC3339, man.ReportCreationDate); err != nil {
		t.Errorf("ReportCreationDate %q: %v", man.ReportCreationDate, err)
	}
	if len(rows["failed"]) != 0 || len(rows["succeeded"]) != len(objs) {
		t.Fatalf("report rows: %v", rows)
	}
	var got []string
	for _, r := range rows["succeeded"] {
		got = append(got, strings.Join(r, "|"))
	}
	sort.Strings(got)
	var want []string
	for _, k := range keys {
		want = append(want, src+"|"+url.QueryEscape(k)+"||succeeded|200||Successful")
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("report lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Confirming twice is refused, as is confirming a finished job.
	_, err = ctl.UpdateJobStatus(ctx, &s3control.UpdateJobStatusInput{
		AccountId: aws.String(sandbox.DestAccountID), JobId: aws.String(id), RequestedJobStatus: ctypes.RequestedJobStatusReady,
	})
	var jse *ctypes.JobStatusException
	if !errors.As(err, &jse) {
		t.Errorf("Ready on a Complete job: %v, want JobStatusException", err)
	}
}

func TestBatchCopyTaskFailures(t *testing.T) {
	objs := []object{
		{Key: "small.txt", Body: []byte("fits")},
		{Key: "big.bin", Body: bytes.Repeat([]byte("x"), 2000)},
	}
	src, dst := setup(t, objs)
	// 1,000 bytes stand for the 5 GB CopyObject limit.
	sb.BatchOps().SetCopyLimit(1000)
	t.Cleanup(func() { sb.BatchOps().SetCopyLimit(0) })
	arn, etag := putManifest(t, dst, src, []string{"small.txt", "missing.txt", "big.bin"})
	ctl := sb.ControlClient(sb.Dest)
	ctx := context.Background()
	created, err := ctl.CreateJob(ctx, copyJob(dst, arn, etag, false, ctypes.JobReportScopeFailedTasksOnly))
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(created.JobId)
	j := waitStatus(t, ctl, id, ctypes.JobStatusComplete, ctypes.JobStatusFailed)
	// Failed tasks do not fail a job (below the 50%-of-1,000 threshold).
	if j.Status != ctypes.JobStatusComplete {
		t.Fatalf("job %s %+v, want Complete", j.Status, j.FailureReasons)
	}
	if s, f := aws.ToInt64(j.ProgressSummary.NumberOfTasksSucceeded), aws.ToInt64(j.ProgressSummary.NumberOfTasksFailed); s != 1 || f != 2 {
		t.Errorf("succeeded %d failed %d, want 1 and 2", s, f)
	}
	dest := sb.Client(sb.Dest)
	if _, err := dest.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("copied/big.bin")}); err == nil {
		t.Error("the object above the copy limit was copied")
	}
	_, rows := readReport(t, dst, "reports", id)
	if len(rows["succeeded"]) != 0 {
		t.Errorf("FailedTasksOnly report lists succeeded tasks: %v", rows["succeeded"])
	}
	byKey := map[string][]string{}
	for _, r := range rows["failed"] {
		if len(r) != 7 {
			t.Fatalf("report line has %d fields: %q", len(r), r)
		}
		byKey[r[1]] = r
	}
	if r := byKey["missing.txt"]; r == nil || r[3] != "failed" || r[4] != "404" || r[5] != "NoSuchKey" {
		t.Errorf("missing key line: %q", r)
	}
	if r := byKey["big.bin"]; r == nil || r[3] != "failed" || r[4] != "400" || r[5] != "InvalidRequest" ||
		!strings.Contains(r[6], "larger than the maximum allowable size for a copy source") {
		t.Errorf("over-limit line: %q", r)
	}
}

func TestBatchManifestETagMismatch(t *testing.T) {
	src, dst := setup(t, []object{{Key: "a.txt", Body: []byte("a")}})
	arn, _ := putManifest(t, dst, src, []string{"a.txt"})
	ctl := sb.ControlClient(sb.Dest)
	created, err := ctl.CreateJob(context.Background(), copyJob(dst, arn, `"00000000000000000000000000000000"`, false, ctypes.JobReportScopeAllTasks))
	if err != nil {
		t.Fatal(err)
	}
	j := waitStatus(t, ctl, aws.ToString(created.JobId), ctypes.JobStatusFailed, ctypes.JobStatusComplete)
	if j.Status != ctypes.JobStatusFailed || len(j.FailureReasons) == 0 || aws.ToString(j.FailureReasons[0].FailureCode) != "ManifestETagMismatch" {
		t.Fatalf("job %s, failures %+v: want Failed with ManifestETagMismatch", j.Status, j.FailureReasons)
	}
	if _, err := sb.Client(sb.Dest).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("copied/a.txt")}); err == nil {
		t.Error("a job whose manifest ETag did not match copied objects")
	}
}

func TestBatchCancel(t *testing.T) {
	var objs []object
	var keys []string
	for i := 0; i < 40; i++ {
		k := fmt.Sprintf("obj-%02d", i)
		objs = append(objs, object{Key: k, Body: []byte(k)})
		keys = append(keys, k)
	}
	src, dst := setup(t, objs)
	arn, etag := putManifest(t, dst, src, keys)
	ctl := sb.ControlClient(sb.Dest)
	ctx := context.Background()
	cancel := func(id string) {
		t.Helper()
		out, err := ctl.UpdateJobStatus(ctx, &s3control.UpdateJobStatusInput{
			AccountId: aws.String(sandbox.DestAccountID), JobId: aws.String(id),
			RequestedJobStatus: ctypes.RequestedJobStatusCancelled, StatusUpdateReason: aws.String("operator said no"),
		})
		if err != nil {
			t.Fatalf("cancel: %v", err)
		}
		if out.Status != ctypes.JobStatusCancelling && out.Status != ctypes.JobStatusCancelled {
			t.Errorf("cancel answered %s", out.Status)
		}
	}

	t.Run("suspended", func(t *testing.T) {
		created, err := ctl.CreateJob(ctx, copyJob(dst, arn, etag, true, ctypes.JobReportScopeAllTasks))
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(created.JobId)
		waitStatus(t, ctl, id, ctypes.JobStatusSuspended)
		cancel(id)
		j := waitStatus(t, ctl, id, ctypes.JobStatusCancelled)
		if aws.ToInt64(j.ProgressSummary.NumberOfTasksSucceeded) != 0 || aws.ToString(j.StatusUpdateReason) != "operator said no" {
			t.Errorf("cancelled while suspended: %+v, reason %q", j.ProgressSummary, aws.ToString(j.StatusUpdateReason))
		}
		// No task ran, so there is no report.
		if _, err := sb.Client(sb.Dest).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("reports/job-" + id + "/manifest.json")}); err == nil {
			t.Error("a job cancelled before any task wrote a report")
		}
	})

	t.Run("active", func(t *testing.T) {
		sb.BatchOps().SetTaskDelay(100 * time.Millisecond)
		t.Cleanup(func() { sb.BatchOps().SetTaskDelay(0) })
		created, err := ctl.CreateJob(ctx, copyJob(dst, arn, etag, false, ctypes.JobReportScopeAllTasks))
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(created.JobId)
		deadline := time.Now().Add(20 * time.Second)
		for {
			j := describe(t, ctl, id)
			if j.Status == ctypes.JobStatusActive && aws.ToInt64(j.ProgressSummary.NumberOfTasksSucceeded) > 0 {
				break
			}
			if time.Now().After(deadline) || j.Status == ctypes.JobStatusComplete {
				t.Fatalf("did not catch the job while Active: %s", j.Status)
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel(id)
		j := waitStatus(t, ctl, id, ctypes.JobStatusCancelled)
		done := aws.ToInt64(j.ProgressSummary.NumberOfTasksSucceeded)
		if done == 0 || done >= 40 || aws.ToInt64(j.ProgressSummary.NumberOfTasksFailed) != 0 {
			t.Errorf("cancelled job: %d succeeded, %d failed; want some but not all", done, aws.ToInt64(j.ProgressSummary.NumberOfTasksFailed))
		}
		// The report of a cancelled job lists the tasks that ran.
		_, rows := readReport(t, dst, "reports", id)
		if int64(len(rows["succeeded"])) != done {
			t.Errorf("report lists %d succeeded tasks, progress says %d", len(rows["succeeded"]), done)
		}
		// Cancelling again is refused.
		_, err = ctl.UpdateJobStatus(ctx, &s3control.UpdateJobStatusInput{
			AccountId: aws.String(sandbox.DestAccountID), JobId: aws.String(id), RequestedJobStatus: ctypes.RequestedJobStatusCancelled,
		})
		var jse *ctypes.JobStatusException
		if !errors.As(err, &jse) {
			t.Errorf("cancel of a Cancelled job: %v, want JobStatusException", err)
		}
	})
}

func TestBatchRequestErrors(t *testing.T) {
	sandboxtest.Need(t, sb)
	ctx := context.Background()
	ctl := sb.ControlClient(sb.Dest)
	apiCode := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		return fmt.Sprint(err)
	}

	_, err := ctl.DescribeJob(ctx, &s3control.DescribeJobInput{AccountId: aws.String(sandbox.DestAccountID), JobId: aws.String("00000000-0000-4000-8000-000000000000")})
	var nf *ctypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown job: %v, want NotFoundException", err)
	}
	// Another account's id in x-amz-account-id is refused.
	_, err = ctl.ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(sandbox.OriginAccountID)})
	if apiCode(err) != "AccessDenied" {
		t.Errorf("ListJobs for another account: %v, want AccessDenied", err)
	}
	// The account's access key id stands for its id (an identity without
	// STS reports it), in the header and in the role ARN.
	if _, err := ctl.ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(sb.Dest.AccessKey)}); err != nil {
		t.Errorf("ListJobs with the access key as account id: %v", err)
	}
	alias := copyJob("dst", "arn:aws:s3:::dst/m.csv", `"x"`, false, ctypes.JobReportScopeAllTasks)
	alias.AccountId = aws.String(sb.Dest.AccessKey)
	alias.RoleArn = aws.String("arn:aws:iam::" + sb.Dest.AccessKey + ":role/r")
	if out, err := ctl.CreateJob(ctx, alias); err != nil {
		t.Errorf("CreateJob with the access key as account id: %v", err)
	} else {
		j := waitStatus(t, ctl, aws.ToString(out.JobId), ctypes.JobStatusFailed)
		if len(j.FailureReasons) == 0 || aws.ToString(j.FailureReasons[0].FailureCode) != "ManifestReadFailed" {
			t.Errorf("a job whose manifest does not exist: %+v", j.FailureReasons)
		}
	}
	wrongRole := copyJob("dst", "arn:aws:s3:::dst/m.csv", `"x"`, false, ctypes.JobReportScopeAllTasks)
	wrongRole.RoleArn = aws.String("arn:aws:iam::" + sandbox.OriginAccountID + ":role/r")
	if _, err := ctl.CreateJob(ctx, wrongRole); apiCode(err) != "InvalidRequest" {
		t.Errorf("role of another account: %v, want InvalidRequest", err)
	}
	// Bad signature.
	bad := sb.ControlClient(sandbox.Account{AccessKey: sb.Dest.AccessKey, SecretKey: "wrong"})
	_, err = bad.ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(sandbox.DestAccountID)})
	if apiCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v, want SignatureDoesNotMatch", err)
	}
	// A form error is refused by CreateJob itself.
	in := copyJob("dst", "arn:aws:s3:::dst/m.csv", `"x"`, false, ctypes.JobReportScopeAllTasks)
	in.Operation.S3PutObjectCopy.TargetResource = aws.String("dst")
	_, err = ctl.CreateJob(ctx, in)
	if apiCode(err) != "InvalidRequest" {
		t.Errorf("TargetResource not an ARN: %v, want InvalidRequest", err)
	}
	// The job's jobs are the account's: origin does not see dest's.
	lj, err := sb.ControlClient(sb.Origin).ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(sandbox.OriginAccountID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(lj.Jobs) != 0 {
		t.Errorf("origin lists %d jobs it did not create", len(lj.Jobs))
	}
}

func md5sum(b []byte) [16]byte { return md5.Sum(b) }

// TestBatchCopyReplaceDirectives: REPLACE metadata and new tags replace the
// source's; storage class and checksum algorithm reach CopyObject.
func TestBatchCopyReplaceDirectives(t *testing.T) {
	src, dst := setup(t, []object{{Key: "r.txt", Body: []byte("replace me"), ContentType: "text/plain",
		Metadata: map[string]string{"old": "1"}, Tags: map[string]string{"old": "1"}}})
	arn, etag := putManifest(t, dst, src, []string{"r.txt"})
	ctl := sb.ControlClient(sb.Dest)
	ctx := context.Background()
	in := copyJob(dst, arn, etag, false, ctypes.JobReportScopeAllTasks)
	op := in.Operation.S3PutObjectCopy
	op.TargetKeyPrefix = nil
	op.MetadataDirective = ctypes.S3MetadataDirectiveReplace
	op.NewObjectMetadata = &ctypes.S3ObjectMetadata{ContentType: aws.String("application/x-new"), CacheControl: aws.String("no-cache"),
		UserMetadata: map[string]string{"new": "2"}}
	op.NewObjectTagging = []ctypes.S3Tag{{Key: aws.String("new"), Value: aws.String("2")}}
	op.ChecksumAlgorithm = ctypes.S3ChecksumAlgorithmCrc32
	op.StorageClass = ctypes.S3StorageClassStandard
	created, err := ctl.CreateJob(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	j := waitStatus(t, ctl, aws.ToString(created.JobId), ctypes.JobStatusComplete, ctypes.JobStatusFailed)
	if j.Status != ctypes.JobStatusComplete || aws.ToInt64(j.ProgressSummary.NumberOfTasksSucceeded) != 1 {
		_, rows := readReport(t, dst, "reports", aws.ToString(created.JobId))
		t.Fatalf("job %s, progress %+v, report %v", j.Status, j.ProgressSummary, rows)
	}
	dest := sb.Client(sb.Dest)
	h, err := dest.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("r.txt"), ChecksumMode: "ENABLED"})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(h.ContentType) != "application/x-new" || aws.ToString(h.CacheControl) != "no-cache" || fmt.Sprint(h.Metadata) != "map[new:2]" {
		t.Errorf("REPLACE: Content-Type %q Cache-Control %q metadata %v", aws.ToString(h.ContentType), aws.ToString(h.CacheControl), h.Metadata)
	}
	if h.ChecksumCRC32 == nil {
		t.Errorf("ChecksumAlgorithm CRC32: no CRC32 on the copy")
	}
	tg, err := dest.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(dst), Key: aws.String("r.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.TagSet) != 1 || aws.ToString(tg.TagSet[0].Key) != "new" {
		t.Errorf("NewObjectTagging: tags %+v, want only new=2", tg.TagSet)
	}
}

// TestBatchIdempotencyAndPaging: the same ClientRequestToken gives the same
// job; ListJobs pages with MaxResults and NextToken.
func TestBatchIdempotencyAndPaging(t *testing.T) {
	src, dst := setup(t, []object{{Key: "a", Body: []byte("a")}})
	arn, etag := putManifest(t, dst, src, []string{"a"})
	ctl := sb.ControlClient(sb.Dest)
	ctx := context.Background()
	in := copyJob(dst, arn, etag, true, ctypes.JobReportScopeAllTasks)
	in.ClientRequestToken = aws.String("once-" + dst)
	a, err := ctl.CreateJob(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ctl.CreateJob(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.JobId) != aws.ToString(b.JobId) {
		t.Errorf("same token, jobs %s and %s", aws.ToString(a.JobId), aws.ToString(b.JobId))
	}
	in.ClientRequestToken = aws.String("twice-" + dst)
	if _, err := ctl.CreateJob(ctx, in); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	pages := 0
	var token *string
	for {
		out, err := ctl.ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(sandbox.DestAccountID), MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.Jobs) > 1 {
			t.Fatalf("MaxResults 1, got %d jobs", len(out.Jobs))
		}
		for _, j := range out.Jobs {
			if seen[aws.ToString(j.JobId)] {
				t.Errorf("job %s listed twice", aws.ToString(j.JobId))
			}
			seen[aws.ToString(j.JobId)] = true
		}
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if !seen[aws.ToString(a.JobId)] || pages < 2 {
		t.Errorf("paged listing: %d pages, %d jobs, job %s seen %v", pages, len(seen), aws.ToString(a.JobId), seen[aws.ToString(a.JobId)])
	}
}
