package cli_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// checkLine returns the output line of one preflight check.
func checkLine(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 6 && strings.HasPrefix(l[6:], name+" ") {
			return l
		}
	}
	return ""
}

// TestPreflightBeforeAndAfterPolicy: before the bucket policy the server-side
// read checks fail (exit 1) with the policy command as the fix; after it
// every check passes; a destination that refuses writes fails its check.
func TestPreflightBeforeAndAfterPolicy(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-preflight")
	if err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Seed(ctx, sb.Client(sb.Origin), src, sandbox.SeedSmall); err != nil {
		t.Fatal(err)
	}
	args := withProfiles("preflight", "s3://"+src+"/reports/", "s3://"+dst+"/reports/", "--mode", "server-side")
	r := run(t, args...)
	if r.code != 1 {
		t.Fatalf("before policy: exit %d, want 1\n%s", r.code, r.stdout)
	}
	for _, name := range []string{"head sample object", "read sample object", "read sample tags"} {
		if l := checkLine(r.stdout, name); !strings.HasPrefix(l, "FAIL") {
			t.Errorf("%s before policy: %q", name, l)
		}
	}
	if !strings.Contains(r.stdout, "fix: grant s3:GetObject and s3:GetObjectTagging in the origin bucket policy: s3migrate policy s3://"+src+"/reports/") {
		t.Errorf("no fix naming the policy command:\n%s", r.stdout)
	}
	// Auto mode would relay instead: the same checks are warnings.
	auto := withProfiles("preflight", "s3://"+src+"/reports/", "s3://"+dst+"/reports/")
	if r := run(t, auto...); r.code != 0 || !strings.HasPrefix(checkLine(r.stdout, "read sample object"), "WARN") {
		t.Errorf("auto mode before policy: exit %d\n%s", r.code, r.stdout)
	}
	// One identity doing everything cannot even list before the policy.
	single := []string{"preflight", "s3://" + src + "/reports/", "s3://" + dst + "/reports/", "--source-profile", sandbox.DestProfile, "--dest-profile", sandbox.DestProfile}
	if r := run(t, single...); r.code != 1 || !strings.HasPrefix(checkLine(r.stdout, "list source"), "FAIL") {
		t.Errorf("single identity before policy: exit %d\n%s", r.code, r.stdout)
	}

	if r := run(t, "policy", "s3://"+src+"/reports/", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile, "--apply", "--yes"); r.code != 0 {
		t.Fatalf("policy: %d %s", r.code, r.stderr)
	}
	for _, a := range [][]string{args, single} {
		r = run(t, a...)
		if r.code != 0 || strings.Contains(r.stdout, "FAIL") {
			t.Errorf("after policy: exit %d\n%s", r.code, r.stdout)
		}
	}
	for _, name := range []string{"list source", "head sample object", "read sample object", "read sample tags", "destination writable", "destination object ownership"} {
		if l := checkLine(r.stdout, name); !strings.HasPrefix(l, "pass") {
			t.Errorf("%s after policy: %q", name, l)
		}
	}
	if got := listKeys(t, sb.Client(sb.Dest), dst); len(got) != 0 {
		t.Errorf("preflight left objects behind: %v", got)
	}

	// A destination whose policy denies writes fails the write check.
	pol := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":["%[1]s"]},"Action":"s3:*","Resource":["arn:aws:s3:::%[2]s","arn:aws:s3:::%[2]s/*"]},
{"Sid":"ReadOnly","Effect":"Deny","Principal":{"AWS":["%[1]s"]},"Action":"s3:PutObject","Resource":["arn:aws:s3:::%[2]s/*"]}]}`, sb.Dest.AccessKey, dst)
	if _, err := sb.Client(sb.Dest).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(dst), Policy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	r = run(t, args...)
	if l := checkLine(r.stdout, "destination writable"); r.code != 1 || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "AccessDenied") {
		t.Errorf("read-only destination: exit %d, %q", r.code, l)
	}
}
