package plan

import (
	"testing"

	"github.com/s3migrate/s3migrate/ui/uitest"
)

// Every tab at 80×24, the smallest terminal the TUI supports: the body the
// router gives the screen there.
func TestGoldenTabs80x24(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*recorder)
		keys  []string
	}{
		{"policy_80x24", nil, nil},
		{"preflight_80x24", func(r *recorder) { r.PreflightFails = true }, []string{"2"}},
		{"diff_80x24", nil, []string{"3"}},
		{"options_80x24", nil, []string{"4"}},
		{"bucket_80x24", nil, []string{"5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := started(t, tc.setup)
			h.press(tc.keys...)
			uitest.GoldenSmall(t, tc.name, h.state, h.s)
		})
	}
}

// The filter rows set, and the Diff tab with what they left out, at both
// sizes.
func TestGoldenFilter(t *testing.T) {
	h := started(t, nil)
	h.press("4")
	h.editRow(fieldExclude, "*.json")
	h.editRow(fieldMinSize, "4KiB")
	golden(t, "options_filter", h.view())
	h.press("3")
	golden(t, "diff_filter", h.view())
	uitest.GoldenSmall(t, "diff_filter_small_80x24", h.state, h.s)
	h.press("4", "up", "enter")
	uitest.GoldenSmall(t, "options_editing_80x24", h.state, h.s)
}
