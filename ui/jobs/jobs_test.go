package jobs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

const interruptedJournal = "/state/s3migrate/20261031-170000-c3d4.db"

func fakeWithJobs() *uitest.Fake {
	f := uitest.New()
	f.JobList = uitest.SampleJobs()
	f.Failures = map[string][]screen.JobFailure{interruptedJournal: {
		{Key: "reports/2025/q1.csv", Attempts: 4, ErrorCode: "AccessDenied", HTTPStatus: 403, Error: "copy s3://origin-data/reports/2025/q1.csv: AccessDenied: kms:Decrypt is missing in the key policy"},
		{Key: "reports/2025/q2.csv", Attempts: 1, ErrorCode: "InvalidObjectState", HTTPStatus: 403, Error: "the object is archived; restore it first"},
	}}
	return f
}

func newDriver(t *testing.T, f *uitest.Fake) *uitest.Driver {
	state := &screen.State{Backend: f, Styles: style.New(true), SaveDir: "/home/op"}
	return uitest.NewDriver(t, state, New())
}

// TestListShowsEveryJob: state (running with its holder), progress,
// failures, when, profiles and locations of every journal.
func TestListShowsEveryJob(t *testing.T) {
	d := newDriver(t, fakeWithJobs())
	v := d.View()
	for _, want := range []string{
		"Journaled migrations (3)  in /state/s3migrate",
		"20261101-093000-a1b2  running", "640/1,200",
		"20261031-170000-c3d4  interrupted", "3/14",
		"20261030-080000-e5f6  done", "s3://origin-logs/2026/ → s3://dest-archive/logs/",
		// The selected (first) job's details.
		"running in process 4242 on ops-box",
		"2 items: backups/, logs/2026/", "s3://dest-archive/copy/",
		"origin prod-origin · destination prod-archive",
		"640 of 1,200 keys done · 560 pending · 0 failed · 35 identical",
		"96.0 MiB of 220.0 MiB copied",
		"journal   /state/s3migrate/20261101-093000-a1b2.db",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("jobs screen lacks %q:\n%s", want, v)
		}
	}
	d.Press("j")
	if v := d.View(); !strings.Contains(v, "1 item: reports/") || !strings.Contains(v, "3 of 14 keys done · 9 pending · 2 failed") ||
		!strings.Contains(v, "created 2026-10-31 17:30 · updated 2026-10-31 18:30") {
		t.Errorf("the details do not follow the cursor:\n%s", v)
	}
}

// TestReportAndFailures: enter writes the report into the save directory
// and shows its path and first lines; f lists the failures from the
// journal; esc goes back to the list (and the screen captures esc meanwhile).
func TestReportAndFailures(t *testing.T) {
	f := fakeWithJobs()
	d := newDriver(t, f)
	d.Press("down", "enter")
	if !slices.Equal(f.Reports, []string{interruptedJournal + " /home/op"}) {
		t.Fatalf("reports written: %q", f.Reports)
	}
	v := d.View()
	for _, want := range []string{"Report of 20261031-170000-c3d4", "written to  /home/op/s3migrate-20261031-170000-c3d4-report.csv",
		"3 succeeded · 2 failed", "Bucket,Key,VersionId,TaskStatus", "origin-data,reports/2025/q1.csv,,failed,AccessDenied,403"} {
		if !strings.Contains(v, want) {
			t.Errorf("report lacks %q:\n%s", want, v)
		}
	}
	if !d.S.Capturing() {
		t.Error("an open report does not capture esc")
	}
	d.Press("f")
	v = d.View()
	for _, want := range []string{"Failures of 20261031-170000-c3d4", "reports/2025/q1.csv", "AccessDenied: kms:Decrypt is missing", "InvalidObjectState (403): the object is archived", "1–2 of 2 failed objects"} {
		if !strings.Contains(v, want) {
			t.Errorf("failures lack %q:\n%s", want, v)
		}
	}
	d.Press("esc")
	if d.S.Capturing() || !strings.Contains(d.View(), "Journaled migrations (3)") {
		t.Errorf("esc did not go back to the list:\n%s", d.View())
	}
	d.Press("up", "f")
	if v := d.View(); !strings.Contains(v, "no object failed") {
		t.Errorf("a job without failures:\n%s", v)
	}
}

// TestResume picks the selected migration up the way R on the profiles
// screen does (its journal, selection and identities into the shared state, then
// the plan); a running or finished one is refused with the reason.
func TestResume(t *testing.T) {
	f := fakeWithJobs()
	d := newDriver(t, f)
	d.Press("R")
	if len(d.Nav) != 0 || !strings.Contains(d.View(), "20261101-093000-a1b2 is running in process 4242 on ops-box: it cannot be resumed") {
		t.Fatalf("resume of a running job: nav %v\n%s", d.Nav, d.View())
	}
	d.Press("j", "j", "R")
	if len(d.Nav) != 0 || !strings.Contains(d.View(), "finished: there is nothing to resume") {
		t.Fatalf("resume of a finished job: nav %v\n%s", d.Nav, d.View())
	}
	d.Press("k", "R")
	if len(d.Nav) != 1 || d.Nav[0] != (screen.Go{To: screen.Plan}) {
		t.Fatalf("resume: nav %v", d.Nav)
	}
	c := d.State
	if c.Journal != interruptedJournal || c.SrcBucket != "origin-data" || c.DstBucket != "dest-archive" ||
		!slices.Equal(c.Items, []string{"reports/"}) || c.SrcProfile != "prod-origin" || c.DstProfile != "prod-archive" {
		t.Errorf("context after resume: %+v", c)
	}
	if m := c.Migration(); m.Journal != interruptedJournal {
		t.Errorf("Start would not run the journal: %+v", m)
	}
	// Back from its plan, the migration is let go and the list read again.
	f.JobList[1].State = "done"
	d.Run(d.S.(screen.Reenterer).Reenter(d.State))
	if c.Journal != "" {
		t.Errorf("the journal stays picked up after coming back: %q", c.Journal)
	}
	if v := d.View(); !strings.Contains(v, "20261031-170000-c3d4  done") {
		t.Errorf("the list was not read again:\n%s", v)
	}
}

// TestForgetAsksFirst: x asks with the journal named, n keeps it, y
// forgets it; a job a run holds is refused without a question.
func TestForgetAsksFirst(t *testing.T) {
	f := fakeWithJobs()
	d := newDriver(t, f)
	d.Press("x")
	if d.S.Capturing() || len(f.Forgotten) != 0 || !strings.Contains(d.View(), "a journal in use is not forgotten") {
		t.Fatalf("forget of a running job:\n%s", d.View())
	}
	d.Press("j", "x")
	v := d.View()
	if !d.S.Capturing() || !strings.Contains(v, "Forget migration 20261031-170000-c3d4?") || !strings.Contains(v, interruptedJournal) {
		t.Fatalf("no question naming the job:\n%s", v)
	}
	d.Press("n")
	if len(f.Forgotten) != 0 || !strings.Contains(d.View(), "20261031-170000-c3d4 is kept") {
		t.Fatalf("n forgot (%q):\n%s", f.Forgotten, d.View())
	}
	d.Press("x", "y")
	if !slices.Equal(f.Forgotten, []string{interruptedJournal}) {
		t.Fatalf("forgotten %q", f.Forgotten)
	}
	v = d.View()
	if strings.Contains(v, "20261031-170000-c3d4  interrupted") || !strings.Contains(v, "forgot 20261031-170000-c3d4") || !strings.Contains(v, "Journaled migrations (2)") {
		t.Errorf("the list still shows the forgotten job:\n%s", v)
	}
}

func TestEmptyAndFitsAnySize(t *testing.T) {
	d := newDriver(t, uitest.New())
	if v := d.View(); !strings.Contains(v, "No journaled migrations yet") {
		t.Errorf("empty list:\n%s", v)
	}
	f := fakeWithJobs()
	for i := range 40 {
		j := uitest.SampleJobs()[1]
		j.ID += strings.Repeat("x", i%3)
		j.Migration.Items = []string{strings.Repeat("deep/", 30)}
		f.JobList = append(f.JobList, j)
	}
	state := &screen.State{Backend: f, Styles: style.New(true)}
	s := uitest.NewDriver(t, state, New())
	s.Press("x")
	for _, sz := range [][2]int{{80, 20}, {120, 26}, {200, 56}, {40, 5}} {
		v := s.S.View(state, sz[0], sz[1])
		lines := strings.Split(v, "\n")
		if len(lines) > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
			}
		}
	}
	// Paging keeps the cursor in view.
	s.Press("n", "pgdown", "pgdown", "down")
	if v := uitest.Plain(s.S.View(state, 120, 26)); !strings.Contains(v, "▸ ") {
		t.Errorf("the cursor left the view:\n%s", v)
	}
}

func TestGoldenJobs(t *testing.T) {
	d := newDriver(t, fakeWithJobs())
	uitest.Golden(t, "jobs", d.S.View(d.State, 120, 26))
	uitest.Golden(t, "jobs_80x20", d.S.View(d.State, 80, 20))
	d.Press("j", "x")
	uitest.Golden(t, "jobs_forget", d.S.View(d.State, 120, 26))
	d.Press("n", "f")
	uitest.Golden(t, "jobs_failures", d.S.View(d.State, 120, 26))
	d.Press("enter")
	uitest.Golden(t, "jobs_report", d.S.View(d.State, 120, 26))
}

// TestForgetRealJournals runs the screen on the live backend over real
// journal files: a journal a run holds is refused — whether the list knew
// it was held or a run took it after the list was read — and stays; a
// free one is deleted with its lock and WAL files after the y.
func TestForgetRealJournals(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	mk := func(bucket string, state journal.State) *journal.Journal {
		def := migration.Definition{Src: transfer.Location{Bucket: bucket}, Dst: transfer.Location{Bucket: "dest-archive"},
			SrcProfile: "o", DstProfile: "d", Items: []string{"logs/"}, Options: migration.DefaultOptions()}
		j, err := migration.CreateJournal("", def)
		if err != nil {
			t.Fatal(err)
		}
		e := transfer.Entry{Rel: "logs/a", Class: transfer.ClassNew, Src: transfer.Object{Key: "logs/a", Size: 3}}
		j.Planned(e)
		j.Finished(e, "copy", 2, errors.New("copy s3://"+bucket+"/logs/a: AccessDenied"))
		if err := j.SetState(state); err != nil {
			t.Fatal(err)
		}
		return j
	}
	held := mk("held-origin", journal.StateRunning) // kept open: this process holds it
	t.Cleanup(func() { held.Close() })
	free := mk("free-origin", journal.StateFailed)
	if err := free.Close(); err != nil {
		t.Fatal(err)
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }

	state := &screen.State{Backend: backend.New(), Styles: style.New(true), SaveDir: t.TempDir()}
	d := uitest.NewDriver(t, state, New())
	v := d.View()
	if !strings.Contains(v, "Journaled migrations (2)") || !strings.Contains(v, "running  ") {
		t.Fatalf("the real journals:\n%s", v)
	}
	// Find each job's row: the list is newest first.
	pos := func(bucket string) int {
		for i, j := range d.S.(*Model).jobs {
			if j.Migration.SrcBucket == bucket {
				return i
			}
		}
		t.Fatalf("no job of %s", bucket)
		return -1
	}
	goTo := func(i int) {
		d.Press("up", "up")
		for range i {
			d.Press("down")
		}
	}

	goTo(pos("held-origin"))
	d.Press("x")
	if d.S.Capturing() || !exists(held.Path()) || !strings.Contains(d.View(), "a journal in use is not forgotten") {
		t.Fatalf("forget of the held journal:\n%s", d.View())
	}

	// A run takes the free journal after the list was read: the y is
	// refused by the journal's lock, and the file stays.
	goTo(pos("free-origin"))
	freePath := d.S.(*Model).jobs[pos("free-origin")].Migration.Journal
	d.Press("x")
	if !strings.Contains(d.View(), "Forget migration") || !strings.Contains(d.View(), filepath.Base(freePath)) {
		t.Fatalf("no question naming the journal:\n%s", d.View())
	}
	taken, err := journal.Open(freePath)
	if err != nil {
		t.Fatal(err)
	}
	d.Press("y")
	if !exists(freePath) || !strings.Contains(strings.Join(strings.Fields(d.View()), " "), "not forgotten: journal "+freePath+" is in use by process") {
		t.Fatalf("forget of a journal taken meanwhile:\n%s", d.View())
	}
	if err := taken.Close(); err != nil {
		t.Fatal(err)
	}
	d.Press("r") // the run is over: read the list again

	// Failures and the report come from the journal itself.
	goTo(pos("free-origin"))
	d.Press("f")
	if v := d.View(); !strings.Contains(v, "logs/a") || !strings.Contains(v, "AccessDenied") {
		t.Errorf("failures of the real journal:\n%s", v)
	}
	d.Press("enter")
	rep := filepath.Join(state.SaveDir, "s3migrate-"+strings.TrimSuffix(filepath.Base(freePath), ".db")+"-report.csv")
	if b, err := os.ReadFile(rep); err != nil || !strings.Contains(string(b), "free-origin,logs/a,,failed,,,copy s3://free-origin/logs/a: AccessDenied,0,copy,2") {
		t.Errorf("report %s: %q, %v\n%s", rep, b, err, d.View())
	}
	d.Press("esc")

	goTo(pos("free-origin"))
	d.Press("x", "y")
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		if exists(freePath + suffix) {
			t.Errorf("%s%s is still there after forget", freePath, suffix)
		}
	}
	if !exists(held.Path()) {
		t.Error("the held journal went too")
	}
	if v := d.View(); !strings.Contains(v, "Journaled migrations (1)") || !strings.Contains(v, "forgot ") {
		t.Errorf("after forget:\n%s", v)
	}
}

// In the failures, ↑↓ highlight one and d shows it whole; esc closes the
// detail, a second esc the failures; enter still writes the report.
func TestFailureDetail(t *testing.T) {
	f := fakeWithJobs()
	d := newDriver(t, f)
	d.Press("down", "f", "j", "d")
	v := d.View()
	if !strings.Contains(v, "Failed object") || !strings.Contains(v, "reports/2025/q2.csv") || !strings.Contains(v, "InvalidObjectState (403)") {
		t.Fatalf("detail of the second failure:\n%s", v)
	}
	d.Press("esc")
	if !d.S.Capturing() || strings.Contains(d.View(), "Failed object") || !strings.Contains(d.View(), "Failures of") {
		t.Fatalf("esc did not close only the detail:\n%s", d.View())
	}
	d.Press("esc")
	if d.S.Capturing() {
		t.Fatal("the second esc did not close the failures")
	}
}

// TestBatchJobShown: a batch migration's details name its S3 Batch
// Operations job and the job's last known state.
func TestBatchJobShown(t *testing.T) {
	f := fakeWithJobs()
	f.JobList[0].BatchJob, f.JobList[0].BatchState = "6dc18f6b-bd99", "Active"
	d := newDriver(t, f)
	if v := d.View(); !strings.Contains(v, "batch job 6dc18f6b-bd99 · Active") {
		t.Errorf("the batch job is not shown:\n%s", v)
	}
}
