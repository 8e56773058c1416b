// Package sandboxtest starts one sandbox per test binary (the gateway allows
// one per process), for packages whose integration tests need S3.
package sandboxtest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/testenv"
)

// Run is the body of a TestMain: unless -short, it starts a sandbox with
// the seed and hands it to set, runs the tests, stops the sandbox, and
// returns the exit code. With -short, set is not called and the tests that
// need the sandbox skip themselves.
//
// First of all it makes the test binary hermetic (testenv.Isolate): the
// developer's AWS_* and XDG_* variables and HOME are out of reach.
func Run(m *testing.M, seed sandbox.SeedSize, set func(*sandbox.Sandbox)) int {
	flag.Parse()
	cleanup, err := testenv.Isolate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer cleanup()
	if testing.Short() {
		return m.Run()
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Seed: seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start sandbox:", err)
		return 2
	}
	set(sb)
	code := m.Run()
	sb.Close()
	return code
}

// Need skips an integration test when the package's sandbox was not
// started (go test -short).
func Need(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	if sb == nil {
		t.Skip("integration test: needs the sandbox (not started with -short)")
	}
}
