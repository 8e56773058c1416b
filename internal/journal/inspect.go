package journal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// A list of migrations (the TUI's Jobs screen) reads journals it does not
// run, some of them held by a running process, and forgets the ones the
// operator is done with. Reading takes no lock and writes nothing a holder
// would see (WAL lets it read beside the writer); forgetting takes the lock
// first, so a journal in use is never deleted under its run.

// Reader reads a journal without taking its lock: its rows as committed so
// far (a running holder commits every ~200 ms).
type Reader struct {
	j *Journal // only path, def, state and db are set: no writer runs
}

// Inspect opens the journal at path to read it, without locking it: it works
// while another process runs the migration.
func Inspect(path string) (*Reader, error) {
	db, def, state, err := openExisting(path)
	if err != nil {
		return nil, err
	}
	return &Reader{j: &Journal{path: path, def: def, db: db, state: state}}, nil
}

// Definition returns what the migration was asked to do.
func (r *Reader) Definition() Definition { return r.j.def }

// Rows returns up to limit rows with the given status ("" for all) after the
// key after, in key order, as Journal.Rows does.
func (r *Reader) Rows(status, after string, limit int) ([]Row, error) {
	return r.j.Rows(status, after, limit)
}

// Each calls fn for every row in key order, as Journal.Each does.
func (r *Reader) Each(fn func(Row) error) error { return r.j.Each(fn) }

// Close closes the database.
func (r *Reader) Close() error { return r.j.db.Close() }

// Remove deletes the journal at path with its WAL, shared-memory and lock
// files: the migration is forgotten (its objects in the buckets are not
// touched). It refuses, changing nothing, a file that is not a journal and a
// journal a process holds (a *LockedError naming it). The lock is held while
// the files go, so no run can open the journal halfway through.
func Remove(path string) error {
	if err := checkHeader(path); err != nil {
		return fmt.Errorf("forget journal %s: %w", path, err)
	}
	lock, err := acquireLock(path)
	if err != nil {
		return err
	}
	defer lock.Close()
	// The database first: a crash midway leaves no journal, at worst a
	// stray -wal or -shm file that nothing lists; the lock file last,
	// while it is still held.
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("forget journal %s: %w", path, err)
		}
	}
	return nil
}
