package bucketpolicy

import (
	"os"
	"testing"

	"github.com/s3migrate/s3migrate/internal/testenv"
)

// TestMain keeps the tests away from the developer's AWS_* and XDG_*
// variables and HOME.
func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }
