package journal

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BatchJob is the S3 Batch Operations job a run handed its copy to: what a
// resume needs to reattach to it instead of creating a second one, and what
// `jobs` shows.
type BatchJob struct {
	// Run is the run that created it.
	Run int64
	ID  string
	// The manifest the job reads (bucket, key, ETag) and how many objects
	// it lists.
	ManifestBucket, ManifestKey, ManifestETag string
	Count                                     int64
	// Where the completion report goes.
	ReportBucket, ReportPrefix string
	// Token is the CreateJob client token, so a crash between CreateJob
	// and this record gets the same job back.
	Token string
	// State is the job's last known status (Suspended, Active, Complete…);
	// Read says whether its completion report was read into the journal.
	State string
	Read  bool
}

// batchTable is created on first use, so journals of every version take it
// without an upgrade; a journal without it has no batch job.
const batchTable = `CREATE TABLE IF NOT EXISTS batch_job (
	run             INTEGER PRIMARY KEY,
	id              TEXT NOT NULL,
	manifest_bucket TEXT NOT NULL,
	manifest_key    TEXT NOT NULL,
	manifest_etag   TEXT NOT NULL,
	count           INTEGER NOT NULL,
	report_bucket   TEXT NOT NULL,
	report_prefix   TEXT NOT NULL,
	token           TEXT NOT NULL,
	state           TEXT NOT NULL,
	read            INTEGER NOT NULL,
	updated         TEXT NOT NULL
)`

// SetBatchJob records (or updates) the batch job of b.Run. It is written at
// once, outside the batched writer: a job id not journaled is a job a
// resume would not find.
func (j *Journal) SetBatchJob(b BatchJob) error {
	if err := j.Flush(); err != nil {
		return err
	}
	if _, err := j.db.Exec(batchTable); err != nil {
		return fmt.Errorf("journal %s: batch job: %w", j.path, err)
	}
	_, err := j.db.Exec(`INSERT OR REPLACE INTO batch_job (run, id, manifest_bucket, manifest_key, manifest_etag, count,
		report_bucket, report_prefix, token, state, read, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		b.Run, b.ID, b.ManifestBucket, b.ManifestKey, b.ManifestETag, b.Count, b.ReportBucket, b.ReportPrefix, b.Token, b.State, b.Read, formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("journal %s: batch job %s: %w", j.path, b.ID, err)
	}
	return nil
}

// LastBatchJob returns the newest batch job of the migration, if any.
func (j *Journal) LastBatchJob() (BatchJob, bool, error) {
	return lastBatchJob(j.db)
}

// ReadBatchJob reads the newest batch job of the journal at path without
// locking it, for listings.
func ReadBatchJob(path string) (BatchJob, bool, error) {
	db, _, _, err := openExisting(path)
	if err != nil {
		return BatchJob{}, false, err
	}
	defer db.Close()
	return lastBatchJob(db)
}

func lastBatchJob(db *sql.DB) (BatchJob, bool, error) {
	var b BatchJob
	err := db.QueryRow(`SELECT run, id, manifest_bucket, manifest_key, manifest_etag, count, report_bucket, report_prefix, token, state, read
		FROM batch_job ORDER BY run DESC LIMIT 1`).Scan(&b.Run, &b.ID, &b.ManifestBucket, &b.ManifestKey, &b.ManifestETag, &b.Count,
		&b.ReportBucket, &b.ReportPrefix, &b.Token, &b.State, &b.Read)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return BatchJob{}, false, nil
	case err != nil && isNoSuchTable(err):
		return BatchJob{}, false, nil
	case err != nil:
		return BatchJob{}, false, err
	}
	return b, true, nil
}

// Row returns the plan row of rel.
func (j *Journal) Row(rel string) (Row, bool, error) {
	var out Row
	found := false
	err := j.query(`SELECT `+rowColumns+` FROM object WHERE rel = ?`, func(r Row) error { out, found = r, true; return nil }, rel)
	return out, found, err
}

func isNoSuchTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}
