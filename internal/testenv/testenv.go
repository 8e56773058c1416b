// Package testenv makes a test binary hermetic: whatever AWS_* and XDG_*
// variables the developer's shell has (README's own `export
// AWS_CONFIG_FILE=…` lines, a default profile, a state folder with real
// journals), the tests neither read them nor write where they point.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Isolate clears every AWS_* and XDG_* variable and points HOME at a fresh
// temporary directory (so ~/.aws and ~/.local/state are the test's own). Go's
// own caches keep their real locations, so builds inside tests stay warm.
// Call it first in TestMain; the returned func removes the directory.
func Isolate() (cleanup func(), err error) {
	// The defaults of GOCACHE, GOPATH and GOMODCACHE derive from HOME and
	// XDG_CACHE_HOME: pin them before those move.
	if os.Getenv("GOCACHE") == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			os.Setenv("GOCACHE", filepath.Join(dir, "go-build"))
		}
	}
	if os.Getenv("GOPATH") == "" {
		if home, err := os.UserHomeDir(); err == nil {
			os.Setenv("GOPATH", filepath.Join(home, "go"))
		}
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "XDG_") {
			os.Unsetenv(name)
		}
	}
	home, err := os.MkdirTemp("", "s3migrate-test-home-")
	if err != nil {
		return func() {}, fmt.Errorf("testenv: %w", err)
	}
	os.Setenv("HOME", home)
	return func() { os.RemoveAll(home) }, nil
}

// Run is the whole TestMain of a package whose tests need nothing else:
// isolate, run, clean up, and return the exit code.
func Run(m *testing.M) int {
	cleanup, err := Isolate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer cleanup()
	return m.Run()
}
