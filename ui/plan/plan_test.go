package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

func TestKeyOfMatchesKeyNames(t *testing.T) {
	for _, k := range []string{"tab", "shift+tab", "enter", "esc", "up", "down", "left", "right", "pgup", "pgdown", "space", "S", "b", "+", "1"} {
		if got := keyOf(k).String(); got != k {
			t.Errorf("keyOf(%q).String() = %q", k, got)
		}
	}
}

func TestInitLoadsPolicyPreflightAndDiff(t *testing.T) {
	h := newHarness(t, nil)
	m := h.model()
	if !m.policy.loading || !m.preflight.loading || !m.diff.loading {
		t.Fatalf("after Init every load should be running: policy %v preflight %v diff %v", m.policy.loading, m.preflight.loading, m.diff.loading)
	}
	if v := h.view(); !strings.Contains(v, "reading the bucket policy of s3://origin-data") {
		t.Errorf("the policy tab should show its spinner while loading:\n%s", v)
	}
	h.run(h.init)
	if m.busy() {
		t.Fatal("still busy after every load returned")
	}
	if !m.policy.loaded || m.policy.change.After == "" || len(m.policy.lines) == 0 {
		t.Errorf("policy not loaded: %+v", m.policy.change)
	}
	if len(m.preflight.checks) != 5 {
		t.Errorf("preflight checks = %d, want 5", len(m.preflight.checks))
	}
	if got := m.diff.sum.Stats.Count[transfer.ClassChanged]; got != 1 {
		t.Errorf("changed count = %d, want 1", got)
	}
	if got := h.b.compares; !slices.Equal(got, []string{"size-etag"}) {
		t.Errorf("Diff called with compare modes %v", got)
	}
}

func TestTabSwitching(t *testing.T) {
	h := started(t, nil)
	steps := []struct {
		key  string
		want tab
	}{
		{"tab", tabPreflight}, {"tab", tabDiff}, {"shift+tab", tabPreflight}, {"4", tabOptions},
		{"tab", tabBucket}, {"tab", tabPolicy}, {"shift+tab", tabBucket}, {"shift+tab", tabOptions},
		{"5", tabBucket}, {"3", tabDiff}, {"1", tabPolicy}, {"2", tabPreflight},
	}
	for _, s := range steps {
		h.press(s.key)
		if got := h.model().tab; got != s.want {
			t.Fatalf("after %s: tab %v, want %v", s.key, got, s.want)
		}
		if line := strings.Split(h.view(), "\n")[0]; !strings.Contains(line, fmt.Sprintf("▸ %d %s", s.want+1, s.want)) {
			t.Errorf("after %s the tab bar does not mark %v: %q", s.key, s.want, line)
		}
	}
}

func TestBroadToggleReloadsTheBroadPolicy(t *testing.T) {
	h := started(t, nil)
	scoped := h.model().policy.change.After
	h.press("b")
	if !h.state.Options.Broad {
		t.Fatal("b did not set Options.Broad")
	}
	if got := h.b.broad; !slices.Equal(got, []bool{false, true}) {
		t.Fatalf("PolicyChange broad arguments = %v, want [false true]", got)
	}
	broad := h.model().policy.change.After
	if broad == scoped {
		t.Fatal("the broad policy is the same as the scoped one")
	}
	if !strings.Contains(h.view(), "broad: the whole bucket") {
		t.Error("the view does not say the policy is broad")
	}
	h.press("b")
	if h.state.Options.Broad || h.model().policy.change.After != scoped {
		t.Error("a second b did not return to the scoped policy")
	}
}

func TestStaleResultIsDropped(t *testing.T) {
	h := started(t, nil)
	scoped := h.model().policy.change.After
	var first, second tea.Cmd
	h.s, first = h.s.Update(h.state, keyOf("b"))  // broad
	h.s, second = h.s.Update(h.state, keyOf("b")) // scoped again
	h.run(second)
	h.run(first) // the broad result arrives last and must be ignored
	if got := h.model().policy.change.After; got != scoped {
		t.Errorf("a superseded policy result replaced the current one:\n%s", got)
	}
}

func TestPolicyDiffMarksLines(t *testing.T) {
	h := started(t, nil)
	v := uitest.Plain(h.view())
	// The fake merge only adds; check the first added line in view.
	added := false
	for _, l := range h.model().policy.lines {
		if l.Op == '+' {
			added = strings.Contains(v, "\n+ "+l.Text+"\n")
			break
		}
	}
	if !added {
		t.Errorf("the first added line is not shown with '+ ':\n%s", v)
	}
}

func TestPolicyScrollRendersOnlyVisibleLines(t *testing.T) {
	h := started(t, nil)
	m := h.model()
	rows := policyRows(contentHeight(m.height))
	if len(m.policy.lines) <= rows {
		t.Skipf("the fake policy (%d lines) fits in %d rows", len(m.policy.lines), rows)
	}
	last := m.policy.lines[len(m.policy.lines)-1].Text
	h.press("down")
	if m.policy.scroll != 1 {
		t.Fatalf("scroll = %d after down", m.policy.scroll)
	}
	h.press("pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
	if want := len(m.policy.lines) - rows; m.policy.scroll != want {
		t.Fatalf("scroll = %d after paging to the end, want %d", m.policy.scroll, want)
	}
	v := h.s.View(h.state, 120, m.height)
	if !strings.Contains(v, fmt.Sprintf("of %d", len(m.policy.lines))) || !strings.Contains(v, last) {
		t.Errorf("the end of the policy is not shown:\n%s", v)
	}
	if pos := fmt.Sprintf("lines %d–%d of %d", m.policy.scroll+1, len(m.policy.lines), len(m.policy.lines)); !strings.Contains(v, pos) {
		t.Errorf("the position line does not say %q:\n%s", pos, v)
	}
	if n := strings.Count(v, "\n") + 1; n > m.height {
		t.Errorf("the view has %d lines, more than the %d rows", n, m.height)
	}
	h.press("up", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup")
	if m.policy.scroll != 0 {
		t.Errorf("scroll = %d after paging up, want 0", m.policy.scroll)
	}
}

func TestApplyDialog(t *testing.T) {
	h := started(t, func(r *recorder) { r.PreflightFails = true })
	m := h.model()
	if f := m.preflight.failing(); !slices.Equal(f, []string{"read sample object"}) {
		t.Fatalf("failing checks = %v", f)
	}
	h.press("a")
	if len(m.dialogs) != 1 || !h.s.Capturing() {
		t.Fatal("a did not open the dialog (or Capturing is false)")
	}
	if v := h.view(); !strings.Contains(v, "Apply this policy to s3://origin-data as prod-origin?") {
		t.Errorf("the dialog is not drawn:\n%s", v)
	}
	h.press("b", "4") // swallowed by the dialog
	if len(m.dialogs) != 1 || h.state.Options.Broad || m.tab != tabPolicy {
		t.Fatal("keys under the dialog reached the screen")
	}
	h.press("n")
	if len(m.dialogs) != 0 || h.b.Applied != 0 {
		t.Fatalf("n: dialogs %d, Applied %d; want 0, 0", len(m.dialogs), h.b.Applied)
	}
	h.press("a", "esc")
	if len(m.dialogs) != 0 || h.b.Applied != 0 {
		t.Fatalf("esc: dialogs %d, Applied %d; want 0, 0", len(m.dialogs), h.b.Applied)
	}
	calls := len(h.b.preflight)
	h.press("a", "y")
	if h.b.Applied != 1 {
		t.Fatalf("Applied = %d after y, want 1", h.b.Applied)
	}
	if len(h.b.preflight) != calls+1 {
		t.Errorf("preflight ran %d times after applying, want once more", len(h.b.preflight)-calls)
	}
	if f := m.preflight.failing(); len(f) != 0 {
		t.Errorf("checks still failing after apply: %v", f)
	}
	if len(h.b.broad) != 2 {
		t.Errorf("the policy was not read again after applying (PolicyChange calls %d)", len(h.b.broad))
	}
	if v := h.view(); !strings.Contains(v, "✓ applied") {
		t.Errorf("the view does not say applied:\n%s", v)
	}
}

func TestStartRefusedWhileAPreflightCheckFails(t *testing.T) {
	h := started(t, func(r *recorder) { r.PreflightFails = true })
	for _, k := range []string{"enter", "S"} {
		if nav := navigations(h.press(k)); len(nav) != 0 {
			t.Fatalf("%s navigated to %v while a check fails", k, nav)
		}
	}
	line := lineWith(h.view(), "cannot start")
	if !strings.Contains(line, "failing preflight checks: read sample object") {
		t.Errorf("the refusal does not name the failing check: %q", line)
	}
	h.press("a", "y")
	if line := lineWith(h.view(), "Start: enter"); line == "" {
		t.Errorf("no start hint after the fix:\n%s", h.view())
	}
	nav := navigations(h.press("enter"))
	if !slices.Equal(nav, []screen.ID{screen.Running}) {
		t.Fatalf("enter after apply: navigations %v, want [Running]", nav)
	}
}

func TestStartRefusedBeforePreflightFinishes(t *testing.T) {
	h := newHarness(t, nil) // Init's commands are not run
	if nav := navigations(h.press("enter")); len(nav) != 0 {
		t.Fatalf("started before the preflight finished: %v", nav)
	}
	if line := lineWith(h.view(), "cannot start"); !strings.Contains(line, "have not finished") {
		t.Errorf("refusal line = %q", line)
	}
}

func TestStartFromDiffTabIsShiftS(t *testing.T) {
	h := started(t, nil)
	h.press("3")
	if nav := navigations(h.press("enter")); len(nav) != 0 {
		t.Fatalf("enter on the diff tab navigated: %v", nav)
	}
	if !h.model().diff.drilled {
		t.Fatal("enter on the diff tab did not drill down")
	}
	if line := lineWith(h.view(), "Start: S"); line == "" {
		t.Errorf("the diff tab does not hint S:\n%s", h.view())
	}
	if nav := navigations(h.press("S")); !slices.Equal(nav, []screen.ID{screen.Running}) {
		t.Fatalf("S on the diff tab: navigations %v", nav)
	}
}

func TestDiffDrillDown(t *testing.T) {
	h := started(t, nil)
	m := h.model()
	h.press("3", "down")
	if m.selected() != transfer.ClassChanged {
		t.Fatalf("selected %v, want changed", m.selected())
	}
	if h.s.Capturing() {
		t.Fatal("Capturing before drilling in")
	}
	h.press("enter")
	if !m.diff.drilled || !h.s.Capturing() {
		t.Fatal("enter did not drill in, or Capturing is false while drilled")
	}
	v := h.view()
	line := lineWith(v, "reports/2025/q2.csv")
	if !strings.Contains(line, "5.0 KiB") || !strings.Contains(line, "size 3.9 KiB → 5.0 KiB") {
		t.Errorf("changed entry line = %q\n%s", line, v)
	}
	if strings.Contains(v, "events.json") {
		t.Error("entries of another class are listed")
	}
	h.press("esc")
	if m.diff.drilled || h.s.Capturing() {
		t.Fatal("esc did not return to the class list")
	}
	if m.selected() != transfer.ClassChanged {
		t.Error("the cursor moved when leaving the drill-down")
	}
}

func TestCompareModeCycles(t *testing.T) {
	h := started(t, nil)
	h.press("3")
	want := []string{"size", "size-mtime", "checksum", "size-etag"}
	for _, w := range want {
		h.press("m")
		if h.state.Options.Compare != w {
			t.Fatalf("compare = %q, want %q", h.state.Options.Compare, w)
		}
		if !strings.Contains(h.view(), "compare: "+w+" ") {
			t.Errorf("the view does not show compare mode %s", w)
		}
	}
	if got := h.b.compares; !slices.Equal(got, append([]string{"size-etag"}, want...)) {
		t.Errorf("Diff called with %v", got)
	}
}

func TestOptions(t *testing.T) {
	h := started(t, nil)
	o := &h.state.Options
	if o.Delete {
		t.Fatal("delete extras is on by default")
	}
	h.press("4")
	if line := lineWith(h.view(), "Delete extras"); !strings.Contains(line, "[ ] off") {
		t.Errorf("delete row = %q", line)
	}
	// The transfer mode comes first: auto → server-side → relay → auto.
	if line := lineWith(h.view(), "Transfer mode"); !strings.Contains(line, "auto: server-side when the grant allows it, else relay") {
		t.Errorf("mode row = %q", line)
	}
	h.press("space")
	if o.Mode != "server-side" {
		t.Errorf("mode after space = %q, want server-side", o.Mode)
	}
	h.press("space")
	if line := lineWith(h.view(), "Transfer mode"); o.Mode != "relay" || !strings.Contains(line, "no grant needed") {
		t.Errorf("mode after two spaces = %q, row %q", o.Mode, line)
	}
	h.press("space", "down", "+")
	if o.Concurrency != 40 {
		t.Errorf("concurrency after + = %d, want 40", o.Concurrency)
	}
	h.press("left", "-", "-", "-")
	if o.Concurrency != 15 {
		t.Errorf("concurrency after ←--- = %d, want 15", o.Concurrency)
	}
	h.press("down", "space")
	if o.ACL != "bucket-owner-full-control" {
		t.Errorf("ACL = %q", o.ACL)
	}
	h.press("space")
	if o.ACL != "private" {
		t.Errorf("ACL = %q", o.ACL)
	}
	h.press("right")
	if o.ACL != "" {
		t.Errorf("ACL = %q, want none", o.ACL)
	}
	if nav := navigations(h.press("enter")); len(nav) != 0 {
		t.Fatal("started while the preflight was stale after an ACL change")
	}
	if !h.model().preflight.loaded || h.model().preflight.stale {
		t.Fatal("start did not re-run the stale preflight")
	}
	h.press("left") // ACL private
	calls := len(h.b.preflight)
	h.press("1")
	if len(h.b.preflight) != calls+1 || h.b.preflight[len(h.b.preflight)-1].ACL != "private" {
		t.Fatalf("leaving Options did not re-run the preflight with the new ACL: %+v", h.b.preflight)
	}
	h.press("4", "down", "space", "right")
	if o.StorageClass != "STANDARD_IA" {
		t.Errorf("storage class = %q", o.StorageClass)
	}
	h.press("down", "down", "down", "space") // past Encryption and KMS key
	if !o.Delete {
		t.Fatal("space did not turn delete on")
	}
	if line := lineWith(h.view(), "Delete extras"); !strings.Contains(line, "⚠ deletes 1 extras after the copies, only inside the 2 selected folders") {
		t.Errorf("delete row = %q", line)
	}
	h.press("down", "space", "down", "space")
	if !o.DryRun || o.Verify {
		t.Errorf("dry run %v verify %v, want true false", o.DryRun, o.Verify)
	}
	h.press("down", "down", "down", "down", "down", "down", "down", "down", "down", "down") // past the last row: still Batch role
	if h.model().options.cursor != fieldBatchRole {
		t.Errorf("the cursor is on row %d, want the last (%d)", h.model().options.cursor, fieldBatchRole)
	}
}

// The engine rows: batch needs a bucket for its manifest and reports and
// does not relay; Start says so until both are right; the bucket and role
// are read as sync reads --batch-bucket and --batch-role.
func TestOptionsEngine(t *testing.T) {
	h := started(t, nil)
	o := &h.state.Options
	h.press("4")
	for range fieldEngine {
		h.press("down")
	}
	if line := lineWith(h.view(), "Engine"); !strings.Contains(line, "local: this machine copies") || !strings.Contains(line, "(local $") || !strings.Contains(line, "· batch $0.25, at least") {
		t.Errorf("engine row = %q", line)
	}
	h.press("space")
	if o.Engine != "batch" || !strings.Contains(lineWith(h.view(), "Engine"), "batch: an S3 Batch Operations job copies") {
		t.Fatalf("engine after space = %q, row %q", o.Engine, lineWith(h.view(), "Engine"))
	}
	if nav := navigations(h.press("S")); len(nav) != 0 || !strings.Contains(h.view(), "the batch engine needs a Batch bucket") {
		t.Fatalf("started the batch engine without a batch bucket:\n%s", h.view())
	}
	h.editRow(fieldBatchBucket, "dest-archive/jobs")
	if o.BatchBucket != "" || !strings.Contains(h.view(), "is not an S3 URL") {
		t.Errorf("a bucket without s3:// was taken: %q\n%s", o.BatchBucket, h.view())
	}
	h.press("esc")
	h.editRow(fieldBatchBucket, "s3://dest-archive/jobs")
	if o.BatchBucket != "s3://dest-archive/jobs/" {
		t.Errorf("batch bucket = %q, want the folder s3://dest-archive/jobs/", o.BatchBucket)
	}
	h.editRow(fieldBatchRole, "my-role")
	if o.BatchRole != "" || !strings.Contains(h.view(), "is not a role ARN") {
		t.Errorf("a role that is not an ARN was taken: %q", o.BatchRole)
	}
	h.press("esc")
	h.editRow(fieldBatchRole, "arn:aws:iam::444455556666:role/copier")
	if o.BatchRole != "arn:aws:iam::444455556666:role/copier" {
		t.Errorf("batch role = %q", o.BatchRole)
	}
	o.Mode = "relay"
	if nav := navigations(h.press("S")); len(nav) != 0 || !strings.Contains(h.view(), "the batch engine does not relay") {
		t.Fatalf("started the batch engine in relay mode:\n%s", h.view())
	}
	o.Mode = "auto"
	if l := lineWith(h.view(), "Start:"); !strings.Contains(l, "by an S3 Batch Operations job, asked before it runs") {
		t.Errorf("start line with the batch engine: %q", l)
	}
	// Another option changed: the figures beside the engine are stale
	// until the diff runs again, and say so instead.
	h.model().options.rediff = true
	if l := lineWith(h.view(), "Engine"); strings.Contains(l, "$") || !strings.Contains(l, "priced again when you leave this tab") {
		t.Errorf("engine row after an option changed: %q", l)
	}
	if nav := navigations(h.press("S")); len(nav) != 1 {
		t.Fatalf("the batch engine with a bucket did not start:\n%s", h.view())
	}
}

func TestSavePolicy(t *testing.T) {
	h := started(t, nil)
	dir := t.TempDir()
	t.Chdir(dir)
	h.press("s")
	path := filepath.Join(dir, "origin-data-policy.json")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := h.model().policy.change.After; strings.TrimSuffix(string(got), "\n") != strings.TrimSuffix(want, "\n") {
		t.Errorf("saved %q, want the proposed policy", got)
	}
	real, _ := filepath.EvalSymlinks(path)
	if v := h.view(); !strings.Contains(v, path) && !strings.Contains(v, real) {
		t.Errorf("the path is not shown:\n%s", v)
	}
}

func TestCopyPolicyToClipboard(t *testing.T) {
	h := started(t, nil)
	msgs := h.press("y")
	if len(msgs) != 1 {
		t.Fatalf("y returned %d messages, want the clipboard one", len(msgs))
	}
	// tea's message type is unexported: it is a string holding the text.
	v := reflect.ValueOf(msgs[0])
	if !strings.Contains(fmt.Sprintf("%T", msgs[0]), "Clipboard") || v.Kind() != reflect.String || v.String() != h.model().policy.change.After {
		t.Errorf("y returned %T %v, want SetClipboard of the proposed policy", msgs[0], msgs[0])
	}
}

func TestUnchangedPolicy(t *testing.T) {
	h := started(t, func(r *recorder) { r.unchanged = true })
	if v := h.view(); !strings.Contains(v, "already grants what the migration needs") {
		t.Errorf("an unchanged policy does not say so:\n%s", v)
	}
	h.press("a")
	if len(h.model().dialogs) != 0 {
		t.Error("a opened the apply dialog for an unchanged policy")
	}
}

func TestLoadErrorShownInTab(t *testing.T) {
	h := started(t, func(r *recorder) {
		r.diffErr = errors.New("list s3://dest-archive/migrated/: AccessDenied\nsecond line")
	})
	h.press("3")
	v := h.view()
	line := lineWith(v, "✗ cannot diff")
	if !strings.Contains(line, "AccessDenied") || strings.Contains(v, "second line") {
		t.Errorf("the error is not one line in the tab: %q\n%s", line, v)
	}
}

func TestPreflightRerun(t *testing.T) {
	h := started(t, func(r *recorder) { r.PreflightFails = true })
	h.press("2")
	v := h.view()
	if line := lineWith(v, "read sample object"); !strings.HasPrefix(line, "✗ read sample object — destination identity cannot read") {
		t.Errorf("failing check line = %q", line)
	}
	if line := lineWith(v, "fix: apply the proposed policy"); !strings.HasPrefix(line, "    fix:") {
		t.Errorf("fix line = %q", line)
	}
	h.b.Fake.PreflightFails = false
	calls := len(h.b.preflight)
	h.press("r")
	if len(h.b.preflight) != calls+1 || len(h.model().preflight.failing()) != 0 {
		t.Errorf("r did not re-run the checks")
	}
	if line := lineWith(h.view(), "read sample object"); !strings.HasPrefix(line, "✓ read sample object") {
		t.Errorf("check line after re-run = %q", line)
	}
}

func TestKeysFollowTheTab(t *testing.T) {
	h := started(t, nil)
	has := func(want string) bool {
		for _, k := range h.s.Keys() {
			if k.Help().Key == want {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		press, key string
	}{{"1", "a"}, {"2", "r"}, {"3", "m"}, {"4", "space"}} {
		h.press(c.press)
		if !has(c.key) {
			t.Errorf("tab %s: help lacks %q", c.press, c.key)
		}
	}
}

// The policy awsauth computes must survive the view: checked here so a
// change in the fake that empties the diff fails loudly rather than making
// the golden trivially pass.
func TestFakePolicyChangesSomething(t *testing.T) {
	h := started(t, nil)
	c := h.model().policy.change
	if c.Unchanged() || len(bucketpolicy.LineDiff(c.Before, c.After)) == 0 {
		t.Fatal("the fake policy change is empty")
	}
}

// TestPolicyTabPointsToTheOtherGrants: when preflight finds SSE-KMS objects
// the Policy tab says the key policy needs kms:Decrypt too, and it always
// points to the reverse-direction grant.
func TestPolicyTabPointsToTheOtherGrants(t *testing.T) {
	plain := uitest.New()
	kms := uitest.New()
	kms.KMS = true
	for _, c := range []struct {
		fake    *uitest.Fake
		wantKMS bool
	}{{plain, false}, {kms, true}} {
		state := &screen.State{Backend: c.fake, Styles: style.New(true), SrcProfile: "prod-origin", DstProfile: "prod-archive",
			SrcBucket: "origin-data", DstBucket: "dest-archive", Items: []string{"logs/"}, Options: screen.RunOptions{Concurrency: 32, Compare: "size-etag"}}
		d := uitest.NewDriver(t, state, New())
		v := uitest.Plain(d.S.View(state, 120, 30))
		// Complete commands, which run as printed.
		if got := strings.Contains(v, "$ s3migrate policy s3://origin-data --kms-key ARN --source-profile prod-origin --grantee-profile prod-archive\n"); got != c.wantKMS {
			t.Errorf("KMS hint shown = %v, want %v:\n%s", got, c.wantKMS, v)
		}
		if !strings.Contains(v, "$ s3migrate policy s3://dest-archive/ --reverse --source-profile prod-archive --grantee-profile prod-origin\n") {
			t.Errorf("no reverse-direction hint:\n%s", v)
		}
	}
}

// TestStartWithDeleteAsksFirst: with delete extras on, Start asks before a
// run that deletes; n stays, y starts. A dry run does not ask.
func TestStartWithDeleteAsksFirst(t *testing.T) {
	state := &screen.State{Backend: uitest.New(), Styles: style.New(true), SrcProfile: "prod-origin", DstProfile: "prod-archive",
		SrcBucket: "origin-data", DstBucket: "dest-archive", Items: []string{"logs/"},
		Options: screen.RunOptions{Concurrency: 32, Compare: "size-etag", Delete: true}}
	d := uitest.NewDriver(t, state, New())
	d.Press("S")
	if len(d.Nav) != 0 {
		t.Fatalf("started without asking: %v", d.Nav)
	}
	if v := uitest.Plain(d.S.View(state, 120, 30)); !strings.Contains(v, "DELETE 1 object (2.0 KiB) found only in the destination, inside:") || !strings.Contains(v, "  s3://dest-archive/logs/ ") {
		t.Fatalf("no delete confirmation:\n%s", v)
	}
	d.Press("n")
	if len(d.Nav) != 0 {
		t.Fatal("n started the run")
	}
	d.Press("S", "y")
	if len(d.Nav) != 1 || d.Nav[0] != (screen.Go{To: screen.Running}) {
		t.Fatalf("y did not start: %v", d.Nav)
	}
	state.Options.DryRun = true
	d2 := uitest.NewDriver(t, state, New())
	d2.Press("S")
	if len(d2.Nav) != 1 {
		t.Fatalf("a dry run asked about deleting: %v", d2.Nav)
	}
}

// TestApplyOfAChangedPolicyShowsTheNewDiff: the bucket policy changed
// between the preview and the answer; the backend writes nothing and says
// so, and the screen shows the error and the new diff, and applies only
// after another yes, the new change.
func TestApplyOfAChangedPolicyShowsTheNewDiff(t *testing.T) {
	h := started(t, nil)
	shown := h.model().policy.change
	h.b.mu.Lock()
	h.b.applyErr = fmt.Errorf("apply: %w", &bucketpolicy.ChangedError{Bucket: "origin-data"})
	h.b.change = func(c *bucketpolicy.Change) {
		// Someone renamed the owner's statement meanwhile.
		c.Before = strings.Replace(c.Before, "OwnerFullAccess", "AddedMeanwhile", 1)
	}
	h.b.mu.Unlock()
	h.press("a", "y")
	m := h.model()
	if len(h.b.applied) != 1 || h.b.applied[0].Before != shown.Before || h.b.Applied != 0 {
		t.Fatalf("apply calls %d (Fake wrote %d); want one, with the change shown", len(h.b.applied), h.b.Applied)
	}
	if len(h.b.broad) != 2 || !strings.Contains(m.policy.change.Before, "AddedMeanwhile") {
		t.Fatalf("the policy was not read again after the refusal (PolicyChange calls %d)", len(h.b.broad))
	}
	v := h.view()
	if !strings.Contains(v, "✗ the bucket policy of s3://origin-data changed since the preview") {
		t.Errorf("the refusal is not shown:\n%s", v)
	}
	if len(m.dialogs) != 0 || m.policy.applying {
		t.Error("a refused apply left a dialog open or the spinner on")
	}
	h.press("a", "y")
	if h.b.Applied != 1 || len(h.b.applied) != 2 || !strings.Contains(h.b.applied[1].Before, "AddedMeanwhile") {
		t.Errorf("the second yes did not apply the new change (Applied %d)", h.b.Applied)
	}
}

// TestPolicyScopeAndNoGrant: the line under the title names the prefixes a
// new selection adds and withdraws; one identity on both sides gets no
// grant, says why, and a does not open the dialog.
func TestPolicyScopeAndNoGrant(t *testing.T) {
	h := started(t, func(r *recorder) {
		r.change = func(c *bucketpolicy.Change) {
			c.Grantee, c.Added, c.Withdrawn = "arn:aws:iam::444455556666:root", []string{"logs/2026/"}, []string{"images/"}
		}
	})
	if line := lineWith(h.view(), "withdraws"); !strings.Contains(line, "for arn:aws:iam::444455556666:root: adds logs/2026/; withdraws images/") {
		t.Errorf("scope line = %q", line)
	}
	h = started(t, func(r *recorder) {
		r.change = func(c *bucketpolicy.Change) {
			c.After, c.NoGrant = c.Before, "the grantee X is the identity that owns the bucket: it needs no bucket policy grant, so none is proposed"
		}
	})
	if v := h.view(); !strings.Contains(v, "✓ s3://origin-data: the grantee X is the identity that owns the bucket") {
		t.Errorf("no-grant view:\n%s", v)
	}
	h.press("a")
	if len(h.model().dialogs) != 0 {
		t.Error("a opened the apply dialog when no grant is needed")
	}
}

// The Object Lock row turns --keep-object-lock on; the preflight runs
// again with it, since its Object Lock check changes its verdict.
func TestOptionsKeepObjectLock(t *testing.T) {
	h := started(t, nil)
	h.press("4")
	for range fieldObjectLock {
		h.press("down")
	}
	if l := lineWith(h.view(), "Keep Object Lock"); !strings.Contains(l, "[ ] off") {
		t.Fatalf("object lock row = %q", l)
	}
	h.press("space")
	if !h.state.Options.KeepObjectLock || !h.model().preflight.stale || !h.model().options.rediff {
		t.Fatalf("space: keep %v, preflight stale %v, estimate stale %v", h.state.Options.KeepObjectLock, h.model().preflight.stale, h.model().options.rediff)
	}
	calls := len(h.b.preflight)
	h.press("1")
	if len(h.b.preflight) != calls+1 || !h.b.preflight[len(h.b.preflight)-1].KeepObjectLock {
		t.Errorf("leaving Options did not re-run the preflight with Object Lock kept: %+v", h.b.preflight)
	}
}

// The Encryption and KMS key rows are sync's --sse and --sse-kms-key-id: a
// key implies aws:kms, another choice drops the key, and the preflight's
// write check runs again asking for them.
func TestOptionsEncryption(t *testing.T) {
	h := started(t, nil)
	o := &h.state.Options
	h.press("4")
	for range fieldEncryption {
		h.press("down")
	}
	if l := lineWith(h.view(), "Encryption"); !strings.Contains(l, "the destination bucket's default") {
		t.Fatalf("encryption row = %q", l)
	}
	h.press("space")
	if o.SSE != "AES256" || !h.model().preflight.stale {
		t.Fatalf("space: SSE %q, preflight stale %v", o.SSE, h.model().preflight.stale)
	}
	h.editRow(fieldKMSKey, "bad key")
	if o.SSEKMSKeyID != "" || !strings.Contains(h.view(), "has no spaces") {
		t.Errorf("a key with a space was taken: %q", o.SSEKMSKeyID)
	}
	h.press("esc")
	h.editRow(fieldKMSKey, "arn:aws:kms:us-east-1:444455556666:key/k1")
	if o.SSE != "aws:kms" || o.SSEKMSKeyID != "arn:aws:kms:us-east-1:444455556666:key/k1" {
		t.Errorf("after a key: SSE %q key %q, want aws:kms and the key", o.SSE, o.SSEKMSKeyID)
	}
	calls := len(h.b.preflight)
	h.press("1")
	if len(h.b.preflight) != calls+1 || h.b.preflight[len(h.b.preflight)-1].SSEKMSKeyID != o.SSEKMSKeyID {
		t.Errorf("leaving Options did not re-run the preflight with the key: %+v", h.b.preflight)
	}
	h.press("4", "up", "space") // aws:kms → bucket default: the key goes
	if o.SSE != "" || o.SSEKMSKeyID != "" {
		t.Errorf("back to the default: SSE %q key %q", o.SSE, o.SSEKMSKeyID)
	}
}
