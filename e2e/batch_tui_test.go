package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// TestTUIBatchMigration: the batch engine chosen on the Options tab of
// `s3migrate demo` in tmux: the Running screen shows the created job and
// waits for the yes, the job runs on the sandbox's S3 Batch Operations
// emulator, and the Summary says the copies were verified; the destination
// and the job's bucket are read back with the SDK.
func TestTUIBatchMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary in tmux")
	}
	tm, dir := demoBrowser(t)
	long := 60 * time.Second
	// backups/ docs/ …: mark docs/ and go to the plan.
	tm.keys("j", "Space")
	tm.waitFor(10*time.Second, "● docs/")
	tm.keys("n")
	tm.waitFor(long, "Bucket policy of s3://origin-data", "S3MigrateReadList")
	// The sandbox runs a job as the destination account: it reads under
	// the migration's grant.
	tm.keys("a")
	tm.waitFor(5*time.Second, "Apply")
	tm.keys("y")
	tm.waitFor(long, "applied")

	// Options: down to the Engine row, batch, then its bucket and
	// role typed in.
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigFiles([]string{filepath.Join(dir, "aws", "config")}),
		config.WithSharedCredentialsFiles([]string{filepath.Join(dir, "aws", "credentials")}), config.WithSharedConfigProfile(sandbox.DestProfile))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tm.keys("4")
	tm.waitFor(10*time.Second, "Run options")
	for i := 0; !strings.Contains(tm.screen(), "▸ Engine"); i++ {
		if i == 30 {
			t.Fatalf("no Engine row below:\n%s", tm.screen())
		}
		tm.keys("Down")
		time.Sleep(50 * time.Millisecond)
	}
	tm.keys("Space")
	tm.waitFor(10*time.Second, "batch: an S3 Batch Operations job copies")
	tm.keys("S")
	tm.waitFor(10*time.Second, "the batch engine needs a Batch bucket (Options tab)")
	tm.keys("Down", "Enter")
	tm.keys("s3://" + sandbox.DestBucket + "/.jobs/")
	tm.keys("Enter")
	tm.waitFor(10*time.Second, "s3://"+sandbox.DestBucket+"/.jobs/")
	role := "arn:aws:iam::" + creds.AccessKeyID + ":role/s3migrate-batch"
	tm.keys("Down", "Enter")
	tm.keys(role)
	tm.keys("Enter")
	tm.waitFor(10*time.Second, role)

	tm.keys("2")
	tm.waitFor(long, "✗ 0 fail")
	tm.keys("S")
	scr := tm.waitFor(long, "Run S3 Batch Operations job", "copies 5 objects", "y run the job")
	if !strings.Contains(scr, "s3migrate-batch") {
		t.Errorf("the question does not name the role:\n%s", scr)
	}
	tm.keys("y")
	tm.waitFor(long, "Migration finished", "verified", "5 by a batch job")

	dest := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := dest.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket), Prefix: aws.String("docs/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 5 {
		t.Errorf("destination docs/ holds %d objects, want the 5 of the origin", len(out.Contents))
	}
	jobs, err := dest.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket), Prefix: aws.String(".jobs/")})
	if err != nil || len(jobs.Contents) < 2 {
		t.Errorf("the job's manifest and report under .jobs/: %d objects, %v", len(jobs.Contents), err)
	}
	tm.keys("q")
}
