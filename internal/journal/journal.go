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
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
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
//
// Version 2 stores the migration's typed definition (a JSON document owned by
// internal/migration), the run counter, and the listing facts each plan row
// needs to be copied without listing again.
//
// Version 3 adds copied_etag, the ETag of the object a completed copy wrote.
// A version 2 journal is upgraded in place by Open (the column is added,
// empty), so a migration started by the previous release resumes.
//
// Version 4 adds bucket_config: what the migration applied to the
// destination bucket (bucket-config's kinds, "bucket" for a bucket created
// like the source), so a resume does not apply it twice and the report
// lists it. Versions 2 and 3 are upgraded in place by Open (the table is
// added, empty); reading a journal without opening it leaves it as it is.
const schemaVersion = 4

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
	dst_profile TEXT NOT NULL,
	definition  TEXT NOT NULL,
	run         INTEGER NOT NULL DEFAULT 0,
	holder_pid  INTEGER NOT NULL DEFAULT 0,
	holder_host TEXT NOT NULL DEFAULT ''
);
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
	bytes       INTEGER NOT NULL DEFAULT 0,
	mtime       TEXT NOT NULL DEFAULT '',
	storage     TEXT NOT NULL DEFAULT '',
	checksum    TEXT NOT NULL DEFAULT '',
	dst_size    INTEGER NOT NULL DEFAULT 0,
	dst_etag    TEXT NOT NULL DEFAULT '',
	run         INTEGER NOT NULL DEFAULT 0,
	copied_etag TEXT NOT NULL DEFAULT ''
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
` + bucketConfigTable + countersTable

// countersTable keeps, per status, the rows, their sizes and the bytes
// copied, so `jobs` and the TUI's Jobs screen summarize a 10M-key journal
// without reading its rows (the count was a full scan: 3.3 s at 10 million
// keys, bench/plan.sh; now under a millisecond). The triggers keep it in
// the writer's own transactions, whichever
// statement changes a row (plan upsert, settle, forget), so it cannot
// drift, and an older s3migrate writing to the file keeps it right too: it
// needs no version bump. Open adds it to a journal that lacks it (filled
// from one scan); List reads a journal without it by scanning, as before.
const countersTable = `
CREATE TABLE object_count (
	status TEXT PRIMARY KEY,
	n      INTEGER NOT NULL,
	size   INTEGER NOT NULL,
	bytes  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER object_count_insert AFTER INSERT ON object BEGIN
	INSERT INTO object_count (status, n, size, bytes) VALUES (NEW.status, 1, NEW.size, NEW.bytes)
	ON CONFLICT (status) DO UPDATE SET n = n + 1, size = size + excluded.size, bytes = bytes + excluded.bytes;
END;
CREATE TRIGGER object_count_delete AFTER DELETE ON object BEGIN
	UPDATE object_count SET n = n - 1, size = size - OLD.size, bytes = bytes - OLD.bytes WHERE status = OLD.status;
END;
CREATE TRIGGER object_count_update AFTER UPDATE OF status, size, bytes ON object
WHEN OLD.status IS NOT NEW.status OR OLD.size IS NOT NEW.size OR OLD.bytes IS NOT NEW.bytes BEGIN
	UPDATE object_count SET n = n - 1, size = size - OLD.size, bytes = bytes - OLD.bytes WHERE status = OLD.status;
	INSERT INTO object_count (status, n, size, bytes) VALUES (NEW.status, 1, NEW.size, NEW.bytes)
	ON CONFLICT (status) DO UPDATE SET n = n + 1, size = size + excluded.size, bytes = bytes + excluded.bytes;
END;
`

// countersDrop removes what a half-made set of counters left, if anything.
const countersDrop = `DROP TRIGGER IF EXISTS object_count_insert; DROP TRIGGER IF EXISTS object_count_delete;
	DROP TRIGGER IF EXISTS object_count_update; DROP TABLE IF EXISTS object_count;`

// countersFill counts the rows of a journal that had no counters.
const countersFill = `INSERT INTO object_count (status, n, size, bytes)
	SELECT status, count(*), coalesce(sum(size), 0), coalesce(sum(bytes), 0) FROM object GROUP BY status`

// bucketConfigTable is added by version 4 (and by upgrade to older ones).
const bucketConfigTable = `
CREATE TABLE bucket_config (
	kind    TEXT PRIMARY KEY,
	applied TEXT NOT NULL,
	at      TEXT NOT NULL
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
	// StatusInterrupted: the run stopped while the object was in flight; a
	// resumed run plans it again.
	StatusInterrupted = "interrupted"
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

// Definition is what a migration was asked to do: the columns a list of
// migrations shows, and Spec, the whole typed definition as the migration
// package encodes it (selection, key mapping, options). Nothing in it can
// authenticate: profiles are names, resolved again on every run.
type Definition struct {
	ID      string
	Created time.Time
	Src     transfer.Location
	Dst     transfer.Location
	// SrcProfile and DstProfile are AWS profile names.
	SrcProfile string
	DstProfile string
	// Spec is the migration's definition document (JSON).
	Spec []byte
}

// Journal is one migration's database. Recorder methods may be called from
// many goroutines; their writes are batched by one writer goroutine.
type Journal struct {
	path string
	def  Definition
	db   *sql.DB

	mu    sync.Mutex // guards state and run
	state State
	runNo int64 // the current run's number, stamped on the rows it acts on

	lock *os.File // the exclusive lock held while this process owns the journal

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
func newID(now time.Time, random io.Reader) string {
	var b [2]byte
	_, _ = io.ReadFull(random, b[:])
	return now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// Create makes a new journal at path (Dir()/<ID>.db when path is ""),
// generating the ID and Created time when they are zero. It fails if the
// file exists, so a migration is never silently overwritten.
//
// The new journal is locked by this process (see Open).
func Create(path string, def Definition) (*Journal, error) {
	return create(path, def, rand.Reader)
}

// create is Create with the randomness of generated ids from random.
func create(path string, def Definition, random io.Reader) (*Journal, error) {
	if def.Created.IsZero() {
		def.Created = time.Now()
	}
	def.Created = def.Created.UTC()
	generated := def.ID == "" && path == ""
	if def.ID == "" {
		def.ID = newID(def.Created, random)
	}
	dir := ""
	if path == "" {
		var err error
		if dir, err = Dir(); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, def.ID+".db")
	}
	// Creating the file ourselves makes "already exists" atomic and sets the
	// mode: SQLite gives its -wal and -shm files the same mode as this file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	for try := 0; generated && errors.Is(err, fs.ErrExist) && try < 8; try++ {
		// Two migrations started in the same second drew the same
		// suffix: an id of our own making is drawn again, never reused.
		def.ID = newID(def.Created, random)
		path = filepath.Join(dir, def.ID+".db")
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	}
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create journal %s: it already exists: open it to resume, or choose another id", path)
		}
		return nil, fmt.Errorf("create journal: %w", err)
	}
	f.Close()
	lock, err := acquireLock(path)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	db, err := openDB(path)
	if err == nil {
		err = initDB(db, def)
	}
	if err == nil {
		err = recordHolder(db)
	}
	if err == nil {
		// Write the header (application id) into the main file now, so the
		// file says what it is even while its WAL is not checkpointed.
		_, err = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
			os.Remove(path + suffix)
		}
		lock.Close()
		return nil, fmt.Errorf("create journal %s: %w", path, err)
	}
	j := start(path, db, def, StatePlanning)
	j.lock = lock
	return j, nil
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
	_, err = tx.Exec(`INSERT INTO migration (id, created, updated, state, src_bucket, src_prefix, dst_bucket, dst_prefix,
		src_profile, dst_profile, definition) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		def.ID, formatTime(def.Created), now, string(StatePlanning),
		def.Src.Bucket, def.Src.Prefix, def.Dst.Bucket, def.Dst.Prefix, def.SrcProfile, def.DstProfile, string(def.Spec))
	if err != nil {
		return err
	}
	return tx.Commit()
}

// Open opens an existing journal to run its migration. It takes the
// journal's exclusive lock first and records this process (pid and host) as
// the holder: a second process gets ErrLocked, naming the holder, and
// changes nothing. The lock goes with Close, or with the process.
func Open(path string) (*Journal, error) {
	if err := checkHeader(path); err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	lock, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	db, def, state, err := openExisting(path)
	if err == nil {
		if err = upgrade(db); err != nil {
			db.Close()
			err = fmt.Errorf("upgrade journal %s: %w", path, err)
		}
	}
	if err == nil {
		if err = recordHolder(db); err != nil {
			db.Close()
			err = fmt.Errorf("open journal %s: %w (is the file or its directory read-only?)", path, err)
		}
	}
	if err != nil {
		lock.Close()
		return nil, err
	}
	j := start(path, db, def, state)
	j.lock = lock
	return j, nil
}

// ReadDefinition reads a journal's definition and state without locking it
// or writing to it, for lists and for offering a resume.
func ReadDefinition(path string) (Definition, State, error) {
	db, def, state, err := openExisting(path)
	if err != nil {
		return Definition{}, "", err
	}
	db.Close()
	return def, state, nil
}

// openExisting opens and checks a journal without starting its writer (List
// only reads).
func openExisting(path string) (*sql.DB, Definition, State, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, Definition{}, "", fmt.Errorf("open journal: %w", err)
	}
	if err := checkHeader(path); err != nil {
		return nil, Definition{}, "", fmt.Errorf("open journal %s: %w", path, err)
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
	// A larger page cache than the 2 MiB default keeps the plan's B-tree in
	// memory while the engine reads and settles it: without it most row
	// writes cost a pread.
	q.Add("_pragma", "cache_size(-32768)")
	// Checkpoint the WAL every ~40 MiB rather than every 4 MiB: each
	// checkpoint rewrites pages into the database and syncs it.
	q.Add("_pragma", "wal_autocheckpoint(10000)")
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
	if version != schemaVersion && version != 2 && version != 3 {
		return fmt.Errorf("journal schema version %d, this s3migrate reads version %d: finish it with the s3migrate that wrote it, or start a new migration (objects already copied are found identical and skipped)", version, schemaVersion)
	}
	return nil
}

// upgrade brings a journal of an earlier schema to this one, under the
// journal's lock. Only additive changes are upgraded.
func upgrade(db *sql.DB) error {
	var version int64
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	counted, err := hasCounters(db)
	if err != nil {
		return err
	}
	if version == schemaVersion && counted {
		return nil
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var stmts []string
	if version < 3 {
		stmts = append(stmts, `ALTER TABLE object ADD COLUMN copied_etag TEXT NOT NULL DEFAULT ''`)
	}
	if version < 4 {
		stmts = append(stmts, bucketConfigTable)
	}
	if !counted { // any version: the counters came without a bump
		stmts = append(stmts, countersDrop, countersTable, countersFill)
	}
	for _, stmt := range append(stmts, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)) {
		if _, err := tx.Exec(stmt); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func readDefinition(db *sql.DB) (Definition, State, error) {
	var def Definition
	var created, state, spec string
	err := db.QueryRow(`SELECT id, created, state, src_bucket, src_prefix, dst_bucket, dst_prefix, src_profile, dst_profile, definition FROM migration`).
		Scan(&def.ID, &created, &state, &def.Src.Bucket, &def.Src.Prefix, &def.Dst.Bucket, &def.Dst.Prefix, &def.SrcProfile, &def.DstProfile, &spec)
	if err != nil {
		return def, "", fmt.Errorf("read migration: %w", err)
	}
	if def.Created, err = parseTime(created); err != nil {
		return def, "", err
	}
	def.Spec = []byte(spec)
	if !State(state).valid() {
		return def, "", fmt.Errorf("unknown state %q", state)
	}
	return def, State(state), nil
}

// Definition returns what the migration was asked to do.
func (j *Journal) Definition() Definition {
	j.mu.Lock()
	defer j.mu.Unlock()
	def := j.def
	def.Spec = append([]byte(nil), j.def.Spec...)
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
	if j.lock != nil {
		j.lock.Close() // releases the lock; the file stays, so the lock is never raced on a new inode
		j.lock = nil
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
