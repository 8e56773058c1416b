package migration

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/transfer"
)

// Prefix semantics, defined once for every front end (README has the table):
//
//	SRC s3://b            the whole bucket
//	SRC s3://b/x/         the folder x/
//	SRC s3://b/x          the folder x/ when any key starts with x/;
//	                      otherwise the object x when it exists (aws s3 cp);
//	                      otherwise the (empty) folder x/
//	DST s3://d, s3://d/   the bucket root
//	DST s3://d/p, …/p/    the folder p/
//
// A key SRC-root + rel is copied to DST-root + rel. Nothing outside the two
// folders is read, copied or deleted: x/ never matches x-archive/ or xY.txt.

// FolderOf turns a location into the folder it names: "" stays the bucket
// root, anything else ends in "/".
func FolderOf(l transfer.Location) transfer.Location {
	if l.Prefix != "" && !strings.HasSuffix(l.Prefix, "/") {
		l.Prefix += "/"
	}
	return l
}

// ResolveSource decides what a source location names: a folder (items nil)
// or one object (root is its folder, items its name in that folder). It
// lists at most two keys.
func ResolveSource(ctx context.Context, c transfer.ListAPI, l transfer.Location) (root transfer.Location, items []string, err error) {
	if l.Prefix == "" || strings.HasSuffix(l.Prefix, "/") {
		return l, nil, nil
	}
	folder := FolderOf(l)
	under, err := firstKey(ctx, c, folder)
	if err != nil {
		return l, nil, err
	}
	if under != "" {
		return folder, nil, nil
	}
	// The smallest key starting with "x" is "x" itself when it exists.
	first, err := firstKey(ctx, c, l)
	if err != nil {
		return l, nil, err
	}
	if first == l.Prefix {
		i := strings.LastIndexByte(l.Prefix, '/')
		return transfer.Location{Bucket: l.Bucket, Prefix: l.Prefix[:i+1]}, []string{l.Prefix[i+1:]}, nil
	}
	return folder, nil, nil
}

// firstKey returns the first key under l, or "".
func firstKey(ctx context.Context, c transfer.ListAPI, l transfer.Location) (string, error) {
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(l.Bucket), Prefix: aws.String(l.Prefix), MaxKeys: aws.Int32(1)})
	if err != nil {
		return "", &transfer.OpError{Op: "list", URL: l.String(), Err: err}
	}
	if len(out.Contents) == 0 {
		return "", nil
	}
	return aws.ToString(out.Contents[0].Key), nil
}
