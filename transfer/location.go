// Package transfer lists buckets, diffs two listings, and copies objects
// between buckets: the engine behind `s3migrate diff` and `s3migrate sync`.
package transfer

import (
	"fmt"
	"regexp"
	"strings"
)

// Location is a bucket and a key prefix, as written s3://bucket/prefix.
type Location struct {
	Bucket string
	Prefix string
}

// String renders the location as an s3:// URL.
func (l Location) String() string { return "s3://" + l.Bucket + "/" + l.Prefix }

// URL renders one key of the bucket as an s3:// URL.
func (l Location) URL(key string) string { return "s3://" + l.Bucket + "/" + key }

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ParseLocation parses "s3://bucket[/prefix]". The prefix is kept exactly as
// written (S3 keys may contain anything, even a leading or doubled slash).
func ParseLocation(s string) (Location, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Location{}, fmt.Errorf("%q is not an S3 URL: write it as s3://bucket/prefix", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("%q has no bucket name: write it as s3://bucket/prefix", s)
	}
	if err := ValidateBucketName(bucket); err != nil {
		return Location{}, err
	}
	return Location{Bucket: bucket, Prefix: prefix}, nil
}

// ValidateBucketName applies the S3 naming rules for general purpose buckets.
func ValidateBucketName(b string) error {
	switch {
	case !bucketName.MatchString(b):
		return fmt.Errorf("%q is not a valid bucket name: use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit", b)
	case strings.Contains(b, ".."):
		return fmt.Errorf("%q is not a valid bucket name: it contains two adjacent dots", b)
	case regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`).MatchString(b):
		return fmt.Errorf("%q is not a valid bucket name: it is formatted as an IP address", b)
	}
	return nil
}

// Overlaps reports whether writing into dst could touch keys read from src:
// same bucket and one prefix contains the other.
func Overlaps(src, dst Location) bool {
	if src.Bucket != dst.Bucket {
		return false
	}
	return strings.HasPrefix(dst.Prefix, src.Prefix) || strings.HasPrefix(src.Prefix, dst.Prefix)
}
