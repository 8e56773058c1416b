// Package report writes a migration's per-object outcome as CSV, in the
// column layout of S3 Batch Operations completion reports, so existing
// tooling for those reports reads it too.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/s3migrate/s3migrate/internal/journal"
)

// Header is the first line: the Batch Operations columns, then ours.
var Header = []string{"Bucket", "Key", "VersionId", "TaskStatus", "ErrorCode", "HTTPStatusCode", "ResultMessage", "Bytes", "Strategy", "Attempts"}

// Counts is what a report contains.
type Counts struct{ Succeeded, Failed int64 }

// WriteCSV writes one row per object the run acted on (copied, deleted,
// failed, or in flight when it was interrupted), in key order; identical objects that were skipped and objects
// not reached yet are not tasks and are left out. bucket is the source
// bucket (the destination's for deletions), as Batch Operations reports the
// object it operated on.
func WriteCSV(w io.Writer, srcBucket, dstBucket, dstPrefix string, each func(func(journal.Row) error) error) (Counts, error) {
	cw := csv.NewWriter(w)
	var c Counts
	if err := cw.Write(Header); err != nil {
		return c, err
	}
	err := each(func(r journal.Row) error {
		var rec []string
		status := strconv.Itoa(r.HTTPStatus)
		switch r.Status {
		case journal.StatusDone:
			c.Succeeded++
			rec = []string{srcBucket, r.SrcKey, "", "succeeded", "", "200", "copied to s3://" + dstBucket + "/" + dstPrefix + r.Rel}
		case journal.StatusDeleted:
			c.Succeeded++
			rec = []string{dstBucket, dstPrefix + r.Rel, "", "succeeded", "", "204", "deleted: not in the source"}
		case journal.StatusInterrupted:
			// In flight when the run stopped: acted on, not settled.
			rec = []string{srcBucket, r.SrcKey, "", "interrupted", "", "", "interrupted while in flight; the next run copies it again"}
		case journal.StatusFailed:
			c.Failed++
			if r.HTTPStatus == 0 {
				status = ""
			}
			rec = []string{srcBucket, r.SrcKey, "", "failed", r.ErrorCode, status, r.Error}
		default:
			return nil
		}
		rec = append(rec, strconv.FormatInt(r.Bytes, 10), r.Strategy, strconv.Itoa(r.Attempts))
		return cw.Write(rec)
	})
	if err != nil {
		return c, fmt.Errorf("write report: %w", err)
	}
	cw.Flush()
	return c, cw.Error()
}

// WriteBucketConfig appends, after WriteCSV's rows, one row per bucket
// configuration the migration applied to the destination bucket (and one
// for the bucket it created): a bucket-level task, with no key, strategy
// "bucket-config", and what was applied in ResultMessage.
func WriteBucketConfig(w io.Writer, dstBucket string, applied []journal.BucketConfig) (int64, error) {
	cw := csv.NewWriter(w)
	var n int64
	for _, bc := range applied {
		msg := fmt.Sprintf("bucket configuration %s applied to s3://%s at %s", bc.Kind, dstBucket, bc.At.UTC().Format(time.RFC3339))
		if bc.Kind == "bucket" {
			msg = fmt.Sprintf("bucket s3://%s created at %s, %s", dstBucket, bc.At.UTC().Format(time.RFC3339), bc.Applied)
		}
		if err := cw.Write([]string{dstBucket, "", "", "succeeded", "", "200", msg, "0", "bucket-config", "1"}); err != nil {
			return n, fmt.Errorf("write report: %w", err)
		}
		n++
	}
	cw.Flush()
	return n, cw.Error()
}

// FromJournal writes the whole report of the journal at path: the objects
// (WriteCSV), then the bucket configuration the migration applied. It reads
// the journal without its lock, so a running migration's report can be
// written too (what it settled so far).
func FromJournal(w io.Writer, path string) (Counts, error) {
	r, err := journal.Inspect(path)
	if err != nil {
		return Counts{}, err
	}
	defer r.Close()
	def := r.Definition()
	c, err := WriteCSV(w, def.Src.Bucket, def.Dst.Bucket, def.Dst.Prefix, r.Each)
	if err != nil {
		return c, fmt.Errorf("report of %s: %w", def.ID, err)
	}
	applied, err := journal.ReadBucketConfigs(path)
	if err == nil {
		_, err = WriteBucketConfig(w, def.Dst.Bucket, applied)
	}
	if err != nil {
		return c, fmt.Errorf("report of %s: %w", def.ID, err)
	}
	return c, nil
}
