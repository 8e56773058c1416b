package batchjob

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/transfer"
)

// CopyLimit is the largest object an S3PutObjectCopy task copies: 5 GB, the
// CopyObject limit (5,368,709,120 bytes). Larger objects stay with the
// local multipart engine.
const CopyLimit int64 = 5 << 30

// ManifestFormat is the manifest's format as CreateJob names it.
const ManifestFormat = "S3BatchOperations_CSV_20180820"

// Manifest sizes: a manifest up to DefaultPartSize goes up in one PUT;
// a larger one (about a million keys and more) as a multipart upload of
// parts of at least that size, at most maxParts of them.
const (
	DefaultPartSize int64 = 64 << 20
	minPartSize     int64 = 5 << 20
	maxParts              = 10000
)

// Item is one object for the job to copy.
type Item struct {
	Bucket    string // source bucket
	Key       string // source key, as S3 has it (not encoded)
	VersionID string // written only with ManifestOptions.Versions
	Size      int64  // compared with the copy limit
}

// ItemsFromPlan turns a diff's entries into manifest items: the new and
// changed keys of srcRoot (whose prefix Entry.Rel is relative to); other
// classes are skipped. An error of entries is passed on.
func ItemsFromPlan(srcRoot transfer.Location, entries iter.Seq2[transfer.Entry, error]) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		for e, err := range entries {
			if err != nil {
				if !yield(Item{}, err) {
					return
				}
				continue
			}
			if e.Class != transfer.ClassNew && e.Class != transfer.ClassChanged {
				continue
			}
			key := e.Src.Key
			if key == "" {
				key = srcRoot.Prefix + e.Rel
			}
			if !yield(Item{Bucket: srcRoot.Bucket, Key: key, Size: e.Src.Size}, nil) {
				return
			}
		}
	}
}

// ManifestOptions tune WriteManifest.
type ManifestOptions struct {
	// Limit is the largest object written into the manifest (0: CopyLimit).
	Limit int64
	// Oversize receives each item above Limit, which the manifest leaves
	// out (the caller copies those itself). Nil: such an item is an error,
	// so nothing is dropped unnoticed. An error it returns stops the write.
	Oversize func(Item) error
	// Versions adds the VersionId column; every item must then have one
	// ("null" for an object written before versioning was enabled).
	Versions bool
	// PartSize is the part size of a manifest uploaded in parts, and the
	// largest manifest sent in one PUT (0: DefaultPartSize; at least 5 MiB).
	PartSize int64
	// TempDir holds the manifest while it is written ("" for os.TempDir):
	// 10 million keys make a CSV of about a gigabyte, which is not kept in
	// memory.
	TempDir string
}

// ManifestRef is a manifest written to S3: what CreateJob needs to find it
// (ARN, ETag, fields) and what it lists. Keep it in the journal with the
// job: a job is tied to this ETag.
type ManifestRef struct {
	Bucket, Key string
	ARN         string   // arn:aws:s3:::bucket/key
	ETag        string   // as S3 answered the upload, quotes removed
	Fields      []string // "Bucket","Key"[, "VersionId"]
	Count       int64    // objects listed
	Bytes       int64    // their total size
	Oversize    int64    // objects left out for being above the limit
	OversizeB   int64    // their bytes
	Size        int64    // bytes of the CSV file
}

// ManifestKey is where a migration's manifest goes under the batch
// prefix (--batch-bucket s3://b/prefix/): prefix + "manifests/" + name +
// ".csv". name should identify the run (its journal id and a counter).
func ManifestKey(prefix, name string) string {
	return joinPrefix(prefix) + "manifests/" + name + ".csv"
}

// ReportsPrefix is the Report.Prefix of a migration's jobs under the batch
// prefix: the report of job ID lands in prefix/reports/job-ID/.
func ReportsPrefix(prefix string) string {
	return joinPrefix(prefix) + "reports"
}

func joinPrefix(p string) string {
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// EncodeKey writes a key as a manifest line holds it: URL-encoded, with a
// space as %20 rather than "+" (both mean a space to a form decoder, only
// %20 to a path decoder), so a literal "+" is %2B and "%" is %25.
func EncodeKey(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "+", "%20")
}

// DecodeKey is the inverse of EncodeKey, and reads the keys S3 Inventory
// and the completion reports write ("+" for a space).
func DecodeKey(s string) (string, error) {
	return url.QueryUnescape(s)
}

// WriteManifest writes the CSV manifest of items (no header; Bucket,Key
// with URL-encoded keys, [VersionId]) to s3://bucket/key in the destination
// account and returns where it is. Items above the copy limit are left out
// and handed to opt.Oversize. It streams: items are spooled to a temporary
// file, which goes up in one PUT or, when large, in parts.
//
// When no item fits the limit, nothing is uploaded and the returned ref has
// Count 0 (Create refuses it): all the objects are the caller's to copy.
func (c *Client) WriteManifest(ctx context.Context, bucket, key string, items iter.Seq2[Item, error], opt ManifestOptions) (ManifestRef, error) {
	ref := ManifestRef{Bucket: bucket, Key: key, ARN: c.ObjectARN(bucket, key), Fields: []string{"Bucket", "Key"}}
	if opt.Versions {
		ref.Fields = append(ref.Fields, "VersionId")
	}
	loc := "s3://" + bucket + "/" + key
	if bucket == "" || key == "" {
		return ref, &s3err.OpError{Op: "write the Batch Operations manifest", URL: loc, Identity: c.Identity,
			Err: errors.New("no manifest location"), Hint: "give --batch-bucket s3://BUCKET/PREFIX/"}
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = CopyLimit
	}
	f, err := os.CreateTemp(opt.TempDir, "s3migrate-manifest-*.csv")
	if err != nil {
		return ref, fmt.Errorf("write the Batch Operations manifest: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	for it, err := range items {
		if err != nil {
			return ref, fmt.Errorf("write the Batch Operations manifest %s: reading the plan: %w", loc, err)
		}
		if err := ctx.Err(); err != nil {
			return ref, err
		}
		if it.Bucket == "" || it.Key == "" {
			return ref, fmt.Errorf("write the Batch Operations manifest %s: an item without bucket or key (%q, %q)", loc, it.Bucket, it.Key)
		}
		if opt.Versions && it.VersionID == "" {
			return ref, fmt.Errorf("write the Batch Operations manifest %s: s3://%s/%s has no version id and the manifest lists versions (\"null\" names an object from before versioning)", loc, it.Bucket, it.Key)
		}
		if it.Size > limit {
			if opt.Oversize == nil {
				return ref, fmt.Errorf("write the Batch Operations manifest %s: s3://%s/%s is %d bytes, above the %d-byte limit of a Batch Operations copy: copy it with the local engine", loc, it.Bucket, it.Key, it.Size, limit)
			}
			if err := opt.Oversize(it); err != nil {
				return ref, err
			}
			ref.Oversize++
			ref.OversizeB += it.Size
			continue
		}
		rec := []string{it.Bucket, EncodeKey(it.Key)}
		if opt.Versions {
			rec = append(rec, it.VersionID)
		}
		if err := cw.Write(rec); err != nil {
			return ref, fmt.Errorf("write the Batch Operations manifest: %w", err)
		}
		ref.Count++
		ref.Bytes += it.Size
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return ref, fmt.Errorf("write the Batch Operations manifest: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return ref, fmt.Errorf("write the Batch Operations manifest: %w", err)
	}
	if ref.Count == 0 {
		return ref, nil
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return ref, err
	}
	ref.Size = size
	part := opt.PartSize
	if part <= 0 {
		part = DefaultPartSize
	}
	part = max(part, minPartSize, (size+maxParts-1)/maxParts)
	var etag string
	if size <= part {
		out, err := c.S3.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: io.NewSectionReader(f, 0, size),
			ContentLength: aws.Int64(size), ContentType: aws.String("text/csv"),
		})
		if err != nil {
			return ref, c.manifestError(loc, err)
		}
		etag = aws.ToString(out.ETag)
	} else {
		etag, err = c.uploadParts(ctx, bucket, key, f, size, part)
		if err != nil {
			return ref, c.manifestError(loc, err)
		}
	}
	ref.ETag = strings.Trim(etag, `"`)
	if ref.ETag == "" {
		return ref, &s3err.OpError{Op: "write the Batch Operations manifest", URL: loc, Identity: c.Identity,
			Err: errors.New("the server answered without an ETag"), Hint: "CreateJob needs the manifest's ETag"}
	}
	return ref, nil
}

func (c *Client) manifestError(loc string, err error) error {
	hint := ""
	switch {
	case s3err.IsDenied(err):
		hint = "the destination identity needs s3:PutObject on the manifest bucket and prefix"
	case s3err.Code(err) == "NoSuchBucket":
		hint = "create the --batch-bucket bucket in the destination account first"
	}
	return &s3err.OpError{Op: "write the Batch Operations manifest", URL: loc, Identity: c.Identity, Err: err, Hint: hint}
}

// uploadParts sends the spooled manifest as a multipart upload, with CRC32
// part checksums, and returns the object's ETag. A failed upload is
// aborted.
func (c *Client) uploadParts(ctx context.Context, bucket, key string, f *os.File, size, part int64) (etag string, err error) {
	cr, err := c.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), ContentType: aws.String("text/csv"),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})
	if err != nil {
		return "", err
	}
	id := cr.UploadId
	defer func() {
		if err != nil {
			_, _ = c.S3.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: id})
		}
	}()
	var parts []types.CompletedPart
	for n, off := int32(1), int64(0); off < size; n, off = n+1, off+part {
		length := min(part, size-off)
		out, err := c.S3.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: id, PartNumber: aws.Int32(n),
			Body: io.NewSectionReader(f, off, length), ContentLength: aws.Int64(length),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		})
		if err != nil {
			return "", err
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	}
	done, err := c.S3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(done.ETag), nil
}
