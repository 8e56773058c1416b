package profiles

import (
	"testing"

	"github.com/s3migrate/s3migrate/ui/uitest"
)

// The profiles screen at 80×24, the smallest terminal the TUI supports: a
// shorter intro, and identity lines without "account " so the region
// stays whole. (A profile's problem can still be longer than the pane.)
func TestGolden80x24(t *testing.T) {
	state, s := setup(t)
	s, _ = press(state, s, "down", "space", "up", "space")
	uitest.GoldenSmall(t, "chosen_80x24", state, s)
}
