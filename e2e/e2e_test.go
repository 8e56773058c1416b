// Package e2e runs the built s3migrate binary as a user would.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemo runs `s3migrate demo` (README's first command) end to end: the
// denied server-side copy, the policy, the copies, the re-run and the revert.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary")
	}
	bin := build(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A --dir used before: the demo seeds afresh, so the old journals go.
	dir := t.TempDir()
	stale := filepath.Join(dir, "state", "s3migrate", "20260101-000000-aaaa.db")
	if err := os.MkdirAll(filepath.Dir(stale), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("an old journal"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "demo", "--headless", "--dir", dir)
	cmd.Env = append(os.Environ(), "AWS_PROFILE=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("demo --dir kept the journal of an earlier demo")
	}
	s := string(out)
	for _, want := range []string{
		"new:                     2427 objects",
		"AccessDenied",
		"run `s3migrate policy s3://origin-data/reports/ --source-profile sandbox-origin --grantee-profile sandbox-dest --apply`",
		`+       "Sid": "S3MigrateReadList`,
		"applied: s3://origin-data",
		"copied 5 objects", "[5 server-side, 0 relayed]",
		"copied 400 objects", "[400 server-side, 0 relayed]",
		"copied 1 object (80.0 MiB)", "[1 server-side, 0 relayed]",
		"400 identical",
		"created and waiting: copies 5 objects (3.1 KiB) to s3://dest-archive/docs/",
		"verified 5 of 5 objects: all match",
		"reverted",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", s)
	}
}
