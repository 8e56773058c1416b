package transfer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// HeadChecksums reads stored full-object checksums with HeadObject.
type HeadChecksums struct {
	client interface {
		HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	}
	bucket string
}

// NewHeadChecksums returns a ChecksumAPI for one bucket.
func NewHeadChecksums(c S3HeadAPI, bucket string) *HeadChecksums {
	return &HeadChecksums{client: c, bucket: bucket}
}

// S3HeadAPI is the HeadObject call.
type S3HeadAPI interface {
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// Checksum returns the first stored checksum found, by algorithm strength.
func (h *HeadChecksums) Checksum(ctx context.Context, key string) (string, string, error) {
	out, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(h.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return "", "", &OpError{Op: "head", URL: "s3://" + h.bucket + "/" + key, Err: err}
	}
	// Composite (per-part) checksums are not comparable across part layouts.
	if out.ChecksumType == types.ChecksumTypeComposite {
		return "", "", nil
	}
	for _, c := range []struct {
		algo string
		v    *string
	}{{"SHA256", out.ChecksumSHA256}, {"SHA1", out.ChecksumSHA1}, {"CRC64NVME", out.ChecksumCRC64NVME}, {"CRC32C", out.ChecksumCRC32C}, {"CRC32", out.ChecksumCRC32}} {
		if v := aws.ToString(c.v); v != "" {
			return c.algo, v, nil
		}
	}
	return "", "", nil
}
