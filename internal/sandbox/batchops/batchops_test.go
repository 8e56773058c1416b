package batchops

import (
	"testing"
	"time"
)

// TestElapsedTimeInActive: the timer counts time spent Active, and stops
// counting when the job leaves Active.
func TestElapsedTimeInActive(t *testing.T) {
	j := &job{}
	j.setStatusLocked(StatusPreparing)
	if got := j.progress().Timers.ElapsedTimeInActiveSeconds; got != 0 {
		t.Fatalf("before Active: %d s", got)
	}
	j.setStatusLocked(StatusActive)
	j.activeSince = time.Now().Add(-2500 * time.Millisecond)
	if got := j.progress().Timers.ElapsedTimeInActiveSeconds; got != 2 {
		t.Errorf("2.5 s Active: %d s, want 2", got)
	}
	j.setStatusLocked(StatusCompleting)
	j.setStatusLocked(StatusComplete)
	if got := j.progress().Timers.ElapsedTimeInActiveSeconds; got != 2 {
		t.Errorf("after Active: %d s, want 2 (frozen)", got)
	}
	if j.terminated.IsZero() {
		t.Error("Complete without a termination date")
	}
}

func TestManifestColumns(t *testing.T) {
	c, err := manifestColumns([]string{"Ignore", "Key", "Bucket", "VersionId"})
	if err != nil || c.bucket != 2 || c.key != 1 || c.version != 3 || c.n != 4 {
		t.Errorf("columns %+v, %v", c, err)
	}
	for _, bad := range [][]string{{"Bucket"}, {"Key", "Key", "Bucket"}, {"Bucket", "Key", "Size"}, nil} {
		if _, err := manifestColumns(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestARNs(t *testing.T) {
	if b, ok := bucketARN("arn:aws:s3:::dest-archive"); !ok || b != "dest-archive" {
		t.Errorf("bucket ARN: %q %v", b, ok)
	}
	if _, ok := bucketARN("arn:aws:s3:::dest-archive/key"); ok {
		t.Error("an object ARN taken for a bucket ARN")
	}
	if b, k, ok := objectARN("arn:aws:s3:::b/dir/manifest.csv"); !ok || b != "b" || k != "dir/manifest.csv" {
		t.Errorf("object ARN: %q %q %v", b, k, ok)
	}
	if _, _, ok := objectARN("arn:aws:s3:::b"); ok {
		t.Error("a bucket ARN taken for an object ARN")
	}
	if got := ReportPrefix("reports/", "j1"); got != "reports/job-j1/" {
		t.Errorf("ReportPrefix: %q", got)
	}
	if got := ReportPrefix("", "j1"); got != "job-j1/" {
		t.Errorf("ReportPrefix without prefix: %q", got)
	}
}
