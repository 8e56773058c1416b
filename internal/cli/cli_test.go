package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
)

var sb *sandbox.Sandbox

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedSmall, func(s *sandbox.Sandbox) { sb = s }))
}

type result struct {
	code           int
	stdout, stderr string
}

// run executes one command line against the sandbox's profiles.
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runWith(t, cli.Env{}, args...)
}

// runWith is run with env's settings (Stdout and Stderr are the test's).
func runWith(t *testing.T, env cli.Env, args ...string) result {
	t.Helper()
	if sb != nil && os.Getenv("AWS_CONFIG_FILE") == "" {
		t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	}
	t.Setenv("AWS_PROFILE", "")
	if os.Getenv("XDG_STATE_HOME") == "" {
		// Journals go to the test's own directory, not the user's.
		t.Setenv("XDG_STATE_HOME", t.TempDir())
	}
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	code := cli.Main(context.Background(), env, args)
	return result{code, out.String(), errb.String()}
}

var profiles = []string{"--source-profile", sandbox.OriginProfile, "--dest-profile", sandbox.DestProfile}

func withProfiles(args ...string) []string { return append(args, profiles...) }

func needSandbox(t *testing.T) {
	t.Helper()
	sandboxtest.Need(t, sb)
}

// TestBadInputIsOneClearLine: each mistake exits 2 with one line that says
// what to do, and nothing is written.
func TestBadInputIsOneClearLine(t *testing.T) {
	needSandbox(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"copy"}, "unknown command"},
		{"not a URL", withProfiles("sync", "origin-data", "s3://dest-archive"), "is not an S3 URL"},
		{"invalid bucket", withProfiles("sync", "s3://Bad_Bucket/x", "s3://dest-archive"), "not a valid bucket name"},
		{"one location", withProfiles("sync", "s3://origin-data"), "want two locations"},
		{"overlap", withProfiles("sync", "s3://origin-data/a/", "s3://origin-data/a/b/"), "overlap"},
		{"unknown profile", []string{"sync", "s3://origin-data", "s3://dest-archive", "--source-profile", "nope", "--dest-profile", "nope"}, `profile "nope" is not in the AWS config`},
		{"missing bucket", withProfiles("diff", "s3://no-such-bucket-here", "s3://dest-archive"), "does not exist"},
		{"bad mode", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--mode", "fast"), "want auto, server-side or relay"},
		{"bad compare", withProfiles("diff", "s3://origin-data", "s3://dest-archive", "--compare", "md5"), "want size-etag"},
		{"bad progress", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--progress", "loud"), "want auto, plain, json or none"},
		{"unknown flag", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--fast"), "flag provided but not defined: -fast: see `s3migrate sync --help`"},
		{"no concurrency", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--concurrency", "0"), "--concurrency 0: want 1 to 1024"},
		{"negative concurrency", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--concurrency", "-1"), "--concurrency -1: want 1 to 1024"},
		{"huge concurrency", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--concurrency", "100000"), "--concurrency 100000: want 1 to 1024"},
		{"huge part", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--part-size", "99999999999999"), "--part-size 99999999999999: want"},
		{"tiny threshold", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--multipart-threshold", "1"), "--multipart-threshold 1: want"},
		{"bad acl", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--acl", "bogus"), "--acl bogus: want one of"},
		{"bad storage class", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--storage-class", "BOGUS"), "--storage-class BOGUS: want one of"},
		{"sse conflict", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--sse", "AES256", "--sse-kms-key-id", "k"), "--sse-kms-key-id goes with --sse aws:kms"},
		{"unwritable report", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--report", "/nonexistent-dir/r.csv"), "--report /nonexistent-dir/r.csv: no such file or directory"},
		{"bad max-delete", withProfiles("sync", "s3://origin-data", "s3://dest-archive", "--max-delete", "-5"), "--max-delete -5"},
		{"resume unknown flag", []string{"resume", "--fast"}, "see `s3migrate resume --help`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.args...)
			if r.code != cli.ExitUsage {
				t.Errorf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr %q does not contain %q", r.stderr, c.want)
			}
			if c.name != "no command" && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("error is not one line: %q", r.stderr)
			}
		})
	}
	if got := listKeys(t, sb.Client(sb.Dest), sandbox.DestBucket); len(got) != 0 {
		t.Errorf("bad input wrote %d objects", len(got))
	}
}

// TestBadCredentials: wrong secret, missing keys and a malformed config file
// each exit 2 with the fix.
func TestBadCredentials(t *testing.T) {
	needSandbox(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(cfg, fmt.Sprintf("[profile wrong]\nendpoint_url = %[1]s\nregion = us-east-1\n[profile empty]\nendpoint_url = %[1]s\nregion = us-east-1\n", sb.Endpoint)+
		// Temporary credentials that expired long ago, as a credential_process hands them out.
		fmt.Sprintf("[profile expired]\nendpoint_url = %s\nregion = us-east-1\ncredential_process = echo '{\"Version\":1,\"AccessKeyId\":\"ASIAEXPIRED\",\"SecretAccessKey\":\"old-secret\",\"SessionToken\":\"old-token\",\"Expiration\":\"2020-01-01T00:00:00Z\"}'\n", sb.Endpoint))
	write(creds, fmt.Sprintf("[wrong]\naws_access_key_id = %s\naws_secret_access_key = not-the-secret\n", sb.Origin.AccessKey))
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	r := run(t, "diff", "s3://origin-data", "s3://dest-archive", "--source-profile", "wrong", "--dest-profile", "wrong")
	if r.code != 2 || !strings.Contains(r.stderr, "credentials were rejected") {
		t.Errorf("wrong secret: exit %d, %q", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "not-the-secret") {
		t.Errorf("the secret key was printed: %q", r.stderr)
	}
	r = run(t, "diff", "s3://origin-data", "s3://dest-archive", "--source-profile", "expired", "--dest-profile", "expired")
	if r.code != 2 || !strings.Contains(r.stderr, "as profile expired") || !strings.Contains(r.stderr, "credentials were rejected") {
		t.Errorf("expired credentials: exit %d, %q", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "old-secret") || strings.Contains(r.stderr, "old-token") {
		t.Errorf("a secret or token was printed: %q", r.stderr)
	}
	r = run(t, "diff", "s3://origin-data", "s3://dest-archive", "--source-profile", "empty", "--dest-profile", "empty")
	if r.code != 2 || !strings.Contains(r.stderr, `profile "empty"`) {
		t.Errorf("no credentials: exit %d, %q", r.code, r.stderr)
	}
	write(cfg, "[profile broken\nregion = us-east-1\n")
	r = run(t, "diff", "s3://origin-data", "s3://dest-archive", "--source-profile", "broken", "--dest-profile", "broken")
	if r.code != 2 || !strings.Contains(r.stderr, cfg+" line 1") {
		t.Errorf("malformed config: exit %d, %q (want the file and line)", r.code, r.stderr)
	}
}

// TestSyncDeniedThenCopied: server-side mode before the bucket policy is one
// access error (exit 2) naming the fix; after the grant the same command
// copies everything, and a second run copies nothing.
func TestSyncDeniedThenCopied(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-sync")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Seed(ctx, sb.Client(sb.Origin), src, sandbox.SeedSmall); err != nil {
		t.Fatal(err)
	}
	args := withProfiles("sync", "s3://"+src+"/reports/", "s3://"+dst+"/copy/", "--mode", "server-side", "--progress", "none")
	r := run(t, args...)
	hint := "s3migrate policy s3://" + src + "/reports/ --source-profile sandbox-origin --grantee-profile sandbox-dest --apply"
	if r.code != 2 || !strings.Contains(r.stderr, "`"+hint+"`") {
		t.Fatalf("before policy: exit %d, stderr %q", r.code, r.stderr)
	}
	// The suggestion runs as printed (with --yes: no terminal to confirm on).
	if r := run(t, append(strings.Fields(strings.TrimPrefix(hint, "s3migrate ")), "--yes")...); r.code != 0 {
		t.Fatalf("the suggested command failed: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "copied 5 objects") || !strings.Contains(r.stdout, "verified 5 of 5 objects: all match") {
		t.Fatalf("after policy: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "copied 0 objects") || !strings.Contains(r.stdout, "5 identical") || !strings.Contains(r.stdout, "nothing to copy") {
		t.Fatalf("re-run: exit %d, stdout %q", r.code, r.stdout)
	}
	r = run(t, withProfiles("diff", "s3://"+src+"/reports/", "s3://"+dst+"/copy/")...) // identical: exit 0
	if r.code != 0 || !strings.Contains(r.stdout, "identical:                  5 objects") {
		t.Fatalf("diff after sync: exit %d, stdout %q", r.code, r.stdout)
	}
	// A tampered copy fails verify with exit 1 and names the key.
	if _, err := sb.Client(sb.Dest).PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(dst), Key: aws.String("copy/2025/q2.csv"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("classification"), Value: aws.String("public")}}}}); err != nil {
		t.Fatal(err)
	}
	r = run(t, withProfiles("verify", "s3://"+src+"/reports/", "s3://"+dst+"/copy/")...)
	if r.code != 1 || !strings.Contains(r.stdout, "verified 4 of 5 objects: 1 difference") || !strings.Contains(r.stderr, "2025/q2.csv: tags:") {
		t.Fatalf("verify after tampering: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestSyncPartialFailure: objects the destination refuses are listed and the
// exit code is 1; the others are copied.
func TestSyncPartialFailure(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-partial")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	for _, k := range []string{"a/1", "a/2", "a/3", "zz/blocked-1", "zz/blocked-2"} {
		if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	pol := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":["%[1]s"]},"Action":"s3:*","Resource":["arn:aws:s3:::%[2]s","arn:aws:s3:::%[2]s/*"]},
{"Sid":"Block","Effect":"Deny","Principal":{"AWS":["%[1]s"]},"Action":"s3:PutObject","Resource":["arn:aws:s3:::%[2]s/zz/*"]}]}`, sb.Dest.AccessKey, dst)
	if _, err := dest.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(dst), Policy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	r := run(t, withProfiles("sync", "s3://"+src, "s3://"+dst, "--progress", "json")...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	for _, k := range []string{"zz/blocked-1", "zz/blocked-2"} {
		// The whole error: operation, both locations, identity, cause, hint.
		want := "copy s3://" + src + "/" + k + " → s3://" + dst + "/" + k + " as profile sandbox-dest"
		if !strings.Contains(r.stderr, k) || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "s3migrate preflight") {
			t.Errorf("failed key %s not listed with its whole error (%q): %q", k, want, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "2 objects failed") || !strings.Contains(r.stderr, "copied 3 objects") {
		t.Errorf("summary: stdout %q stderr %q", r.stdout, r.stderr)
	}
	// --progress json writes only JSON lines on stdout (people's text goes
	// to stderr), the last one a summary object.
	var last, summary map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("stdout line is not JSON %q: %v", l, err)
		}
		if obj["summary"] == true {
			summary = obj
		} else if summary != nil {
			t.Errorf("progress line after the summary: %q", l)
		} else {
			last = obj
		}
	}
	if last == nil || last["copied"] != float64(3) || last["failed"] != float64(2) || last["phase"] != "done" {
		t.Errorf("last JSON progress line: %v", last)
	}
	if summary == nil || summary["copied"] != float64(3) || summary["failed"] != float64(2) || summary["exit_code"] != float64(1) || summary["state"] != "failed" {
		t.Errorf("JSON summary: %v", summary)
	}
	if got := listKeys(t, dest, dst); len(got) != 3 {
		t.Errorf("destination has %v", got)
	}
}

// TestDryRunAndDelete through the CLI: the dry run reports and writes
// nothing; --delete removes only the extras.
func TestDryRunAndDelete(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-delete")
	if err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	for _, k := range []string{"k1", "k2"} {
		if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dest.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(dst), Key: aws.String("extra"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	r := run(t, withProfiles("sync", "s3://"+src, "s3://"+dst, "--dry-run", "--delete", "--progress", "none")...)
	if r.code != 0 || !strings.Contains(r.stdout, "would copy 2 objects") || !strings.Contains(r.stdout, "would delete 1") {
		t.Fatalf("dry run: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := listKeys(t, dest, dst); len(got) != 1 {
		t.Fatalf("dry run wrote: %v", got)
	}
	r = run(t, withProfiles("sync", "s3://"+src, "s3://"+dst, "--delete", "--yes", "--progress", "none")...)
	if r.code != 0 || !strings.Contains(r.stdout, "deleted 1") || !strings.Contains(r.stderr, "delete plan: 1 object (1 B) only in s3://"+dst+"/") {
		t.Fatalf("delete: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := listKeys(t, dest, dst); strings.Join(got, ",") != "k1,k2" {
		t.Fatalf("after delete: %v", got)
	}
}

func listKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, o := range out.Contents {
		ks = append(ks, aws.ToString(o.Key))
	}
	return ks
}

// TestTUIPrices: s3migrate --prices (the TUI) reads the table before the terminal is
// needed: a missing or malformed one is one line and exit 2; a good one
// passes (and then the TUI wants a terminal, which a test has not).
func TestTUIPrices(t *testing.T) {
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.json"), filepath.Join(dir, "good.json")
	os.WriteFile(bad, []byte(`{"source":"x"}`), 0o600)
	os.WriteFile(good, []byte(`{"source":"mine","write_per_1000":{"STANDARD":0.005},"read_per_1000":0.0004}`), 0o600)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "none.json"), "price table: open"},
		{bad, "needs source, write_per_1000"},
		{good, "needs a terminal"},
	} {
		r := runWith(t, cli.Env{IsTerminal: true}, "--prices", tc.path)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("--prices %s: exit %d, stderr %q; want 2 and one line with %q", filepath.Base(tc.path), r.code, r.stderr, tc.want)
		}
	}
}
