package screen

import (
	"testing"
	"time"
)

// The migration a command gets carries the run options with a copy of the
// filter's patterns: an edit on the Options tab afterwards does not reach
// a diff already under way.
func TestMigrationClonesTheFilter(t *testing.T) {
	s := State{Options: RunOptions{Mode: "relay", Filter: Filter{Exclude: []string{"*.tmp"}, Include: []string{"keep.tmp"}, MinSize: 5}}}
	m := s.Migration()
	s.Options.Filter.Exclude[0], s.Options.Filter.Include[0] = "changed", "changed"
	if m.Options.Filter.Exclude[0] != "*.tmp" || m.Options.Filter.Include[0] != "keep.tmp" || m.Options.Mode != "relay" || m.Options.Filter.MinSize != 5 {
		t.Errorf("the migration's options follow later edits: %+v", m.Options)
	}
}

func TestFilterEmpty(t *testing.T) {
	if !(Filter{}).Empty() || !(Filter{Exclude: []string{}}).Empty() {
		t.Error("a filter without rules or bounds is not empty")
	}
	for _, f := range []Filter{{Exclude: []string{"a"}}, {Include: []string{"a"}}, {MinSize: 1}, {MaxSize: 1}, {NewerThan: time.Unix(1, 0)}, {OlderThan: time.Unix(1, 0)}} {
		if f.Empty() {
			t.Errorf("%+v reads as empty", f)
		}
	}
}
