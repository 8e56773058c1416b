package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// TestTUIMigration drives `s3migrate demo` in tmux at 120×40 through the
// whole flow — profiles, buckets, two prefixes, plan, apply the policy,
// start, summary — then checks the destination with the SDK.
func TestTUIMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary in tmux")
	}
	needTmux(t)
	bin := build(t)
	dir := t.TempDir()
	tm := startTmux(t, 120, 40, []string{"AWS_PROFILE=", "NO_COLOR="}, bin+" demo --dir "+dir+" --log-file "+filepath.Join(dir, "tui.log"))

	long := 60 * time.Second
	tm.waitFor(long, "Origin — reads the source", "sandbox-origin", "(no STS)")
	// Origin: sandbox-origin (second row); destination: sandbox-dest.
	tm.keys("j", "Space", "k", "Space")
	tm.waitFor(5*time.Second, "origin: sandbox-origin", "destination: sandbox-dest")
	tm.keys("Enter")
	tm.waitFor(long, "origin-data", "dest-archive")
	tm.keys("Space", "Space", "Enter")
	tm.waitFor(long, "▹ images/", "▹ reports/")
	// Rows: backups/ docs/ images/ logs/ reports/: mark images/ and reports/.
	tm.keys("j", "j", "Space", "j", "Space")
	tm.waitFor(10*time.Second, "● images/", "● reports/")
	tm.keys("n")
	tm.waitFor(long, "Bucket policy of s3://origin-data", "S3MigrateReadList")
	// Server-side on the Options tab: without the grant, Start is blocked.
	tm.keys("4", "Space", "1")
	scr := tm.waitFor(long, "Bucket policy of s3://origin-data", "S3MigrateReadList", "Start blocked")
	if !strings.Contains(scr, "+       \"Sid\": \"S3MigrateReadList") {
		t.Errorf("the policy diff does not show our statement as added:\n%s", scr)
	}
	tm.keys("a")
	tm.waitFor(5*time.Second, "Apply")
	tm.keys("y")
	tm.waitFor(long, "applied")
	tm.keys("2")
	tm.waitFor(long, "✗ 0 fail")
	tm.keys("S")
	tm.waitFor(long, "Migration finished", "verified")
	scr = tm.waitFor(5*time.Second, "405")

	// The destination, read with the SDK through the sandbox's own profiles.
	cfgFile, credFile := filepath.Join(dir, "aws", "config"), filepath.Join(dir, "aws", "credentials")
	if _, err := os.Stat(cfgFile); err != nil {
		t.Fatalf("the demo's AWS config: %v", err)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{credFile}),
		config.WithSharedConfigProfile(sandbox.DestProfile))
	if err != nil {
		t.Fatal(err)
	}
	dest := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	var n int
	var bytes int64
	p := s3.NewListObjectsV2Paginator(dest, &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if !strings.HasPrefix(k, "images/") && !strings.HasPrefix(k, "reports/") {
				t.Errorf("copied outside the selection: %s", k)
			}
			n++
			bytes += aws.ToInt64(o.Size)
		}
	}
	if n != 405 {
		t.Errorf("destination has %d objects, want 405 (400 images, 4 reports, the reports/ marker)\n%s", n, scr)
	}
	h, err := dest.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(sandbox.DestBucket), Key: aws.String("images/cats/img-0000.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(h.ContentType) != "image/jpeg" || h.Metadata["album"] != "cats" || aws.ToString(h.CacheControl) != "public, max-age=86400" {
		t.Errorf("metadata not carried: %v %v %v", aws.ToString(h.ContentType), h.Metadata, aws.ToString(h.CacheControl))
	}
	tg, err := dest.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(sandbox.DestBucket), Key: aws.String("reports/2025/q3.csv")})
	if err != nil || len(tg.TagSet) != 2 {
		t.Errorf("tags of reports/2025/q3.csv: %v %v", tg, err)
	}

	// Least privilege ends with the migration: g revokes the grant, the
	// owner's statement stays.
	tm.keys("g")
	tm.waitFor(long, "Remove the read grant")
	tm.keys("y")
	tm.waitFor(long, "revoked: s3://origin-data")
	ocfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{credFile}),
		config.WithSharedConfigProfile(sandbox.OriginProfile))
	if err != nil {
		t.Fatal(err)
	}
	origin := s3.NewFromConfig(ocfg, func(o *s3.Options) { o.UsePathStyle = true })
	pol, err := origin.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(sandbox.OriginBucket)})
	if err != nil {
		t.Fatal(err)
	}
	if doc := aws.ToString(pol.Policy); strings.Contains(doc, "S3Migrate") || !strings.Contains(doc, "OwnerFullAccess") {
		t.Errorf("after g, y the origin policy is %s", doc)
	}
	tm.keys("q")
}

// TestTUIRelayMigration: an operator who cannot change the origin bucket
// policy finds things in the browser (a search below the root, a preview),
// migrates one prefix in relay mode without applying any grant, and finds
// the migration on the Jobs screen; the origin policy is untouched.
func TestTUIRelayMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary in tmux")
	}
	tm, dir := demoBrowser(t)
	long := 60 * time.Second

	// A search below the root finds a key three levels down.
	tm.keys("/", "q", "3", "Tab")
	tm.waitFor(long, "reports/2025/q3.csv")
	tm.keys("Escape") // ends the search and the filter
	tm.waitFor(10*time.Second, "▹ images/", "▹ backups/")

	// Into docs/ (the second row); the preview of its first object.
	tm.keys("j", "Enter")
	tm.waitFor(long, "empty.txt", "a+b=c&d.txt")
	tm.keys("j", "p")
	tm.waitFor(long, "text/plain")
	tm.keys("p", "Left")
	tm.waitFor(10*time.Second, "▹ images/")
	tm.keys("Space")
	tm.waitFor(10*time.Second, "● docs/")

	// Relay on the Options tab: no grant needed, none applied.
	tm.keys("n")
	tm.waitFor(long, "Bucket policy of s3://origin-data")
	tm.keys("4", "Space", "Space")
	tm.waitFor(long, "relay: bytes pass through this machine", "Preflight ✓")
	tm.keys("2")
	tm.waitFor(long, "✗ 0 fail")
	tm.keys("S")
	tm.waitFor(long, "Migration finished", "verified")

	ctx := context.Background()
	cfgFile, credFile := filepath.Join(dir, "aws", "config"), filepath.Join(dir, "aws", "credentials")
	client := func(profile string) *s3.Client {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{credFile}),
			config.WithSharedConfigProfile(profile))
		if err != nil {
			t.Fatal(err)
		}
		return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	}
	out, err := client(sandbox.DestProfile).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	if len(keys) != 5 || !strings.HasPrefix(strings.Join(keys, " "), "docs/") {
		t.Errorf("destination after the relay: %q, want the 5 objects of docs/", keys)
	}
	pol, err := client(sandbox.OriginProfile).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(sandbox.OriginBucket)})
	if err != nil {
		t.Fatal(err)
	}
	if doc := aws.ToString(pol.Policy); strings.Contains(doc, "S3Migrate") {
		t.Errorf("a relay migration changed the origin policy: %s", doc)
	}

	// Back to the first screen (one esc at a time: two quick ones read as
	// alt+esc), then the Jobs screen lists the migration as done.
	for i := 0; !strings.Contains(tm.screen(), "Origin — reads the source"); i++ {
		if i == 10 {
			t.Fatalf("esc did not lead back to the profiles:\n%s", tm.screen())
		}
		tm.keys("Escape")
		time.Sleep(400 * time.Millisecond)
	}
	tm.keys("J")
	tm.waitFor(long, "done", "s3://origin-data/")
	tm.keys("q")
}

// demoBrowser runs `s3migrate demo` in tmux at 120×40 and goes to the
// browser of its origin bucket: sandbox-origin to sandbox-dest,
// origin-data to dest-archive. It returns the session and the demo's
// directory (its aws/config and aws/credentials read the sandbox).
func demoBrowser(t *testing.T) (*tmuxSession, string) {
	t.Helper()
	needTmux(t)
	bin := build(t)
	dir := t.TempDir()
	tm := startTmux(t, 120, 40, []string{"AWS_PROFILE=", "NO_COLOR="}, bin+" demo --dir "+dir+" --log-file "+filepath.Join(dir, "tui.log"))
	long := 60 * time.Second
	tm.waitFor(long, "Origin — reads the source", "sandbox-origin")
	tm.keys("j", "Space", "k", "Space", "Enter")
	tm.waitFor(long, "origin-data", "dest-archive")
	tm.keys("Space", "Space", "Enter")
	tm.waitFor(long, "▹ images/", "▹ reports/")
	return tm, dir
}
