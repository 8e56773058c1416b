package report

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/journal"
)

// TestWriteCSV: one row per object acted on, in the Batch Operations
// columns; skipped and pending rows are not tasks and are left out.
func TestWriteCSV(t *testing.T) {
	rows := []journal.Row{
		{Rel: "a", SrcKey: "src/a", Status: journal.StatusDone, Bytes: 10, Strategy: "copy", Attempts: 1},
		{Rel: "b", SrcKey: "src/b", Status: journal.StatusSkipped},
		{Rel: "c", SrcKey: "src/c", Status: journal.StatusFailed, ErrorCode: "AccessDenied", HTTPStatus: 403, Error: "copy …: AccessDenied", Strategy: "copy", Attempts: 5},
		{Rel: "d", Status: journal.StatusDeleted, Strategy: "delete", Attempts: 1},
		{Rel: "e", SrcKey: "src/e", Status: journal.StatusPending},
		{Rel: "f", SrcKey: "src/f", Status: journal.StatusFailed, ErrorCode: "", Error: "connection reset", Attempts: 5},
		{Rel: "g", SrcKey: "src/g", Status: journal.StatusInterrupted, Strategy: "multipart copy", Attempts: 1},
	}
	var buf bytes.Buffer
	c, err := WriteCSV(&buf, "origin", "dest", "in/", func(fn func(journal.Row) error) error {
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Succeeded != 2 || c.Failed != 2 {
		t.Errorf("counts %+v", c)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		Header,
		{"origin", "src/a", "", "succeeded", "", "200", "copied to s3://dest/in/a", "10", "copy", "1"},
		{"origin", "src/c", "", "failed", "AccessDenied", "403", "copy …: AccessDenied", "0", "copy", "5"},
		{"dest", "in/d", "", "succeeded", "", "204", "deleted: not in the source", "0", "delete", "1"},
		{"origin", "src/f", "", "failed", "", "", "connection reset", "0", "", "5"},
		{"origin", "src/g", "", "interrupted", "", "", "interrupted while in flight; the next run copies it again", "0", "multipart copy", "1"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

// TestWriteBucketConfig: each configuration applied to the destination
// bucket, and its creation, is one bucket-level row after the objects'.
func TestWriteBucketConfig(t *testing.T) {
	at := time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC)
	var buf bytes.Buffer
	n, err := WriteBucketConfig(&buf, "dest", []journal.BucketConfig{
		{Kind: "bucket", Applied: "in eu-west-1, like the source", At: at},
		{Kind: "cors", Applied: `{"CORSRules":[]}`, At: at},
	})
	if err != nil || n != 2 {
		t.Fatalf("WriteBucketConfig = %d, %v", n, err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"dest", "", "", "succeeded", "", "200", "bucket s3://dest created at 2026-11-29T08:30:00Z, in eu-west-1, like the source", "0", "bucket-config", "1"},
		{"dest", "", "", "succeeded", "", "200", "bucket configuration cors applied to s3://dest at 2026-11-29T08:30:00Z", "0", "bucket-config", "1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
}
