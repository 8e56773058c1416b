package awsauth

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// PolicyChange is a bucket policy before and after a change, both in the
// layout MergePolicy writes, so their line diff shows only the change.
type PolicyChange struct {
	Bucket string
	Before string // "" when the bucket has no policy
	After  string
	// Delete is set when no statement is left: the policy is deleted
	// rather than put empty.
	Delete bool
}

// Unchanged reports a change that changes nothing.
func (c PolicyChange) Unchanged() bool { return c.Before == c.After }

// Diff is the line diff before → after.
func (c PolicyChange) Diff() []DiffLine { return LineDiff(c.Before, c.After) }

// ReadBucketPolicy returns the bucket's policy document, or "" if it has none.
func ReadBucketPolicy(ctx context.Context, owner *Session, bucket string) (string, error) {
	out, err := owner.BucketClient(ctx, bucket).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err == nil {
		return aws.ToString(out.Policy), nil
	}
	switch {
	case errCode(err) == "NoSuchBucketPolicy":
		return "", nil
	case errCode(err) == "NoSuchBucket":
		return "", fmt.Errorf("read bucket policy of s3://%s as %s: NoSuchBucket: the bucket does not exist: check its name", bucket, owner.Name())
	case isDenied(err):
		return "", fmt.Errorf("read bucket policy of s3://%s as %s: %s: use the bucket owner's profile (--source-profile)", bucket, owner.Name(), brief(err))
	}
	return "", fmt.Errorf("read bucket policy of s3://%s as %s: %s", bucket, owner.Name(), brief(err))
}

// PlanGrant merges stmts into the bucket's current policy and validates the
// result. Nothing is written.
func PlanGrant(ctx context.Context, owner *Session, bucket string, stmts []Statement) (PolicyChange, error) {
	current, err := ReadBucketPolicy(ctx, owner, bucket)
	if err != nil {
		return PolicyChange{}, err
	}
	after, err := MergePolicy(current, stmts)
	if err != nil {
		return PolicyChange{}, err
	}
	if err := ValidatePolicy(after, bucket); err != nil {
		return PolicyChange{}, err
	}
	return PolicyChange{Bucket: bucket, Before: formatted(current), After: after}, nil
}

// PlanRevert removes s3migrate's statements from the bucket's policy.
func PlanRevert(ctx context.Context, owner *Session, bucket string) (PolicyChange, error) {
	current, err := ReadBucketPolicy(ctx, owner, bucket)
	if err != nil {
		return PolicyChange{}, err
	}
	after, empty, err := RevertPolicy(current)
	if err != nil {
		return PolicyChange{}, err
	}
	return PolicyChange{Bucket: bucket, Before: formatted(current), After: after, Delete: empty}, nil
}

// formatted renders an existing policy in MergePolicy's layout, so that the
// owner's own formatting does not show up as changes.
func formatted(doc string) string {
	if doc == "" {
		return ""
	}
	if f, err := FormatPolicy(doc); err == nil {
		return f
	}
	return doc
}

// ApplyPolicy writes a planned change: PutBucketPolicy, or
// DeleteBucketPolicy when no statement is left.
func ApplyPolicy(ctx context.Context, owner *Session, c PolicyChange) error {
	client := owner.BucketClient(ctx, c.Bucket)
	var err error
	if c.Delete {
		_, err = client.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(c.Bucket)})
	} else {
		_, err = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(c.Bucket), Policy: aws.String(c.After)})
	}
	if err != nil {
		return fmt.Errorf("put bucket policy on s3://%s as %s: %s: the bucket owner's identity must be allowed s3:PutBucketPolicy (--source-profile)", c.Bucket, owner.Name(), brief(err))
	}
	return nil
}
