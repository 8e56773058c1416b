package jobs

import (
	"os"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/testenv"
)

// TestMain keeps the tests away from the developer's AWS_* and XDG_*
// variables and HOME, and shows times in UTC so the goldens are the same
// in every time zone.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(testenv.Run(m))
}
