package bucketconfig

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/s3err"
)

// A bucket s3migrate creates (bucket-config and sync with
// --create-like-source, the TUI's "create destination bucket") takes from
// the source what is hard or impossible to change later, or what other
// configurations need: its region (fixed for life), Object Lock (only a new
// bucket chooses it freely), versioning (Object Lock, replication and
// noncurrent-version lifecycle rules need it) and Object Ownership (it
// decides whether ACLs work). Everything else moves with bucket-config.

// LikeSource reads what a bucket created like sides.SrcBucket gets, as the
// origin identity. Only the region must be readable: Object Lock,
// versioning and ownership that cannot be read are left at S3's defaults.
func LikeSource(ctx context.Context, sides Sides) (*Creation, error) {
	return likeSource(ctx, sides.Src.BucketClient(ctx, sides.SrcBucket), sides)
}

// Create creates sides.DstBucket as the destination identity, as c says
// (c.Created is set once the bucket exists).
func Create(ctx context.Context, sides Sides, c *Creation) error { return create(ctx, sides, c) }

// PlanCreate returns how sides.DstBucket would be created like the source
// when it does not exist, and nil when it exists; nothing is written.
// Credentials that are rejected, or a source that cannot be opened, fail
// as Plan's do.
func PlanCreate(ctx context.Context, sides Sides) (*Creation, error) {
	err := openBucket(ctx, sides.Dst, sides.DstBucket, "--dest-profile")
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, ErrNoSuchBucket) {
		return nil, err
	}
	if err := openBucket(ctx, sides.Src, sides.SrcBucket, "--source-profile"); err != nil {
		return nil, err
	}
	return LikeSource(ctx, sides)
}

// EnsureLikeSource creates sides.DstBucket like the source when it does
// not exist, and returns what it created; for a bucket that exists it
// returns nil and changes nothing (a re-run of the same command carries
// on, as mkdir -p does).
func EnsureLikeSource(ctx context.Context, sides Sides) (*Creation, error) {
	c, err := PlanCreate(ctx, sides)
	if c == nil || err != nil {
		return nil, err
	}
	return c, create(ctx, sides, c)
}

// Summary says how the bucket is (or would be) created: "in eu-west-1,
// with Object Lock (…), versioning Enabled, Object Ownership
// BucketOwnerEnforced, like the source".
func (c *Creation) Summary() string {
	parts := []string{"in " + c.Region}
	if c.ObjectLock {
		parts = append(parts, "with Object Lock (as the source; it cannot be turned off)")
	}
	if c.Versioning != "" && !c.ObjectLock { // Object Lock implies it
		parts = append(parts, "versioning "+string(c.Versioning))
	}
	if c.Ownership != "" {
		parts = append(parts, "Object Ownership "+string(c.Ownership))
	}
	return strings.Join(parts, ", ") + ", like the source"
}

// likeSource reads what a bucket created for the source must have from
// the start.
func likeSource(ctx context.Context, src *s3.Client, sides Sides) (*Creation, error) {
	c := &Creation{Region: "us-east-1"}
	loc, err := src.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b(sides.SrcBucket)})
	if err != nil {
		return nil, &s3err.OpError{Op: "read the region of", URL: "s3://" + sides.SrcBucket, Identity: sides.Src.Name(), Err: err,
			Hint: "a bucket created like the source is created in the source's region: the origin identity needs s3:GetBucketLocation"}
	}
	switch r := string(loc.LocationConstraint); r {
	case "":
	case "EU":
		c.Region = "eu-west-1"
	default:
		c.Region = r
	}
	if v, err := objectLockFamily.read(ctx, src, sides.SrcBucket); err == nil && v != nil {
		c.ObjectLock = v.(*types.ObjectLockConfiguration).ObjectLockEnabled == types.ObjectLockEnabledEnabled
	}
	if v, err := versioningFamily.read(ctx, src, sides.SrcBucket); err == nil && v != nil {
		// Suspended is left out: a bucket never versioned behaves alike.
		if st := v.(*versioningValue).Status; st == types.BucketVersioningStatusEnabled {
			c.Versioning = st
		}
	}
	if c.ObjectLock {
		c.Versioning = types.BucketVersioningStatusEnabled
	}
	if v, err := ownershipFamily.read(ctx, src, sides.SrcBucket); err == nil && v != nil {
		if rules := v.(*types.OwnershipControls).Rules; len(rules) > 0 {
			c.Ownership = rules[0].ObjectOwnership
		}
	}
	return c, nil
}

// create makes the destination bucket like the source, as the destination
// identity, then enables versioning where the source has it and Object
// Lock did not already.
func create(ctx context.Context, sides Sides, c *Creation) error {
	in := &s3.CreateBucketInput{Bucket: b(sides.DstBucket), ObjectOwnership: c.Ownership}
	if c.ObjectLock {
		in.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	if c.Region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(c.Region)}
	}
	inRegion := func(o *s3.Options) { o.Region = c.Region }
	url := "s3://" + sides.DstBucket
	_, err := sides.Dst.S3().CreateBucket(ctx, in, inRegion)
	if err != nil {
		oe := &s3err.OpError{Op: "create bucket", URL: url, Identity: sides.Dst.Name(), Err: err}
		switch s3err.Code(err) {
		case "BucketAlreadyExists":
			oe.Hint = "another account owns a bucket with this name: choose another name"
		case "BucketAlreadyOwnedByYou":
			oe.Hint = "it exists now: run again to see its configuration"
		default:
			if s3err.IsDenied(err) {
				oe.Hint = "the destination identity needs s3:CreateBucket (--dest-profile)"
			}
		}
		return oe
	}
	c.Created = true
	if c.Versioning == types.BucketVersioningStatusEnabled && !c.ObjectLock {
		_, err := sides.Dst.S3().PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b(sides.DstBucket),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}, inRegion)
		if err != nil {
			return &s3err.OpError{Op: "enable versioning of", URL: url, Identity: sides.Dst.Name(), Err: err,
				Hint: "the bucket was created, without versioning: enable it with `s3migrate bucket-config --only versioning --apply` (the destination identity needs s3:PutBucketVersioning)"}
		}
	}
	return nil
}
