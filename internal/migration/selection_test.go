package migration

import (
	"slices"
	"testing"
)

func TestSelectionDropsCoveredAndDuplicates(t *testing.T) {
	got := Selection([]string{"logs/2026/", "images/a.jpg", "logs/", "images/a.jpg", "logs/2026/01/x.json", "logsx", "docs/"})
	want := []string{"docs/", "images/a.jpg", "logs/", "logsx"}
	if !slices.Equal(got, want) {
		t.Errorf("Selection = %q, want %q", got, want)
	}
}
