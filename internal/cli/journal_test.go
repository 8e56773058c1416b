package cli_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestJournalReportJobsResume: a run that fails on some objects leaves a
// journal and a CSV report in the Batch Operations layout; `jobs` lists it
// as failed; once the cause is fixed, `resume` copies exactly the failed
// objects and the journal ends done.
func TestJournalReportJobsResume(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	src, dst, err := sb.NewPair(ctx, "cli-journal")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	for i := 0; i < 6; i++ {
		k := fmt.Sprintf("ok/%d", i)
		if i >= 4 {
			k = fmt.Sprintf("zz/%d", i)
		}
		if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	owner := fmt.Sprintf(`{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":["%[1]s"]},"Action":"s3:*","Resource":["arn:aws:s3:::%[2]s","arn:aws:s3:::%[2]s/*"]}`, sb.Dest.AccessKey, dst)
	block := fmt.Sprintf(`{"Sid":"Block","Effect":"Deny","Principal":{"AWS":["%[1]s"]},"Action":"s3:PutObject","Resource":["arn:aws:s3:::%[2]s/zz/*"]}`, sb.Dest.AccessKey, dst)
	setPolicy := func(stmts ...string) {
		t.Helper()
		pol := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		if _, err := dest.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(dst), Policy: aws.String(pol)}); err != nil {
			t.Fatal(err)
		}
	}
	setPolicy(owner, block)

	csvPath := filepath.Join(t.TempDir(), "report.csv")
	r := run(t, withProfiles("sync", "s3://"+src, "s3://"+dst, "--progress", "none", "--concurrency", "3", "--report", csvPath)...)
	if r.code != 1 || !strings.Contains(r.stderr, "resume with `s3migrate resume ") {
		t.Fatalf("first run: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	suggested := suggestion(t, r.stderr, "resume with `")
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || strings.Join(rows[0][:7], ",") != "Bucket,Key,VersionId,TaskStatus,ErrorCode,HTTPStatusCode,ResultMessage" {
		t.Fatalf("report rows %d, header %v", len(rows), rows[0])
	}
	status := map[string][]string{}
	for _, row := range rows[1:] {
		status[row[1]] = row
	}
	if row := status["ok/0"]; row[0] != src || row[3] != "succeeded" || row[5] != "200" || row[7] != "4" || row[8] != "copy" {
		t.Errorf("ok/0 row %v", row)
	}
	if row := status["zz/5"]; row[3] != "failed" || row[4] != "AccessDenied" || row[5] != "403" || !strings.Contains(row[6], "AccessDenied") {
		t.Errorf("zz/5 row %v", row)
	}

	r = run(t, "jobs")
	if r.code != 0 || !strings.Contains(r.stdout, "failed") || !strings.Contains(r.stdout, "4/6") || !strings.Contains(r.stdout, "s3://"+src+"/ → s3://"+dst+"/") {
		t.Fatalf("jobs: exit %d\n%s", r.code, r.stdout)
	}

	setPolicy(owner)
	r = run(t, suggested...) // the command as printed
	if r.code != 0 || !strings.Contains(r.stdout, "copied 2 objects") || !strings.Contains(r.stdout, "4 identical") || !strings.Contains(r.stdout, "verified 2 of 2") {
		t.Fatalf("resume: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "jobs"); !strings.Contains(r.stdout, "done") || !strings.Contains(r.stdout, "6/6") {
		t.Errorf("jobs after resume:\n%s", r.stdout)
	}
	if r := run(t, "resume"); r.code != 2 || !strings.Contains(r.stderr, "nothing to resume") {
		t.Errorf("resume with nothing left: exit %d %q", r.code, r.stderr)
	}
}

// TestRerunChecksOnlyItsCopies: a destination object whose tags were
// changed out of band passes the diff (same size and ETag); a re-run sends
// listings only, and `s3migrate verify` (the full check) finds it.
func TestRerunChecksOnlyItsCopies(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	src, dst, err := sb.NewPair(ctx, "cli-reverify")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "c"} {
		if _, err := sb.Client(sb.Origin).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: strings.NewReader(k), Tagging: aws.String("t=" + k)}); err != nil {
			t.Fatal(err)
		}
	}
	args := withProfiles("sync", "s3://"+src, "s3://"+dst, "--progress", "none")
	if r := run(t, args...); r.code != 0 {
		t.Fatalf("first sync: %d %s", r.code, r.stderr)
	}
	if _, err := sb.Client(sb.Dest).DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(dst), Key: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	// A re-run checks only what it copied (nothing): listings alone. The
	// full check is the verify command, which finds the changed tags.
	r := run(t, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "3 identical") || !strings.Contains(r.stdout, "nothing to copy") {
		t.Fatalf("second sync: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, withProfiles("verify", "s3://"+src, "s3://"+dst)...)
	if r.code != 1 || !strings.Contains(r.stdout, "verified 2 of 3 objects: 1 difference") || !strings.Contains(r.stderr, "b: tags:") {
		t.Fatalf("verify: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
}

// suggestion extracts the command the output suggests after marker, as
// the words a shell would pass (without the program name).
func suggestion(t *testing.T, out, marker string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(out, marker)
	cmd, _, ok2 := strings.Cut(rest, "`")
	if !ok || !ok2 || !strings.HasPrefix(cmd, "s3migrate ") {
		t.Fatalf("no suggested command after %q in:\n%s", marker, out)
	}
	return strings.Fields(strings.TrimPrefix(cmd, "s3migrate "))
}
