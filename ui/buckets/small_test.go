package buckets

import (
	"testing"

	"github.com/s3migrate/s3migrate/ui/uitest"
)

// The buckets screen at 80×24, the smallest terminal the TUI supports.
// Known: the names are cut to three characters and the dates wrap onto
// their own line (issue 11, §2); this golden records the screen as it is
// until the columns drop in priority order as the browser's do.
func TestGolden80x24(t *testing.T) {
	d, _ := start(t)
	uitest.GoldenSmall(t, "loaded_80x24", d.State, d.S)
}
