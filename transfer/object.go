package transfer

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Object is one listed object, as ListObjectsV2 reports it.
type Object struct {
	Key          string
	Size         int64
	ETag         string // with quotes removed
	LastModified time.Time
	StorageClass string
	// ChecksumAlgorithm is the algorithm of the stored full-object checksum
	// the listing announced, if any (CRC32, CRC32C, SHA1, SHA256, CRC64NVME).
	ChecksumAlgorithm string
	// SSE is the server-side encryption S3 reported for the object
	// ("AES256", "aws:kms", "aws:kms:dsse"), when a HEAD or a write
	// response said; ListObjectsV2 does not report it, so "" is "not known"
	// as much as "none".
	SSE string
	// SSECustomer is set when the object is known to be encrypted with a
	// customer-provided key (SSE-C).
	SSECustomer bool
}

// ObjectFromHead describes key as a HeadObject response does: unlike a
// listing, it says how the object is encrypted, and (with checksum mode)
// which checksum it stores.
func ObjectFromHead(key string, h *s3.HeadObjectOutput) Object {
	return Object{
		Key:               key,
		Size:              aws.ToInt64(h.ContentLength),
		ETag:              strings.Trim(aws.ToString(h.ETag), `"`),
		LastModified:      aws.ToTime(h.LastModified),
		StorageClass:      string(h.StorageClass),
		ChecksumAlgorithm: string(storedAlgorithm(h)),
		SSE:               string(h.ServerSideEncryption),
		SSECustomer:       aws.ToString(h.SSECustomerAlgorithm) != "",
	}
}

// opaqueETag reports an object whose ETag is known not to be derived from
// its bytes: S3 gives SSE-KMS, DSSE-KMS and SSE-C objects an ETag that is
// neither an MD5 nor an MD5 of part MD5s.
func opaqueETag(o Object) bool {
	return strings.HasPrefix(o.SSE, "aws:kms") || o.SSECustomer
}

// ETagIsMD5 reports whether o's ETag can be the MD5 of its bytes: a
// single-part ETag of an object not known to be SSE-KMS or SSE-C encrypted
// (SSE-S3 and no encryption keep MD5 ETags). For a listed object, whose
// encryption the listing does not report, this means "may be": a mismatch
// between two such ETags is to be confirmed with a HEAD before it counts.
func ETagIsMD5(o Object) bool {
	return o.ETag != "" && MultipartParts(o.ETag) == 0 && !opaqueETag(o)
}

// ComparableETags reports whether the ETags of a and b can only differ when
// the bytes do: both can be MD5s of the bytes, or both are multipart ETags
// with the same part count (the same part layout is likely; a different
// count proves nothing) of objects not known to be SSE-KMS or SSE-C. It is
// the one rule the copy check, diff and verify follow.
func ComparableETags(a, b Object) bool {
	if a.ETag == "" || b.ETag == "" || opaqueETag(a) || opaqueETag(b) {
		return false
	}
	pa, pb := MultipartParts(a.ETag), MultipartParts(b.ETag)
	return pa == pb
}

// MultipartParts returns the part count encoded in a multipart ETag
// ("<md5>-<parts>"), or 0 for a plain MD5 ETag.
func MultipartParts(etag string) int {
	i := strings.LastIndexByte(etag, '-')
	if i < 0 {
		return 0
	}
	n, err := strconv.Atoi(etag[i+1:])
	if err != nil {
		return 0
	}
	return n
}

// Class is what the diff decided about one key.
type Class int

// The diff classes. ClassNew and ClassChanged are copied; ClassIdentical is
// skipped; ClassExtra (only in the destination) is deleted only with --delete.
const (
	ClassNew Class = iota
	ClassChanged
	ClassIdentical
	ClassExtra
	numClasses
)

func (c Class) String() string {
	switch c {
	case ClassNew:
		return "new"
	case ClassChanged:
		return "changed"
	case ClassIdentical:
		return "identical"
	case ClassExtra:
		return "only-in-destination"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// Entry is one line of a diff. Rel is the key relative to both prefixes;
// Src is set unless the class is ClassExtra, Dst unless it is ClassNew.
type Entry struct {
	Rel    string
	Class  Class
	Src    Object
	Dst    Object
	Reason string // why a key is ClassChanged, e.g. "size 1200 → 1300"
}

// CompareMode decides when a key present on both sides is ClassChanged.
type CompareMode string

// The compare modes.
const (
	// CompareSizeETag compares sizes, then ETags when both are comparable
	// (plain MD5s, or multipart ETags with the same part count).
	CompareSizeETag CompareMode = "size-etag"
	// CompareSize compares sizes only.
	CompareSize CompareMode = "size"
	// CompareSizeMtime is what `aws s3 sync` does: a different size, or a
	// source newer than the destination, means changed.
	CompareSizeMtime CompareMode = "size-mtime"
	// CompareChecksum compares stored full-object checksums where both sides
	// have one of the same algorithm, and falls back to size-etag otherwise.
	CompareChecksum CompareMode = "checksum"
)

// ParseCompareMode validates a --compare value.
func ParseCompareMode(s string) (CompareMode, error) {
	switch m := CompareMode(s); m {
	case CompareSizeETag, CompareSize, CompareSizeMtime, CompareChecksum:
		return m, nil
	}
	return "", &UsageError{Msg: "--compare " + s + ": want size-etag, size, size-mtime or checksum"}
}

// UsageError is a mistake in how the tool was asked to run (exit code 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }
