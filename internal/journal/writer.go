package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

// A transaction per object would cap a run at a few hundred objects per
// second on a slow disk; one per batch costs one fsync per batch instead.
const (
	batchOps   = 2000
	batchDelay = 200 * time.Millisecond
)

var errClosed = errors.New("journal is closed")

var _ transfer.Recorder = (*Journal)(nil)

type opKind uint8

const (
	opPlanned opKind = iota
	opFinished
	opUploadStarted
	opPartDone
	opUploadEnded
	opUpload // read through the writer, so it sees every queued write
	opFlush
	opState
	opBeginRun
	opSpec
	opBucketConfig
)

// op is one queued Recorder call. The fields used depend on kind.
type op struct {
	kind  opKind
	rel   string
	row   Row             // opPlanned, opFinished
	up    transfer.Upload // opUploadStarted: ID, SrcETag, PartSize
	part  int32           // opPartDone
	etag  string          // opPartDone
	state State           // opState
	spec  []byte          // opSpec
	value string          // opBucketConfig: the value applied (rel is the kind)
	run   int64           // opPlanned, opFinished: the run acting on the row
	reply chan reply      // opUpload, opFlush, opState, opBeginRun
}

type reply struct {
	up  transfer.Upload
	ok  bool
	run int64
	err error
}

// The prepared statements of the writer, indexes into writer.stmts.
const (
	stmtPlanned = iota
	stmtFinished
	stmtUploadStarted
	stmtPartsDelete
	stmtPart
	stmtUploadDelete
	stmtState
	stmtUpdated
	stmtRunNext
	stmtRunRead
	stmtForget
	stmtSpec
	stmtSettle
	stmtBucketConfig
	numStmts
)

var stmtSQL = [numStmts]string{
	stmtPlanned: `INSERT INTO object (rel, src_key, size, etag, class, status, mtime, storage, checksum, dst_size, dst_etag)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
		ON CONFLICT (rel) DO UPDATE SET src_key = ?2, size = ?3, etag = ?4, class = ?5,
		mtime = ?7, storage = ?8, checksum = ?9, dst_size = ?10, dst_etag = ?11,
		-- a resumed run re-plans what it copied as identical: it stays done
		status = CASE WHEN status = 'done' AND ?6 = 'skipped' THEN 'done' ELSE ?6 END`,
	stmtFinished: `INSERT INTO object (rel, src_key, size, etag, class, status, attempts, strategy, error_code, http_status, error, bytes, run, copied_etag)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
		ON CONFLICT (rel) DO UPDATE SET status = ?6, attempts = ?7, strategy = ?8,
		error_code = ?9, http_status = ?10, error = ?11, bytes = ?12, run = ?13, copied_etag = ?14`,
	stmtUploadStarted: `INSERT OR REPLACE INTO upload (rel, upload_id, src_etag, part_size, started) VALUES (?, ?, ?, ?, ?)`,
	stmtPartsDelete:   `DELETE FROM part WHERE rel = ?`,
	// Only parts of an open upload are kept: a part finishing after its
	// upload was aborted must not leave an orphan row.
	stmtPart:         `INSERT OR REPLACE INTO part (rel, part, etag) SELECT rel, ?2, ?3 FROM upload WHERE rel = ?1`,
	stmtUploadDelete: `DELETE FROM upload WHERE rel = ?`,
	stmtState:        `UPDATE migration SET state = ?`,
	stmtUpdated:      `UPDATE migration SET updated = ?`,
	stmtRunNext:      `UPDATE migration SET run = run + 1`,
	stmtRunRead:      `SELECT run FROM migration`,
	// A new run plans again from fresh listings: rows nothing was done to
	// yet (or that failed, or were cut off) are forgotten and re-planned;
	// done, skipped and deleted rows keep their history.
	stmtForget: `DELETE FROM object WHERE status IN ('pending', 'extra', 'failed', 'interrupted')`,
	stmtSpec:   `UPDATE migration SET definition = ?`,
	// The common case of Finished: the row was planned. An UPDATE of the
	// outcome columns costs less than the upsert, which binds every column.
	stmtSettle: `UPDATE object SET status = ?2, attempts = ?3, strategy = ?4, error_code = ?5, http_status = ?6,
		error = ?7, bytes = ?8, run = ?9, copied_etag = ?10 WHERE rel = ?1`,
	stmtBucketConfig: `INSERT INTO bucket_config (kind, applied, at) VALUES (?1, ?2, ?3)
		ON CONFLICT (kind) DO UPDATE SET applied = ?2, at = ?3`,
}

// writer is the batching half of a Journal: callers enqueue ops, one
// goroutine applies them in order and commits a transaction per batch.
type writer struct {
	ops  chan op
	done chan struct{} // closed when the writer goroutine has returned

	sendMu sync.RWMutex // held for reading while sending, for writing to close ops
	closed bool

	errMu sync.Mutex
	err   error // the first write error: sticky, later writes are dropped

	commits atomic.Int64 // transactions committed, so tests can check batching

	// Owned by the writer goroutine.
	stmts    [numStmts]*sql.Stmt
	tx       *sql.Tx
	txStmts  [numStmts]*sql.Stmt
	pending  int // ops in tx
	maxBatch int // the largest batch committed, for tests
	timer    *time.Timer
}

func start(path string, db *sql.DB, def Definition, state State) *Journal {
	j := &Journal{path: path, def: def, db: db, state: state}
	j.ops = make(chan op, 2*batchOps)
	j.done = make(chan struct{})
	for i, q := range stmtSQL {
		s, err := db.Prepare(q)
		if err != nil {
			j.fail(fmt.Errorf("prepare: %w", err))
			break
		}
		j.stmts[i] = s
	}
	j.timer = time.NewTimer(batchDelay)
	j.timer.Stop()
	go j.run()
	return j
}

// Planned records one entry of the plan. Identical keys are recorded as
// skipped, keys only in the destination as extra, the rest as pending.
func (j *Journal) Planned(e transfer.Entry) {
	r := entryRow(e)
	switch e.Class {
	case transfer.ClassIdentical:
		r.Status = StatusSkipped
	case transfer.ClassExtra:
		r.Status = StatusExtra
	default:
		r.Status = StatusPending
	}
	j.send(op{kind: opPlanned, rel: r.Rel, row: r})
}

// BeginRun starts a new run of the migration: it numbers the run and
// forgets the rows of the previous plan that were not settled (pending,
// extra, failed, interrupted), so the new plan is built from fresh listings.
// Call FailedBefore first to keep the keys that failed.
func (j *Journal) BeginRun() (int64, error) {
	r := j.call(op{kind: opBeginRun})
	if r.err != nil {
		return 0, r.err
	}
	j.mu.Lock()
	j.runNo = r.run
	j.mu.Unlock()
	return r.run, nil
}

// SetSpec replaces the stored definition document (a setting changed while
// running, such as the concurrency, is kept for the next run).
func (j *Journal) SetSpec(spec []byte) error {
	if err := j.call(op{kind: opSpec, spec: spec}).err; err != nil {
		return err
	}
	j.mu.Lock()
	j.def.Spec = append([]byte(nil), spec...)
	j.mu.Unlock()
	return nil
}

// Run returns the current run's number (0 before BeginRun).
func (j *Journal) Run() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.runNo
}

// Finished records how an entry was settled.
func (j *Journal) Finished(e transfer.Entry, strategy string, attempts int, err error) {
	r := entryRow(e)
	r.Attempts, r.Strategy = attempts, strategy
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		// Cut off mid-copy: the report lists it, the next run plans it again.
		r.Status = StatusInterrupted
		r.Error = "interrupted while in flight"
	case err != nil:
		r.Status = StatusFailed
		r.ErrorCode = transfer.ErrorCode(err)
		r.HTTPStatus = transfer.HTTPStatus(err)
		r.Error = oneLine(transfer.ErrorSummary(err))
	case strategy == "delete":
		r.Status = StatusDeleted
	default:
		r.Status = StatusDone
		r.Bytes = r.Size
	}
	j.send(op{kind: opFinished, rel: r.Rel, row: r, run: j.Run()})
}

func entryRow(e transfer.Entry) Row {
	r := Row{Rel: e.Rel, SrcKey: e.Src.Key, Size: e.Src.Size, ETag: e.Src.ETag, Class: e.Class,
		StorageClass: e.Src.StorageClass, Checksum: e.Src.ChecksumAlgorithm, DstSize: e.Dst.Size, DstETag: e.Dst.ETag}
	if !e.Src.LastModified.IsZero() {
		r.MTime = formatTime(e.Src.LastModified)
	}
	if e.Class == transfer.ClassExtra { // there is no source object
		r.Size, r.ETag = e.Dst.Size, e.Dst.ETag
	}
	return r
}

// UploadStarted records a multipart upload, replacing (and forgetting the
// parts of) any earlier one for the same key.
func (j *Journal) UploadStarted(rel, uploadID, srcETag string, partSize int64) {
	j.send(op{kind: opUploadStarted, rel: rel, up: transfer.Upload{ID: uploadID, SrcETag: srcETag, PartSize: partSize}})
}

// PartDone records a completed part of the key's open upload.
func (j *Journal) PartDone(rel string, part int32, etag string) {
	j.send(op{kind: opPartDone, rel: rel, part: part, etag: etag})
}

// UploadEnded forgets the key's upload: completed or aborted, nothing is
// left to resume or to clean up.
func (j *Journal) UploadEnded(rel string) {
	j.send(op{kind: opUploadEnded, rel: rel})
}

// Upload returns the key's open upload with its completed parts. It is
// answered by the writer goroutine in queue order, so it sees every write
// made before the call without forcing a commit.
func (j *Journal) Upload(rel string) (transfer.Upload, bool) {
	r := j.call(op{kind: opUpload, rel: rel})
	return r.up, r.ok
}

// Flush commits every write queued before the call and returns the sticky
// write error, if any.
func (j *Journal) Flush() error { return j.call(op{kind: opFlush}).err }

// Err returns the first write error; writes after it are dropped, so a
// run can stop rather than carry on with a journal that no longer tracks it.
func (j *Journal) Err() error {
	j.errMu.Lock()
	defer j.errMu.Unlock()
	return j.err
}

func (j *Journal) fail(err error) {
	j.errMu.Lock()
	defer j.errMu.Unlock()
	if j.err == nil {
		j.err = fmt.Errorf("journal %s: %w", j.path, err)
	}
}

// send enqueues o; it blocks only while the queue is full, which bounds
// memory when the disk is slower than the workers.
func (j *Journal) send(o op) bool {
	j.sendMu.RLock()
	defer j.sendMu.RUnlock()
	if j.closed {
		j.fail(errClosed)
		return false
	}
	j.ops <- o
	return true
}

// call enqueues o and waits for the writer's answer.
func (j *Journal) call(o op) reply {
	o.reply = make(chan reply, 1)
	if !j.send(o) {
		return reply{err: j.Err()}
	}
	return <-o.reply
}

// stop lets the writer commit what is queued and waits for it to return.
func (j *Journal) stop() error {
	j.sendMu.Lock()
	if !j.closed {
		j.closed = true
		close(j.ops)
	}
	j.sendMu.Unlock()
	<-j.done
	return j.Err()
}

func (j *Journal) run() {
	defer close(j.done)
	for {
		select {
		case o, ok := <-j.ops:
			if !ok {
				j.commit()
				return
			}
			j.handle(o)
		case <-j.timer.C:
			j.commit()
		}
	}
}

func (j *Journal) handle(o op) {
	switch o.kind {
	case opUpload:
		up, ok := j.readUpload(o.rel)
		o.reply <- reply{up: up, ok: ok}
	case opFlush:
		j.commit()
		o.reply <- reply{err: j.Err()}
	case opState, opSpec, opBucketConfig:
		j.write(o)
		j.commit()
		o.reply <- reply{err: j.Err()}
	case opBeginRun:
		j.write(o)
		j.commit()
		var run int64
		if j.Err() == nil {
			if err := j.stmts[stmtRunRead].QueryRow().Scan(&run); err != nil {
				j.fail(fmt.Errorf("read run: %w", err))
			}
		}
		o.reply <- reply{run: run, err: j.Err()}
	default:
		j.write(o)
		if j.pending >= batchOps {
			j.commit()
		}
	}
}

func (j *Journal) write(o op) {
	if j.Err() != nil {
		return
	}
	if j.tx == nil {
		tx, err := j.db.Begin()
		if err != nil {
			j.fail(fmt.Errorf("begin: %w", err))
			return
		}
		j.tx = tx
		for i, s := range j.stmts {
			j.txStmts[i] = tx.Stmt(s)
		}
		j.timer.Reset(batchDelay)
	}
	if err := j.exec(o); err != nil {
		j.fail(err)
		j.tx.Rollback()
		j.endTx()
		return
	}
	j.pending++
}

func (j *Journal) exec(o op) error {
	s := &j.txStmts
	var err error
	switch r := o.row; o.kind {
	case opPlanned:
		_, err = s[stmtPlanned].Exec(r.Rel, r.SrcKey, r.Size, r.ETag, r.Class.String(), r.Status,
			r.MTime, r.StorageClass, r.Checksum, r.DstSize, r.DstETag)
	case opFinished:
		var res sql.Result
		res, err = s[stmtSettle].Exec(r.Rel, r.Status, r.Attempts, r.Strategy, r.ErrorCode, r.HTTPStatus, r.Error, r.Bytes, o.run, r.copiedETag())
		if n, rerr := rowsAffected(res, err); rerr == nil && n == 0 {
			// Not planned (a caller that records outcomes only): insert it.
			_, err = s[stmtFinished].Exec(r.Rel, r.SrcKey, r.Size, r.ETag, r.Class.String(), r.Status,
				r.Attempts, r.Strategy, r.ErrorCode, r.HTTPStatus, r.Error, r.Bytes, o.run, r.copiedETag())
		}
	case opBeginRun:
		if _, err = s[stmtRunNext].Exec(); err == nil {
			_, err = s[stmtForget].Exec()
		}
	case opUploadStarted:
		if _, err = s[stmtPartsDelete].Exec(o.rel); err == nil {
			_, err = s[stmtUploadStarted].Exec(o.rel, o.up.ID, o.up.SrcETag, o.up.PartSize, formatTime(time.Now()))
		}
	case opPartDone:
		_, err = s[stmtPart].Exec(o.rel, o.part, o.etag)
	case opUploadEnded:
		if _, err = s[stmtPartsDelete].Exec(o.rel); err == nil {
			_, err = s[stmtUploadDelete].Exec(o.rel)
		}
	case opState:
		_, err = s[stmtState].Exec(string(o.state))
	case opSpec:
		_, err = s[stmtSpec].Exec(string(o.spec))
	case opBucketConfig:
		_, err = s[stmtBucketConfig].Exec(o.rel, o.value, formatTime(time.Now()))
	}
	if err != nil {
		return fmt.Errorf("record %q: %w", o.rel, err)
	}
	return nil
}

func (j *Journal) commit() {
	if j.tx == nil {
		return
	}
	_, err := j.txStmts[stmtUpdated].Exec(formatTime(time.Now()))
	if err == nil {
		err = j.tx.Commit()
	} else {
		j.tx.Rollback()
	}
	if err != nil {
		j.fail(fmt.Errorf("commit: %w", err))
	} else {
		j.commits.Add(1)
		j.maxBatch = max(j.maxBatch, j.pending)
	}
	j.endTx()
}

func (j *Journal) endTx() {
	j.tx = nil
	j.pending = 0
	j.timer.Stop()
}

// readUpload reads inside the open batch, if any, so uncommitted writes count.
func (j *Journal) readUpload(rel string) (transfer.Upload, bool) {
	if j.Err() != nil {
		return transfer.Upload{}, false
	}
	var q interface {
		QueryRow(string, ...any) *sql.Row
		Query(string, ...any) (*sql.Rows, error)
	} = j.db
	if j.tx != nil {
		q = j.tx
	}
	var up transfer.Upload
	err := q.QueryRow(`SELECT upload_id, src_etag, part_size FROM upload WHERE rel = ?`, rel).Scan(&up.ID, &up.SrcETag, &up.PartSize)
	if errors.Is(err, sql.ErrNoRows) {
		return up, false
	}
	if err != nil {
		j.fail(fmt.Errorf("read upload %s: %w", rel, err))
		return up, false
	}
	rows, err := q.Query(`SELECT part, etag FROM part WHERE rel = ?`, rel)
	if err != nil {
		j.fail(fmt.Errorf("read upload %s: %w", rel, err))
		return up, false
	}
	defer rows.Close()
	up.Parts = map[int32]string{}
	for rows.Next() {
		var n int32
		var etag string
		if err := rows.Scan(&n, &etag); err != nil {
			j.fail(fmt.Errorf("read upload %s: %w", rel, err))
			return up, false
		}
		up.Parts[n] = etag
	}
	if err := rows.Err(); err != nil {
		j.fail(fmt.Errorf("read upload %s: %w", rel, err))
		return up, false
	}
	return up, true
}

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
