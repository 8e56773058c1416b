package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3migrate/s3migrate/transfer"
)

// Inspect reads the rows of a journal another run holds, without its lock.
func TestInspectReadsAHeldJournal(t *testing.T) {
	j := newJournal(t)
	ok, bad := entry("a", transfer.ClassNew, 3), entry("b", transfer.ClassNew, 4)
	j.Planned(ok)
	j.Planned(bad)
	j.Finished(ok, "copy", 1, nil)
	j.Finished(bad, "copy", 3, errors.New("copy s3://origin/photos/b: AccessDenied"))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := Inspect(j.Path())
	if err != nil {
		t.Fatalf("Inspect of a held journal: %v", err)
	}
	defer r.Close()
	rows, err := r.Rows(StatusFailed, "", 10)
	if err != nil || len(rows) != 1 || rows[0].Rel != "b" || rows[0].Attempts != 3 {
		t.Fatalf("failed rows %+v, %v", rows, err)
	}
	n := 0
	if err := r.Each(func(Row) error { n++; return nil }); err != nil || n != 2 {
		t.Errorf("Each: %d rows, %v", n, err)
	}
	if r.Definition().Src.Bucket != "origin" {
		t.Errorf("definition %+v", r.Definition())
	}
}

// Remove refuses a held journal (changing nothing) and deletes a free one
// with its sidecar files; it never deletes a file that is not a journal.
func TestRemove(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	j, err := Create(path, testDef())
	if err != nil {
		t.Fatal(err)
	}
	err = Remove(path)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Fatalf("Remove of a held journal: %v, want a LockedError", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the held journal is gone: %v", err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Remove(path); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s%s is still there: %v", path, suffix, err)
		}
	}
	other := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(other, []byte("not a journal"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Remove(other); err == nil {
		t.Error("Remove deleted a file that is not a journal")
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("the other file: %v", err)
	}
}
