package cli_test

import (
	"context"
	"strings"
	"testing"

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

	r := run(t, pol...)
	if r.code != 0 || !strings.Contains(r.stdout, `+       "Sid": "S3MigrateReadObjects"`) || !strings.Contains(r.stdout, "nothing applied") {
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
	if r.code != 0 || !strings.Contains(r.stdout, "applied") {
		t.Fatalf("apply: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
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
	r = run(t, "policy", "s3://"+src, "--revert", "--yes", "--source-profile", sandbox.OriginProfile)
	if r.code != 0 || !strings.Contains(r.stdout, `-       "Sid": "S3MigrateReadList"`) || strings.Contains(r.stdout, `-       "Sid": "OwnerFullAccess"`) {
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
	for _, want := range []string{`"s3:x-amz-acl": [`, `"bucket-owner-full-control"`, `"arn:aws:s3:::dest-archive/in/*"`, "BucketOwnerEnforced", `"Sid": "S3MigrateWriteTagging"`, "nothing applied"} {
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
