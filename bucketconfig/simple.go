package bucketconfig

// The configurations copied as they are: nothing in them names an account.

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// orNil turns a "no such configuration" answer into no value.
func orNil[T any](v *T, err error) (any, error) {
	if err != nil {
		if missing(err) {
			return nil, nil
		}
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	return v, nil
}

var ownershipFamily = family{
	kind: Ownership, api: "%sBucketOwnershipControls",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[types.OwnershipControls](nil, err)
		}
		return orNil(out.OwnershipControls, nil)
	},
	propose: func(src, _ any, _ *rewriter) proposal {
		p := proposal{value: src}
		for _, r := range src.(*types.OwnershipControls).Rules {
			if r.ObjectOwnership == types.ObjectOwnershipBucketOwnerEnforced {
				p.notes = append(p.notes, "BucketOwnerEnforced disables ACLs on the destination: the bucket owner owns every object")
			}
		}
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b(bucket), OwnershipControls: v.(*types.OwnershipControls)})
		return err
	},
}

var publicAccessBlockFamily = family{
	kind: PublicAccessBlock, api: "%sBucketPublicAccessBlock",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[types.PublicAccessBlockConfiguration](nil, err)
		}
		return orNil(out.PublicAccessBlockConfiguration, nil)
	},
	propose: asIs,
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b(bucket), PublicAccessBlockConfiguration: v.(*types.PublicAccessBlockConfiguration)})
		return err
	},
}

// versioningValue is the part of GetBucketVersioning that can be moved.
type versioningValue struct {
	Status    types.BucketVersioningStatus
	MFADelete types.MFADeleteStatus `json:",omitempty"`
}

var versioningFamily = family{
	kind: Versioning, api: "%sBucketVersioning",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[versioningValue](nil, err)
		}
		if out.Status == "" {
			// Never enabled: nothing to move.
			return nil, nil
		}
		return &versioningValue{Status: out.Status, MFADelete: types.MFADeleteStatus(out.MFADelete)}, nil
	},
	propose: func(src, dst any, _ *rewriter) proposal {
		s := *src.(*versioningValue)
		p := proposal{}
		if s.MFADelete == types.MFADeleteStatusEnabled {
			p.held = append(p.held, Held{What: "MFA delete", Why: "S3 sets it only with the root user's MFA code",
				Fix: "aws s3api put-bucket-versioning --bucket DST --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'SERIAL CODE' as the destination account's root user"})
		}
		want := &versioningValue{Status: s.Status}
		if d, ok := dst.(*versioningValue); ok && d != nil {
			want.MFADelete = d.MFADelete // not ours to change
		}
		if s.Status == types.BucketVersioningStatusSuspended && dst == nil {
			// A bucket that was never versioned behaves as a suspended one:
			// nothing to write.
			p.notes = append(p.notes, "the source's versioning is Suspended and the destination's was never enabled: the same for new objects")
			return p
		}
		p.value = want
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b(bucket),
			VersioningConfiguration: &types.VersioningConfiguration{Status: v.(*versioningValue).Status}})
		return err
	},
}

var objectLockFamily = family{
	kind: ObjectLock, api: "%sBucketObjectLockConfiguration",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[types.ObjectLockConfiguration](nil, err)
		}
		if out.ObjectLockConfiguration == nil || out.ObjectLockConfiguration.ObjectLockEnabled == "" {
			return nil, nil
		}
		return out.ObjectLockConfiguration, nil
	},
	propose: func(src, dst any, _ *rewriter) proposal {
		p := proposal{value: src}
		if dst == nil {
			p.notes = append(p.notes, "the destination has no Object Lock: applying enables it, which cannot be undone; S3 allows that on an existing bucket only while its versioning is Enabled")
		}
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: b(bucket), ObjectLockConfiguration: v.(*types.ObjectLockConfiguration)})
		return err
	},
}

// requestPaymentValue is who pays for requests.
type requestPaymentValue struct{ Payer types.Payer }

var requestPaymentFamily = family{
	kind: RequestPayment, api: "%sBucketRequestPayment",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[requestPaymentValue](nil, err)
		}
		if out.Payer == "" {
			return nil, nil
		}
		return &requestPaymentValue{Payer: out.Payer}, nil
	},
	propose: func(src, dst any, _ *rewriter) proposal {
		s := src.(*requestPaymentValue)
		if s.Payer == types.PayerBucketOwner && dst == nil {
			// The default on both sides, said differently.
			return proposal{value: dst}
		}
		return proposal{value: src}
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: b(bucket),
			RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: v.(*requestPaymentValue).Payer}})
		return err
	},
}

// accelerateValue is the transfer acceleration status.
type accelerateValue struct{ Status types.BucketAccelerateStatus }

var accelerateFamily = family{
	kind: Accelerate, api: "%sAccelerateConfiguration",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[accelerateValue](nil, err)
		}
		if out.Status == "" {
			return nil, nil
		}
		return &accelerateValue{Status: out.Status}, nil
	},
	propose: asIs,
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: b(bucket),
			AccelerateConfiguration: &types.AccelerateConfiguration{Status: v.(*accelerateValue).Status}})
		return err
	},
}

// tagSet is a bucket's tags, sorted by key so order never counts as a
// difference.
type tagSet []types.Tag

func sortedTags(ts []types.Tag) tagSet {
	out := slices.Clone(ts)
	slices.SortFunc(out, func(a, b types.Tag) int { return strings.Compare(aws.ToString(a.Key), aws.ToString(b.Key)) })
	return out
}

var tagsFamily = family{
	kind: Tags, api: "%sBucketTagging",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[tagSet](nil, err)
		}
		// System tags (aws:cloudformation:…) belong to the service that set
		// them: never copied, and PutBucketTagging refuses them.
		user := slices.DeleteFunc(slices.Clone(out.TagSet), func(t types.Tag) bool { return strings.HasPrefix(aws.ToString(t.Key), "aws:") })
		if len(user) == 0 {
			return nil, nil
		}
		return sortedTags(user), nil
	},
	// The destination's own tags (cost allocation, owner) stay: the
	// source's are added, and win where both have a key.
	propose: func(src, dst any, _ *rewriter) proposal {
		merged := slices.Clone(src.(tagSet))
		var kept []string
		if d, ok := dst.(tagSet); ok {
			for _, t := range d {
				if !slices.ContainsFunc(merged, func(s types.Tag) bool { return aws.ToString(s.Key) == aws.ToString(t.Key) }) {
					merged = append(merged, t)
					kept = append(kept, aws.ToString(t.Key))
				}
			}
		}
		p := proposal{value: sortedTags(merged)}
		if len(kept) > 0 {
			p.notes = append(p.notes, "destination-only tags kept: "+strings.Join(kept, ", "))
		}
		if len(merged) > 50 {
			p.value = nil
			p.held = append(p.held, Held{What: "tags", Why: "the source's and the destination's tags together exceed S3's 50 per bucket", Fix: "remove some tags from the destination, or use --skip tags"})
		}
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b(bucket), Tagging: &types.Tagging{TagSet: v.(tagSet)}})
		return err
	},
}

// corsRules is a bucket's CORS configuration.
type corsRules []types.CORSRule

var corsFamily = family{
	kind: CORS, api: "%sBucketCORS",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[corsRules](nil, err)
		}
		if len(out.CORSRules) == 0 {
			return nil, nil
		}
		return corsRules(out.CORSRules), nil
	},
	propose: asIs,
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b(bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: v.(corsRules)}})
		return err
	},
}

var websiteFamily = family{
	kind: Website, api: "%sBucketWebsite",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[types.WebsiteConfiguration](nil, err)
		}
		w := &types.WebsiteConfiguration{ErrorDocument: out.ErrorDocument, IndexDocument: out.IndexDocument,
			RedirectAllRequestsTo: out.RedirectAllRequestsTo, RoutingRules: out.RoutingRules}
		if canonical(w) == "" {
			return nil, nil
		}
		return w, nil
	},
	propose: func(src, _ any, _ *rewriter) proposal {
		return proposal{value: src, notes: []string{"the website endpoint's host name contains the bucket name: DNS records and CloudFront origins pointing at the source's must be changed"}}
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b(bucket), WebsiteConfiguration: v.(*types.WebsiteConfiguration)})
		return err
	},
}

// lifecycleValue is a bucket's lifecycle configuration.
type lifecycleValue struct {
	Rules []types.LifecycleRule
	// TransitionDefaultMinimumObjectSize is S3's default for objects too
	// small to transition.
	TransitionDefaultMinimumObjectSize types.TransitionDefaultMinimumObjectSize `json:",omitempty"`
}

var lifecycleFamily = family{
	kind: Lifecycle, api: "%sLifecycleConfiguration",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[lifecycleValue](nil, err)
		}
		if len(out.Rules) == 0 {
			return nil, nil
		}
		return &lifecycleValue{Rules: out.Rules, TransitionDefaultMinimumObjectSize: out.TransitionDefaultMinimumObjectSize}, nil
	},
	propose: asIs,
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		l := v.(*lifecycleValue)
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b(bucket),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: l.Rules}, TransitionDefaultMinimumObjectSize: l.TransitionDefaultMinimumObjectSize})
		return err
	},
}
