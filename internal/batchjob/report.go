package batchjob

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/s3err"
)

// Task statuses in a completion report.
const (
	TaskSucceeded = "succeeded"
	TaskFailed    = "failed"
)

// maxReportManifest bounds manifest.json, which names a few CSV files.
const maxReportManifest = 16 << 20

// TaskResult is one task of a completion report: one object of the
// manifest and what its copy did.
type TaskResult struct {
	Bucket    string // source bucket
	Key       string // source key, decoded
	RawKey    string // the key as the report wrote it (URL-encoded)
	VersionID string
	// Status is TaskSucceeded or TaskFailed.
	Status string
	// ErrorCode is S3's error code of a failed task (NoSuchKey,
	// AccessDenied, InvalidRequest for an object above the copy limit…).
	ErrorCode string
	// HTTPStatus is the task's HTTP status (200 for a success).
	HTTPStatus int
	// Message is the result message ("Successful", or S3's error).
	Message string
}

// Succeeded reports a task that copied its object.
func (r TaskResult) Succeeded() bool { return r.Status == TaskSucceeded }

// TooLarge reports a task refused because the object is above the copy
// limit (changed since the plan, or a limit lower than thought): copy it
// with the local multipart engine.
func (r TaskResult) TooLarge() bool {
	return r.ErrorCode == "InvalidRequest" && strings.Contains(r.Message, "larger than the maximum allowable size")
}

// ReportLineError is a line of a result file that could not be read. The
// other lines are still read: ReadReport goes on after it.
type ReportLineError struct {
	File string // s3://bucket/key of the CSV file
	Line int
	Err  error
}

func (e *ReportLineError) Error() string {
	return fmt.Sprintf("completion report %s line %d: %v", e.File, e.Line, e.Err)
}

func (e *ReportLineError) Unwrap() error { return e.Err }

// reportManifest is the completion report's manifest.json.
type reportManifest struct {
	Format             string `json:"Format"`
	ReportCreationDate string `json:"ReportCreationDate"`
	ReportSchema       string `json:"ReportSchema"`
	Results            []struct {
		TaskExecutionStatus string `json:"TaskExecutionStatus"`
		Bucket              string `json:"Bucket"`
		MD5Checksum         string `json:"MD5Checksum"`
		Key                 string `json:"Key"`
	} `json:"Results"`
}

// ReportKey is the key of job id's report manifest.json under the job's
// Report.Prefix: PREFIX/job-ID/manifest.json (job-ID/manifest.json without
// a prefix). The result CSV files are under PREFIX/job-ID/results/.
func ReportKey(prefix, jobID string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return "job-" + jobID + "/manifest.json"
	}
	return prefix + "/job-" + jobID + "/manifest.json"
}

// ReadReport reads job id's completion report from bucket (its name) and
// prefix (the job's Report.Prefix): manifest.json, then each result CSV
// file it names, one TaskResult per line, streamed. A line that cannot be
// read yields a *ReportLineError and the reading goes on; any other error
// (no report, a file that cannot be read, an MD5 that does not match) is
// yielded last.
//
// The CSV lines are Bucket, Key, VersionId, TaskStatus, then HTTP status
// and error code in either order (AWS's example lines put the status first
// although ReportSchema names the code first, so they are told apart by
// content: the status is three digits), then the result message.
func (c *Client) ReadReport(ctx context.Context, bucket, prefix, jobID string) iter.Seq2[TaskResult, error] {
	return func(yield func(TaskResult, error) bool) {
		key := ReportKey(prefix, jobID)
		loc := "s3://" + bucket + "/" + key
		fail := func(op, where string, err error, hint string) {
			yield(TaskResult{}, &s3err.OpError{Op: op + " of S3 Batch Operations job " + jobID, URL: where, Identity: c.Identity, Err: err, Hint: hint})
		}
		out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			hint := ""
			switch {
			case s3err.IsNotFound(err):
				hint = "no report yet: a job writes it when it ends, and a job cancelled before any task ran writes none"
			case s3err.IsDenied(err):
				hint = "the destination identity needs s3:GetObject on the report prefix"
			}
			fail("read the completion report", loc, err, hint)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(out.Body, maxReportManifest+1))
		out.Body.Close()
		if err != nil {
			fail("read the completion report", loc, err, "")
			return
		}
		if len(raw) > maxReportManifest {
			fail("read the completion report", loc, fmt.Errorf("manifest.json is larger than %d bytes", maxReportManifest), "")
			return
		}
		var man reportManifest
		if err := json.Unmarshal(raw, &man); err != nil {
			fail("read the completion report", loc, fmt.Errorf("manifest.json: %w", err), "")
			return
		}
		if man.Format != "" && man.Format != "Report_CSV_20180820" {
			fail("read the completion report", loc, fmt.Errorf("report format %q", man.Format), "s3migrate reads Report_CSV_20180820 reports")
			return
		}
		for _, r := range man.Results {
			b := r.Bucket
			if b == "" {
				b = bucket
			}
			b = bucketOfARN(b)
			if !c.readResults(ctx, b, r.Key, r.MD5Checksum, yield, fail) {
				return
			}
		}
	}
}

// readResults streams one result CSV file into yield; false stops.
func (c *Client) readResults(ctx context.Context, bucket, key, md5sum string, yield func(TaskResult, error) bool, fail func(op, where string, err error, hint string)) bool {
	loc := "s3://" + bucket + "/" + key
	out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		fail("read the completion report", loc, err, "")
		return false
	}
	defer out.Body.Close()
	h := md5.New()
	r := csv.NewReader(bufio.NewReader(io.TeeReader(out.Body, h)))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if !yield(TaskResult{}, &ReportLineError{File: loc, Line: pe.Line, Err: err}) {
					return false
				}
				continue
			}
			fail("read the completion report", loc, err, "")
			return false
		}
		res, err := parseResult(rec)
		if err != nil {
			line, _ := r.FieldPos(0)
			err = &ReportLineError{File: loc, Line: line, Err: err}
		}
		if !yield(res, err) {
			return false
		}
	}
	if _, err := io.Copy(h, out.Body); err != nil {
		fail("read the completion report", loc, err, "")
		return false
	}
	if got := hex.EncodeToString(h.Sum(nil)); md5sum != "" && !strings.EqualFold(got, md5sum) {
		fail("read the completion report", loc, fmt.Errorf("MD5 %s, manifest.json says %s", got, md5sum), "the result file is not the one the job wrote")
		return false
	}
	return true
}

// parseResult reads one report line.
func parseResult(rec []string) (TaskResult, error) {
	if len(rec) < 6 {
		return TaskResult{}, fmt.Errorf("%d fields, want at least 6 (Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode[, ResultMessage])", len(rec))
	}
	res := TaskResult{Bucket: rec[0], RawKey: rec[1], VersionID: rec[2], Status: rec[3]}
	a, b := rec[4], rec[5]
	switch {
	case isStatus(a) && !isStatus(b):
		res.HTTPStatus, _ = strconv.Atoi(a)
		res.ErrorCode = b
	case isStatus(b) && !isStatus(a):
		res.HTTPStatus, _ = strconv.Atoi(b)
		res.ErrorCode = a
	default:
		return res, fmt.Errorf("no HTTP status in %q, %q", a, b)
	}
	if len(rec) > 6 {
		// A message with unquoted commas spreads over the last fields.
		res.Message = strings.Join(rec[6:], ",")
	}
	switch res.Status {
	case TaskSucceeded, TaskFailed:
	default:
		return res, fmt.Errorf("task status %q", res.Status)
	}
	key, err := DecodeKey(res.RawKey)
	if err != nil {
		return res, fmt.Errorf("key %q is not URL-encoded: %v", res.RawKey, err)
	}
	res.Key = key
	return res, nil
}

// isStatus reports three digits, an HTTP status.
func isStatus(s string) bool {
	return len(s) == 3 && s[0] >= '1' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}
