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

// listPage is one ListObjectsV2 answer.
type listPage struct {
	out *s3.ListObjectsV2Output
	err error
}

// ListAfter is List starting after the key startAfter ("" for the start):
// a listing cut off by an error carries on from its last key.
//
// The next page is asked for as soon as a page arrives, while the caller
// works through this one: decoding a page of XML costs about as much as
// the caller's work on it, so a listing does not wait on both in turn. At
// most two pages are held.
func ListAfter(ctx context.Context, c ListAPI, loc Location, startAfter string) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		in := s3.ListObjectsV2Input{Bucket: aws.String(loc.Bucket), MaxKeys: aws.Int32(1000)}
		if loc.Prefix != "" {
			in.Prefix = aws.String(loc.Prefix)
		}
		if startAfter != "" {
			in.StartAfter = aws.String(startAfter)
		}
		fetch := func(in s3.ListObjectsV2Input) <-chan listPage {
			ch := make(chan listPage, 1)
			go func() {
				out, err := c.ListObjectsV2(ctx, &in)
				ch <- listPage{out, err}
			}()
			return ch
		}
		next := fetch(in)
		for {
			p := <-next
			if p.err != nil {
				yield(Object{}, &OpError{Op: "list", URL: loc.String(), Err: p.err})
				return
			}
			var ahead <-chan listPage
			if aws.ToBool(p.out.IsTruncated) && p.out.NextContinuationToken != nil {
				in.ContinuationToken = p.out.NextContinuationToken
				ahead = fetch(in)
			}
			for _, o := range p.out.Contents {
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
					if ahead != nil {
						cancel()
						<-ahead // the request ends with ctx; nothing outlives the listing
					}
					return
				}
			}
			if ahead == nil {
				return
			}
			next = ahead
		}
	}
}
