package run

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
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

// setup is a screen on the fake backend whose Start returns fr.
func setup(t *testing.T) (*Model, *screen.State, *uitest.Fake, *uitest.FakeRun) {
	t.Helper()
	fake := uitest.New()
	fr := uitest.NewRun(uitest.FixedSnapshot(false))
	fake.Run = fr
	state := &screen.State{
		Backend: fake, Styles: style.New(true),
		SrcProfile: "prod-origin", DstProfile: "prod-archive",
		SrcBucket: "origin-data", DstBucket: "dest-archive",
		Items: []string{"backups/", "logs/2026/"}, DstPrefix: "copy/",
		Options: screen.RunOptions{Concurrency: 32, Compare: "size-etag", Verify: true},
	}
	// A 1 ms tick so the tests that run the real tick Cmd do not wait.
	return newModel(time.Millisecond), state, fake, fr
}

// start runs Init's Cmd and hands its message to Update.
func start(t *testing.T, m *Model, state *screen.State) tea.Cmd {
	t.Helper()
	msg := m.Init(state)()
	if _, ok := msg.(startedMsg); !ok {
		t.Fatalf("Init's Cmd returned %T, want startedMsg", msg)
	}
	_, cmd := m.Update(state, msg)
	return cmd
}

// tick delivers what the tick Cmd delivers: the run's snapshot now.
func tick(m *Model, state *screen.State, r screen.Run) tea.Cmd {
	_, cmd := m.Update(state, poll(r, m.gen))
	return cmd
}

func press(m *Model, state *screen.State, k string) tea.Cmd {
	var msg tea.KeyPressMsg
	switch k {
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	default:
		msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
	}
	_, cmd := m.Update(state, msg)
	return cmd
}

func view(m *Model, state *screen.State) string { return ansi.Strip(m.View(state, 120, 40)) }

func TestInitStartsTheChosenMigration(t *testing.T) {
	m, state, fake, _ := setup(t)
	if cmd := start(t, m, state); cmd == nil {
		t.Fatal("started: no Cmd, want the tick and the wait on Done")
	}
	want := []screen.Migration{{SrcProfile: "prod-origin", DstProfile: "prod-archive", SrcBucket: "origin-data", DstBucket: "dest-archive",
		Items: []string{"backups/", "logs/2026/"}, DstPrefix: "copy/", Compare: "size-etag", Options: state.Options}}
	if !reflect.DeepEqual(fake.Started, want) {
		t.Errorf("Start got %+v, want %+v", fake.Started, want)
	}
	if m.state != stateRunning {
		t.Errorf("state = %v, want running", m.state)
	}
}

func TestStartErrorIsShownAndEscGoesBack(t *testing.T) {
	m, state, _, _ := setup(t)
	m.Init(state)
	m.Update(state, startedMsg{err: errors.New("no access to s3://origin-data: AccessDenied")})
	if v := view(m, state); !strings.Contains(v, "AccessDenied") {
		t.Errorf("view does not show the start error:\n%s", v)
	}
	cmd := press(m, state, "esc")
	if cmd == nil {
		t.Fatal("esc: no Cmd")
	}
	if msg := cmd(); msg != (screen.Back{}) {
		t.Errorf("esc sent %#v, want screen.Back", msg)
	}
}

// TestCommandsPollThenWaitForDone runs the real Cmds: the start gives two
// (tick, wait); the tick brings a snapshot; Finish brings the result.
func TestCommandsPollThenWaitForDone(t *testing.T) {
	m, state, _, fr := setup(t)
	batch, ok := start(t, m, state)().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("start Cmd = %#v, want a batch of the tick and the wait", batch)
	}
	msgs := make(chan tea.Msg, 2)
	for _, c := range batch {
		go func() { msgs <- c() }()
	}
	next := func() tea.Msg {
		select {
		case msg := <-msgs:
			return msg
		case <-time.After(30 * time.Second): // a hang guard, not a timing assertion
			t.Fatal("no message from the Cmds")
			return nil
		}
	}
	tm, ok := next().(tickMsg)
	if !ok || tm.snap.Copied != 640 {
		t.Fatalf("first message %#v, want a tick with the run's snapshot", tm)
	}
	if cmd := func() tea.Cmd { _, c := m.Update(state, tm); return c }(); cmd == nil {
		t.Error("a tick does not schedule the next one")
	}
	res := screen.RunResult{Result: &transfer.Result{Copied: 1198}, Journal: "/tmp/j.db"}
	fr.Finish(res)
	dm, ok := next().(doneMsg)
	if !ok || dm.res.Result.Copied != 1198 {
		t.Fatalf("second message %#v, want the result", dm)
	}
}

func TestTicksRenderTheLatestSnapshot(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)

	a := uitest.FixedSnapshot(false)
	a.Copied, a.ToCopy, a.ObjectsPerSec, a.BytesPerSec, a.ETA, a.Elapsed = 10, 100, 3.5, 2<<20, 90*time.Second, 5*time.Second
	fr.Set(a)
	tick(m, state, fr)
	v := view(m, state)
	for _, want := range []string{"10 of 100 copied", "now 3.5 obj/s · 2.0 MiB/s", "elapsed     5.0s  ETA 1m30s"} {
		if !strings.Contains(v, want) {
			t.Errorf("after snapshot A the view lacks %q:\n%s", want, v)
		}
	}

	b := a
	b.Copied, b.ObjectsPerSec, b.BytesPerSec, b.ETA, b.Elapsed, b.Failed = 75, 41.2, 12<<20, 12*time.Second, 65*time.Second, 3
	b.Notices = []string{"s3://dest-archive is BucketOwnerEnforced: ACLs are not copied"}
	fr.Set(b)
	tick(m, state, fr)
	v = view(m, state)
	for _, want := range []string{"75 of 100 copied", "now 41.2 obj/s · 12.0 MiB/s", "elapsed     1m05s  ETA 12s",
		"3 failed", "BucketOwnerEnforced: ACLs are not copied"} {
		if !strings.Contains(v, want) {
			t.Errorf("after snapshot B the view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "10 of 100 copied") {
		t.Error("the view still shows snapshot A")
	}
}

func TestPauseToggles(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	press(m, state, "p")
	if !fr.Paused {
		t.Fatal("p did not pause the run")
	}
	tick(m, state, fr)
	if v := view(m, state); !strings.Contains(v, "PAUSED") {
		t.Errorf("paused run not shown as paused:\n%s", v)
	}
	press(m, state, "p")
	if fr.Paused {
		t.Fatal("second p did not resume the run")
	}
}

func TestPlusMinusChangeConcurrencyWithinBounds(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr) // concurrency 32
	press(m, state, "+")
	if fr.Concurrency != 36 {
		t.Errorf("+ from 32: concurrency %d, want 36", fr.Concurrency)
	}
	press(m, state, "-")
	if fr.Concurrency != 32 {
		t.Errorf("- from 36: concurrency %d, want 32", fr.Concurrency)
	}
	fr.SetConcurrency(MaxConcurrency)
	tick(m, state, fr)
	press(m, state, "+")
	if fr.Concurrency != MaxConcurrency {
		t.Errorf("+ at the maximum: %d", fr.Concurrency)
	}
	fr.SetConcurrency(1)
	tick(m, state, fr)
	press(m, state, "-")
	if fr.Concurrency != 1 {
		t.Errorf("- at 1: %d", fr.Concurrency)
	}
	press(m, state, "+")
	if fr.Concurrency != 2 {
		t.Errorf("+ from 1: %d, want 2", fr.Concurrency)
	}
}

func TestCancelAsksFirst(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)

	press(m, state, "c")
	if !m.Capturing() || !strings.Contains(view(m, state), "Cancel the run?") {
		t.Fatalf("c did not open the confirmation:\n%s", view(m, state))
	}
	press(m, state, "n")
	if fr.Cancelled {
		t.Fatal("c then n cancelled the run")
	}
	if m.Capturing() || strings.Contains(view(m, state), "Cancel the run?") {
		t.Fatal("n did not close the confirmation")
	}

	press(m, state, "c")
	press(m, state, "y")
	if !fr.Cancelled {
		t.Fatal("c then y did not cancel the run")
	}
	if v := view(m, state); !strings.Contains(v, "Cancelling") {
		t.Errorf("cancelling not shown:\n%s", v)
	}
}

func TestQuitCancelsThenQuitsWhenDone(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	if cmd := press(m, state, "q"); cmd != nil {
		t.Fatal("q quit at once while the run goes on")
	}
	press(m, state, "y")
	if !fr.Cancelled {
		t.Fatal("q then y did not cancel")
	}
	fr.Finish(screen.RunResult{Err: errors.New("context canceled")})
	_, cmd := m.Update(state, wait(fr, m.gen)())
	if cmd == nil {
		t.Fatal("done after q: no Cmd")
	}
	if _, ok := cmd().(screen.Quit); !ok {
		t.Error("done after q y does not ask the router to quit")
	}
}

func TestDoneStoresResultAndGoesToSummary(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	res := screen.RunResult{Result: &transfer.Result{Copied: 1198, Bytes: 220 << 20}, Journal: "/var/tmp/s3migrate/run.db", Snapshot: uitest.FixedSnapshot(true)}
	fr.Finish(res)
	_, cmd := m.Update(state, wait(fr, m.gen)())
	if state.Result == nil || state.Result.Journal != res.Journal || state.Result.Result.Copied != 1198 {
		t.Fatalf("state.Result = %+v, want the run's result", state.Result)
	}
	if cmd == nil {
		t.Fatal("done: no Cmd")
	}
	if msg := cmd(); msg != (screen.Go{To: screen.Summary}) {
		t.Errorf("done sent %#v, want screen.Go{To: screen.Summary}", msg)
	}
	if cmd := tick(m, state, fr); cmd != nil {
		t.Error("ticks go on after the run is done")
	}
	if cmd := press(m, state, "enter"); cmd == nil || cmd() != (screen.Go{To: screen.Summary}) {
		t.Error("enter after the run does not open the summary")
	}
}

func TestRetryFailedAfterTheRun(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	if cmd := press(m, state, "r"); cmd != nil || fr.Retried != 0 {
		t.Fatal("r during the run retried")
	}
	fails := []transfer.Failure{
		{Key: "logs/2026/02/03/events.json", Op: "copy", Err: errors.New("copy s3://origin-data/logs/2026/02/03/events.json: AccessDenied"), Attempts: 4},
		{Key: "images/cats/img-007.jpg", Op: "copy", Err: errors.New("copy s3://origin-data/images/cats/img-007.jpg: InvalidObjectState: restore it first"), Attempts: 1},
	}
	fr.Finish(screen.RunResult{Result: &transfer.Result{Copied: 1198, Failures: fails}, Snapshot: uitest.FixedSnapshot(true)})
	m.Update(state, wait(fr, m.gen)())
	v := view(m, state)
	for _, want := range []string{"logs/2026/02/03/events.json", "InvalidObjectState: restore it first", "r retries"} {
		if !strings.Contains(v, want) {
			t.Errorf("finished view lacks %q:\n%s", want, v)
		}
	}
	cmd := press(m, state, "r")
	if cmd == nil {
		t.Fatal("r after a run with failures: no Cmd")
	}
	msg := cmd()
	if fr.Retried != 1 {
		t.Fatalf("RetryFailed called %d times, want 1", fr.Retried)
	}
	gen := m.gen
	if _, cmd := m.Update(state, msg); cmd == nil || m.state != stateRunning || m.gen != gen+1 {
		t.Errorf("after the retry started: state %v gen %d, want running and a new generation with Cmds", m.state, m.gen)
	}
}

func TestRetryNeedsFailures(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	fr.Finish(screen.RunResult{Result: &transfer.Result{Copied: 3}})
	m.Update(state, wait(fr, m.gen)())
	if cmd := press(m, state, "r"); cmd != nil || fr.Retried != 0 {
		t.Error("r retried a run without failures")
	}
}

// TestNoMessagePerObject: however many objects the engine copies, the
// screen gets one message per tick and nothing else, and the in-flight
// table renders only the rows that fit.
func TestNoMessagePerObject(t *testing.T) {
	m, state, _, fr := setup(t)
	batch := start(t, m, state)().(tea.BatchMsg)
	s := uitest.FixedSnapshot(false)
	s.Copied, s.ToCopy, s.InFlight = 0, 100_000, nil
	for i := range 10_000 {
		s.InFlight = append(s.InFlight, transfer.InFlight{Key: fmt.Sprintf("k/%05d", i), Size: 1024, Strategy: "copy", Attempt: 1})
	}
	cmd := batch[0] // the tick; batch[1] waits on Done and stays blocked
	messages := 0
	for round := range 5 {
		s.Copied += 10_000
		s.Elapsed += time.Second
		fr.Set(s)
		msg := cmd()
		messages++
		tm, ok := msg.(tickMsg)
		if !ok {
			t.Fatalf("round %d: the Cmd produced %T, want one tickMsg", round, msg)
		}
		_, cmd = m.Update(state, tm)
		if cmd == nil {
			t.Fatalf("round %d: no next tick", round)
		}
	}
	if messages != 5 || m.snap.Copied != 50_000 {
		t.Errorf("%d messages carried %d copies, want 5 ticks and 50,000", messages, m.snap.Copied)
	}
	v := m.View(state, 120, 40)
	if n := strings.Count(v, "\n") + 1; n > 40 {
		t.Errorf("view has %d lines for 40", n)
	}
	if !strings.Contains(ansi.Strip(v), "more") {
		t.Error("10,000 objects in flight: no '… more' line")
	}
}

// TestViewFitsAnySize renders every state in small and large terminals.
func TestViewFitsAnySize(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	s := uitest.FixedSnapshot(false)
	s.Notices = []string{strings.Repeat("a long notice ", 20)}
	fr.Set(s)
	tick(m, state, fr)
	check := func(name string) {
		for _, sz := range [][2]int{{80, 20}, {80, 10}, {120, 40}, {200, 60}, {40, 5}} {
			v := m.View(state, sz[0], sz[1])
			lines := strings.Split(v, "\n")
			if len(lines) > sz[1] {
				t.Errorf("%s at %dx%d: %d lines", name, sz[0], sz[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", name, sz[0], sz[1], i, w, ansi.Strip(l))
				}
			}
		}
	}
	check("running")
	press(m, state, "c")
	check("dialog")
	press(m, state, "n")
	fr.Finish(screen.RunResult{Result: &transfer.Result{Failures: []transfer.Failure{{Key: strings.Repeat("x/", 300), Err: errors.New(strings.Repeat("boom ", 100)), Attempts: 3}}}})
	m.Update(state, wait(fr, m.gen)())
	check("finished")
}

// history builds one sample per second of the snapshot's elapsed time.
func TestHistoryOneSamplePerSecond(t *testing.T) {
	h := newHistory()
	for _, e := range []time.Duration{0, 200 * time.Millisecond, 900 * time.Millisecond, time.Second, 1100 * time.Millisecond, 4 * time.Second} {
		h.add(transfer.Snapshot{Elapsed: e, BytesPerSec: float64(e)})
	}
	// 0s, 1s, then 2s, 3s and 4s filled with the rate at 4s.
	if len(h.samples) != 5 {
		t.Fatalf("%d samples, want 5: %+v", len(h.samples), h.samples)
	}
	if h.samples[1].bytes != float64(time.Second) || h.samples[4].bytes != float64(4*time.Second) {
		t.Errorf("samples %+v", h.samples)
	}
}

func TestSparkline(t *testing.T) {
	got := sparkline([]float64{0, 1, 2, 4, 8}, 6, 2)
	want := []string{"     █", "  ▂▄██"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sparkline = %q, want %q", got, want)
	}
}

// midRun feeds the history a few seconds of rates, ending with the fixed
// mid-run snapshot (elapsed 3 s).
func midRun(t *testing.T) (*Model, *screen.State) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	for i, bps := range []float64{4, 18, 27} {
		s := uitest.FixedSnapshot(false)
		s.Elapsed, s.BytesPerSec = time.Duration(i)*time.Second, bps*(1<<20)
		fr.Set(s)
		tick(m, state, fr)
	}
	fr.Set(uitest.FixedSnapshot(false))
	tick(m, state, fr)
	return m, state
}

func TestGoldenMidRun(t *testing.T) {
	m, state := midRun(t)
	golden(t, "run_midrun", m.View(state, 120, 40))
}

func TestGoldenCancelDialog(t *testing.T) {
	m, state := midRun(t)
	press(m, state, "c")
	golden(t, "run_cancel", m.View(state, 120, 40))
}

func TestGoldenFinishedWithFailures(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	fr.Finish(screen.RunResult{
		Result: &transfer.Result{Copied: 1198, Bytes: 220 << 20, Elapsed: 6 * time.Second, Failures: []transfer.Failure{
			{Key: "logs/2026/02/03/events.json", Op: "copy", Err: errors.New("copy s3://origin-data/logs/2026/02/03/events.json: AccessDenied: kms:Decrypt is missing in the key policy"), Attempts: 4},
			{Key: "images/cats/img-007.jpg", Op: "copy", Err: errors.New("copy s3://origin-data/images/cats/img-007.jpg: InvalidObjectState: the object is archived; restore it first"), Attempts: 1},
		}},
		Snapshot: uitest.FixedSnapshot(true),
	})
	m.Update(state, wait(fr, m.gen)())
	golden(t, "run_finished", m.View(state, 120, 40))
}

// While the plan is still being listed the screen says so, with the keys
// listed and the rate, instead of a total that is still growing; then the
// phases after the copy are named.
func TestListingAndPhasesAreShown(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	s := uitest.FixedSnapshot(false)
	s.Listed, s.Phase, s.ListedKeys, s.ListRate, s.Copied, s.ToCopy = false, transfer.PhaseListing, 4200, 2100, 0, 900
	fr.Set(s)
	tick(m, state, fr)
	v := view(m, state)
	for _, want := range []string{"Listing", "4,200 keys so far, 2,100 keys/s", "0 of ? (listing) copied"} {
		if !strings.Contains(v, want) {
			t.Errorf("listing view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "≥") || strings.Contains(v, "of 900") {
		t.Errorf("listing view shows a partial total:\n%s", v)
	}
	for phase, want := range map[transfer.Phase]string{transfer.PhaseDeleting: "Deleting", transfer.PhaseVerifying: "Verifying"} {
		s := uitest.FixedSnapshot(false)
		s.Phase = phase
		fr.Set(s)
		tick(m, state, fr)
		if v := view(m, state); !strings.Contains(v, want) {
			t.Errorf("phase %s: view lacks %q", phase, want)
		}
	}
}

// TestLimitsKeys: l and b step the pace limits while running, the run gets
// them, and the pane shows them once the run reports them.
func TestLimitsKeys(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	press(m, state, "l")
	press(m, state, "l")
	press(m, state, "b")
	if fr.MaxObjects != 500 || fr.MaxBytes != 1<<30 {
		t.Fatalf("after l l b: %v obj/s, %d B/s; want 500 and 1 GiB", fr.MaxObjects, fr.MaxBytes)
	}
	tick(m, state, fr)
	if v := view(m, state); !strings.Contains(v, "limits      500 obj/s · 1.0 GiB/s") {
		t.Errorf("the pane does not show the limits:\n%s", v)
	}
	for range 3 { // 500 → 100 → 10 → none
		press(m, state, "l")
	}
	if fr.MaxObjects != 0 {
		t.Errorf("l did not wrap back to no limit: %v", fr.MaxObjects)
	}
}

// TestFailedCountAlwaysShown: however the room is shared (a notice line, a
// short terminal), the Run pane keeps its last figure, the failed count.
func TestFailedCountAlwaysShown(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	snap := uitest.FixedSnapshot(false)
	snap.Notices = []string{"s3://dest does not compute the checksums of copied parts (it returned the source object's CRC32 for a part of it): " +
		"large objects copied server-side keep no CRC32 of their own from now on, only the size check; --mode relay keeps it"}
	fr.Set(snap)
	tick(m, state, fr)
	for _, h := range []int{24, 30, 40} {
		if v := ansi.Strip(m.View(state, 120, h)); !regexp.MustCompile(`│ failed {6}\S`).MatchString(v) {
			t.Errorf("at 120×%d the Run pane lost the failed count:\n%s", h, v)
		}
		if v := ansi.Strip(m.View(state, 120, h)); !strings.Contains(v, "--mode relay keeps it") {
			t.Errorf("at 120×%d the notice was cut before what to do:\n%s", h, v)
		}
	}
}

// After the run, ↑↓ highlight a failure and d shows it whole (enter still
// goes to the summary); esc closes the detail, not the screen.
func TestFailureDetail(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	long := "archive/" + strings.Repeat("very-long-folder-name/", 8) + "object.bin"
	fr.Finish(screen.RunResult{
		Result: &transfer.Result{Copied: 1, Failures: []transfer.Failure{
			{Key: "a.txt", Op: "copy", Err: errors.New("copy s3://origin-data/a.txt: SlowDown"), Attempts: 5},
			{Key: long, Op: "copy", Err: errors.New("copy s3://origin-data/" + long + ": AccessDenied: " + strings.Repeat("not allowed; ", 12) + "the end"), Attempts: 2},
		}},
		Snapshot: uitest.FixedSnapshot(true),
	})
	m.Update(state, wait(fr, m.gen)())
	press(m, state, "j")
	press(m, state, "d")
	if !m.Capturing() {
		t.Fatal("the detail does not capture esc")
	}
	v := uitest.BoxText(m.View(state, 80, 20))
	if !strings.Contains(v, long) || !strings.Contains(v, "notallowed;notallowed;theend") {
		t.Fatalf("the detail lacks the whole key or error:\n%s", uitest.Plain(m.View(state, 80, 20)))
	}
	if cmd := press(m, state, "esc"); cmd != nil || m.detail {
		t.Fatal("esc did not just close the detail")
	}
	if cmd := press(m, state, "enter"); cmd == nil {
		t.Fatal("enter no longer goes to the summary")
	}
}

// A question the run asks (a batch job's role and grant, the job itself)
// opens over the screen on the next tick, takes the keys until answered,
// scrolls when long, and is answered once: a tick taken before the answer
// reached the run does not show it again.
func TestRunQuestion(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	tick(m, state, fr)
	var body []string
	for i := range 60 {
		body = append(body, fmt.Sprintf("policy line %02d", i+1))
	}
	fr.Ask(screen.Question{Title: "Create the batch job's role?", Body: strings.Join(body, "\n"), Yes: "create and grant", No: "stop here"})
	tick(m, state, fr)
	small := ansi.Strip(m.View(state, 80, 24))
	if !m.Capturing() || !strings.Contains(small, "Create the batch job's role?") || !strings.Contains(small, "policy line 01") ||
		strings.Contains(small, "policy line 60") || !strings.Contains(small, "of 60, ↑↓ scrolls") || !strings.Contains(small, "y create and grant") {
		t.Fatalf("the question at 80x24:\n%s", small)
	}
	if strings.Count(small, "\n") > 23 {
		t.Errorf("the question does not fit 24 lines:\n%s", small)
	}
	// Keys that would act on the run act on the question only.
	press(m, state, "p")
	press(m, state, "c")
	if fr.Paused || m.dialog != dialogNone {
		t.Error("keys under the question reached the run")
	}
	for range 70 {
		press(m, state, "j")
	}
	if end := ansi.Strip(m.View(state, 80, 24)); !strings.Contains(end, "policy line 60") || strings.Contains(end, "policy line 01") {
		t.Errorf("scrolled to the end:\n%s", end)
	}
	keys := m.Keys()
	if len(keys) != 2 || keys[0].Help().Desc != "create and grant" {
		t.Errorf("help keys under the question: %+v", keys)
	}
	press(m, state, "y")
	if got := fr.Given(); !reflect.DeepEqual(got, []bool{true}) {
		t.Fatalf("answers %v, want [true]", got)
	}
	if m.Capturing() {
		t.Error("the question stays open after y")
	}
	// A tick taken before the answer arrived still carries it: not shown.
	_, _ = m.Update(state, tickMsg{gen: m.gen, snap: fr.Snapshot(), question: &screen.Question{Title: "Create the batch job's role?", Seq: 1}})
	if m.Capturing() {
		t.Error("an answered question came back")
	}
	// The next question; n (or esc) answers no.
	fr.Ask(screen.Question{Title: "Cancel S3 Batch Operations job j-1 too?", Yes: "cancel the job", No: "leave it running"})
	tick(m, state, fr)
	if !strings.Contains(view(m, state), "Cancel S3 Batch Operations job j-1 too?") {
		t.Fatalf("second question not shown:\n%s", view(m, state))
	}
	press(m, state, "esc")
	if got := fr.Given(); !reflect.DeepEqual(got, []bool{true, false}) {
		t.Errorf("answers %v, want [true false]", got)
	}
}

// The batch job's question at 80×24, over the running screen.
func TestGoldenBatchQuestion80x24(t *testing.T) {
	m, state := midRun(t)
	fr := m.run.(*uitest.FakeRun)
	fr.Ask(screen.Question{
		Title: "Run S3 Batch Operations job 5372ad62-de82-4137-8e88-7c506ce38fc6?",
		Body: "batch job 5372ad62-de82-4137-8e88-7c506ce38fc6 created and waiting: copies 1200 objects (220.0 MiB) to s3://dest-archive/copy/ " +
			"as role arn:aws:iam::222222222222:role/s3migrate-batch-m1 (manifest arn:aws:s3:::dest-archive/.jobs/manifests/m1-run1.csv).\n" +
			"A no cancels the job before it copies anything.",
		Yes: "run the job", No: "cancel the job",
	})
	tick(m, state, fr)
	golden(t, "run_batch_question_80x24", m.View(state, 80, 24))
}

// While a batch job copies, the Run pane shows its state and tasks.
func TestRunPaneShowsTheBatchJob(t *testing.T) {
	m, state, _, fr := setup(t)
	start(t, m, state)
	s := uitest.FixedSnapshot(false)
	s.Job = transfer.JobProgress{ID: "j-1", State: "Active", Done: 12, Failed: 1, Total: 31}
	fr.Set(s)
	tick(m, state, fr)
	v := view(m, state)
	if !strings.Contains(v, "batch job   Active 12/31 ✗1") || strings.Contains(v, "in flight   2") {
		t.Errorf("the Run pane during a batch job:\n%s", v)
	}
	s.Job = transfer.JobProgress{}
	fr.Set(s)
	tick(m, state, fr)
	if v := view(m, state); !strings.Contains(v, "in flight   2") || strings.Contains(v, "batch job") {
		t.Errorf("the Run pane without a job:\n%s", v)
	}
}
