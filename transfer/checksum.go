package transfer

import (
	"context"
	"strings"

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

// Head describes key as HeadObject does, encryption included (the
// HeadAPI of DiffOptions).
func (h *HeadChecksums) Head(ctx context.Context, key string) (Object, error) {
	out, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(h.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return Object{}, &OpError{Op: "head", URL: "s3://" + h.bucket + "/" + key, Err: err}
	}
	return ObjectFromHead(key, out), nil
}

// Checksum returns the first stored checksum found, by algorithm strength.
func (h *HeadChecksums) Checksum(ctx context.Context, key string) (string, string, error) {
	out, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(h.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return "", "", &OpError{Op: "head", URL: "s3://" + h.bucket + "/" + key, Err: err}
	}
	// Composite (per-part) checksums are not comparable across part layouts.
	if headChecksumType(out) == types.ChecksumTypeComposite {
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

// sumFields are the five checksum fields that S3's objects, parts and
// write responses all carry.
type sumFields struct{ crc32, crc32c, sha1, sha256, crc64 *string }

// get returns the value of one algorithm ("" when absent).
func (f sumFields) get(algo string) string {
	switch types.ChecksumAlgorithm(algo) {
	case types.ChecksumAlgorithmCrc32:
		return aws.ToString(f.crc32)
	case types.ChecksumAlgorithmCrc32c:
		return aws.ToString(f.crc32c)
	case types.ChecksumAlgorithmSha1:
		return aws.ToString(f.sha1)
	case types.ChecksumAlgorithmSha256:
		return aws.ToString(f.sha256)
	case types.ChecksumAlgorithmCrc64nvme:
		return aws.ToString(f.crc64)
	}
	return ""
}

// headChecksumType is the type of the checksum a HEAD reports. S3 states
// it; where a server does not, a checksum of a multipart object (its ETag
// ends in -N) is not known to cover the whole object and is taken as
// composite, so it is never compared with a checksum of other parts, while
// one of a single-part object is its full-object checksum.
func headChecksumType(h *s3.HeadObjectOutput) types.ChecksumType {
	switch {
	case h.ChecksumType != "":
		return h.ChecksumType
	case MultipartParts(strings.Trim(aws.ToString(h.ETag), `"`)) > 0:
		return types.ChecksumTypeComposite
	}
	return types.ChecksumTypeFullObject
}

// fullObject returns the full-object checksums by algorithm. A composite
// checksum (of the part checksums, "<value>-<parts>") says nothing about
// the bytes that another part layout could confirm: it is left out.
func (f sumFields) fullObject(typ types.ChecksumType) map[string]string {
	out := map[string]string{}
	if typ == types.ChecksumTypeComposite {
		return out
	}
	for _, a := range []string{"CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"} {
		if v := f.get(a); v != "" && MultipartParts(v) == 0 {
			out[a] = v
		}
	}
	return out
}

// sumFor is a sumFields with one algorithm's value set, to fill in a
// request.
func sumFor(algo, value string) sumFields {
	var f sumFields
	if value == "" {
		return f
	}
	v := aws.String(value)
	switch types.ChecksumAlgorithm(algo) {
	case types.ChecksumAlgorithmCrc32:
		f.crc32 = v
	case types.ChecksumAlgorithmCrc32c:
		f.crc32c = v
	case types.ChecksumAlgorithmSha1:
		f.sha1 = v
	case types.ChecksumAlgorithmSha256:
		f.sha256 = v
	case types.ChecksumAlgorithmCrc64nvme:
		f.crc64 = v
	}
	return f
}

// copyChecksumAlgorithm is the full-object checksum a single CopyObject
// asks S3 to store: the source's own algorithm when the listing reported
// one (so the copy keeps it, and the two can be compared), else CRC64NVME
// (what S3 stores by default for new objects).
func copyChecksumAlgorithm(srcAlgo string) types.ChecksumAlgorithm {
	if a := knownAlgorithm(srcAlgo); a != "" {
		return a
	}
	return types.ChecksumAlgorithmCrc64nvme
}

// knownAlgorithm returns algo when it is one of the five checksums S3
// stores with every write API, "" otherwise.
func knownAlgorithm(algo string) types.ChecksumAlgorithm {
	switch a := types.ChecksumAlgorithm(algo); a {
	case types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1,
		types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmCrc64nvme:
		return a
	}
	return ""
}

// multipartChecksumType is the checksum type a multipart upload of algo
// gets: FULL_OBJECT for the CRCs (the result is the checksum of the whole
// object, as a single PUT would store it), COMPOSITE for SHA-1 and SHA-256,
// which S3 supports only as a checksum of the part checksums.
func multipartChecksumType(algo types.ChecksumAlgorithm) types.ChecksumType {
	switch algo {
	case types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256:
		return types.ChecksumTypeComposite
	case "":
		return ""
	}
	return types.ChecksumTypeFullObject
}
