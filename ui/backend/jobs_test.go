package backend

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
)

// TestJobsReadsEveryJournal: a held journal is running with its holder, a
// free one keeps its state; each carries its profiles, locations and
// selection; failures and the report come from the journal; Forget refuses
// the held one and deletes the free one.
func TestJobsReadsEveryJournal(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	mk := func(src string, state journal.State) *journal.Journal {
		def := migration.Definition{Src: transfer.Location{Bucket: src, Prefix: "data/"}, Dst: transfer.Location{Bucket: "dest-archive", Prefix: "in/"},
			SrcProfile: "o", DstProfile: "d", Items: []string{"logs/"}, Options: migration.DefaultOptions()}
		j, err := migration.CreateJournal("", def)
		if err != nil {
			t.Fatal(err)
		}
		ok := transfer.Entry{Rel: "logs/a", Class: transfer.ClassNew, Src: transfer.Object{Key: "data/logs/a", Size: 3}}
		bad := transfer.Entry{Rel: "logs/b", Class: transfer.ClassNew, Src: transfer.Object{Key: "data/logs/b", Size: 4}}
		j.Planned(ok)
		j.Planned(bad)
		j.Finished(ok, "copy", 1, nil)
		j.Finished(bad, "copy", 3, errors.New("copy s3://"+src+"/data/logs/b: AccessDenied"))
		if err := j.SetState(state); err != nil {
			t.Fatal(err)
		}
		return j
	}
	held := mk("held-origin", journal.StateRunning)
	defer held.Close()
	free := mk("free-origin", journal.StateFailed)
	if err := free.SetBatchJob(journal.BatchJob{Run: 1, ID: "job-7", State: "Complete", Read: true}); err != nil {
		t.Fatal(err)
	}
	if err := free.Close(); err != nil {
		t.Fatal(err)
	}
	b := New()
	list, err := b.Jobs()
	if err != nil || len(list) != 2 {
		t.Fatalf("Jobs: %+v, %v", list, err)
	}
	byBucket := map[string]int{}
	for i, j := range list {
		byBucket[j.Migration.SrcBucket] = i
	}
	h, f := list[byBucket["held-origin"]], list[byBucket["free-origin"]]
	if f.BatchJob != "job-7" || f.BatchState != "Complete" || h.BatchJob != "" {
		t.Errorf("batch jobs: free %q %q, held %q; want the free one's job-7 Complete only", f.BatchJob, f.BatchState, h.BatchJob)
	}
	if !h.Held || h.HolderPID != os.Getpid() || h.State != "running" {
		t.Errorf("held job %+v", h)
	}
	if f.Held || f.State != "failed" || f.Done != 1 || f.Failed != 1 || f.Bytes != 3 || f.PlannedBytes != 7 ||
		f.Migration.SrcProfile != "o" || f.Migration.DstPrefix != "in/" || f.Migration.SrcPrefix != "data/" ||
		!slices.Equal(f.Migration.Items, []string{"logs/"}) || f.Migration.Journal != free.Path() {
		t.Errorf("free job %+v", f)
	}
	fs, err := b.JobFailures(held.Path(), 10) // a held journal reads too
	if err != nil || len(fs) != 1 || fs[0].Key != "data/logs/b" || fs[0].Attempts != 3 || !strings.Contains(fs[0].Error, "AccessDenied") {
		t.Errorf("failures of the held journal: %+v, %v", fs, err)
	}
	dir := t.TempDir()
	rep, err := b.JobReport(free.Path(), dir)
	if err != nil || rep.Succeeded != 1 || rep.Failed != 1 || len(rep.Head) != 3 || !strings.HasPrefix(rep.Head[0], "Bucket,Key") {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if filepath.Dir(rep.Path) != dir {
		t.Errorf("report written to %s, not in %s", rep.Path, dir)
	}
	var le *journal.LockedError
	if err := b.Forget(held.Path()); !errors.As(err, &le) {
		t.Errorf("Forget of the held journal: %v", err)
	}
	if err := b.Forget(free.Path()); err != nil {
		t.Fatal(err)
	}
	if list, _ := b.Jobs(); len(list) != 1 || list[0].Migration.SrcBucket != "held-origin" {
		t.Errorf("after Forget: %+v", list)
	}
	if _, err := os.Stat(rep.Path); err != nil {
		t.Errorf("Forget deleted the report, the operator's file: %v", err)
	}
}
