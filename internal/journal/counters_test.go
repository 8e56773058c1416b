package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"testing"

	"github.com/s3migrate/s3migrate/transfer"
)

// tally is one status's row count, sizes and bytes copied.
type tally struct{ n, size, bytes int64 }

// fullCount counts the object table row by row: what the counters must say.
func fullCount(t *testing.T, db *sql.DB) map[string]tally {
	t.Helper()
	return tallies(t, db, `SELECT status, count(*), coalesce(sum(size), 0), coalesce(sum(bytes), 0) FROM object GROUP BY status`)
}

// storedCount reads the counters the triggers keep.
func storedCount(t *testing.T, db *sql.DB) map[string]tally {
	t.Helper()
	return tallies(t, db, `SELECT status, n, size, bytes FROM object_count WHERE n != 0 OR size != 0 OR bytes != 0`)
}

// tallies runs a query of status, count, size and bytes.
func tallies(t *testing.T, db *sql.DB, query string) map[string]tally {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]tally{}
	for rows.Next() {
		var s string
		var c tally
		if err := rows.Scan(&s, &c.n, &c.size, &c.bytes); err != nil {
			t.Fatal(err)
		}
		out[s] = c
	}
	return out
}

// checkCounters: the stored counters, Counts and List's summary all equal a
// full count of the rows.
func checkCounters(t *testing.T, when string, db *sql.DB, path string) {
	t.Helper()
	want := fullCount(t, db)
	if got := storedCount(t, db); !maps.Equal(got, want) {
		t.Errorf("%s: counters %v, a full count %v", when, got, want)
	}
	var scan, stored Summary
	for _, c := range []struct {
		counted bool
		s       *Summary
	}{{false, &scan}, {true, &stored}} {
		if err := db.QueryRow(summaryQuery(c.counted)).Scan(&c.s.Planned, &c.s.Pending, &c.s.Done, &c.s.Failed, &c.s.Skipped, &c.s.Bytes, &c.s.PlannedBytes); err != nil {
			t.Fatal(err)
		}
	}
	if scan != stored {
		t.Errorf("%s: summary from the counters %+v, from a scan %+v", when, stored, scan)
	}
	list, err := List(filepath.Dir(path))
	if err != nil || len(list) != 1 || list[0].Err != nil {
		t.Fatalf("%s: List = %+v, %v", when, list, err)
	}
	if s := list[0]; s.Planned != scan.Planned || s.Pending != scan.Pending || s.Done != scan.Done || s.Failed != scan.Failed ||
		s.Skipped != scan.Skipped || s.Bytes != scan.Bytes || s.PlannedBytes != scan.PlannedBytes {
		t.Errorf("%s: List says %+v, a scan %+v", when, s, scan)
	}
}

// writeMix records a bit of everything a run does to rows: plans of every
// class, copies done and failed, deletes, interruptions, outcomes of
// unplanned keys, a re-plan over settled rows.
func writeMix(j *Journal, tag string, n int) {
	classes := []transfer.Class{transfer.ClassNew, transfer.ClassChanged, transfer.ClassIdentical, transfer.ClassExtra}
	for i := range n {
		e := entry(fmt.Sprintf("%s/%04d", tag, i), classes[i%len(classes)], int64(i*7+1))
		j.Planned(e)
		switch i % 9 {
		case 0, 1:
			j.Finished(e, "copy", 1, nil)
		case 2:
			j.Finished(e, "copy", 3, errors.New("AccessDenied"))
		case 3:
			j.Finished(e, "copy", 1, context.Canceled)
		case 4:
			if e.Class == transfer.ClassExtra {
				j.Finished(e, "delete", 1, nil)
			}
		}
	}
	for i := range n / 3 { // a second plan over the same keys: sizes and classes change
		e := entry(fmt.Sprintf("%s/%04d", tag, i), classes[(i+1)%len(classes)], int64(i*5+2))
		j.Planned(e)
	}
	for i := range 5 { // outcomes of keys never planned (the insert path)
		j.Finished(entry(fmt.Sprintf("%s/unplanned-%d", tag, i), transfer.ClassNew, 11), "copy", 1, nil)
	}
}

// TestCountersMatchFullCount: the stored counters equal a full count of the
// rows after every kind of write, after a new run forgets the unsettled
// rows, after a reopen, and after Open adds them to a journal without them
// (schema 3, or 4 as the previous release wrote it, or a half-made set).
func TestCountersMatchFullCount(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.db")
	j, err := Create(path, testDef())
	if err != nil {
		t.Fatal(err)
	}
	checkCounters(t, "empty", j.db, path)
	writeMix(j, "a", 400)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, "after writes", j.db, path)
	if _, err := j.BeginRun(); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, "after BeginRun forgot the unsettled rows", j.db, path)
	writeMix(j, "b", 300)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	checkCounters(t, "after Close", raw, path)

	j, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	writeMix(j, "a", 200) // over rows of the first run
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, "after a reopen and more writes", raw, path)
	want := fullCount(t, raw)

	for _, c := range []struct {
		name    string
		version int
		drop    string
	}{
		{"schema 3", 3, countersDrop + `DROP TABLE bucket_config;`},
		{"schema 4 without counters", 4, countersDrop},
		{"a half-made set", 4, `DROP TRIGGER object_count_update;`},
	} {
		if _, err := raw.Exec(c.drop + fmt.Sprintf("PRAGMA user_version = %d;", c.version)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ok, err := hasCounters(raw); err != nil || ok {
			t.Fatalf("%s: hasCounters = %v, %v", c.name, ok, err)
		}
		// Read as it is (List scans), untouched.
		if c.name != "a half-made set" {
			checkList(t, c.name+", read without opening", path, want)
		}
		if ok, _ := hasCounters(raw); ok {
			t.Fatalf("%s: reading added the counters", c.name)
		}
		j, err := Open(path)
		if err != nil {
			t.Fatalf("%s: Open: %v", c.name, err)
		}
		if ok, err := hasCounters(j.db); err != nil || !ok {
			t.Fatalf("%s: Open did not add the counters: %v", c.name, err)
		}
		checkCounters(t, c.name+", upgraded", j.db, path)
		writeMix(j, "c", 90)
		if err := j.Flush(); err != nil {
			t.Fatal(err)
		}
		checkCounters(t, c.name+", upgraded, then written", j.db, path)
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		want = fullCount(t, raw)
	}
}

// checkList: List of a journal without counters sums its rows as before.
func checkList(t *testing.T, when, path string, want map[string]tally) {
	t.Helper()
	list, err := List(filepath.Dir(path))
	if err != nil || len(list) != 1 || list[0].Err != nil {
		t.Fatalf("%s: List = %+v, %v", when, list, err)
	}
	s := list[0]
	var planned, bytes, plannedBytes int64
	for st, c := range want {
		planned += c.n
		bytes += c.bytes
		if st == StatusPending || st == StatusDone || st == StatusFailed {
			plannedBytes += c.size
		}
	}
	if s.Planned != planned || s.Pending != want[StatusPending].n || s.Done != want[StatusDone].n || s.Failed != want[StatusFailed].n ||
		s.Skipped != want[StatusSkipped].n || s.Bytes != bytes || s.PlannedBytes != plannedBytes {
		t.Errorf("%s: List says %+v, the rows %v", when, s, want)
	}
}
