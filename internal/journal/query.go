package journal

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

// The queries read committed data: what the writer has not committed yet
// (at most ~200 ms of it) shows after the next batch, or after Flush.

// Row is one key of the plan and what became of it.
type Row struct {
	Rel        string // key relative to both prefixes: the destination key is Dst.Prefix + Rel
	SrcKey     string // "" for keys only in the destination
	Size       int64
	ETag       string
	Class      transfer.Class
	Status     string // one of the Status constants
	Attempts   int
	Strategy   string
	ErrorCode  string // S3 error code of the last failure, e.g. "AccessDenied"
	HTTPStatus int    // HTTP status of the last failure, or 0
	Error      string // the last failure, on one line
	Bytes      int64  // bytes copied

	// Listing facts, so the engine copies from the plan without listing again.
	MTime        string // source LastModified (RFC 3339), "" if unknown
	StorageClass string
	Checksum     string // the source's stored checksum algorithm, if listed
	DstSize      int64  // the destination object's size, for changed keys
	DstETag      string
	// Run is the number of the run that settled the row (0: none yet).
	Run int64
}

// copiedETag is what a settled row records as written: the destination
// ETag of a completed copy (Finished gets the entry with the object the
// copy wrote), nothing for any other outcome.
func (r Row) copiedETag() string {
	if r.Status != StatusDone {
		return ""
	}
	return r.DstETag
}

// Copied recalls the completed copy of rel: the source's size and ETag it
// read and the ETag of the object it wrote (transfer.CopyLog). A copy
// recorded by a journal of schema 2 is not recalled.
func (j *Journal) Copied(rel string) (srcSize int64, srcETag, dstETag string, ok bool) {
	err := j.db.QueryRow(`SELECT size, etag, copied_etag FROM object WHERE rel = ? AND status = 'done' AND copied_etag != ''`, rel).
		Scan(&srcSize, &srcETag, &dstETag)
	return srcSize, srcETag, dstETag, err == nil
}

// Entry turns a plan row back into the diff entry the engine copies.
func (r Row) Entry(src, dst transfer.Location) transfer.Entry {
	e := transfer.Entry{Rel: r.Rel, Class: r.Class}
	if r.Class == transfer.ClassExtra {
		e.Dst = transfer.Object{Key: dst.Prefix + r.Rel, Size: r.Size, ETag: r.ETag}
		return e
	}
	e.Src = transfer.Object{Key: r.SrcKey, Size: r.Size, ETag: r.ETag, StorageClass: r.StorageClass, ChecksumAlgorithm: r.Checksum}
	if t, err := parseTime(r.MTime); err == nil && r.MTime != "" {
		e.Src.LastModified = t
	}
	if r.Class == transfer.ClassChanged {
		e.Dst = transfer.Object{Key: dst.Prefix + r.Rel, Size: r.DstSize, ETag: r.DstETag}
	}
	return e
}

// UploadRow is a multipart upload that was started and not ended: a resumed
// run continues it or aborts it, so it does not keep costing storage.
type UploadRow struct {
	Rel      string
	ID       string
	SrcETag  string
	PartSize int64
	Parts    int // parts completed
	Started  time.Time
}

// Summary is one journal as the list of migrations shows it.
type Summary struct {
	ID               string
	Path             string
	Src, Dst         transfer.Location
	State            State
	Created, Updated time.Time
	Planned          int64 // keys in the plan, whatever their status
	Pending          int64
	Done             int64
	Failed           int64
	Skipped          int64
	Bytes            int64 // bytes copied
	PlannedBytes     int64 // bytes to copy: pending, done and failed keys
	// Held is true while a process holds the journal (its pid and host);
	// a journal left "running" by a process that is gone reads as
	// StateInterrupted.
	Held       bool
	HolderPID  int
	HolderHost string
	// Err is why the journal could not be read; the other fields are then
	// only ID and Path.
	Err error
}

const rowColumns = `rel, src_key, size, etag, class, status, attempts, strategy, error_code, http_status, error, bytes,
	mtime, storage, checksum, dst_size, dst_etag, run`

// Counts returns the number of keys per status.
func (j *Journal) Counts() (map[string]int64, error) {
	// The stored counters (Open adds them to a journal that lacks them).
	rows, err := j.db.Query(`SELECT status, n FROM object_count WHERE n != 0`)
	if err != nil {
		return nil, fmt.Errorf("journal %s: counts: %w", j.path, err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		counts[status] = n
	}
	return counts, rows.Err()
}

// Rows returns up to limit rows after the key after, in key order, with the
// given status ("" for all): pass the last Rel of a page to get the next.
// The first page (after == "") includes the empty key, which a folder's
// own marker has.
func (j *Journal) Rows(status, after string, limit int) ([]Row, error) {
	return j.RowsAfter(Cursor{After: after, Started: after != ""}, status, 0, limit)
}

// Cursor is a position in key order: before the first key (the zero
// value), or after the key After.
type Cursor struct {
	After   string
	Started bool
}

// Next moves the cursor past rel.
func (c *Cursor) Next(rel string) { c.After, c.Started = rel, true }

// RowsAfter returns up to limit rows past the cursor, in key order, with
// the given status ("" for all), settled by the given run (0: any).
func (j *Journal) RowsAfter(c Cursor, status string, run int64, limit int) ([]Row, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("journal rows: limit %d, want > 0", limit)
	}
	cmp := ">"
	if !c.Started {
		cmp = ">="
	}
	q := `SELECT ` + rowColumns + ` FROM object WHERE rel ` + cmp + ` ?1 AND (?2 = '' OR status = ?2) AND (?4 = 0 OR run = ?4) ORDER BY rel LIMIT ?3`
	if status != "" { // spelled out so SQLite uses the (status, rel) index
		q = `SELECT ` + rowColumns + ` FROM object WHERE status = ?2 AND rel ` + cmp + ` ?1 AND (?4 = 0 OR run = ?4) ORDER BY rel LIMIT ?3`
	}
	var out []Row
	err := j.query(q, func(r Row) error { out = append(out, r); return nil }, c.After, status, limit, run)
	return out, err
}

// Each calls fn for every row in key order, streaming them (a plan may hold
// millions of keys); it stops at fn's first error and returns it.
func (j *Journal) Each(fn func(Row) error) error {
	return j.query(`SELECT `+rowColumns+` FROM object ORDER BY rel`, fn)
}

func (j *Journal) query(q string, fn func(Row) error, args ...any) error {
	rows, err := j.db.Query(q, args...)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		var class string
		err := rows.Scan(&r.Rel, &r.SrcKey, &r.Size, &r.ETag, &class, &r.Status,
			&r.Attempts, &r.Strategy, &r.ErrorCode, &r.HTTPStatus, &r.Error, &r.Bytes,
			&r.MTime, &r.StorageClass, &r.Checksum, &r.DstSize, &r.DstETag, &r.Run)
		if err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
		if r.Class, err = parseClass(class); err != nil {
			return fmt.Errorf("journal %s: key %q: %w", j.path, r.Rel, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func parseClass(s string) (transfer.Class, error) {
	for c := transfer.ClassNew; c <= transfer.ClassExtra; c++ {
		if c.String() == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown class %q", s)
}

// OpenUploads returns the multipart uploads that were started and not
// ended, in key order.
func (j *Journal) OpenUploads() ([]UploadRow, error) {
	rows, err := j.db.Query(`SELECT rel, upload_id, src_etag, part_size, started,
		(SELECT count(*) FROM part WHERE part.rel = upload.rel) FROM upload ORDER BY rel`)
	if err != nil {
		return nil, fmt.Errorf("journal %s: uploads: %w", j.path, err)
	}
	defer rows.Close()
	var out []UploadRow
	for rows.Next() {
		var u UploadRow
		var started string
		if err := rows.Scan(&u.Rel, &u.ID, &u.SrcETag, &u.PartSize, &started, &u.Parts); err != nil {
			return nil, err
		}
		if u.Started, err = parseTime(started); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ListDir lists the journals of the journal directory (Dir), and names it.
func ListDir() ([]Summary, string, error) {
	dir, err := Dir()
	if err != nil {
		return nil, "", err
	}
	list, err := List(dir)
	return list, dir, err
}

// List summarizes every journal (*.db) in dir, newest first. A journal that
// cannot be read is listed with its error, after the others, so one broken
// file does not hide the rest. A missing dir means no migrations yet.
func List(dir string) ([]Summary, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list journals: %w", err)
	}
	var out []Summary
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".db") {
			continue
		}
		out = append(out, summarize(filepath.Join(dir, e.Name())))
	}
	sort.SliceStable(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if !x.Created.Equal(y.Created) {
			return x.Created.After(y.Created)
		}
		return x.Path > y.Path
	})
	return out, nil
}

func summarize(path string) Summary {
	s := Summary{ID: strings.TrimSuffix(filepath.Base(path), ".db"), Path: path}
	db, def, state, err := openExisting(path)
	if err != nil {
		s.Err = err
		return s
	}
	defer db.Close()
	var updated string
	err = db.QueryRow(`SELECT updated FROM migration`).Scan(&updated)
	if err == nil {
		s.Updated, err = parseTime(updated)
	}
	if err == nil {
		var counted bool
		if counted, err = hasCounters(db); err == nil {
			err = db.QueryRow(summaryQuery(counted)).Scan(&s.Planned, &s.Pending, &s.Done, &s.Failed, &s.Skipped, &s.Bytes, &s.PlannedBytes)
		}
	}
	if err != nil {
		return Summary{ID: s.ID, Path: path, Err: fmt.Errorf("journal %s: %w", path, err)}
	}
	s.ID, s.Src, s.Dst, s.State, s.Created = def.ID, def.Src, def.Dst, state, def.Created
	s.Held, s.HolderPID, s.HolderHost = Holder(path)
	if !s.Held && (s.State == StateRunning || s.State == StatePlanning) {
		s.State = StateInterrupted
	}
	return s
}

// summaryQuery sums a journal's rows for its Summary: from the stored
// counters (a few rows), or, in a journal without them (written before they
// existed and not opened since: reading does not upgrade), by one pass over
// the object table, where sums of comparisons count matching rows.
func summaryQuery(counted bool) string {
	if counted {
		return `SELECT coalesce(sum(n), 0),
			coalesce(sum(CASE status WHEN 'pending' THEN n END), 0), coalesce(sum(CASE status WHEN 'done' THEN n END), 0),
			coalesce(sum(CASE status WHEN 'failed' THEN n END), 0), coalesce(sum(CASE status WHEN 'skipped' THEN n END), 0),
			coalesce(sum(bytes), 0),
			coalesce(sum(CASE WHEN status IN ('pending', 'done', 'failed') THEN size END), 0)
			FROM object_count`
	}
	return `SELECT count(*),
		coalesce(sum(status = 'pending'), 0), coalesce(sum(status = 'done'), 0),
		coalesce(sum(status = 'failed'), 0), coalesce(sum(status = 'skipped'), 0),
		coalesce(sum(bytes), 0),
		coalesce(sum(CASE WHEN status IN ('pending', 'done', 'failed') THEN size END), 0)
		FROM object`
}

// hasCounters reports whether the journal keeps the object_count table
// and its triggers (see countersTable).
func hasCounters(db interface {
	QueryRow(string, ...any) *sql.Row
}) (bool, error) {
	var n int
	err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = 'object_count')
		OR (type = 'trigger' AND name IN ('object_count_insert', 'object_count_delete', 'object_count_update'))`).Scan(&n)
	return n == 4, err
}

// BucketConfig is one configuration the migration applied to the
// destination bucket: a bucket-config kind ("cors", …) or "bucket" for the
// bucket created like the source, the value written (canonical JSON, or
// how the bucket was created), and when.
type BucketConfig struct {
	Kind    string
	Applied string
	At      time.Time
}

// RecordBucketConfig records that kind was applied with value, replacing
// an earlier record of that kind. It commits before returning: the write to
// the bucket has happened, and a resume must know.
func (j *Journal) RecordBucketConfig(kind, value string) error {
	return j.call(op{kind: opBucketConfig, rel: kind, value: value}).err
}

// BucketConfigs returns what was applied to the destination bucket, by
// kind.
func (j *Journal) BucketConfigs() ([]BucketConfig, error) {
	if err := j.Flush(); err != nil {
		return nil, err
	}
	return readBucketConfigs(j.db, j.path)
}

// ReadBucketConfigs reads what a journal's migration applied to the
// destination bucket without locking or changing the journal (the TUI
// shows it before a resumed run takes the journal). A journal of schema 2
// or 3 has applied nothing.
func ReadBucketConfigs(path string) ([]BucketConfig, error) {
	db, _, _, err := openExisting(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return nil, err
	}
	if version < 4 {
		return nil, nil
	}
	return readBucketConfigs(db, path)
}

func readBucketConfigs(db *sql.DB, path string) ([]BucketConfig, error) {
	rows, err := db.Query(`SELECT kind, applied, at FROM bucket_config ORDER BY kind`)
	if err != nil {
		return nil, fmt.Errorf("read bucket configuration of journal %s: %w", path, err)
	}
	defer rows.Close()
	var out []BucketConfig
	for rows.Next() {
		var bc BucketConfig
		var at string
		if err := rows.Scan(&bc.Kind, &bc.Applied, &at); err != nil {
			return nil, fmt.Errorf("read bucket configuration of journal %s: %w", path, err)
		}
		if bc.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, bc)
	}
	return out, rows.Err()
}
