package bucketpolicy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/motoserver"
)

// motoSession returns a session of the origin account of the test
// binary's moto server (the AWS-like peer: STS answers with ARNs, policies
// of any size are stored). Skipped where moto is not installed, failed
// then when S3MIGRATE_REQUIRE_MOTO is set.
func motoSession(t *testing.T) *awsauth.Session {
	t.Helper()
	srv := motoserver.Need(t)
	srv.Use(t)
	sess, err := awsauth.Load(context.Background(), motoserver.OriginProfile, awsauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// TestPolicyOnMoto: on a server that stores what it is sent and has STS,
// a 15 KB foreign policy plus our grant is written compact and under the
// limit; a policy changed after the preview is refused and left alone; the
// owner's own account gets no grant; a grantee of another partition than
// the owner (known from STS) is refused.
func TestPolicyOnMoto(t *testing.T) {
	owner := motoSession(t)
	ctx := context.Background()
	const bucket = "origin-bucket"
	if _, err := owner.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put := func(doc string) {
		t.Helper()
		if _, err := owner.S3().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	foreign := bigForeignPolicy(t, 15*1024)
	put(foreign)

	stmts := mustStatements(t, GrantOptions{Bucket: bucket, Prefixes: []string{"logs/", "media/"}, Principal: otherPrincipal})
	change, err := PlanGrant(ctx, owner, bucket, stmts)
	if err != nil {
		t.Fatalf("15 KB foreign policy plus our grant: %v", err)
	}
	if change.Current != foreign || len(change.After) <= MaxBytes || !slices.Equal(change.Added, []string{"logs/", "media/"}) {
		t.Fatalf("plan: current kept %v, preview %d bytes (want it over the limit, indented), added %q", change.Current == foreign, len(change.After), change.Added)
	}
	if err := Apply(ctx, owner, change); err != nil {
		t.Fatalf("apply: %v", err)
	}
	stored, err := Read(ctx, owner, bucket)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) > MaxBytes || strings.Contains(stored, "\n") {
		t.Errorf("stored policy is %d bytes, newlines %v; want the compact form", len(stored), strings.Contains(stored, "\n"))
	}
	if got := rawStatements(t, stored); !slices.Equal(got[:len(got)-2], rawStatements(t, foreign)) {
		t.Error("the foreign statements did not survive the round trip")
	}
	if g := Grantees(stored, bucket); !slices.Equal(g, []string{otherPrincipal}) {
		t.Errorf("grantees in the stored policy = %q", g)
	}

	// Changed between the preview and the write: nothing is written.
	revert, err := PlanRevert(ctx, owner, bucket, otherPrincipal)
	if err != nil {
		t.Fatal(err)
	}
	meanwhile := strings.Replace(stored, `"Sid":"Team00"`, `"Sid":"Team00Edited"`, 1)
	put(meanwhile)
	err = Apply(ctx, owner, revert)
	if !errors.Is(err, ErrChanged) || err.Error() != fmt.Sprintf("the bucket policy of s3://%s changed since the preview: run again", bucket) {
		t.Fatalf("stale revert: %v", err)
	}
	if now, _ := Read(ctx, owner, bucket); now != meanwhile {
		t.Fatal("a stale revert wrote the policy")
	}

	// The owner's own account (motoserver.Server.Origin) needs no grant.
	self, err := PlanGrant(ctx, owner, bucket, mustStatements(t, GrantOptions{Bucket: bucket, Principal: "111111111111"}))
	if err != nil || self.NoGrant == "" || !self.Unchanged() {
		t.Errorf("grant to the owner's account: NoGrant %q, unchanged %v, err %v", self.NoGrant, self.Unchanged(), err)
	}
	// STS says the owner is in aws: aws-cn resources are refused.
	_, err = PlanGrant(ctx, owner, bucket, mustStatements(t, GrantOptions{Bucket: bucket, Principal: "arn:aws-cn:iam::210987654321:root"}))
	if err == nil || !strings.Contains(err.Error(), "partition aws-cn") {
		t.Errorf("aws-cn grantee for an aws owner: %v", err)
	}
}
