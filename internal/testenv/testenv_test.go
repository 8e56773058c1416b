package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hostile variables are gone after Isolate, HOME is a fresh directory, and
// Go's cache stays where it was.
func TestIsolate(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache dir on this machine")
	}
	t.Setenv("AWS_PROFILE", "hostile")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/config")
	t.Setenv("XDG_STATE_HOME", "/nonexistent/state")
	t.Setenv("HOME", os.Getenv("HOME"))
	t.Setenv("GOCACHE", "")
	cleanup, err := Isolate()
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "XDG_") {
			t.Errorf("%s survived", kv)
		}
	}
	home := os.Getenv("HOME")
	if !strings.Contains(filepath.Base(home), "s3migrate-test-home-") {
		t.Errorf("HOME = %s, want a fresh temp dir", home)
	}
	if got := os.Getenv("GOCACHE"); got != filepath.Join(cache, "go-build") {
		t.Errorf("GOCACHE = %q, want it pinned to %s", got, filepath.Join(cache, "go-build"))
	}
}
