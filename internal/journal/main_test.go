package journal

import (
	"fmt"
	"os"
	"testing"

	"github.com/s3migrate/s3migrate/internal/testenv"
)

// TestMain keeps the tests away from the developer's AWS_* and XDG_*
// variables and HOME.
func TestMain(m *testing.M) {
	cleanup, err := testenv.Isolate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
