package batchjob_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/batchjob"
)

// putReport writes a completion report by hand: manifest.json naming one
// CSV file per entry of files (status → content), MD5s as given or right.
func putReport(t *testing.T, bucket, prefix, id string, files map[string]string, badMD5 bool) {
	t.Helper()
	ctx := context.Background()
	put := func(key, body string) {
		if _, err := sb.Client(sb.Dest).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	var results []string
	for _, status := range []string{"succeeded", "failed"} {
		body, ok := files[status]
		if !ok {
			continue
		}
		key := prefix + "/job-" + id + "/results/" + status + ".csv"
		put(key, body)
		sum := md5.Sum([]byte(body))
		h := hex.EncodeToString(sum[:])
		if badMD5 {
			h = strings.Repeat("0", 32)
		}
		results = append(results, fmt.Sprintf(`{"TaskExecutionStatus":%q,"Bucket":%q,"MD5Checksum":%q,"Key":%q}`, status, bucket, h, key))
	}
	put(batchjob.ReportKey(prefix, id), `{"Format":"Report_CSV_20180820","ReportCreationDate":"2026-01-01T00:00:00Z","Results":[`+
		strings.Join(results, ",")+`],"ReportSchema":"Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage"}`)
}

// TestReadReportColumns: the HTTP status and the error code are told apart
// by content, in either order; an unreadable line is reported and the
// others still come; a message with commas survives.
func TestReadReportColumns(t *testing.T) {
	c := dest(t)
	_, dst := pair(t, nil)
	putReport(t, dst, "rep", "job1", map[string]string{
		"succeeded": "src,a%20b%2Bc,,succeeded,200,,Successful\n" +
			"src,caf%C3%A9+menu,v1,succeeded,200,,Successful\n",
		"failed": "src,gone,,failed,404,NoSuchKey,\"The specified key does not exist. (Service: Amazon S3; Status Code: 404)\"\n" +
			"src,denied,,failed,AccessDenied,403,Access Denied\n" +
			"src,short,,failed\n" +
			"src,bad%zzkey,,failed,500,InternalError,x\n" +
			"src,commas,,failed,503,SlowDown,Please reduce, your, rate\n",
	}, false)
	var got []string
	var lineErrs []string
	for r, err := range c.ReadReport(context.Background(), dst, "rep/", "job1") {
		if err != nil {
			var le *batchjob.ReportLineError
			if !errors.As(err, &le) {
				t.Fatalf("ReadReport: %v", err)
			}
			lineErrs = append(lineErrs, fmt.Sprintf("%d", le.Line))
			continue
		}
		got = append(got, fmt.Sprintf("%s|%q|%s|%s|%d|%s|%s", r.Bucket, r.Key, r.VersionID, r.Status, r.HTTPStatus, r.ErrorCode, r.Message))
	}
	want := []string{
		`src|"a b+c"||succeeded|200||Successful`,
		`src|"café menu"|v1|succeeded|200||Successful`,
		`src|"gone"||failed|404|NoSuchKey|The specified key does not exist. (Service: Amazon S3; Status Code: 404)`,
		`src|"denied"||failed|403|AccessDenied|Access Denied`,
		`src|"commas"||failed|503|SlowDown|Please reduce, your, rate`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(lineErrs, ",") != "3,4" {
		t.Errorf("line errors at %v, want lines 3 and 4 of the failed file", lineErrs)
	}
}

// TestReadReportMD5: a result file that is not the one manifest.json
// describes is an error after its lines.
func TestReadReportMD5(t *testing.T) {
	c := dest(t)
	_, dst := pair(t, nil)
	putReport(t, dst, "", "job2", map[string]string{"failed": "src,k,,failed,404,NoSuchKey,gone\n"}, true)
	var n int
	var last error
	for _, err := range c.ReadReport(context.Background(), dst, "", "job2") {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	if n != 1 || last == nil || !strings.Contains(last.Error(), "MD5") || !strings.Contains(last.Error(), "job2") {
		t.Errorf("%d results, error %v; want 1 and an MD5 mismatch naming the job", n, last)
	}
}
