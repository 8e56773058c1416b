package summary

import (
	"testing"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// The summary at 80×24, the smallest terminal the TUI supports: with
// failures, and verified.
func TestGolden80x24(t *testing.T) {
	for name, r := range map[string]*screen.RunResult{"summary_failures_80x24": withFailures(), "summary_verified_80x24": verifiedClean()} {
		uitest.Golden(t, name, uitest.Fit(t, New().View(testState(r), uitest.SmallWidth, uitest.SmallHeight), uitest.SmallWidth, uitest.SmallHeight))
	}
}
