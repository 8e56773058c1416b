package bucketpolicy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/s3err"
)

// Change is a bucket policy before and after a change, both in the
// layout Merge writes, so their line diff shows only the change. It
// also carries the policy exactly as it was read, so Apply writes only
// while the bucket still has the policy the preview was computed from.
type Change struct {
	Bucket string
	// Current is the policy exactly as GetBucketPolicy returned it when
	// the change was planned ("" when the bucket had none).
	Current string
	Before  string // Current in Merge's layout; "" when the bucket has no policy
	After   string
	// Delete is set when no statement is left: the policy is deleted
	// rather than put empty.
	Delete bool
	// Grantee is the principal the change grants to or revokes from.
	Grantee string
	// Added and Withdrawn are what the grantee gains and loses (prefixes,
	// "" for the whole bucket; see ScopeLabel), so a new selection for the
	// same grantee says which prefixes it drops.
	Added, Withdrawn []string
	// NoGrant says why no grant is proposed (one identity owns both
	// sides); After is then Before.
	NoGrant string
}

// Unchanged reports a change that changes nothing.
func (c Change) Unchanged() bool { return c.Before == c.After }

// Diff is the line diff before → after.
func (c Change) Diff() []DiffLine { return LineDiff(c.Before, c.After) }

// ScopeSummary says in one line what the grantee gains and loses, e.g.
// "for DEST…: adds images/; withdraws reports/"; "" when that does not
// change.
func (c Change) ScopeSummary() string {
	if len(c.Added) == 0 && len(c.Withdrawn) == 0 {
		return ""
	}
	var parts []string
	if len(c.Added) > 0 {
		parts = append(parts, "adds "+scopeList(c.Added))
	}
	if len(c.Withdrawn) > 0 {
		parts = append(parts, "withdraws "+scopeList(c.Withdrawn))
	}
	return "for " + c.Grantee + ": " + strings.Join(parts, "; ")
}

func scopeList(scope []string) string {
	labels := make([]string, len(scope))
	for i, s := range scope {
		labels[i] = ScopeLabel(s)
	}
	return strings.Join(labels, ", ")
}

// ErrChanged is matched (errors.Is) by the error Apply returns
// when the bucket policy is no longer the one the preview was computed
// from.
var ErrChanged = errors.New("the bucket policy changed since the preview")

// ChangedError is that error for one bucket.
type ChangedError struct{ Bucket string }

func (e *ChangedError) Error() string {
	return "the bucket policy of s3://" + e.Bucket + " changed since the preview: run again"
}

// Is makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

// policyError is a failed bucket-policy call: a message with the
// operation, bucket, identity and hint, around the SDK error it wraps.
type policyError struct {
	msg string
	err error
}

func (e *policyError) Error() string { return e.msg }
func (e *policyError) Unwrap() error { return e.err }

// Read returns the bucket's policy document, or "" if it has none.
func Read(ctx context.Context, owner *awsauth.Session, bucket string) (string, error) {
	out, err := owner.BucketClient(ctx, bucket).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err == nil {
		return aws.ToString(out.Policy), nil
	}
	op := fmt.Sprintf("read bucket policy of s3://%s as %s", bucket, owner.Name())
	switch {
	case s3err.Code(err) == "NoSuchBucketPolicy":
		return "", nil
	case s3err.Code(err) == "NoSuchBucket":
		return "", &policyError{op + ": NoSuchBucket: the bucket does not exist: check its name", err}
	case s3err.IsDenied(err):
		return "", &policyError{op + ": " + s3err.Summary(err) + ": use the bucket owner's profile (--source-profile)", err}
	}
	return "", &policyError{op + ": " + s3err.Summary(err), err}
}

// PlanGrant merges stmts (one grantee's, from MigrationStatements or the
// Reverse statements) into the bucket's current policy and validates the
// result. Nothing is written. When the grantee is the identity that owns
// the bucket, no grant is proposed and NoGrant says why.
func PlanGrant(ctx context.Context, owner *awsauth.Session, bucket string, stmts []Statement) (Change, error) {
	current, err := Read(ctx, owner, bucket)
	if err != nil {
		return Change{}, err
	}
	var grantee string
	if len(stmts) > 0 && len(stmts[0].Principal["AWS"]) > 0 {
		grantee = stmts[0].Principal["AWS"][0]
	}
	ownerID, idErr := awsauth.ResolveIdentity(ctx, owner)
	if idErr == nil && grantee != "" {
		if reason := NoGrantNeeded(ownerID, grantee); reason != "" {
			before := formatted(current)
			return Change{Bucket: bucket, Current: current, Before: before, After: before, Grantee: grantee, NoGrant: reason}, nil
		}
		if err := samePartition(ownerID, stmts, bucket); err != nil {
			return Change{}, err
		}
	}
	after, err := Merge(current, stmts)
	if err != nil {
		return Change{}, fmt.Errorf("plan the policy of s3://%s: %w", bucket, err)
	}
	if err := Validate(after, bucket); err != nil {
		return Change{}, err
	}
	c := Change{Bucket: bucket, Current: current, Before: formatted(current), After: after, Grantee: grantee}
	c.Added, c.Withdrawn = scopeDiff(grantScope(current, bucket, grantee), grantScope(after, bucket, grantee))
	return c, nil
}

// NoGrantNeeded returns why a bucket owned by owner needs no grant for
// grantee — the same identity (on AWS, the same account root) — or "".
func NoGrantNeeded(owner awsauth.Identity, grantee string) string {
	if owner.Principal == "" || !SamePrincipal(owner.Principal, grantee) {
		return ""
	}
	return "the grantee " + grantee + " is the identity that owns the bucket: it needs no bucket policy grant, so none is proposed"
}

// samePartition refuses statements whose resources are in another
// partition than the bucket owner's identity (known only where STS
// answers): such a policy would be rejected, or grant nothing.
func samePartition(owner awsauth.Identity, stmts []Statement, bucket string) error {
	if owner.ARN == "" {
		return nil
	}
	want, err := PartitionOf(owner.ARN)
	if err != nil {
		return nil
	}
	for _, s := range stmts {
		for _, r := range s.Resource {
			if part, _, _, _, ok := parseS3ARN(r); ok && part != want {
				return fmt.Errorf("plan the policy of s3://%s: the statements name partition %s but the bucket owner %s is in %s; pass the grantee as an ARN of partition %s", bucket, part, owner.ARN, want, want)
			}
		}
	}
	return nil
}

// PlanRevert removes the grantees' s3migrate statements (the migration's
// identity, and a batch job's role when it has one) from the bucket's
// policy and keeps everything else. The result is validated like a grant.
func PlanRevert(ctx context.Context, owner *awsauth.Session, bucket string, grantees ...string) (Change, error) {
	if len(grantees) == 0 {
		return Change{}, fmt.Errorf("plan the revert of s3://%s: no grantee named", bucket)
	}
	current, err := Read(ctx, owner, bucket)
	if err != nil {
		return Change{}, err
	}
	after, empty := current, false
	for _, g := range grantees {
		if empty {
			break
		}
		if after, empty, err = Revert(after, bucket, g); err != nil {
			return Change{}, fmt.Errorf("plan the revert of s3://%s: %w", bucket, err)
		}
	}
	if !empty {
		if err := Validate(after, bucket); err != nil {
			return Change{}, err
		}
	}
	c := Change{Bucket: bucket, Current: current, Before: formatted(current), After: after, Delete: empty, Grantee: strings.Join(grantees, " and ")}
	if empty && strings.TrimSpace(current) == "" {
		// No policy at all: nothing to delete either.
		c.Delete = false
	}
	for _, g := range grantees {
		added, withdrawn := scopeDiff(grantScope(current, bucket, g), grantScope(after, bucket, g))
		c.Added, c.Withdrawn = append(c.Added, added...), append(c.Withdrawn, withdrawn...)
	}
	return c, nil
}

// scopeDiff returns what is in after and not before, and the reverse.
func scopeDiff(before, after []string) (added, withdrawn []string) {
	for _, s := range after {
		if !slices.Contains(before, s) {
			added = append(added, s)
		}
	}
	for _, s := range before {
		if !slices.Contains(after, s) {
			withdrawn = append(withdrawn, s)
		}
	}
	return added, withdrawn
}

// formatted renders an existing policy in Merge's layout, so that the
// owner's own formatting does not show up as changes.
func formatted(doc string) string {
	if doc == "" {
		return ""
	}
	if f, err := Format(doc); err == nil {
		return f
	}
	return doc
}

// Apply writes a planned change: PutBucketPolicy with the compact
// form of c.After, or DeleteBucketPolicy when no statement is left. Right
// before writing it reads the policy again, and writes nothing if it is not
// c.Current any more (a statement added while the operator read the
// preview would otherwise be overwritten): the error is a
// *ChangedError. S3 has no conditional PutBucketPolicy, so this
// narrows the window to one round trip; it cannot close it.
func Apply(ctx context.Context, owner *awsauth.Session, c Change) error {
	fresh, err := Read(ctx, owner, c.Bucket)
	if err != nil {
		return err
	}
	if fresh != c.Current {
		return &ChangedError{Bucket: c.Bucket}
	}
	client := owner.BucketClient(ctx, c.Bucket)
	if c.Delete {
		if _, err := client.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(c.Bucket)}); err != nil {
			return &policyError{fmt.Sprintf("delete bucket policy of s3://%s as %s: %s: the bucket owner's identity must be allowed s3:DeleteBucketPolicy (--source-profile)", c.Bucket, owner.Name(), s3err.Summary(err)), err}
		}
		return nil
	}
	if err := Validate(c.After, c.Bucket); err != nil {
		return err
	}
	doc, err := Compact(c.After)
	if err != nil {
		return err
	}
	if _, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(c.Bucket), Policy: aws.String(doc)}); err != nil {
		return &policyError{fmt.Sprintf("put bucket policy on s3://%s as %s: %s: the bucket owner's identity must be allowed s3:PutBucketPolicy (--source-profile)", c.Bucket, owner.Name(), s3err.Summary(err)), err}
	}
	return nil
}
