package summary

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/app"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// golden compares the view with testdata/name.golden (go test -update
// rewrites it; the flag is uitest's).
func golden(t *testing.T, name, got string) {
	t.Helper()
	uitest.Golden(t, name, got)
}

const journalPath = "/home/op/.local/state/s3migrate/journals/20261101-093000-origin-data.db"

func testState(res *screen.RunResult) *screen.State {
	return &screen.State{
		Backend: uitest.New(), Styles: style.New(true),
		SrcProfile: "prod-origin", DstProfile: "prod-archive",
		SrcBucket: "origin-data", DstBucket: "dest-archive",
		Items: []string{"backups/", "logs/2026/"}, DstPrefix: "copy/",
		Options: screen.RunOptions{Concurrency: 32, Verify: true, Compare: "size-etag"},
		Result:  res,
	}
}

// withFailures is a finished run in which two objects failed (so no
// verification ran).
func withFailures() *screen.RunResult {
	snap := uitest.FixedSnapshot(true)
	snap.Notices = []string{"s3://dest-archive is BucketOwnerEnforced: object ACLs were not copied"}
	stats := snap.Plan
	stats.Bytes[transfer.ClassIdentical] = 35 << 10
	return &screen.RunResult{
		Result: &transfer.Result{
			Stats: stats, Copied: 1198, Bytes: 220 << 20, Elapsed: 8 * time.Second,
			Notices: []string{"lifecycle rules of s3://origin-data are not copied"},
			Failures: []transfer.Failure{
				{Key: "logs/2026/02/03/events.json", Op: "copy", Err: errors.New("copy s3://origin-data/logs/2026/02/03/events.json: AccessDenied: kms:Decrypt is missing in the key policy"), Attempts: 4},
				{Key: "images/cats/img-007.jpg", Op: "copy", Err: errors.New("copy s3://origin-data/images/cats/img-007.jpg: InvalidObjectState: the object is archived; restore it first"), Attempts: 1},
			},
		},
		Journal:  journalPath,
		Snapshot: snap,
	}
}

// verifiedClean is a run that copied everything and verified it.
func verifiedClean() *screen.RunResult {
	snap := uitest.FixedSnapshot(true)
	snap.Failed, snap.FailedBytes = 0, 0
	return &screen.RunResult{
		Result:   &transfer.Result{Stats: snap.Plan, Copied: 1200, Bytes: 220 << 20, Elapsed: 2*time.Minute + 5*time.Second},
		Verify:   &transfer.VerifyResult{Checked: 1235, Verified: 1235},
		Journal:  journalPath,
		Snapshot: snap,
	}
}

func plain(m screen.Screen, state *screen.State) string { return ansi.Strip(m.View(state, 120, 40)) }

func TestSummaryShowsTheResult(t *testing.T) {
	state := testState(withFailures())
	v := plain(New(), state)
	for _, want := range []string{
		"finished with 2 failed",
		"copied           1,198   220.0 MiB", "640 server-side, 0 relayed",
		"skipped             35    35.0 KiB",
		"failed               2     2.0 KiB",
		"not verified: some objects failed",
		"duration    8.0s", "149.8 obj/s · 27.5 MiB/s",
		"journal     " + journalPath,
		"lifecycle rules of s3://origin-data are not copied", "BucketOwnerEnforced",
		"logs/2026/02/03/events.json", "AccessDenied: kms:Decrypt is missing",
		"r retries the failed objects",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("summary lacks %q:\n%s", want, v)
		}
	}
}

func TestSummaryVerified(t *testing.T) {
	v := plain(New(), testState(verifiedClean()))
	for _, want := range []string{"✓ Migration finished", "verified         1,235", "of 1,235 checked: all match", "duration    2m05s"} {
		if !strings.Contains(v, want) {
			t.Errorf("summary lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Failures") {
		t.Errorf("a clean run lists failures:\n%s", v)
	}
}

func TestSummaryMismatchesAndStopped(t *testing.T) {
	rr := verifiedClean()
	rr.Verify = &transfer.VerifyResult{Checked: 10, Verified: 9, Mismatches: []transfer.Mismatch{{Rel: "reports/2025/q1.csv", What: "content-type", Detail: "text/csv → binary/octet-stream"}}}
	v := plain(New(), testState(rr))
	for _, want := range []string{"verification found 1 mismatches", "reports/2025/q1.csv", "text/csv → binary/octet-stream"} {
		if !strings.Contains(v, want) {
			t.Errorf("summary lacks %q:\n%s", want, v)
		}
	}
	stopped := &screen.RunResult{Err: errors.New("list s3://origin-data/logs/: AccessDenied")}
	if v := plain(New(), testState(stopped)); !strings.Contains(v, "stopped: list s3://origin-data/logs/: AccessDenied") {
		t.Errorf("a stopped run does not say why:\n%s", v)
	}
}

func TestVerifyHintNamesTheLocations(t *testing.T) {
	v := uitest.Plain(New().View(testState(verifiedClean()), 120, 40))
	for _, want := range []string{
		"$ s3migrate verify s3://origin-data/backups/ s3://dest-archive/copy/backups/ \\\n      --source-profile prod-origin --dest-profile prod-archive\n",
		"$ s3migrate verify s3://origin-data/logs/2026/ s3://dest-archive/copy/logs/2026/ \\\n",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("summary lacks %q:\n%s", want, v)
		}
	}
}

func TestSummaryWithoutResult(t *testing.T) {
	if v := plain(New(), testState(nil)); !strings.Contains(v, "no run has finished") {
		t.Errorf("view without a result: %q", v)
	}
}

func TestSummaryFitsAnySize(t *testing.T) {
	rr := withFailures()
	for i := range 50 {
		rr.Result.Failures = append(rr.Result.Failures, transfer.Failure{Key: strings.Repeat("deep/", 40) + "k", Err: errors.New(strings.Repeat("boom ", 60)), Attempts: i})
	}
	state := testState(rr)
	for _, sz := range [][2]int{{80, 20}, {80, 10}, {120, 40}, {40, 5}} {
		v := New().View(state, sz[0], sz[1])
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
}

// TestRouterQuitsOnQ: the summary does not capture q, so the router quits.
func TestRouterQuitsOnQ(t *testing.T) {
	root := app.New(uitest.New(), style.New(true), map[screen.ID]app.Factory{screen.Summary: New}, screen.Summary)
	root.State().Result = withFailures()
	root.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, cmd := root.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd == nil {
		t.Fatal("q on the summary: no Cmd")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q on the summary does not quit")
	}
}

func TestGoldenSummaryWithFailures(t *testing.T) {
	golden(t, "summary_failures", New().View(testState(withFailures()), 120, 40))
}

func TestGoldenSummaryVerified(t *testing.T) {
	golden(t, "summary_verified", New().View(testState(verifiedClean()), 120, 40))
}

func TestVerifyHintOnOneLineWhenItFits(t *testing.T) {
	v := uitest.Plain(New().View(testState(verifiedClean()), 200, 40))
	want := "$ s3migrate verify s3://origin-data/backups/ s3://dest-archive/copy/backups/ --source-profile prod-origin --dest-profile prod-archive\n"
	if !strings.Contains(v, want) {
		t.Errorf("summary at 200 columns lacks %q:\n%s", want, v)
	}
}

// TestVerifyNow: v verifies the selection again through the backend and
// shows the result; a mismatch found now is listed.
func TestVerifyNow(t *testing.T) {
	fake := uitest.New()
	fake.VerifyMismatch = []transfer.Mismatch{{Rel: "reports/2025/q1.csv", What: "tags", Detail: "map[a:1] in the source, map[] in the destination"}}
	state := &screen.State{Backend: fake, Styles: style.New(true), SrcBucket: "origin-data", DstBucket: "dest-archive", Items: []string{"reports/"},
		Result: &screen.RunResult{Result: &transfer.Result{Copied: 3}}}
	d := uitest.NewDriver(t, state, New())
	d.Press("v")
	if state.Result.Verify == nil || state.Result.Verify.Checked != 3 || len(state.Result.Verify.Mismatches) != 1 {
		t.Fatalf("verify result %+v", state.Result.Verify)
	}
	if v := d.View(); !strings.Contains(v, "reports/2025/q1.csv") || !strings.Contains(v, "tags") {
		t.Errorf("the mismatch is not shown:\n%s", v)
	}
}

// Objects that could not be read are not "all match"; a run that copied
// nothing says there was nothing to check.
func TestVerifyNoteIsHonest(t *testing.T) {
	rr := verifiedClean()
	rr.Verify.Verified, rr.Verify.Unreadable = 1230, 5
	if v := plain(New(), testState(rr)); !strings.Contains(v, "of 1,235 checked: 5 could not be read") || strings.Contains(v, "all match") {
		t.Errorf("unreadable objects:\n%s", v)
	}
	rr = verifiedClean()
	rr.Verify, rr.Result.Copied = nil, 0
	if v := plain(New(), testState(rr)); !strings.Contains(v, "nothing copied: nothing to check") {
		t.Errorf("nothing copied:\n%s", v)
	}
}

// The verify command for each item follows the commands' location
// semantics, so it runs as printed: a folder maps to the same folder, one
// object to the folder it went into; a destination prefix without a slash
// is still a folder.
func TestVerifyCommandMapsLikeTheMigration(t *testing.T) {
	state := &screen.State{SrcBucket: "o", DstBucket: "d", DstPrefix: "in", SrcPrefix: "data/"}
	cases := map[string]string{
		"logs/":     "s3migrate verify s3://o/data/logs/ s3://d/in/logs/",
		"top.txt":   "s3migrate verify s3://o/data/top.txt s3://d/in/",
		"a/b/c.csv": "s3migrate verify s3://o/data/a/b/c.csv s3://d/in/a/b/",
		"":          "s3migrate verify s3://o/data/ s3://d/in/",
	}
	for item, want := range cases {
		if got := verifyCommand(state, item); got != want {
			t.Errorf("verifyCommand(%q) = %q, want %q", item, got, want)
		}
	}
}

// TestRevokeTheGrant: g plans removing the migration's grant, shows what
// goes and asks; n keeps it, y applies it; with nothing left to revoke it
// says so and asks nothing.
func TestRevokeTheGrant(t *testing.T) {
	fake := uitest.New()
	state := &screen.State{Backend: fake, Styles: style.New(true), SrcProfile: "prod-origin", DstProfile: "prod-archive",
		SrcBucket: "origin-data", DstBucket: "dest-archive", Items: []string{"logs/"},
		Result: &screen.RunResult{Result: &transfer.Result{Copied: 3}}}
	d := uitest.NewDriver(t, state, New())
	if v := d.View(); !strings.Contains(v, "g revokes the migration's read grant") {
		t.Fatalf("no revoke hint:\n%s", v)
	}
	d.Press("g")
	v := d.View()
	if !strings.Contains(v, "Remove the read grant of arn:aws:iam::444455556666:root on s3://origin-data (logs/)?") || !d.S.Capturing() {
		t.Fatalf("no question after g:\n%s", v)
	}
	d.Press("n")
	if fake.Applied != 0 || !strings.Contains(d.View(), "the grant stays") {
		t.Fatalf("n applied (%d) or said nothing:\n%s", fake.Applied, d.View())
	}
	d.Press("g", "y")
	if fake.Applied != 1 || !strings.Contains(d.View(), "revoked: s3://origin-data no longer grants") {
		t.Fatalf("y did not revoke (applied %d):\n%s", fake.Applied, d.View())
	}
	fake.Revoked = true
	d.Press("g")
	if d.S.Capturing() || !strings.Contains(d.View(), "nothing to revoke") || fake.Applied != 1 {
		t.Errorf("nothing to revoke: capturing %v, applied %d:\n%s", d.S.Capturing(), fake.Applied, d.View())
	}
}

// TestVerifyGivesFeedback: v shows "verifying…" at once, right under the
// headline (visible at any height), then the result: all match, the
// mismatches, or why it failed.
func TestVerifyGivesFeedback(t *testing.T) {
	fake := uitest.New()
	state := testState(verifiedClean())
	state.Backend = fake
	m := New()
	_, cmd := m.Update(state, uitest.Key("v"))
	if cmd == nil {
		t.Fatal("v started nothing")
	}
	small := func() string { return uitest.Plain(m.View(state, 80, 6)) }
	if v := small(); !strings.Contains(v, "verifying…") {
		t.Fatalf("no feedback while verifying (80x6):\n%s", v)
	}
	if _, again := m.Update(state, uitest.Key("v")); again != nil {
		t.Error("a second v started a second verification")
	}
	m.Update(state, cmd())
	if v := small(); strings.Contains(v, "verifying…") || !strings.Contains(v, "✓ verified again: 13 checked, all match") {
		t.Fatalf("no result after the verification:\n%s", v)
	}
	fake.VerifyMismatch = []transfer.Mismatch{{Rel: "logs/2026/01/01/events.json", What: "size", Detail: "1001 → 1000"}}
	_, cmd = m.Update(state, uitest.Key("v"))
	m.Update(state, cmd())
	if v := small(); !strings.Contains(v, "■ verified again: 1 of 13 checked differ") {
		t.Errorf("mismatches not said:\n%s", v)
	}
	m.Update(state, verifiedMsg{err: errors.New("list s3://dest-archive/copy/: AccessDenied")})
	if v := small(); !strings.Contains(v, "✗ verify failed: list s3://dest-archive/copy/: AccessDenied") {
		t.Errorf("a failed verification not said:\n%s", v)
	}
}
