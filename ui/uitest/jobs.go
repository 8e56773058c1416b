package uitest

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/s3migrate/s3migrate/ui/screen"
)

// SampleJobs are three journaled migrations: one running in another
// process, one interrupted with failures, one done.
func SampleJobs() []screen.Job {
	return []screen.Job{
		{ID: "20261101-093000-a1b2", State: "running", Held: true, HolderPID: 4242, HolderHost: "ops-box",
			Created: Epoch, Updated: Epoch.Add(90e9),
			Planned: 1235, Pending: 560, Done: 640, Skipped: 35, Bytes: 96 << 20, PlannedBytes: 220 << 20,
			Migration: screen.Migration{SrcProfile: "prod-origin", DstProfile: "prod-archive", SrcBucket: "origin-data", DstBucket: "dest-archive",
				Items: []string{"backups/", "logs/2026/"}, DstPrefix: "copy/", Journal: "/state/s3migrate/20261101-093000-a1b2.db"}},
		{ID: "20261031-170000-c3d4", State: "interrupted", Created: Epoch.Add(-16 * 3600e9), Updated: Epoch.Add(-15 * 3600e9),
			Planned: 14, Pending: 9, Done: 3, Failed: 2, Bytes: 12 << 10, PlannedBytes: 60 << 10,
			Migration: screen.Migration{SrcProfile: "prod-origin", DstProfile: "prod-archive", SrcBucket: "origin-data", DstBucket: "dest-archive",
				Items: []string{"reports/"}, Journal: "/state/s3migrate/20261031-170000-c3d4.db"}},
		{ID: "20261030-080000-e5f6", State: "done", Created: Epoch.Add(-49 * 3600e9), Updated: Epoch.Add(-48 * 3600e9),
			Planned: 12, Done: 12, Bytes: 40 << 10, PlannedBytes: 40 << 10,
			Migration: screen.Migration{SrcProfile: "prod-origin", DstProfile: "prod-archive", SrcBucket: "origin-logs", SrcPrefix: "2026/", DstBucket: "dest-archive", DstPrefix: "logs/",
				Journal: "/state/s3migrate/20261030-080000-e5f6.db"}},
	}
}

// Jobs returns f.JobList.
func (f *Fake) Jobs() ([]screen.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.JobList), nil
}

// JobFailures returns Failures[journal], at most limit.
func (f *Fake) JobFailures(journal string, limit int) ([]screen.JobFailure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fs := f.Failures[journal]
	return slices.Clone(fs[:min(len(fs), limit)]), nil
}

// JobReport describes a report of the job's counts in dir, writing nothing.
func (f *Fake) JobReport(journal, dir string) (screen.JobReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Reports = append(f.Reports, journal+" "+dir)
	for _, j := range f.JobList {
		if j.Migration.Journal != journal {
			continue
		}
		rep := screen.JobReport{Path: filepath.Join(dir, "s3migrate-"+j.ID+"-report.csv"), Succeeded: j.Done, Failed: j.Failed,
			Head: []string{"Bucket,Key,VersionId,TaskStatus,ErrorCode,HTTPStatusCode,ResultMessage,Bytes,Strategy,Attempts"}}
		for _, fl := range f.Failures[journal] {
			rep.Head = append(rep.Head, fmt.Sprintf("%s,%s,,failed,%s,%d,%s,0,copy,%d", j.Migration.SrcBucket, fl.Key, fl.ErrorCode, fl.HTTPStatus, fl.Error, fl.Attempts))
		}
		return rep, nil
	}
	return screen.JobReport{}, fmt.Errorf("open journal %s: no such file or directory", journal)
}

// Forget refuses a held job, as the journal's lock does, and otherwise
// removes it from JobList.
func (f *Fake) Forget(journal string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, j := range f.JobList {
		if j.Migration.Journal != journal {
			continue
		}
		if j.Held {
			return fmt.Errorf("journal %s is in use by process %d on %s: wait for it to finish, or stop it first (a journal belongs to one run at a time)", journal, j.HolderPID, j.HolderHost)
		}
		f.Forgotten = append(f.Forgotten, journal)
		f.JobList = slices.Delete(f.JobList, i, i+1)
		return nil
	}
	return fmt.Errorf("open journal %s: no such file or directory", journal)
}
