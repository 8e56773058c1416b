// Package journal keeps the plan and the per-object state of one migration in
// a SQLite database on disk, so a 10M-key plan is not held in memory, a crash
// loses at most the last batch of writes, and reports and the UI can page
// through rows with a query.
//
// A journal stores profile names, never credentials: nothing in the schema
// can hold a key, a secret or a token.
package journal

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver: no cgo, one static binary

	"github.com/s3migrate/s3migrate/transfer"
)

// appID marks a SQLite file as an s3migrate journal ("s3mg"), so Open can
// tell our files from any other database before reading tables.
const appID = 0x73336d67

// schemaVersion is bumped on every incompatible schema change; Open refuses
// other versions instead of misreading them.
const schemaVersion = 1

const schema = `
CREATE TABLE migration (
	id          TEXT NOT NULL,
	created     TEXT NOT NULL,
	updated     TEXT NOT NULL,
	state       TEXT NOT NULL,
	src_bucket  TEXT NOT NULL,
	src_prefix  TEXT NOT NULL,
	dst_bucket  TEXT NOT NULL,
	dst_prefix  TEXT NOT NULL,
	src_profile TEXT NOT NULL,
	dst_profile TEXT NOT NULL
);
CREATE TABLE option (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
-- One row per relative key; WITHOUT ROWID stores each key once.
CREATE TABLE object (
	rel         TEXT PRIMARY KEY,
	src_key     TEXT NOT NULL,
	size        INTEGER NOT NULL,
	etag        TEXT NOT NULL,
	class       TEXT NOT NULL,
	status      TEXT NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	strategy    TEXT NOT NULL DEFAULT '',
	error_code  TEXT NOT NULL DEFAULT '',
	http_status INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	bytes       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- Paging through "failed" rows of a 10M-key plan must not scan the table.
CREATE INDEX object_status ON object (status, rel);
CREATE TABLE upload (
	rel       TEXT PRIMARY KEY,
	upload_id TEXT NOT NULL,
	src_etag  TEXT NOT NULL,
	part_size INTEGER NOT NULL,
	started   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE part (
	rel  TEXT NOT NULL,
	part INTEGER NOT NULL,
	etag TEXT NOT NULL,
	PRIMARY KEY (rel, part)
) WITHOUT ROWID;
`

// Object statuses, as stored and as keys of Counts.
const (
	StatusPending = "pending" // to copy (new or changed)
	StatusSkipped = "skipped" // identical on both sides
	StatusExtra   = "extra"   // only in the destination; deleted only with --delete
	StatusDone    = "done"    // copied
	StatusFailed  = "failed"  // gave up after retries
	StatusDeleted = "deleted" // removed from the destination (--delete)
)

// State is where a migration as a whole stands.
type State string

// The migration states. Interrupted means the process stopped (signal,
// crash) before the run ended, so a later run should resume it.
const (
	StatePlanning    State = "planning"
	StateRunning     State = "running"
	StateDone        State = "done"
	StateFailed      State = "failed"
	StateInterrupted State = "interrupted"
)

func (s State) valid() bool {
	switch s {
	case StatePlanning, StateRunning, StateDone, StateFailed, StateInterrupted:
		return true
	}
	return false
}

// Definition is what a migration was asked to do: enough to show it in a
// list and to resume it, and deliberately nothing that could authenticate.
type Definition struct {
	ID      string
	Created time.Time
	Src     transfer.Location
	Dst     transfer.Location
	// SrcProfile and DstProfile are AWS profile names; credentials are
	// resolved again from them on every run.
	SrcProfile string
	DstProfile string
	// Options are the sync flags that shape the run (mode, compare, acl,
	// storage-class, delete, concurrency), by flag name.
	Options map[string]string
}

// Journal is one migration's database. Recorder methods may be called from
// many goroutines; their writes are batched by one writer goroutine.
type Journal struct {
	path string
	def  Definition
	db   *sql.DB

	mu    sync.Mutex // guards state
	state State

	writer
}

// Dir returns the directory that holds the journals, creating it (0700: the
// journals name buckets and keys) if needed: $XDG_STATE_HOME/s3migrate, else
// ~/.local/state/s3migrate.
func Dir() (string, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // the XDG spec says to ignore relative paths
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("journal directory: %w (set XDG_STATE_HOME)", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	dir := filepath.Join(base, "s3migrate")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("journal directory: %w", err)
	}
	return dir, nil
}

// newID returns a migration id that sorts by creation time, with a random
// suffix so two migrations started in the same second do not collide.
func newID(now time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// secretish matches option names that would hold credentials.
var secretish = regexp.MustCompile(`(?i)secret|password|token|credential|session|access.?key`)

// Create makes a new journal at path (Dir()/<ID>.db when path is ""),
// generating the ID and Created time when they are zero. It fails if the
// file exists, so a migration is never silently overwritten.
func Create(path string, def Definition) (*Journal, error) {
	for name := range def.Options {
		if secretish.MatchString(name) {
			return nil, fmt.Errorf("create journal: option %q looks like a credential; journals store profile names only", name)
		}
	}
	if def.Created.IsZero() {
		def.Created = time.Now()
	}
	def.Created = def.Created.UTC()
	if def.ID == "" {
		def.ID = newID(def.Created)
	}
	if path == "" {
		dir, err := Dir()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(dir, def.ID+".db")
	}
	// Creating the file ourselves makes "already exists" atomic and sets the
	// mode: SQLite gives its -wal and -shm files the same mode as this file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create journal %s: it already exists: open it to resume, or choose another id", path)
		}
		return nil, fmt.Errorf("create journal: %w", err)
	}
	f.Close()
	db, err := openDB(path)
	if err == nil {
		err = initDB(db, def)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		return nil, fmt.Errorf("create journal %s: %w", path, err)
	}
	return start(path, db, def, StatePlanning), nil
}

func initDB(db *sql.DB, def Definition) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := formatTime(time.Now())
	stmts := []string{
		schema,
		fmt.Sprintf("PRAGMA application_id = %d", appID),
		fmt.Sprintf("PRAGMA user_version = %d", schemaVersion),
	}
	for _, s := range stmts {
		if _, err := tx.Exec(s); err != nil {
			return err
		}
	}
	_, err = tx.Exec(`INSERT INTO migration VALUES (?,?,?,?,?,?,?,?,?,?)`,
		def.ID, formatTime(def.Created), now, string(StatePlanning),
		def.Src.Bucket, def.Src.Prefix, def.Dst.Bucket, def.Dst.Prefix, def.SrcProfile, def.DstProfile)
	if err != nil {
		return err
	}
	for name, value := range def.Options {
		if _, err := tx.Exec(`INSERT INTO option VALUES (?,?)`, name, value); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Open opens an existing journal to resume or inspect it.
func Open(path string) (*Journal, error) {
	db, def, state, err := openExisting(path)
	if err != nil {
		return nil, err
	}
	return start(path, db, def, state), nil
}

// openExisting opens and checks a journal without starting its writer (List
// only reads).
func openExisting(path string) (*sql.DB, Definition, State, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, Definition{}, "", fmt.Errorf("open journal: %w", err)
	}
	db, err := openDB(path)
	if err == nil {
		err = checkVersion(db)
	}
	var def Definition
	var state State
	if err == nil {
		def, state, err = readDefinition(db)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		return nil, Definition{}, "", fmt.Errorf("open journal %s: %w", path, err)
	}
	return db, def, state, nil
}

// openDB opens the file (never creating it: mode=rw) with the settings every
// connection needs.
func openDB(path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	u := url.URL{Scheme: "file", Path: abs}
	q := url.Values{}
	q.Set("mode", "rw")
	// WAL lets reports and the UI read while the writer commits. With WAL,
	// synchronous=NORMAL survives a crash of the process and loses at most
	// the last commits on power loss, which a resumed run re-plans anyway.
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	// Writes start as IMMEDIATE so two writers wait for each other instead
	// of failing when a read transaction tries to upgrade.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", u.String()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func checkVersion(db *sql.DB) error {
	var id, version int64
	if err := db.QueryRow("PRAGMA application_id").Scan(&id); err != nil {
		return fmt.Errorf("not an s3migrate journal: %w", err)
	}
	if id != appID {
		return errors.New("not an s3migrate journal (another SQLite database)")
	}
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version != schemaVersion {
		return fmt.Errorf("journal schema version %d, this s3migrate reads version %d: use the s3migrate that wrote it, or start a new migration", version, schemaVersion)
	}
	return nil
}

func readDefinition(db *sql.DB) (Definition, State, error) {
	var def Definition
	var created, state string
	err := db.QueryRow(`SELECT id, created, state, src_bucket, src_prefix, dst_bucket, dst_prefix, src_profile, dst_profile FROM migration`).
		Scan(&def.ID, &created, &state, &def.Src.Bucket, &def.Src.Prefix, &def.Dst.Bucket, &def.Dst.Prefix, &def.SrcProfile, &def.DstProfile)
	if err != nil {
		return def, "", fmt.Errorf("read migration: %w", err)
	}
	if def.Created, err = parseTime(created); err != nil {
		return def, "", err
	}
	rows, err := db.Query(`SELECT name, value FROM option`)
	if err != nil {
		return def, "", fmt.Errorf("read options: %w", err)
	}
	defer rows.Close()
	def.Options = map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return def, "", err
		}
		def.Options[name] = value
	}
	return def, State(state), rows.Err()
}

// Definition returns what the migration was asked to do.
func (j *Journal) Definition() Definition {
	def := j.def
	def.Options = make(map[string]string, len(j.def.Options))
	for k, v := range j.def.Options {
		def.Options[k] = v
	}
	return def
}

// Path returns the journal's file name.
func (j *Journal) Path() string { return j.path }

// State returns the migration's state as last set.
func (j *Journal) State() State {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.state
}

// SetState records the migration's state. It commits before returning (with
// every write recorded before it), because a state change is what a later
// run reads to decide whether to resume.
func (j *Journal) SetState(s State) error {
	if !s.valid() {
		return fmt.Errorf("journal %s: unknown state %q", j.path, s)
	}
	if err := j.call(op{kind: opState, state: s}).err; err != nil {
		return err
	}
	j.mu.Lock()
	j.state = s
	j.mu.Unlock()
	return nil
}

// Close commits every pending write and closes the database; it returns the
// first write error, if any.
func (j *Journal) Close() error {
	err := j.stop()
	if cerr := j.db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close journal %s: %w", j.path, cerr)
	}
	return err
}

// Times are stored as RFC 3339 text so the file reads well in the sqlite3 shell.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, fmt.Errorf("bad time %q in journal: %w", s, err)
	}
	return t, nil
}

// oneLine keeps a stored error on one line, for the CSV report and the UI.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 1000
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
