// Package report writes a migration's per-object outcome as CSV, in the
// column layout of S3 Batch Operations completion reports, so existing
// tooling for those reports reads it too.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

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
