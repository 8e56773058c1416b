// Package golden compares test output with files under testdata, and
// rewrites them from the current output with -update: one implementation
// for every package whose tests pin text (screens, policies, the SDK's
// requests to the batch job emulator).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Update rewrites the golden files from the current output:
// go test ./... -update (or one package).
var Update = flag.Bool("update", false, "rewrite the golden files under testdata from the current output")

// Check compares got with the file at path, or writes got there (creating
// its folder) with -update. A difference is reported with diff(want, got)
// when given, else both texts whole.
func Check(t testing.TB, path, got string, diff func(want, got string) string) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
		return
	}
	if string(want) == got {
		return
	}
	if diff != nil {
		t.Errorf("%s differs from the golden file:\n%s", path, diff(string(want), got))
		return
	}
	t.Errorf("%s differs from the golden file:\n--- want\n%s\n--- got\n%s", path, want, got)
}
