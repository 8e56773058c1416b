package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// TestPolicyApplySyncRevert: denied → policy --apply --yes → server-side
// sync succeeds → revert → denied again; the owner statement survives.
func TestPolicyApplySyncRevert(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-policy")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Seed(ctx, sb.Client(sb.Origin), src, sandbox.SeedSmall); err != nil {
		t.Fatal(err)
	}
	sync := withProfiles("sync", "s3://"+src+"/images/", "s3://"+dst+"/images/", "--mode", "server-side", "--progress", "none")
	if r := run(t, sync...); r.code != 2 {
		t.Fatalf("before policy: exit %d, %q", r.code, r.stderr)
	}
	pol := []string{"policy", "s3://" + src + "/images/", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile}

	tag := bucketpolicy.GranteeTag(sb.Dest.AccessKey)
	r := run(t, pol...)
	if r.code != 0 || !strings.Contains(r.stdout, `+       "Sid": "S3MigrateReadObjects`+tag+`"`) || !strings.Contains(r.stdout, "nothing applied") ||
		!strings.Contains(r.stdout, "for "+sb.Dest.AccessKey+": adds images/") {
		t.Fatalf("preview: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, sync...); r.code != 2 {
		t.Fatalf("a preview changed the policy: sync exit %d", r.code)
	}
	r = run(t, append(pol, "--apply")...)
	if r.code != 2 || !strings.Contains(r.stderr, "add --yes") {
		t.Fatalf("--apply without a terminal must refuse: exit %d stderr %q", r.code, r.stderr)
	}
	r = run(t, append(pol, "--apply", "--yes")...)
	revertHint := "s3migrate policy s3://" + src + " --revert --grantee-profile " + sandbox.DestProfile + " --source-profile " + sandbox.OriginProfile
	if r.code != 0 || !strings.Contains(r.stdout, "applied") || !strings.Contains(r.stdout, revertHint) {
		t.Fatalf("apply: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// What is sent is the compact form.
	if stored := bucketPolicy(t, src); strings.Contains(stored, "\n") || !strings.Contains(stored, `"Sid":"S3MigrateReadObjects`+tag+`"`) {
		t.Errorf("stored policy is not the compact merged one:\n%s", stored)
	}
	r = run(t, pol...)
	if r.code != 0 || !strings.Contains(r.stdout, "already is what the migration needs") {
		t.Fatalf("second preview: %q", r.stdout)
	}
	r = run(t, sync...)
	if r.code != 0 || !strings.Contains(r.stdout, "copied 6 objects") || !strings.Contains(r.stdout, "6 server-side") {
		t.Fatalf("sync after policy: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// The grant is scoped to images/: another prefix stays denied.
	other := withProfiles("sync", "s3://"+src+"/reports/", "s3://"+dst+"/reports/", "--mode", "server-side", "--progress", "none")
	if r := run(t, other...); r.code != 2 {
		t.Fatalf("scoped grant let reports/ through: exit %d", r.code)
	}
	// Revert removes one grantee's statements, so it wants the grantee.
	r = run(t, "policy", "s3://"+src, "--revert", "--yes", "--source-profile", sandbox.OriginProfile)
	if r.code != 2 || !strings.Contains(r.stderr, "name it with --grantee-profile") || !strings.Contains(r.stderr, sb.Dest.AccessKey) {
		t.Fatalf("revert without a grantee: exit %d stderr %q", r.code, r.stderr)
	}
	r = run(t, strings.Fields(revertHint + " --yes")[1:]...)
	if r.code != 0 || !strings.Contains(r.stdout, `-       "Sid": "S3MigrateReadList`+tag+`"`) || strings.Contains(r.stdout, `-       "Sid": "OwnerFullAccess"`) {
		t.Fatalf("revert: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	resync := withProfiles("sync", "s3://"+src+"/images/", "s3://"+dst+"/again/", "--mode", "server-side", "--progress", "none")
	if r := run(t, resync...); r.code != 2 {
		t.Fatalf("after revert: exit %d, want denied", r.code)
	}
}

// TestPolicyReverseAndKMS: the reverse-direction statements for the
// destination bucket (ACL condition, explanation of ownership) and the KMS
// key-policy statement are printed, and nothing is applied without --apply.
func TestPolicyReverseAndKMS(t *testing.T) {
	needSandbox(t)
	r := run(t, "policy", "s3://"+sandbox.DestBucket+"/in/", "--reverse", "--grantee-profile", sandbox.OriginProfile, "--source-profile", sandbox.DestProfile)
	for _, want := range []string{`"s3:x-amz-acl": [`, `"bucket-owner-full-control"`, `"arn:aws:s3:::dest-archive/in/*"`, "BucketOwnerEnforced",
		`"Sid": "S3MigrateWriteTagging` + bucketpolicy.GranteeTag(sb.Origin.AccessKey) + `"`, "for " + sb.Origin.AccessKey + ": adds write to in/", "nothing applied"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("reverse output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 0 || !strings.Contains(r.stdout, sb.Origin.AccessKey) {
		t.Errorf("reverse: exit %d, grantee not the origin identity:\n%s", r.code, r.stdout)
	}
	r = run(t, "policy", "s3://"+sandbox.OriginBucket, "--kms-key", "arn:aws:kms:us-east-1:111122223333:key/k1", "--grantee", "arn:aws:iam::444455556666:root")
	if r.code != 0 || !strings.Contains(r.stdout, `"kms:Decrypt"`) || !strings.Contains(r.stdout, "key policy of arn:aws:kms:us-east-1:111122223333:key/k1") {
		t.Errorf("kms: exit %d\n%s", r.code, r.stdout)
	}
}

// bucketPolicy is the origin bucket's policy as stored, read as its owner.
func bucketPolicy(t *testing.T, bucket string) string {
	t.Helper()
	out, err := sb.Client(sb.Origin).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("read the policy of %s: %v", bucket, err)
	}
	return aws.ToString(out.Policy)
}

func putBucketPolicy(t *testing.T, bucket, doc string) {
	t.Helper()
	if _, err := sb.Client(sb.Origin).PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); err != nil {
		t.Fatalf("put the policy of %s: %v", bucket, err)
	}
}

// slowAnswer is a terminal whose user answers only after something else
// has happened (the bucket owner editing the policy meanwhile).
type slowAnswer struct {
	once   sync.Once
	before func()
	r      io.Reader
}

func (a *slowAnswer) Read(p []byte) (int, error) {
	a.once.Do(a.before)
	return a.r.Read(p)
}

// runAnswering runs one command line with a terminal on stdin that
// answers "y" after meanwhile() ran.
func runAnswering(t *testing.T, meanwhile func(), args ...string) result {
	t.Helper()
	if os.Getenv("AWS_CONFIG_FILE") == "" {
		t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	}
	t.Setenv("AWS_PROFILE", "")
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Stdin: &slowAnswer{before: meanwhile, r: strings.NewReader("y\n")}, StdinIsTerminal: true}
	code := cli.Main(context.Background(), env, args)
	return result{code, out.String(), errb.String()}
}

// TestPolicyChangedWhileAsking: the owner adds a Deny while the y/N
// question waits; the answer "y" then writes nothing, exits 2 and says
// why, and the Deny is still there. Asked again, the new preview keeps it.
func TestPolicyChangedWhileAsking(t *testing.T) {
	needSandbox(t)
	src, _, err := sb.NewPair(context.Background(), "cli-policy-stale")
	if err != nil {
		t.Fatal(err)
	}
	deny := `{"Sid":"DenySecrets","Effect":"Deny","Principal":{"AWS":["` + sb.Dest.AccessKey + `"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + src + `/images/secret*"]}`
	edited := strings.Replace(sandbox.OwnerPolicy(src, sb.Origin.AccessKey), "\n  ]", ",\n    "+deny+"\n  ]", 1)
	pol := []string{"policy", "s3://" + src + "/images/", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile, "--apply"}

	r := runAnswering(t, func() { putBucketPolicy(t, src, edited) }, pol...)
	if want := "s3migrate: the bucket policy of s3://" + src + " changed since the preview: run again\n"; r.code != 2 || !strings.HasSuffix(r.stderr, "[y/N] "+want) {
		t.Fatalf("stale apply: exit %d stderr %q, want exit 2 and %q", r.code, r.stderr, want)
	}
	if strings.Contains(r.stdout, "DenySecrets") || !strings.Contains(r.stdout, "S3MigrateReadObjects") {
		t.Fatalf("the preview should be the one computed before the edit:\n%s", r.stdout)
	}
	if got := bucketPolicy(t, src); got != edited {
		t.Fatalf("the policy was written although it changed since the preview:\n%s", got)
	}

	// Unchanged while asking: the same answer applies, and the Deny the
	// new preview showed is kept.
	r = runAnswering(t, func() {}, pol...)
	if r.code != 0 || !strings.Contains(r.stdout, "DenySecrets") || !strings.Contains(r.stdout, "applied") {
		t.Fatalf("apply after a fresh preview: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := bucketPolicy(t, src); !strings.Contains(got, deny) || !strings.Contains(got, "S3MigrateReadObjects"+bucketpolicy.GranteeTag(sb.Dest.AccessKey)) {
		t.Errorf("applied policy lacks the Deny or the grant:\n%s", got)
	}
}

// TestPolicyForeignStatementsNamedLikeOurs: statements whose Sids look
// like s3migrate's but whose content is not (a Deny, an Allow with a
// condition added) survive a grant, a new selection and a revert byte for
// byte (compacted); the preview says which prefixes a new selection adds
// and withdraws.
func TestPolicyForeignStatementsNamedLikeOurs(t *testing.T) {
	needSandbox(t)
	src, _, err := sb.NewPair(context.Background(), "cli-policy-foreign")
	if err != nil {
		t.Fatal(err)
	}
	tag := bucketpolicy.GranteeTag(sb.Dest.AccessKey)
	foreign := []string{
		// Our legacy Sid and our actions, but a Deny.
		`{"Sid":"S3MigrateReadObjects","Effect":"Deny","Principal":{"AWS":["` + sb.Dest.AccessKey + `"]},"Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging"],"Resource":["arn:aws:s3:::` + src + `/images/secret*"]}`,
		`{"Sid":"S3MigrateReadDenyLogs","Effect":"Deny","Principal":{"AWS":["` + sb.Dest.AccessKey + `"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + src + `/logs/*"]}`,
		`{"Sid":"S3MigrateReadBroad` + tag + `","Effect":"Allow","Principal":{"AWS":["` + sb.Dest.AccessKey + `"]},"Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::` + src + `","arn:aws:s3:::` + src + `/*"],"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
	}
	start := strings.Replace(sandbox.OwnerPolicy(src, sb.Origin.AccessKey), "\n  ]", ",\n"+strings.Join(foreign, ",\n")+"\n  ]", 1)
	putBucketPolicy(t, src, start)
	kept := func(when string) {
		t.Helper()
		got := bucketPolicy(t, src)
		for _, f := range foreign {
			if !strings.Contains(got, f) {
				t.Errorf("%s: foreign statement gone or changed: %s\npolicy: %s", when, f, got)
			}
		}
	}
	pol := []string{"policy", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile, "--apply", "--yes"}
	if r := run(t, append(pol, "s3://"+src+"/images/")...); r.code != 0 {
		t.Fatalf("grant: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	kept("after the grant")
	r := run(t, append(pol, "s3://"+src+"/reports/", "--prefix", "docs/")...)
	if r.code != 0 || !strings.Contains(r.stdout, "for "+sb.Dest.AccessKey+": adds docs/, reports/; withdraws images/") {
		t.Fatalf("new selection: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	kept("after a new selection")
	r = run(t, "policy", "s3://"+src, "--revert", "--yes", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile)
	if r.code != 0 || !strings.Contains(r.stdout, "withdraws docs/, reports/") {
		t.Fatalf("revert: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	kept("after the revert")
	if got := bucketPolicy(t, src); strings.Contains(got, "S3MigrateReadList") || strings.Count(got, `"Sid"`) != 1+len(foreign) {
		t.Errorf("revert left s3migrate statements or lost others:\n%s", got)
	}
}

// TestPolicyOneIdentityNeedsNoGrant: the bucket owner as the grantee gets
// no statement, and the policy is not touched.
func TestPolicyOneIdentityNeedsNoGrant(t *testing.T) {
	needSandbox(t)
	src, _, err := sb.NewPair(context.Background(), "cli-policy-self")
	if err != nil {
		t.Fatal(err)
	}
	before := bucketPolicy(t, src)
	r := run(t, "policy", "s3://"+src+"/images/", "--grantee-profile", sandbox.OriginProfile, "--source-profile", sandbox.OriginProfile, "--apply", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "owns the bucket: it needs no bucket policy grant") || strings.Contains(r.stdout, "S3Migrate") {
		t.Fatalf("self grant: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := bucketPolicy(t, src); got != before {
		t.Errorf("the policy changed:\n%s", got)
	}
}

// TestSyncRevokeAfter: sync --revoke-after removes the migration's grant
// once the run is fully verified, showing the diff; the owner's statement
// stays, and the next server-side read is denied again. Without a
// verification it is refused before anything runs.
func TestSyncRevokeAfter(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-revoke")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Seed(ctx, sb.Client(sb.Origin), src, sandbox.SeedSmall); err != nil {
		t.Fatal(err)
	}
	pol := []string{"policy", "s3://" + src + "/images/", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile, "--apply", "--yes"}
	if r := run(t, pol...); r.code != 0 {
		t.Fatalf("apply: exit %d %s", r.code, r.stderr)
	}
	tag := bucketpolicy.GranteeTag(sb.Dest.AccessKey)
	sync := withProfiles("sync", "s3://"+src+"/images/", "s3://"+dst+"/images/", "--mode", "server-side", "--progress", "none", "--revoke-after")
	if r := run(t, append(sync, "--no-verify")...); r.code != 2 || !strings.Contains(r.stderr, "--revoke-after") {
		t.Fatalf("--revoke-after --no-verify: exit %d %q", r.code, r.stderr)
	}
	if !strings.Contains(bucketPolicy(t, src), tag) {
		t.Fatal("a refused run touched the grant")
	}
	r := run(t, sync...)
	if r.code != 0 || !strings.Contains(r.stderr, `-       "Sid": "S3MigrateReadObjects`+tag+`"`) || !strings.Contains(r.stderr, "revoked: the s3migrate statements for "+sb.Dest.AccessKey) {
		t.Fatalf("sync --revoke-after: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if stored := bucketPolicy(t, src); strings.Contains(stored, tag) || !strings.Contains(stored, "OwnerFullAccess") {
		t.Errorf("after the revoke the policy is:\n%s", stored)
	}
	again := withProfiles("sync", "s3://"+src+"/images/", "s3://"+dst+"/again/", "--mode", "server-side", "--progress", "none")
	if r := run(t, again...); r.code != 2 {
		t.Errorf("after --revoke-after a server-side read still works: exit %d", r.code)
	}
	// Nothing left to revoke: said, not an error.
	if r := run(t, sync...); r.code != 0 || !strings.Contains(r.stderr, "nothing to revoke") {
		t.Errorf("second sync --revoke-after: exit %d %q", r.code, r.stderr)
	}
}
