package cli_test

// bucket-config on the sandbox (Versity Gateway v1.8.0), for what the
// gateway implements: CORS, website, bucket tags, ownership controls,
// object lock, the bucket policy. Its quirks, met here (not s3migrate's):
//   - without a versioning directory (the sandbox has none) it reports every
//     bucket as never versioned and refuses PutBucketVersioning
//     (VersioningNotConfigured, 501): versioning is shown on moto;
//   - it answers NotImplemented for lifecycle, encryption, logging,
//     notifications, inventory, metrics, analytics, intelligent-tiering,
//     public access block, request payment, accelerate and replication:
//     bucket-config reports them as "not supported by the server";
//   - it accepts PutObjectLockConfiguration on a bucket created without
//     Object Lock (S3 requires versioning Enabled for that), so the
//     object-lock test creates the destination with Object Lock, as S3
//     would need.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// sameJSON compares two SDK values by their JSON, failing the test with
// both when they differ.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s on the destination:\n got %s\nwant %s", what, g, w)
	}
}

// uniqueBucket names a bucket no other test (or -count run) of this
// sandbox uses.
func uniqueBucket(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e9, motoBucketSeq.Add(1))
}

func sortTags(ts []types.Tag) []types.Tag {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b types.Tag) int { return strings.Compare(*a.Key, *b.Key) })
	return ts
}

// TestBucketConfigSandbox: CORS, website, tags and ownership are shown,
// refused without a terminal, applied with --yes, read back equal to the
// source's, and a second preview finds nothing to do.
func TestBucketConfigSandbox(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "bucket-config")
	if err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	cors := []types.CORSRule{{AllowedMethods: []string{"GET", "HEAD"}, AllowedOrigins: []string{"https://app.example.com"},
		AllowedHeaders: []string{"Authorization"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600), ID: aws.String("app")}}
	if _, err := origin.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: cors}}); err != nil {
		t.Fatal(err)
	}
	site := &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, ErrorDocument: &types.ErrorDocument{Key: aws.String("404.html")}}
	if _, err := origin.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: &src, WebsiteConfiguration: site}); err != nil {
		t.Fatal(err)
	}
	srcTags := []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}, {Key: aws.String("cost-center"), Value: aws.String("42")}}
	if _, err := origin.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &src, Tagging: &types.Tagging{TagSet: srcTags}}); err != nil {
		t.Fatal(err)
	}
	if _, err := origin.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: &src,
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}}); err != nil {
		t.Fatal(err)
	}
	// The destination's own tag stays; the source's "team" wins over its.
	if _, err := dest.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &dst, Tagging: &types.Tagging{TagSet: []types.Tag{
		{Key: aws.String("owner"), Value: aws.String("dest")}, {Key: aws.String("team"), Value: aws.String("old")}}}}); err != nil {
		t.Fatal(err)
	}
	corsNow := func() []types.CORSRule {
		out, err := dest.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &dst})
		if err != nil {
			return nil
		}
		return out.CORSRules
	}
	args := withProfiles("bucket-config", "s3://"+src, "s3://"+dst)

	r := run(t, args...)
	if r.code != cli.ExitFailures {
		t.Fatalf("preview: want exit 1 (differences), got %d\nstdout:\n%s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"cors                 to apply", "website              to apply", "tags                 to apply",
		"ownership            to apply", "not supported by the server: public-access-block, encryption, request-payment, accelerate, lifecycle, logging, inventory, metrics, analytics, intelligent-tiering, notifications, replication\n", "policy               shown only",
		`+     "AllowedOrigins": [`, "note: destination-only tags kept: owner", "nothing applied: add --apply"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("preview lacks %q:\n%s", want, r.stdout)
		}
	}
	if corsNow() != nil {
		t.Fatal("the preview wrote CORS")
	}

	r = run(t, append(args, "--apply")...)
	if r.code != cli.ExitUsage || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "add --yes") || r.stdout != "" {
		t.Fatalf("--apply without a terminal: want one line and exit 2, got %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if corsNow() != nil {
		t.Fatal("a refused --apply wrote CORS")
	}

	r = run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitOK {
		t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, k := range []string{"cors", "website", "tags", "ownership"} {
		if !strings.Contains(r.stdout, "applied: "+k+"\n") {
			t.Errorf("apply output lacks %q:\n%s", "applied: "+k, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "applied: policy") {
		t.Error("the policy was applied without being asked for")
	}

	// Read back with the SDK: each equals the source's.
	sameJSON(t, "CORS", corsNow(), cors)
	ws, err := dest.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "website", []any{ws.IndexDocument, ws.ErrorDocument}, []any{site.IndexDocument, site.ErrorDocument})
	tg, err := dest.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "tags", sortTags(tg.TagSet), sortTags(append(slices.Clone(srcTags), types.Tag{Key: aws.String("owner"), Value: aws.String("dest")})))
	oc, err := dest.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "ownership", oc.OwnershipControls.Rules, []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}})

	// Nothing left to do (the policy aside, which is only shown).
	r = run(t, append(args, "--skip", "policy")...)
	if r.code != cli.ExitOK {
		t.Errorf("second preview: want exit 0, got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestBucketConfigPolicySandbox: the source's policy, its bucket and owner
// rewritten to the destination's, is applied only with --only policy; the
// destination owner keeps its access (on this gateway a policy replaces the
// ACL, so a wrong rewrite would lock the owner out).
func TestBucketConfigPolicySandbox(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "bucket-config-policy")
	if err != nil {
		t.Fatal(err)
	}
	// A migration grant on the source: s3migrate's own, not carried over.
	if r := run(t, "policy", "s3://"+src, "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile, "--apply", "--yes"); r.code != 0 {
		t.Fatalf("policy --apply: %d %s", r.code, r.stderr)
	}
	args := withProfiles("bucket-config", "s3://"+src, "s3://"+dst, "--only", "policy")
	r := run(t, withProfiles("bucket-config", "s3://"+src, "s3://"+dst)...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "policy               shown only") {
		t.Fatalf("preview: exit %d\n%s", r.code, r.stdout)
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "+") && strings.Contains(l, "S3Migrate") {
			t.Errorf("the migration grant is proposed for the destination: %s", l)
		}
	}
	for _, want := range []string{"rewritten: Statement: " + sb.Origin.AccessKey + " → " + sb.Dest.AccessKey, "rewritten: Statement: arn:aws:s3:::" + src + " → arn:aws:s3:::" + dst,
		"s3migrate's migration grants on the source (" + sb.Dest.AccessKey + ") are left out"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("preview lacks %q:\n%s", want, r.stdout)
		}
	}
	r = run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "applied: policy") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out, err := sb.Client(sb.Dest).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	got := aws.ToString(out.Policy)
	want := strings.NewReplacer(src, dst, sb.Origin.AccessKey, sb.Dest.AccessKey).Replace(sandbox.OwnerPolicy(src, sb.Origin.AccessKey))
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "policy", g, w)
	// The destination's owner can still read its bucket's configuration.
	if _, err := sb.Client(sb.Dest).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &dst}); err != nil {
		t.Errorf("the destination owner lost access after the policy: %v", err)
	}
	if r := run(t, args...); r.code != cli.ExitOK {
		t.Errorf("after apply: want exit 0, got %d\n%s", r.code, r.stdout)
	}
}

// TestBucketConfigObjectLockSandbox: a default retention moves to a
// destination created with Object Lock.
func TestBucketConfigObjectLockSandbox(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	src, dst := uniqueBucket("lock-src"), uniqueBucket("lock-dst")
	for _, c := range []struct {
		c    *s3.Client
		name string
	}{{origin, src}, {dest, dst}} {
		if _, err := c.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(c.name), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
	}
	lock := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(7)}}}
	if _, err := origin.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &src, ObjectLockConfiguration: lock}); err != nil {
		t.Fatal(err)
	}
	r := run(t, withProfiles("bucket-config", "s3://"+src, "s3://"+dst, "--only", "object-lock", "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "applied: object-lock") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out, err := dest.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "object lock", out.ObjectLockConfiguration, lock)
}

// TestBucketConfigBadInput: every mistake is one line and exit 2, before
// anything is read.
func TestBucketConfigBadInput(t *testing.T) {
	needSandbox(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bucket-config", "s3://a-bucket"}, "want two buckets"},
		{[]string{"bucket-config", "s3://a-bucket/p", "s3://b-bucket"}, "belongs to the whole bucket"},
		{[]string{"bucket-config", "s3://a-bucket", "s3://a-bucket"}, "same bucket"},
		{[]string{"bucket-config", "s3://a-bucket", "s3://b-bucket", "--only", "lifecycle,nope"}, `unknown configuration "nope"`},
		{[]string{"bucket-config", "s3://a-bucket", "s3://b-bucket", "--map-kms", "nokey"}, "want OLD=NEW"},
		{[]string{"bucket-config", "s3://a-bucket", "s3://b-bucket", "--map-arn", "a=b"}, "two ARNs"},
		{withProfiles("bucket-config", "s3://no-such-bucket-here", "s3://"+sandbox.DestBucket), "open bucket s3://no-such-bucket-here as profile sandbox-origin: NoSuchBucket"},
	} {
		r := run(t, c.args...)
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: want exit 2 and one line with %q, got %d %q", c.args, c.want, r.code, r.stderr)
		}
	}
}

// TestBucketConfigReadDenied: a configuration the origin identity may not
// read is reported with the permission it needs; the others still move,
// and the exit code says something could not be read.
func TestBucketConfigReadDenied(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "bucket-config-denied")
	if err != nil {
		t.Fatal(err)
	}
	origin := sb.Client(sb.Origin)
	if _, err := origin.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}}}}); err != nil {
		t.Fatal(err)
	}
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}
	if _, err := origin.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &src, Tagging: &types.Tagging{TagSet: tags}}); err != nil {
		t.Fatal(err)
	}
	pol := strings.Replace(sandbox.OwnerPolicy(src, sb.Origin.AccessKey), "\n  ]", `,
    {"Sid": "NoCORSRead", "Effect": "Deny", "Principal": {"AWS": ["`+sb.Origin.AccessKey+`"]}, "Action": "s3:GetBucketCORS", "Resource": "arn:aws:s3:::`+src+`"}
  ]`, 1)
	putBucketPolicy(t, src, pol)
	r := run(t, withProfiles("bucket-config", "s3://"+src, "s3://"+dst, "--only", "cors,tags", "--apply", "--yes")...)
	if r.code != cli.ExitUsage {
		t.Fatalf("want exit 2 (a read failed), got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"cors                 unreadable", "read cors of s3://" + src + " as profile " + sandbox.OriginProfile + ": AccessDenied",
		"needs s3:GetBucketCORS", "applied: tags"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	tg, err := sb.Client(sb.Dest).GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "tags", tg.TagSet, tags)
}

// TestBucketConfigCreateLikeSourceSandbox: a destination that does not
// exist is refused with the way out, previewed as a creation (nothing
// created), then created by --apply with the source's Object Lock and its
// configuration applied.
func TestBucketConfigCreateLikeSourceSandbox(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	src, dst := uniqueBucket("like-src"), uniqueBucket("like-dst")
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &src, ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	lock := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Years: aws.Int32(1)}}}
	if _, err := origin.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &src, ObjectLockConfiguration: lock}); err != nil {
		t.Fatal(err)
	}
	cors := []types.CORSRule{{AllowedMethods: []string{"PUT"}, AllowedOrigins: []string{"https://upload.example.com"}}}
	if _, err := origin.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: cors}}); err != nil {
		t.Fatal(err)
	}
	exists := func() bool {
		_, err := dest.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &dst})
		return err == nil
	}
	args := withProfiles("bucket-config", "s3://"+src, "s3://"+dst, "--skip", "policy")
	r := run(t, args...)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "NoSuchBucket") || !strings.Contains(r.stderr, "add --create-like-source") {
		t.Fatalf("missing destination: want exit 2 naming --create-like-source, got %d %q", r.code, r.stderr)
	}
	args = append(args, "--create-like-source")
	r = run(t, args...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "s3://"+dst+" does not exist: --apply creates it first, as profile "+sandbox.DestProfile+", in us-east-1, with Object Lock") {
		t.Fatalf("preview: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if exists() {
		t.Fatal("the preview created the bucket")
	}
	r = run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "created: s3://"+dst) || !strings.Contains(r.stdout, "applied: cors") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out, err := dest.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "object lock", out.ObjectLockConfiguration, lock)
	c, err := dest.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "CORS", c.CORSRules, cors)
	if r := run(t, args...); r.code != cli.ExitOK || strings.Contains(r.stdout, "does not exist") {
		t.Errorf("after creation: want exit 0, got %d\n%s", r.code, r.stdout)
	}
}

// TestBucketConfigAsking: on a terminal --apply asks; "n" writes nothing.
// A configuration changed on the destination while the question waits is
// not overwritten ("changed since the preview", exit 1); the others are
// written.
func TestBucketConfigAsking(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "bucket-config-ask")
	if err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	if _, err := origin.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"https://a.example.com"}}}}}); err != nil {
		t.Fatal(err)
	}
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}
	if _, err := origin.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &src, Tagging: &types.Tagging{TagSet: tags}}); err != nil {
		t.Fatal(err)
	}
	args := withProfiles("bucket-config", "s3://"+src, "s3://"+dst, "--only", "cors,tags", "--apply")

	t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	t.Setenv("AWS_PROFILE", "")
	var out, errb bytes.Buffer
	code := cli.Main(ctx, cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("n\n"), StdinIsTerminal: true}, args)
	if code != cli.ExitFailures || !strings.Contains(errb.String(), "Write 2 configurations to s3://"+dst+" as profile "+sandbox.DestProfile+"? [y/N]") ||
		!strings.Contains(out.String(), "not applied") {
		t.Fatalf("answered n: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if _, err := dest.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &dst}); err == nil {
		t.Fatal("answered n, and tags were written")
	}

	theirs := []types.CORSRule{{AllowedMethods: []string{"HEAD"}, AllowedOrigins: []string{"https://theirs.example.com"}}}
	r := runAnswering(t, func() {
		if _, err := dest.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &dst, CORSConfiguration: &types.CORSConfiguration{CORSRules: theirs}}); err != nil {
			t.Error(err)
		}
	}, args...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "failed: cors: write cors of s3://"+dst+" as profile "+sandbox.DestProfile+": changed since the preview") ||
		!strings.Contains(r.stdout, "applied: tags") {
		t.Fatalf("changed while asking: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	c, err := dest.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "CORS (theirs kept)", c.CORSRules, theirs)
}
