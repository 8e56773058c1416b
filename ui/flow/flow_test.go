package flow

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/app"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

var sb *sandbox.Sandbox

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedSmall, func(s *sandbox.Sandbox) { sb = s }))
}

// driver runs the whole program model synchronously: every command is
// executed and its message fed back, except animation and polling ticks.
type driver struct {
	t *testing.T
	m *app.Model
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	uitest.Settle(d.t, func(msg tea.Msg) tea.Cmd { _, next := d.m.Update(msg); return next }, cmd, 10_000)
}

func (d *driver) keys(ks ...string) {
	for _, k := range ks {
		d.send(uitest.Key(k))
	}
}

func (d *driver) screenShows(want ...string) {
	d.t.Helper()
	v := uitest.Plain(d.m.View().Content)
	for _, w := range want {
		if !strings.Contains(v, w) {
			d.t.Fatalf("screen lacks %q:\n%s", w, v)
		}
	}
}

// TestWholeMigrationOnTheSandbox drives the real program model with the
// live backend through every screen: profiles, buckets, browser (two
// prefixes), plan (denied preflight, apply the policy, passing preflight),
// run and summary; then checks the destination directly.
func TestWholeMigrationOnTheSandbox(t *testing.T) {
	useSandbox(t)
	resetSandbox(t)
	d := &driver{t: t, m: NewModel(backend.New(), style.New(true))}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.screenShows("sandbox-origin", "sandbox-dest", "(no STS)")

	d.keys("j", "space", "k", "space", "enter")
	if d.m.Current() != screen.Buckets {
		t.Fatalf("after profiles: %v", d.m.Current())
	}
	d.screenShows("origin-data", "dest-archive")
	d.keys("space", "space", "enter")
	d.screenShows("images/", "reports/")
	// backups/ docs/ images/ logs/ reports/: mark images/ and reports/.
	d.keys("j", "j", "space", "j", "space", "n")
	if d.m.Current() != screen.Plan {
		t.Fatalf("after browser: %v", d.m.Current())
	}
	state := d.m.State()
	if strings.Join(state.Items, ",") != "images/,reports/" {
		t.Fatalf("selection %q", state.Items)
	}
	// In auto mode (the default) a missing grant only means relaying:
	// Start is allowed, as on the command line.
	d.screenShows("S3MigrateReadList", "Start: enter")
	if v := uitest.Plain(d.m.View().Content); strings.Contains(v, "Start blocked") {
		t.Fatalf("auto mode blocks Start without the grant:\n%s", v)
	}
	// Server-side needs the grant: Start is refused until it is applied.
	d.keys("4", "space", "1")
	d.screenShows("S3MigrateReadList", "Start blocked")
	d.keys("S")
	if d.m.Current() != screen.Plan {
		t.Fatal("Start was not refused while the preflight fails")
	}
	d.keys("a", "y", "2")
	d.screenShows("✗ 0 fail")
	d.keys("S")
	if d.m.Current() != screen.Summary {
		t.Fatalf("after start: %v\n%s", d.m.Current(), uitest.Plain(d.m.View().Content))
	}
	res := state.Result
	if res == nil || res.Err != nil || res.Result.Copied != 11 || len(res.Result.Failures) != 0 {
		t.Fatalf("run result %+v", res)
	}
	if res.Verify == nil || len(res.Verify.Mismatches) != 0 || res.Verify.Verified != 11 {
		t.Errorf("verification %+v", res.Verify)
	}
	d.screenShows("Migration finished", "verified")

	out, err := sb.Client(sb.Dest).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 11 {
		t.Errorf("destination has %d objects, want 11 (6 images, 4 reports, the reports/ marker)", len(out.Contents))
	}

	// Back on the plan, the diff is read again: what the run copied is
	// identical now, without pressing m.
	d.keys("esc", "esc")
	if d.m.Current() != screen.Plan {
		t.Fatalf("esc, esc from the summary: %v", d.m.Current())
	}
	d.keys("3")
	v := uitest.Plain(d.m.View().Content)
	if !regexp.MustCompile(`(?m)^▸ new +0 `).MatchString(v) || !regexp.MustCompile(`(?m)identical +11 `).MatchString(v) {
		t.Errorf("the plan is stale after the run:\n%s", v)
	}

	// The jobs screen, from the first screen, lists the journal of the
	// run; forgetting it (after the question) deletes it.
	d.keys("esc", "esc", "esc")
	if d.m.Current() != screen.Profiles {
		t.Fatalf("back to the first screen: %v", d.m.Current())
	}
	d.keys("J")
	d.screenShows("Journaled migrations (1)", "done", "s3://origin-data/ → s3://dest-archive/ (2 items", "11 of 11 keys done")
	d.keys("f")
	d.screenShows("no object failed")
	d.keys("esc", "x")
	d.screenShows("Forget migration", filepath.Base(res.Journal))
	d.keys("y")
	d.screenShows("forgot ", "No journaled migrations yet")
	if _, err := os.Stat(res.Journal); !os.IsNotExist(err) {
		t.Errorf("the journal %s after forget: %v", res.Journal, err)
	}
}

// TestResumeFromJobsOnTheSandbox: an interrupted journal, picked on the
// jobs screen with R, runs through the plan and Start the same way R on
// the profiles screen does — migration.Resume on that journal — and ends
// done.
func TestResumeFromJobsOnTheSandbox(t *testing.T) {
	useSandbox(t)
	def := migration.Definition{Src: transfer.Location{Bucket: sandbox.OriginBucket}, Dst: transfer.Location{Bucket: sandbox.DestBucket, Prefix: "resumed/"},
		SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Items: []string{"reports/"}, Options: migration.DefaultOptions()}
	j, err := migration.CreateJournal("", def)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.SetState(journal.StateInterrupted); err != nil {
		t.Fatal(err)
	}
	path := j.Path()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	d := &driver{t: t, m: NewModel(backend.New(), style.New(true))}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.keys("J")
	d.screenShows("Journaled migrations (1)", "interrupted", "s3://origin-data/reports/ → s3://dest-archive/resumed/reports/")
	d.keys("R")
	if d.m.Current() != screen.Plan || d.m.State().Journal != path {
		t.Fatalf("R on the jobs screen: %v, journal %q", d.m.Current(), d.m.State().Journal)
	}
	d.keys("S")
	if d.m.Current() != screen.Summary {
		t.Fatalf("after start: %v\n%s", d.m.Current(), uitest.Plain(d.m.View().Content))
	}
	res := d.m.State().Result
	if res == nil || res.Err != nil || res.Journal != path || res.Result.Copied+res.Result.Stats.Count[transfer.ClassIdentical] != 5 { // 4 reports and the reports/ marker
		t.Fatalf("resumed run %+v", res)
	}
	list, err := journal.List(filepath.Dir(path))
	if err != nil || len(list) != 1 || list[0].State != journal.StateDone {
		t.Errorf("the journal after the run: %+v, %v", list, err)
	}
	// Back to the jobs screen: the list is read again.
	d.keys("esc", "esc", "esc")
	if d.m.Current() != screen.Jobs || d.m.State().Journal != "" {
		t.Fatalf("back: %v, journal %q", d.m.Current(), d.m.State().Journal)
	}
	d.screenShows("done")
}

// useSandbox points the profiles at the sandbox (its own config and
// credentials files) and the journals at a temporary directory; without
// the sandbox (-short) the test is skipped.
func useSandbox(t *testing.T) {
	t.Helper()
	sandboxtest.Need(t, sb)
	t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
}

// resetSandbox puts back what a whole migration changes: the origin
// bucket's policy as seeded (the owner's statement only) and an empty
// destination bucket, so the test also stands repeated runs (-count).
func resetSandbox(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	oc, dc := sb.Client(sb.Origin), sb.Client(sb.Dest)
	if _, err := oc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(sandbox.OriginBucket),
		Policy: aws.String(sandbox.OwnerPolicy(sandbox.OriginBucket, sb.Origin.AccessKey))}); err != nil {
		t.Fatal(err)
	}
	p := s3.NewListObjectsV2Paginator(dc, &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.DestBucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			if _, err := dc.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(sandbox.DestBucket), Key: o.Key}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
