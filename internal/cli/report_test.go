package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand: `report` writes the same report `sync --report`
// wrote, from the journal alone, to stdout or a file; an unknown id is one
// line and exit 2.
func TestReportCommand(t *testing.T) {
	needSandbox(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	src, dst := newPair(t, "cli-report")
	putN(t, src, "r/", 3)
	synced := filepath.Join(t.TempDir(), "sync.csv")
	if r := run(t, withProfiles("sync", "s3://"+src+"/r/", "s3://"+dst+"/r/", "--progress", "none", "--report", synced)...); r.code != 0 {
		t.Fatalf("sync: exit %d %s", r.code, r.stderr)
	}
	want, err := os.ReadFile(synced)
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, "report")
	if r.code != 0 || r.stdout != string(want) || !strings.Contains(r.stderr, "3 succeeded, 0 failed") {
		t.Errorf("report: exit %d, stderr %q\ngot:\n%s\nwant (sync --report):\n%s", r.code, r.stderr, r.stdout, want)
	}
	if n := strings.Count(r.stdout, "\n"); n != 4 || !strings.HasPrefix(r.stdout, "Bucket,Key,VersionId,TaskStatus") {
		t.Errorf("report: %d lines, want the header and 3 objects:\n%s", n, r.stdout)
	}
	out := filepath.Join(t.TempDir(), "r.csv")
	r = run(t, "report", "--out", out)
	if got, err := os.ReadFile(out); err != nil || string(got) != string(want) || r.stdout != "" {
		t.Errorf("report --out: %v, stdout %q\n%s", err, r.stdout, got)
	}
	if r := run(t, "report", "nope"); r.code != 2 || !strings.Contains(r.stderr, `no migration "nope"`) {
		t.Errorf("report nope: exit %d %q", r.code, r.stderr)
	}
}
