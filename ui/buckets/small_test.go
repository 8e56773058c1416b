package buckets

import (
	"testing"

	"github.com/s3migrate/s3migrate/ui/uitest"
)

// The buckets screen at 80×24, the smallest terminal the TUI supports: the
// date column, then the region, drop before a name is cut below 20 cells,
// and the intro fits.
func TestGolden80x24(t *testing.T) {
	d, _ := start(t)
	uitest.GoldenSmall(t, "loaded_80x24", d.State, d.S)
}
