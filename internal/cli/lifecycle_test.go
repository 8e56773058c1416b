package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/faultproxy"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// put writes small objects (body = key) as the owner of bucket.
func put(t *testing.T, c *s3.Client, bucket string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatalf("put %s: %v", k, err)
		}
	}
}

// putN writes n small objects prefix000…, 16 at a time, and returns their keys.
func putN(t *testing.T, bucket, prefix string, n int) []string {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	c := sb.Client(sb.Origin)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(keys[i]), Body: strings.NewReader(keys[i])}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return keys
}

// newPair makes a source bucket the destination account may read and an
// empty destination bucket.
func newPair(t *testing.T, name string) (src, dst string) {
	t.Helper()
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	return src, dst
}

// TestDeleteBoundary: --delete acts inside the destination folder only.
// Siblings that share the folder's name as a string prefix survive; so do
// keys outside it; a source that lists nothing deletes nothing; without a
// terminal and without --yes nothing happens at all; --max-delete stops
// before deleting more.
func TestDeleteBoundary(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-delete-boundary")
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	put(t, origin, src, "reports/a.txt", "reports/b.txt", "reports-archive/old.txt")
	siblings := []string{"x/reports-archive/keep.txt", "x/reportsX.txt", "x/other/keep.txt", "top.txt"}
	put(t, dest, dst, append([]string{"x/reports/a.txt", "x/reports/stale.txt"}, siblings...)...)

	// Unconfirmed: refused before any work.
	r := run(t, withProfiles("sync", "s3://"+src+"/reports", "s3://"+dst+"/x/reports", "--delete", "--progress", "none")...)
	if r.code != 2 || !strings.Contains(r.stderr, "add --yes") {
		t.Fatalf("unconfirmed delete: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := listKeys(t, dest, dst); len(got) != 6 {
		t.Fatalf("an unconfirmed delete changed the destination: %v", got)
	}

	// A typo in the source: it lists nothing, so nothing is deleted.
	r = run(t, withProfiles("sync", "s3://"+src+"/reportz/", "s3://"+dst+"/x/reports", "--delete", "--yes", "--progress", "none")...)
	if r.code != 2 || !strings.Contains(r.stderr, "the source lists no objects: check the location") {
		t.Fatalf("empty source: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := listKeys(t, dest, dst); len(got) != 6 {
		t.Fatalf("an empty source deleted objects: %v", got)
	}

	// --max-delete 0: the copy runs, the delete does not.
	r = run(t, withProfiles("sync", "s3://"+src+"/reports", "s3://"+dst+"/x/reports", "--delete", "--yes", "--max-delete", "0", "--progress", "none")...)
	if r.code != 2 || !strings.Contains(r.stderr, "more than --max-delete 0") {
		t.Fatalf("max-delete: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := listKeys(t, dest, dst); !slices.Contains(got, "x/reports/stale.txt") || !slices.Contains(got, "x/reports/b.txt") {
		t.Fatalf("after --max-delete 0: %v (want the copy done, the stale key kept)", got)
	}

	// The real thing, with the plan printed before anything is deleted.
	r = run(t, withProfiles("sync", "s3://"+src+"/reports", "s3://"+dst+"/x/reports", "--delete", "--yes", "--progress", "none")...)
	if r.code != 0 || !strings.Contains(r.stderr, "delete plan: 1 object (19 B) only in s3://"+dst+"/x/reports/") || !strings.Contains(r.stdout, "deleted 1") {
		t.Fatalf("delete: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	got := listKeys(t, dest, dst)
	want := append([]string{"x/reports/a.txt", "x/reports/b.txt"}, siblings...)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after delete:\n got %v\nwant %v", got, want)
	}
}

// TestKeyMapping: the table of README's prefix semantics, each case into a
// fresh destination.
func TestKeyMapping(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-mapping")
	origin := sb.Client(sb.Origin)
	put(t, origin, src, "r/q1.csv", "r/q2.csv", "r/sub/z.txt", "r-other.txt", "rX.txt")
	if _, err := origin.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String("r/"), Body: strings.NewReader("")}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		src, dst string // relative to the buckets; dst gets a per-case folder in front
		want     []string
	}{
		{"r", "p", []string{"p/", "p/q1.csv", "p/q2.csv", "p/sub/z.txt"}},
		{"r/", "p/", []string{"p/", "p/q1.csv", "p/q2.csv", "p/sub/z.txt"}},
		{"r/sub", "p", []string{"p/z.txt"}},
		{"r/q1.csv", "p/", []string{"p/q1.csv"}},
		{"r/q1.csv", "p", []string{"p/q1.csv"}},
		{"rX.txt", "p", []string{"p/rX.txt"}},
		// A bucket root: the folder marker r/ would map to an empty key and
		// is left out.
		{"r", "", []string{"q1.csv", "q2.csv", "sub/z.txt"}},
		{"r/q2.csv", "", []string{"q2.csv"}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s→%s", c.src, c.dst), func(t *testing.T) {
			// Each case gets its own destination bucket so a root case
			// sees only its own keys.
			_, d, err := sb.NewPair(context.Background(), fmt.Sprintf("cli-map-%d", i))
			if err != nil {
				t.Fatal(err)
			}
			r := run(t, withProfiles("sync", "s3://"+src+"/"+c.src, "s3://"+d+"/"+c.dst, "--progress", "none")...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if got := listKeys(t, sb.Client(sb.Dest), d); !slices.Equal(got, c.want) {
				t.Errorf("sync s3://src/%s s3://dst/%s wrote\n %q\nwant %q", c.src, c.dst, got, c.want)
			}
		})
	}
	_ = dst
}

// TestSecondRunOnAJournalIsRefused: a journal belongs to one process.
func TestSecondRunOnAJournalIsRefused(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-lock")
	put(t, sb.Client(sb.Origin), src, "a", "b")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir, err := journal.Dir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "m.db")
	args := withProfiles("sync", "s3://"+src, "s3://"+dst, "--journal", path, "--progress", "none")
	if r := run(t, args...); r.code != 0 {
		t.Fatalf("first run: exit %d %q", r.code, r.stderr)
	}
	j, err := journal.Open(path) // this process now holds it, as a running sync would
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	r := run(t, args...)
	if r.code != 2 || !strings.Contains(r.stderr, fmt.Sprintf("is in use by process %d", os.Getpid())) {
		t.Fatalf("second run: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run(t, "jobs"); !strings.Contains(r.stdout, "running (pid") {
		t.Errorf("jobs while held:\n%s", r.stdout)
	}
}

// openPair resolves a pair on the sandbox profiles, as a front end does.
func openPair(t *testing.T, src, dst string) *migration.Pair {
	t.Helper()
	s, err := transfer.ParseLocation(src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := transfer.ParseLocation(dst)
	if err != nil {
		t.Fatal(err)
	}
	p, err := migration.Open(context.Background(), sandbox.OriginProfile, sandbox.DestProfile, s, d, transfer.CompareSizeETag, awsauth.Options{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func useSandboxProfiles(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
}

func journalFiles(t *testing.T) []string {
	t.Helper()
	dir, err := journal.Dir()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "*.db"))
	return m
}

// TestTUIMigrationResumedByCommand: a migration defined as the TUI defines
// it (hand-picked items under the bucket root, a destination folder, relay
// mode, its own concurrency) and cut off before it ran is carried on by
// `s3migrate resume`: the same keys, the same options, the same journal.
func TestTUIMigrationResumedByCommand(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "cli-tui-resume")
	put(t, sb.Client(sb.Origin), src, "logs/1", "logs/2", "images/cats/c1", "images/dogs/d1", "top.txt", "top.txt.bak")
	p := openPair(t, "s3://"+src, "s3://"+dst+"/in")
	p.Items = []string{"logs/", "images/cats/", "top.txt"}
	opt := migration.DefaultOptions()
	opt.Mode, opt.Concurrency = transfer.ModeRelay, 3
	m, err := migration.New(p, migration.Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	id, path := m.ID(), m.JournalPath()
	m.SetConcurrency(5) // the operator's +/- is kept for later runs
	m.Close()           // as if the TUI was closed before the run

	r := run(t, "resume", "--progress", "none")
	if r.code != 0 || !strings.Contains(r.stderr, "resuming "+id) || !strings.Contains(r.stdout, "[0 server-side, 4 relayed]") {
		t.Fatalf("resume: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	want := []string{"in/images/cats/c1", "in/logs/1", "in/logs/2", "in/top.txt"}
	if got := listKeys(t, sb.Client(sb.Dest), dst); !slices.Equal(got, want) {
		t.Errorf("resume wrote %v, want %v (the selection, under in/)", got, want)
	}
	if files := journalFiles(t); len(files) != 1 {
		t.Errorf("journals %v: resume must continue the one journal", files)
	}
	jd, _, err := journal.ReadDefinition(path)
	if err != nil {
		t.Fatal(err)
	}
	def, err := migration.Decode(jd.Spec)
	if err != nil || def.Options.Concurrency != 5 || def.Options.Mode != transfer.ModeRelay || len(def.Items) != 3 {
		t.Errorf("stored definition after resume: %+v, %v", def, err)
	}
}

// TestCommandMigrationResumedByTUI: a command-line migration of a folder,
// cut off, is offered by the TUI's profiles screen and run again with R:
// the same journal, the same mapping (no extra folder level), no upload
// left behind.
func TestCommandMigrationResumedByTUI(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "cli-cmd-tui")
	put(t, sb.Client(sb.Origin), src, "data/a", "data/sub/b", "data-other/c", "elsewhere")
	p := openPair(t, "s3://"+src+"/data", "s3://"+dst+"/x")
	opt := migration.DefaultOptions()
	opt.Mode = transfer.ModeRelay
	m, err := migration.New(p, migration.Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	path := m.JournalPath()
	m.Close()

	b := backend.New()
	list, err := b.Resumable()
	if err != nil || len(list) != 1 || list[0].Migration.Journal != path {
		t.Fatalf("resumable %+v, %v", list, err)
	}
	state := screen.State{}
	sm := list[0].Migration
	state.SrcProfile, state.DstProfile, state.SrcBucket, state.DstBucket = sm.SrcProfile, sm.DstProfile, sm.SrcBucket, sm.DstBucket
	state.SrcPrefix, state.Items, state.DstPrefix, state.Journal = sm.SrcPrefix, sm.Items, sm.DstPrefix, sm.Journal
	state.Options = screen.RunOptions{Concurrency: 99, Verify: true}
	run, err := b.Start(context.Background(), state.Migration(), state.Options)
	if err != nil {
		t.Fatal(err)
	}
	res := <-run.Done()
	if res.Err != nil || res.Result == nil || res.Result.Copied != 2 || res.Journal != path {
		t.Fatalf("TUI run: %+v", res)
	}
	if res.Snapshot.Relayed != 2 {
		t.Errorf("relayed %d: the journal's --mode relay was not kept", res.Snapshot.Relayed)
	}
	if got := listKeys(t, sb.Client(sb.Dest), dst); !slices.Equal(got, []string{"x/a", "x/sub/b"}) {
		t.Errorf("TUI resume wrote %v, want x/a, x/sub/b", got)
	}
	if files := journalFiles(t); len(files) != 1 {
		t.Errorf("journals %v: R must continue the one journal", files)
	}
	if r := run2(t, "jobs"); !strings.Contains(r.stdout, "done") {
		t.Errorf("jobs after the TUI run:\n%s", r.stdout)
	}
	ups, err := sb.Client(sb.Dest).ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(dst)})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("uploads left: %v, %v", ups, err)
	}
}

// run2 is run under another name where a local variable shadows it.
func run2(t *testing.T, args ...string) result { return run(t, args...) }

// profilesVia writes sandbox profiles whose endpoint is url (a fault
// proxy in front of the sandbox).
func profilesVia(t *testing.T, url string) {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf("[profile %[2]s]\nregion = us-east-1\nendpoint_url = %[1]s\n[profile %[3]s]\nregion = us-east-1\nendpoint_url = %[1]s\n", url, sandbox.OriginProfile, sandbox.DestProfile)
	cf := filepath.Join(dir, "config")
	if err := os.WriteFile(cf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cf)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	t.Setenv("AWS_PROFILE", "")
}

// objectRequest matches requests that name an object (path-style
// /bucket/key), as opposed to bucket requests such as ListObjectsV2.
func objectRequest(r *http.Request) bool {
	_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return key != ""
}

// TestNoOpRerunSendsListingsOnly: a re-run where nothing changed sends no
// per-object request, and the first run checks its copies without reading
// them again (the copies are single-part: one request each).
func TestNoOpRerunSendsListingsOnly(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-noop")
	putN(t, src, "k/", 40)
	proxy, err := faultproxy.New(sb.Endpoint, faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Match: objectRequest, Delay: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	profilesVia(t, proxy.URL())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	args := withProfiles("sync", "s3://"+src+"/k", "s3://"+dst+"/k", "--progress", "none")
	r := run(t, args...)
	first := proxy.Stats().Faults[faultproxy.Delay]
	if r.code != 0 || !strings.Contains(r.stdout, "verified 40 of 40 objects: all match") {
		t.Fatalf("first run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// 40 CopyObject and one probe (HEAD) before the first copy.
	if first > 41 {
		t.Errorf("first run sent %d object requests for 40 copies: the check after the copy reads objects again", first)
	}
	r = run(t, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "40 identical") {
		t.Fatalf("re-run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if n := proxy.Stats().Faults[faultproxy.Delay] - first; n != 0 {
		t.Errorf("a no-op re-run sent %d object requests, want 0 (listings only)", n)
	}
}

// TestVerifyUnderSlowDown: objects that cannot be read are reported as
// "could not check", never as differences.
func TestVerifyUnderSlowDown(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-verify-503")
	put(t, sb.Client(sb.Origin), src, "a/1", "a/2", "b/1", "b/2")
	if r := run(t, withProfiles("sync", "s3://"+src, "s3://"+dst, "--progress", "none")...); r.code != 0 {
		t.Fatalf("sync: %d %q", r.code, r.stderr)
	}
	proxy, err := faultproxy.New(sb.Endpoint, faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 1,
		Match: faultproxy.And(faultproxy.Method(http.MethodHead), faultproxy.KeyPrefix("b/"))})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	profilesVia(t, proxy.URL())
	r := run(t, withProfiles("verify", "s3://"+src, "s3://"+dst)...)
	if r.code != 1 || !strings.Contains(r.stdout, "verified 2 of 4 objects: no difference found") || !strings.Contains(r.stderr, "could not check 2 objects") {
		t.Fatalf("verify under 503: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "difference") && !strings.Contains(r.stdout, "no difference") {
		t.Errorf("read errors reported as differences: %s", r.stdout)
	}
	// The suggested command runs as printed once the endpoint answers.
	again := suggestion(t, r.stderr, "check again later with `")
	t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	if r := run(t, again...); r.code != 0 || !strings.Contains(r.stdout, "verified 4 of 4 objects: all match") {
		t.Errorf("the suggested %q: exit %d\nstdout %s\nstderr %s", again, r.code, r.stdout, r.stderr)
	}
}

// TestTotalsKnownEarly: the plan runs ahead of the copy, so the exact
// total and an ETA are known long before the copy ends (on snapshots, not
// on time).
func TestTotalsKnownEarly(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "cli-totals")
	const n = 2000
	putN(t, src, "t/", n)
	p := openPair(t, "s3://"+src+"/t", "s3://"+dst+"/t")
	opt := migration.DefaultOptions()
	opt.Concurrency = 8
	m, err := migration.New(p, migration.Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	done := make(chan *migration.Outcome)
	go func() { done <- m.Run(context.Background(), migration.RunOptions{}) }()
	var atTotal, atETA int64 = -1, -1
	sawListing := false
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var out *migration.Outcome
	for out == nil {
		select {
		case out = <-done:
		case <-tick.C:
			s := m.Snapshot()
			if !s.Listed && s.ListedKeys > 0 {
				sawListing = true
			}
			if s.Listed && atTotal < 0 {
				atTotal = s.Copied
				if s.ToCopy != n {
					t.Errorf("total %d once listed, want %d", s.ToCopy, n)
				}
			}
			if s.Listed && s.ETA > 0 && atETA < 0 {
				atETA = s.Copied
			}
		}
	}
	if out.Err != nil || out.Result.Copied != n {
		t.Fatalf("run: %v, copied %+v", out.Err, out.Result)
	}
	if out.Verify == nil || out.Verify.Checked != n || out.Verify.Verified != n {
		t.Errorf("the check behind the copy: %+v, want %d of %d verified", out.Verify, n, n)
	}
	t.Logf("exact total known at %d copied, ETA at %d copied, of %d", atTotal, atETA, n)
	if atTotal < 0 || atTotal > n*3/10 {
		t.Errorf("the exact total was known only at %d of %d copied (want before 30%%)", atTotal, n)
	}
	if atETA < 0 || atETA > n*3/10 {
		t.Errorf("an ETA was known only at %d of %d copied (want before 30%%)", atETA, n)
	}
	if !sawListing && atTotal > 0 {
		t.Log("the listing finished before the first snapshot")
	}
}

// TestRelayNoticeComesBeforeTheSummary: in auto mode a denied server-side
// read switches to relaying and says so while the run goes on (once), and
// the plan line comes before the summary; with --progress none too.
func TestRelayNoticeComesBeforeTheSummary(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "cli-relay-note") // no grant: server-side reads are denied
	if err != nil {
		t.Fatal(err)
	}
	put(t, sb.Client(sb.Origin), src, "a", "b", "c")
	r := run(t, withProfiles("sync", "s3://"+src, "s3://"+dst, "--progress", "none")...)
	if r.code != 0 || strings.Count(r.stderr, "note: server-side copy denied") != 1 || !strings.Contains(r.stdout, "[0 server-side, 3 relayed]") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if i, j := strings.Index(r.stdout, "plan: 3 new"), strings.Index(r.stdout, "copied 3 objects"); i < 0 || j < i {
		t.Errorf("the plan line does not come before the summary:\n%s", r.stdout)
	}
}

// TestJournalWriteErrorStopsTheRun: a journal that can no longer be written
// stops the run with its error (the copy does not go on untracked), and the
// migration stays resumable: resume finishes it.
func TestJournalWriteErrorStopsTheRun(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-journal-fail")
	keys := putN(t, src, "k/", 200)
	// Slow copies, so the journal fails mid-run.
	proxy, err := faultproxy.New(sb.Endpoint, faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Match: faultproxy.IsCopy, Delay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	profilesVia(t, proxy.URL())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	p := openPair(t, "s3://"+src+"/k", "s3://"+dst+"/k")
	opt := migration.DefaultOptions()
	opt.Concurrency = 4
	m, err := migration.New(p, migration.Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	path := m.JournalPath()
	done := make(chan *migration.Outcome)
	go func() { done <- m.Run(context.Background(), migration.RunOptions{}) }()
	for m.Snapshot().Copied < 10 {
		time.Sleep(5 * time.Millisecond)
	}
	// What a full disk does to the writer: every write from now on fails.
	m.Journal().Close()
	out := <-done
	if out.Err == nil || !strings.Contains(out.Err.Error(), "journal") || out.Result.Copied >= int64(len(keys)) {
		t.Fatalf("run after the journal failed: err %v, copied %d of %d", out.Err, out.Result.Copied, len(keys))
	}
	if r := run(t, "jobs"); !strings.Contains(r.stdout, "interrupted") {
		t.Errorf("jobs after the journal failed:\n%s", r.stdout)
	}
	r := run(t, "resume", "--progress", "none")
	if r.code != 0 || !strings.Contains(r.stderr, filepath.Base(strings.TrimSuffix(path, ".db"))) {
		t.Fatalf("resume: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if got := listKeys(t, sb.Client(sb.Dest), dst); len(got) != len(keys) {
		t.Errorf("after resume the destination has %d of %d keys", len(got), len(keys))
	}
}

// TestKeysPrintedEscaped: a key with a newline cannot print a forged line
// in diff, a carriage return cannot overwrite one, and a right-to-left
// override cannot make "gnp.exe" read as "exe.png".
func TestKeysPrintedEscaped(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-odd-keys")
	put(t, sb.Client(sb.Origin), src, "k/evil\nnew                  forged.txt", "k/over\rwrite", "k/bidi-\u202egnp.exe")
	r := run(t, withProfiles("diff", "s3://"+src+"/k", "s3://"+dst+"/k", "--list", "all")...)
	if r.code != 1 { // the sides differ (everything is new)
		t.Fatalf("diff: exit %d, want 1: %q", r.code, r.stderr)
	}
	for _, want := range []string{`evil\nnew                  forged.txt`, `over\rwrite`, `bidi-\u202egnp.exe`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff output lacks the escaped key %q:\n%s", want, r.stdout)
		}
	}
	if strings.ContainsAny(r.stdout, "\r\u202e") || strings.Contains(r.stdout, "\nnew                  forged") {
		t.Errorf("diff printed a raw control character:\n%q", r.stdout)
	}
}

// TestIncludeExclude: filtered keys are neither copied nor deleted, the
// last matching rule wins, and resume keeps the filter.
func TestIncludeExclude(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-filter")
	put(t, sb.Client(sb.Origin), src, "d/a.csv", "d/b.tmp", "d/keep/c.tmp", "d/sub/e.tmp")
	put(t, sb.Client(sb.Dest), dst, "d/old.tmp", "d/old.csv")
	r := run(t, withProfiles("sync", "s3://"+src+"/d", "s3://"+dst+"/d", "--exclude", "*.tmp", "--include", "keep/*",
		"--delete", "--yes", "--progress", "none")...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	// old.tmp is excluded: kept although only in the destination; old.csv
	// is in scope: deleted.
	want := []string{"d/a.csv", "d/keep/c.tmp", "d/old.tmp"}
	if got := listKeys(t, sb.Client(sb.Dest), dst); !slices.Equal(got, want) {
		t.Errorf("after a filtered sync: %v, want %v", got, want)
	}
	if r := run(t, withProfiles("diff", "s3://"+src+"/d", "s3://"+dst+"/d", "--exclude", "*.tmp", "--include", "keep/*")...); r.code != 0 {
		t.Errorf("diff with the same filter: exit %d, want 0 (nothing differs in scope)\n%s", r.code, r.stdout)
	}
	if r := run(t, withProfiles("sync", "s3://"+src+"/d", "s3://"+dst+"/d", "--exclude", "[oops")...); r.code != 2 || !strings.Contains(r.stderr, `--exclude "[oops"`) {
		t.Errorf("bad pattern: exit %d, %q", r.code, r.stderr)
	}
}

// TestSizeAndAgeWindow: --min-size/--max-size keep objects by size, the
// source's for a key in the source and the destination's for a key only
// there, so --delete removes only destination objects inside the window;
// --older-than before every object keeps none; a window that keeps nothing
// is refused with one line.
func TestSizeAndAgeWindow(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-window")
	ctx := context.Background()
	for _, o := range []struct {
		c      *s3.Client
		bucket string
		key    string
		size   int
	}{
		{sb.Client(sb.Origin), src, "w/small", 10}, {sb.Client(sb.Origin), src, "w/mid", 1000}, {sb.Client(sb.Origin), src, "w/big", 5000},
		{sb.Client(sb.Dest), dst, "w/extra-small", 5}, {sb.Client(sb.Dest), dst, "w/extra-mid", 2000},
	} {
		if _, err := o.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(o.key), Body: bytes.NewReader(make([]byte, o.size))}); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, withProfiles("sync", "s3://"+src+"/w", "s3://"+dst+"/w", "--min-size", "100", "--max-size", "4KiB",
		"--delete", "--yes", "--progress", "none")...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if got, want := listKeys(t, sb.Client(sb.Dest), dst), []string{"w/extra-small", "w/mid"}; !slices.Equal(got, want) {
		t.Errorf("after sync --min-size 100 --max-size 4KiB --delete: %v, want %v", got, want)
	}
	// small, big and extra-small: 10 + 5000 + 5 bytes.
	if !strings.Contains(r.stdout, "the filters left out 3 keys (4.9 KiB)") {
		t.Errorf("the plan does not say what the filters removed:\n%s", r.stdout)
	}
	r = run(t, withProfiles("diff", "s3://"+src+"/w", "s3://"+dst+"/w", "--older-than", "2000-01-01")...)
	if r.code != 0 || !regexp.MustCompile(`new:\s+0 objects`).MatchString(r.stdout) || !regexp.MustCompile(`left out by filters:\s+4 objects`).MatchString(r.stdout) {
		t.Errorf("diff --older-than 2000-01-01 (every object is newer): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, withProfiles("diff", "s3://"+src+"/w", "s3://"+dst+"/w", "--newer-than", "1h")...); r.code != 1 || !regexp.MustCompile(`new:\s+2 objects`).MatchString(r.stdout) {
		t.Errorf("diff --newer-than 1h: exit %d, want 1 with small and big new\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{{"--min-size", "5KiB", "--max-size", "4KiB"}, {"--min-size", "lots"}, {"--newer-than", "yesterday"}} {
		r := run(t, withProfiles(append([]string{"diff", "s3://" + src + "/w", "s3://" + dst + "/w"}, bad...)...)...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
			t.Errorf("%q: exit %d, stderr %q: want exit 2 and one line", bad, r.code, r.stderr)
		}
	}
}

// TestJournalRecallsWhatEachCopyWrote: whatever the strategy (copy,
// multipart copy, relay, marker), the journal records the ETag of the
// object the copy wrote, which is what the destination then lists: a
// re-run's plan recognises its own copies by it where ETags cannot be
// compared (a destination that encrypts with KMS by default).
func TestJournalRecallsWhatEachCopyWrote(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	src, dst := newPair(t, "cli-copied")
	ctx := context.Background()
	oc := sb.Client(sb.Origin)
	put(t, oc, src, "s/small.txt", "r/small.txt")
	big := bytes.Repeat([]byte("x"), 6<<20)
	for k, body := range map[string][]byte{"s/big.bin": big, "r/big.bin": big, "s/dir/": nil, "r/dir/": nil} {
		if _, err := oc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		prefix string
		mode   transfer.Mode
	}{{"s/", transfer.ModeServerSide}, {"r/", transfer.ModeRelay}} {
		p := openPair(t, "s3://"+src+"/"+c.prefix, "s3://"+dst+"/"+c.prefix)
		opt := migration.DefaultOptions()
		opt.Mode, opt.MultipartThreshold, opt.PartSize = c.mode, 5<<20, 5<<20
		path := filepath.Join(t.TempDir(), "m.db")
		m, err := migration.New(p, migration.Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, path, false)
		if err != nil {
			t.Fatal(err)
		}
		out := m.Run(ctx, migration.RunOptions{})
		m.Close()
		if out.Err != nil || out.Result.Copied != 3 {
			t.Fatalf("%s: %v, %+v", c.mode, out.Err, out.Result)
		}
		j, err := journal.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range []string{"small.txt", "dir/", "big.bin"} {
			h, err := sb.Client(sb.Dest).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String(c.prefix + rel)})
			if err != nil {
				t.Fatal(err)
			}
			_, _, wrote, ok := j.Copied(rel)
			if want := strings.Trim(aws.ToString(h.ETag), `"`); !ok || wrote != want {
				t.Errorf("%s %s: the journal recalls ETag %q (%v), the destination has %q", c.mode, rel, wrote, ok, want)
			}
		}
		j.Close()
	}
}

// TestMaxRate: nonsense limits are refused in one line. (That --max-rate
// paces the copy, and at what rate, is TestMaxRateObserved in rate_test.go:
// it counts the copy requests per second, which also bounds the run's time
// from below.)
func TestMaxRate(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-rate")
	for _, bad := range [][]string{{"--max-rate", "-1"}, {"--max-bandwidth", "1K"}, {"--max-bandwidth", "fast"}} {
		r := run(t, withProfiles(append([]string{"sync", "s3://" + src + "/p", "s3://" + dst + "/q"}, bad...)...)...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
			t.Errorf("%q: exit %d, stderr %q: want exit 2 and one line", bad, r.code, r.stderr)
		}
	}
}

// TestDiffEstimate: diff --estimate prices the plan it computed: the
// objects it would copy, the requests each account sends, the table used
// and the duration with its assumption; relay mode moves the bytes through
// this machine; a price table of one's own replaces the built-in one.
func TestDiffEstimate(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-estimate")
	putN(t, src, "e/", 30)
	r := run(t, withProfiles("diff", "s3://"+src+"/e", "s3://"+dst+"/e", "--list", "none", "--estimate")...)
	if r.code != 1 || !strings.Contains(r.stdout, "estimate (AWS S3 prices, US East (N. Virginia), 2025-01") ||
		!strings.Contains(r.stdout, "copy 30 objects") || !regexp.MustCompile(`destination account:\s+33 PUT/COPY/LIST`).MatchString(r.stdout) ||
		!strings.Contains(r.stdout, "a request (assumed: --latency)") {
		t.Fatalf("diff --estimate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, withProfiles("diff", "s3://"+src+"/e", "s3://"+dst+"/e", "--list", "none", "--estimate", "--mode", "relay")...)
	if !strings.Contains(r.stdout, "relayed through this machine") || !regexp.MustCompile(`origin account:\s+2 PUT/COPY/LIST\s+30 GET/HEAD`).MatchString(r.stdout) {
		t.Errorf("relay estimate:\n%s%s", r.stdout, r.stderr)
	}
	r = run(t, withProfiles("diff", "s3://"+src+"/e", "s3://"+dst+"/e", "--list", "none", "--estimate", "--engine", "batch")...)
	if !strings.Contains(r.stdout, "by an S3 Batch Operations job (30 objects") || !strings.Contains(r.stdout, "batch job fees:       $0.25 per job, $1.00 per million objects  $0.25") {
		t.Errorf("batch estimate:\n%s%s", r.stdout, r.stderr)
	}
	table := filepath.Join(t.TempDir(), "prices.json")
	os.WriteFile(table, []byte(`{"source":"my negotiated prices","write_per_1000":{"STANDARD":1000},"read_per_1000":1}`), 0o600)
	r = run(t, withProfiles("diff", "s3://"+src+"/e", "s3://"+dst+"/e", "--list", "none", "--estimate", "--prices", table)...)
	if !strings.Contains(r.stdout, "estimate (my negotiated prices") || !strings.Contains(r.stdout, "total:                $35.00") {
		t.Errorf("own price table:\n%s%s", r.stdout, r.stderr)
	}
	if r := run(t, withProfiles("diff", "s3://"+src+"/e", "s3://"+dst+"/e", "--estimate", "--prices", filepath.Join(t.TempDir(), "none.json"))...); r.code != 2 {
		t.Errorf("a missing price table: exit %d %q", r.code, r.stderr)
	}
}
