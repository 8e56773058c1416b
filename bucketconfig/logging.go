package bucketconfig

// Server access logging: the target bucket is mapped (--map-bucket, or the
// source bucket itself becomes the destination bucket) or held back.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var loggingFamily = family{
	kind: Logging, api: "%sBucketLogging",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[types.LoggingEnabled](nil, err)
		}
		if out.LoggingEnabled == nil || aws.ToString(out.LoggingEnabled.TargetBucket) == "" {
			return nil, nil
		}
		return out.LoggingEnabled, nil
	},
	propose: func(src, _ any, rw *rewriter) proposal {
		l := *src.(*types.LoggingEnabled)
		var p proposal
		target, rwr, held := rw.bucket("TargetBucket", aws.ToString(l.TargetBucket), "access log")
		if held != nil {
			p.held = append(p.held, *held)
			return p
		}
		if rwr != nil {
			p.rewrites = append(p.rewrites, *rwr)
		}
		l.TargetBucket = aws.String(target)
		if len(l.TargetGrants) > 0 {
			// Grantees are canonical users or e-mail addresses of accounts
			// s3migrate cannot map.
			p.held = append(p.held, Held{What: "log target grants", Why: "they name grantees of the origin's setup",
				Fix: "add the grants on the destination by hand if they are still wanted"})
			l.TargetGrants = nil
		}
		p.notes = append(p.notes, "the log bucket must let the logging service write (bucket policy for logging.s3.amazonaws.com)")
		p.value = &l
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: b(bucket),
			BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: v.(*types.LoggingEnabled)}})
		return err
	},
}
