package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder keeps what Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// Check passes equal text, reports a difference through diff, and reports
// a missing file with the way to create it.
func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "x.golden")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, []byte("same\n"), 0o644)
	r := &recorder{TB: t}
	Check(r, path, "same\n", nil)
	if len(r.errs) != 0 {
		t.Errorf("equal text reported: %q", r.errs)
	}
	Check(r, path, "other\n", func(want, got string) string { return "-" + want + "+" + got })
	if len(r.errs) != 1 || r.errs[0] != path+" differs from the golden file:\n-same\n+other\n" {
		t.Errorf("a difference reported as %q", r.errs)
	}
	Check(r, filepath.Join(t.TempDir(), "none.golden"), "x", nil)
	if len(r.errs) != 2 {
		t.Errorf("a missing file not reported: %q", r.errs)
	}
}
