package run

import (
	"testing"

	"github.com/s3migrate/s3migrate/ui/uitest"
)

// The run screen at 80×24, the smallest terminal the TUI supports, mid-run.
func TestGolden80x24(t *testing.T) {
	m, state := midRun(t)
	uitest.Golden(t, "run_midrun_80x24", uitest.Fit(t, m.View(state, uitest.SmallWidth, uitest.SmallHeight), uitest.SmallWidth, uitest.SmallHeight))
}
