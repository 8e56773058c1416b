package backend

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/report"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The Jobs screen's calls: the journals `s3migrate jobs` lists, read
// without their locks (a running one too), their reports and failures, and
// forgetting one, which the journal package refuses while a run holds it.

// Jobs lists every journal of the journal directory, newest first.
func (b *Live) Jobs() ([]screen.Job, error) {
	list, _, err := journal.ListDir()
	if err != nil {
		return nil, err
	}
	out := make([]screen.Job, 0, len(list))
	for _, s := range list {
		j := screen.Job{ID: s.ID, Migration: screen.Migration{Journal: s.Path}}
		if s.Err != nil {
			j.Err = s.Err.Error()
			out = append(out, j)
			continue
		}
		j.State, j.Held, j.HolderPID, j.HolderHost = string(s.State), s.Held, s.HolderPID, s.HolderHost
		j.Created, j.Updated = s.Created, s.Updated
		j.Planned, j.Pending, j.Done, j.Failed, j.Skipped = s.Planned, s.Pending, s.Done, s.Failed, s.Skipped
		j.Bytes, j.PlannedBytes = s.Bytes, s.PlannedBytes
		j.Migration = screen.Migration{SrcBucket: s.Src.Bucket, SrcPrefix: s.Src.Prefix, DstBucket: s.Dst.Bucket, DstPrefix: s.Dst.Prefix, Journal: s.Path}
		if m, err := jobMigration(s.Path); err == nil {
			j.Migration = m
		} else {
			j.Err = err.Error()
		}
		if b, ok, err := journal.ReadBatchJob(s.Path); err == nil && ok {
			j.BatchJob, j.BatchState = b.ID, b.State
		}
		out = append(out, j)
	}
	return out, nil
}

// jobMigration is a journal's migration as the screens pick it up again:
// the same fields Resumable gives.
func jobMigration(path string) (screen.Migration, error) {
	jd, _, err := journal.ReadDefinition(path)
	if err != nil {
		return screen.Migration{}, err
	}
	def, err := migration.Decode(jd.Spec)
	if err != nil {
		return screen.Migration{}, fmt.Errorf("journal %s: %w", path, err)
	}
	return screen.Migration{SrcProfile: def.SrcProfile, DstProfile: def.DstProfile, SrcBucket: def.Src.Bucket,
		SrcPrefix: def.Src.Prefix, DstBucket: def.Dst.Bucket, DstPrefix: def.Dst.Prefix, Items: def.Items,
		Compare: string(def.Options.Compare), Journal: path}, nil
}

// JobFailures reads the failed rows of a journal.
func (b *Live) JobFailures(path string, limit int) ([]screen.JobFailure, error) {
	r, err := journal.Inspect(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rows, err := r.Rows(journal.StatusFailed, "", limit)
	if err != nil {
		return nil, err
	}
	def := r.Definition()
	out := make([]screen.JobFailure, 0, len(rows))
	for _, row := range rows {
		k := row.SrcKey
		if k == "" { // a failed delete: the key is the destination's
			k = def.Dst.Prefix + row.Rel
		}
		out = append(out, screen.JobFailure{Key: k, Attempts: row.Attempts, ErrorCode: row.ErrorCode, HTTPStatus: row.HTTPStatus, Error: row.Error})
	}
	return out, nil
}

// reportHead is how many lines of a written report JobReport returns.
const reportHead = 8

// JobReport writes the journal's report, the same as `sync --report` (the
// layout of S3 Batch Operations completion reports), to
// dir/s3migrate-<id>-report.csv, replacing an older one.
func (b *Live) JobReport(path, dir string) (screen.JobReport, error) {
	r, err := journal.Inspect(path)
	if err != nil {
		return screen.JobReport{}, err
	}
	defer r.Close()
	def := r.Definition()
	out, err := filepath.Abs(filepath.Join(dir, "s3migrate-"+def.ID+"-report.csv"))
	if err != nil {
		return screen.JobReport{}, fmt.Errorf("report of %s: %w", def.ID, err)
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return screen.JobReport{}, fmt.Errorf("report of %s: %w", def.ID, err)
	}
	w := bufio.NewWriter(f)
	c, err := report.FromJournal(w, path)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return screen.JobReport{Path: out}, err
	}
	rep := screen.JobReport{Path: out, Succeeded: c.Succeeded, Failed: c.Failed}
	rf, err := os.Open(out)
	if err != nil {
		return rep, err
	}
	defer rf.Close()
	sc := bufio.NewScanner(rf)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for len(rep.Head) < reportHead && sc.Scan() {
		rep.Head = append(rep.Head, sc.Text())
	}
	return rep, sc.Err()
}

// Forget deletes the journal and its sidecar files, unless a process holds
// it. Reports written from it are the operator's files: they stay.
func (b *Live) Forget(path string) error { return journal.Remove(path) }
