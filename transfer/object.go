package transfer

import (
	"strconv"
	"strings"
	"time"
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
