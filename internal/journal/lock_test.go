package journal

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3migrate/s3migrate/transfer"
)

// A journal belongs to one process: a second open fails at once, naming
// the holder, and succeeds once the first is closed. List reports a held
// journal as held, and a "running" one nobody holds as interrupted.
func TestLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	j, err := Create(path, testDef())
	if err != nil {
		t.Fatal(err)
	}
	if err := j.SetState(StateRunning); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || le.PID != os.Getpid() || le.Host == "" {
		t.Fatalf("second Open: %v, want a LockedError naming pid %d", err, os.Getpid())
	}
	if held, pid, _ := Holder(path); !held || pid != os.Getpid() {
		t.Errorf("Holder = %v, %d while held", held, pid)
	}
	list, err := List(filepath.Dir(path))
	if err != nil || len(list) != 1 || !list[0].Held || list[0].State != StateRunning {
		t.Fatalf("List while held: %+v, %v", list, err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	list, err = List(filepath.Dir(path))
	if err != nil || len(list) != 1 || list[0].Held || list[0].State != StateInterrupted {
		t.Fatalf("List after the holder is gone: %+v, %v (want interrupted, not running)", list, err)
	}
	j2, err := Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	j2.Close()
}

// Opening a file that is not a journal refuses it and leaves it byte for
// byte as it was (SQLite's WAL mode would otherwise rewrite its header).
func TestOpenLeavesOtherFilesUntouched(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (x); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := filepath.Join(dir, "text.db")
	if err := os.WriteFile(text, bytes.Repeat([]byte("plain text "), 50), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{other, text} {
		before, _ := os.ReadFile(path)
		if _, err := Open(path); err == nil {
			t.Errorf("Open(%s) accepted a file that is not a journal", filepath.Base(path))
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(before, after) {
			t.Errorf("Open(%s) modified the refused file", filepath.Base(path))
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Errorf("Open(%s) left a -wal file", filepath.Base(path))
		}
	}
}

// BeginRun numbers runs and forgets unsettled rows, keeping done ones;
// Finished stamps the run; a cancelled object is recorded as interrupted.
func TestBeginRunForgetsUnsettled(t *testing.T) {
	j := newJournal(t)
	if run, err := j.BeginRun(); err != nil || run != 1 {
		t.Fatalf("BeginRun = %d, %v", run, err)
	}
	for _, rel := range []string{"a", "b", "c", "d"} {
		j.Planned(entry(rel, transfer.ClassNew, 1))
	}
	j.Planned(transfer.Entry{Rel: "e", Class: transfer.ClassExtra, Dst: transfer.Object{Key: "e", Size: 2}})
	j.Finished(entry("a", transfer.ClassNew, 1), "copy", 1, nil)
	j.Finished(entry("b", transfer.ClassNew, 1), "copy", 5, errors.New("boom"))
	j.Finished(entry("c", transfer.ClassNew, 1), "copy", 1, contextCanceled())
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, _ := j.Rows("", "", 10)
	got := map[string]string{}
	for _, r := range rows {
		got[r.Rel] = r.Status
		if r.Rel == "a" && r.Run != 1 {
			t.Errorf("row a run %d, want 1", r.Run)
		}
	}
	want := map[string]string{"a": StatusDone, "b": StatusFailed, "c": StatusInterrupted, "d": StatusPending, "e": StatusExtra}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("before BeginRun: %s is %q, want %q", k, got[k], v)
		}
	}
	if run, err := j.BeginRun(); err != nil || run != 2 {
		t.Fatalf("second BeginRun = %d, %v", run, err)
	}
	rows, _ = j.Rows("", "", 10)
	if len(rows) != 1 || rows[0].Rel != "a" || rows[0].Status != StatusDone {
		t.Errorf("after BeginRun rows %+v, want only the done one", rows)
	}
	if done, _ := j.RowsAfter(Cursor{}, StatusDone, 1, 10); len(done) != 1 {
		t.Errorf("RunRows(1) = %d rows", len(done))
	}
	if done, _ := j.RowsAfter(Cursor{}, StatusDone, 2, 10); len(done) != 0 {
		t.Errorf("RunRows(2) = %d rows, want none", len(done))
	}
}

func contextCanceled() error { return context.Canceled }
