package batchops

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ReportSchema is the completion report's ReportSchema, as AWS documents it.
const ReportSchema = "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage"

// ReportManifest is the completion report's top-level manifest.json.
type ReportManifest struct {
	Format             string         `json:"Format"`
	ReportCreationDate string         `json:"ReportCreationDate"`
	Results            []ReportResult `json:"Results"`
	ReportSchema       string         `json:"ReportSchema"`
}

// ReportResult names one CSV file of results.
type ReportResult struct {
	TaskExecutionStatus string `json:"TaskExecutionStatus"` // succeeded | failed
	Bucket              string `json:"Bucket"`              // bucket name, not ARN
	MD5Checksum         string `json:"MD5Checksum"`         // hex MD5 of the CSV file
	Key                 string `json:"Key"`
}

// ReportPrefix returns the key prefix under which a job's completion report
// goes: <Prefix>/job-<id>/ (or job-<id>/ without a prefix); manifest.json is
// directly under it, the CSV files under results/.
func ReportPrefix(prefix, jobID string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return "job-" + jobID + "/"
	}
	return prefix + "/job-" + jobID + "/"
}

// writeReport writes the completion report: one CSV file per task outcome
// (succeeded, failed; only failed with ReportScope FailedTasksOnly) and the
// manifest.json naming them.
//
// Each CSV line is Bucket, Key (as the manifest wrote it, URL-encoded),
// VersionId, TaskStatus, then the HTTP status code, the error code and the
// result message: the order of AWS's documented example lines
// ("...,failed,200,PermanentFailure,..."), which puts the HTTP status before
// the error code although ReportSchema names them the other way round. A
// reader should tell them apart by content (the status is three digits).
func writeReport(ctx context.Context, c *s3.Client, j *job, results []result) error {
	rep := j.req.Report
	bucket, _ := bucketARN(rep.Bucket)
	base := ReportPrefix(rep.Prefix, j.id)
	var ok, failed []result
	for _, r := range results {
		if r.succeeded {
			ok = append(ok, r)
		} else {
			failed = append(failed, r)
		}
	}
	man := ReportManifest{Format: reportFormatCSV, ReportCreationDate: isoTime(time.Now()), ReportSchema: ReportSchema, Results: []ReportResult{}}
	groups := []struct {
		status string
		rows   []result
	}{{"succeeded", ok}, {"failed", failed}}
	for _, g := range groups {
		if len(g.rows) == 0 || (g.status == "succeeded" && rep.ReportScope == "FailedTasksOnly") {
			continue
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		for _, r := range g.rows {
			_ = w.Write([]string{r.bucket, r.rawKey, r.version, g.status, strconv.Itoa(r.httpStatus), r.errorCode, r.message})
		}
		w.Flush()
		name := sha1.Sum([]byte(j.id + "/" + g.status))
		key := base + "results/" + hex.EncodeToString(name[:]) + ".csv"
		if err := put(ctx, c, bucket, key, "text/csv", buf.Bytes()); err != nil {
			return err
		}
		sum := md5.Sum(buf.Bytes())
		man.Results = append(man.Results, ReportResult{TaskExecutionStatus: g.status, Bucket: bucket, MD5Checksum: hex.EncodeToString(sum[:]), Key: key})
	}
	b, err := json.MarshalIndent(man, "", "    ")
	if err != nil {
		return err
	}
	return put(ctx, c, bucket, base+"manifest.json", "application/json", b)
}

func put(ctx context.Context, c *s3.Client, bucket, key, ctype string, body []byte) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentType: aws.String(ctype),
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}
