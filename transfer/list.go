package transfer

import (
	"context"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ListAPI is the part of the S3 client that listing needs.
type ListAPI interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// List streams every object under loc in key order, one page of 1000 at a
// time; memory does not grow with the number of keys. The first error ends
// the stream.
func List(ctx context.Context, c ListAPI, loc Location) iter.Seq2[Object, error] {
	return ListAfter(ctx, c, loc, "")
}

// ListAfter is List starting after the key startAfter ("" for the start):
// a listing cut off by an error carries on from its last key.
func ListAfter(ctx context.Context, c ListAPI, loc Location, startAfter string) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		in := &s3.ListObjectsV2Input{Bucket: aws.String(loc.Bucket), MaxKeys: aws.Int32(1000)}
		if loc.Prefix != "" {
			in.Prefix = aws.String(loc.Prefix)
		}
		if startAfter != "" {
			in.StartAfter = aws.String(startAfter)
		}
		for {
			out, err := c.ListObjectsV2(ctx, in)
			if err != nil {
				yield(Object{}, &OpError{Op: "list", URL: loc.String(), Err: err})
				return
			}
			for _, o := range out.Contents {
				obj := Object{
					Key:          aws.ToString(o.Key),
					Size:         aws.ToInt64(o.Size),
					ETag:         strings.Trim(aws.ToString(o.ETag), `"`),
					LastModified: aws.ToTime(o.LastModified),
					StorageClass: string(o.StorageClass),
				}
				if len(o.ChecksumAlgorithm) > 0 {
					obj.ChecksumAlgorithm = string(o.ChecksumAlgorithm[0])
				}
				if !yield(obj, nil) {
					return
				}
			}
			if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
				return
			}
			in.ContinuationToken = out.NextContinuationToken
		}
	}
}
