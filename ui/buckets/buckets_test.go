package buckets

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// backend is the fake with what this screen needs on top: buckets it
// creates show up in later listings, and either call can be made to fail.
type backend struct {
	*uitest.Fake
	mu        sync.Mutex
	created   []string
	listErr   map[string]error // by profile
	createErr error
	like      []screen.BucketRef // what each create was to be like
	listCalls int
}

func newBackend() *backend { return &backend{Fake: uitest.New(), listErr: map[string]error{}} }

func (b *backend) Buckets(ctx context.Context, profile string) ([]screen.Bucket, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listCalls++
	if err := b.listErr[profile]; err != nil {
		return nil, err
	}
	bs, err := b.Fake.Buckets(ctx, profile)
	if profile == "prod-archive" {
		for _, n := range b.created {
			bs = append(bs, screen.Bucket{Name: n, Region: "eu-west-1", Created: uitest.Epoch})
		}
	}
	return bs, err
}

func (b *backend) CreateBucket(ctx context.Context, profile, name string, like screen.BucketRef) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.createErr != nil {
		return "", b.createErr
	}
	how, err := b.Fake.CreateBucket(ctx, profile, name, like)
	if err != nil {
		return "", err
	}
	b.created = append(b.created, name)
	b.like = append(b.like, like)
	return how, nil
}

func newState(b screen.Backend) *screen.State {
	return &screen.State{Backend: b, Styles: style.New(true), SrcProfile: "prod-origin", DstProfile: "prod-archive"}
}

func start(t *testing.T) (*uitest.Driver, *backend) {
	t.Helper()
	b := newBackend()
	return uitest.NewDriver(t, newState(b), New()), b
}

func TestSpinnerUntilLoaded(t *testing.T) {
	state := newState(newBackend())
	s := New()
	_ = s.Init(state) // the loads are not run
	v := (&uitest.Driver{T: t, State: state, S: s}).View()
	if strings.Count(v, "listing buckets…") != 2 {
		t.Errorf("both panes should show the spinner while loading:\n%s", v)
	}
}

func TestLoadsBothSides(t *testing.T) {
	d, _ := start(t)
	v := d.View()
	for _, want := range []string{"origin-data", "origin-logs", "dest-archive", "us-east-1", "eu-west-1", "2026-11-01", "2026-09-01"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	uitest.Golden(t, "loaded", v)
}

func TestChooseBothThenContinue(t *testing.T) {
	d, _ := start(t)
	d.Press("n")
	if len(d.Nav) != 0 {
		t.Fatalf("n with nothing chosen navigated: %v", d.Nav)
	}
	if !strings.Contains(d.View(), "choose an origin and a destination bucket first") {
		t.Errorf("n with nothing chosen should say why:\n%s", d.View())
	}

	d.Press("down", "space")
	if d.State.SrcBucket != "origin-logs" {
		t.Fatalf("SrcBucket = %q, want origin-logs", d.State.SrcBucket)
	}
	// Choosing the origin hands the focus to the destination.
	d.Press("enter")
	if d.State.DstBucket != "dest-archive" {
		t.Fatalf("DstBucket = %q, want dest-archive", d.State.DstBucket)
	}
	if len(d.Nav) != 0 {
		t.Fatalf("the enter that chose the destination also navigated: %v", d.Nav)
	}
	uitest.Golden(t, "chosen", d.View())

	d.Press("enter")
	if len(d.Nav) != 1 || d.Nav[0] != (screen.Go{To: screen.Browser}) {
		t.Fatalf("enter with both chosen: nav = %v, want Go{Browser}", d.Nav)
	}
}

func TestFocusAndCursor(t *testing.T) {
	d, _ := start(t)
	m := d.S.(*Model)
	d.Press("down")
	if m.lists[origin].cursor != 1 {
		t.Errorf("down: origin cursor = %d, want 1", m.lists[origin].cursor)
	}
	d.Press("down")
	if m.lists[origin].cursor != 0 {
		t.Errorf("down at the end should wrap: cursor = %d", m.lists[origin].cursor)
	}
	d.Press("up")
	if m.lists[origin].cursor != 1 {
		t.Errorf("up at the top should wrap: cursor = %d", m.lists[origin].cursor)
	}
	for _, k := range []struct {
		name  string
		press func()
		want  side
	}{
		{"tab", func() { d.Press("tab") }, destination},
		{"left", func() { d.Press("left") }, origin},
		{"right", func() { d.Press("right") }, destination},
	} {
		k.press()
		if m.focus != k.want {
			t.Errorf("after %s focus = %v, want %v", k.name, m.focus, k.want)
		}
	}
	// The cursor is per side: the origin's is where it was.
	d.Press("space")
	if d.State.DstBucket != "dest-archive" || d.State.SrcBucket != "" {
		t.Errorf("space on the destination chose src=%q dst=%q", d.State.SrcBucket, d.State.DstBucket)
	}
}

func TestFilter(t *testing.T) {
	d, _ := start(t)
	d.Press("/")
	if !d.S.Capturing() {
		t.Fatal("Capturing should be true while typing a filter")
	}
	d.TypeText("LOGS") // case does not matter
	v := d.View()
	if strings.Contains(v, "origin-data") || !strings.Contains(v, "origin-logs") {
		t.Errorf("filter LOGS should show only origin-logs:\n%s", v)
	}
	if !strings.Contains(v, "dest-archive") {
		t.Errorf("the filter narrows only the focused list:\n%s", v)
	}
	// q is text while the filter is open, not a quit for the router.
	d.TypeText("q")
	if v := d.View(); !strings.Contains(v, "no bucket matches \"LOGSq\"") {
		t.Errorf("a filter matching nothing should say so:\n%s", v)
	}
	d.Press("backspace")
	d.Press("enter")
	if d.S.Capturing() {
		t.Fatal("enter should end the filter")
	}
	uitest.Golden(t, "filtered", d.View())
	d.Press("space")
	if d.State.SrcBucket != "origin-logs" {
		t.Errorf("space in the filtered list chose %q, want origin-logs", d.State.SrcBucket)
	}

	// esc drops the filter.
	d.Press("left", "/", "esc")
	if d.S.Capturing() {
		t.Fatal("esc should end the filter")
	}
	if v := d.View(); !strings.Contains(v, "origin-data") {
		t.Errorf("esc should clear the filter:\n%s", v)
	}
}

func TestCreateBucket(t *testing.T) {
	d, b := start(t)
	d.Press("c")
	if d.S.Capturing() {
		t.Fatal("c on the origin side should not open the name input")
	}
	if !strings.Contains(d.View(), "buckets are created on the destination side") {
		t.Errorf("c on the origin side should explain:\n%s", d.View())
	}

	d.Press("tab", "c")
	if !d.S.Capturing() {
		t.Fatal("Capturing should be true while typing a bucket name")
	}
	d.TypeText("Bad_Name")
	d.Press("enter")
	if v := d.View(); !strings.Contains(v, "is not a valid bucket name") {
		t.Errorf("an invalid name should be refused in the screen:\n%s", v)
	}
	if m := d.S.(*Model); m.mode != naming {
		t.Fatalf("after an invalid name the input should stay open, mode = %v", m.mode)
	}
	for range len("Bad_Name") {
		d.Press("backspace")
	}
	d.TypeText("archive-2026")
	d.Press("enter")
	v := d.View()
	if !strings.Contains(v, "Create bucket s3://archive-2026 as prod-archive?") {
		t.Fatalf("enter should ask before creating:\n%s", v)
	}
	uitest.Golden(t, "confirm", v)
	if len(b.created) != 0 {
		t.Fatal("created before the confirmation")
	}
	calls := b.listCalls
	d.Press("y")
	if !slices.Equal(b.created, []string{"archive-2026"}) {
		t.Fatalf("created = %v", b.created)
	}
	if b.listCalls != calls+1 {
		t.Errorf("the destination list should be reloaded once after a create: %d calls, want %d", b.listCalls, calls+1)
	}
	if d.State.DstBucket != "archive-2026" {
		t.Errorf("the new bucket should be chosen: DstBucket = %q", d.State.DstBucket)
	}
	if v := d.View(); !strings.Contains(v, "● archive-2026") {
		t.Errorf("the reloaded list should show the new bucket chosen:\n%s", v)
	}
	if d.S.Capturing() {
		t.Error("Capturing after the create")
	}
}

func TestCreateDeclinedAndFailed(t *testing.T) {
	d, b := start(t)
	d.Press("tab", "c")
	d.TypeText("archive-2026")
	d.Press("enter", "n")
	if len(b.created) != 0 || d.S.Capturing() {
		t.Fatalf("n should decline: created=%v capturing=%v", b.created, d.S.Capturing())
	}
	if !strings.Contains(d.View(), "was not created") {
		t.Errorf("declining should say so:\n%s", d.View())
	}

	b.createErr = errors.New("AccessDenied: not allowed\nto create buckets")
	d.Press("c")
	d.TypeText("archive-2026")
	d.Press("enter", "y")
	v := d.View()
	line := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "✗ create s3://archive-2026") {
			line = l
		}
	}
	if line != "✗ create s3://archive-2026: AccessDenied: not allowed to create buckets" {
		t.Errorf("a failed create should be one error line, got %q in:\n%s", line, v)
	}
	if d.State.DstBucket != "" {
		t.Errorf("a failed create chose %q", d.State.DstBucket)
	}
}

func TestLoadErrorShownAndRetried(t *testing.T) {
	b := newBackend()
	b.listErr["prod-origin"] = errors.New("ExpiredToken: the security token has expired")
	d := uitest.NewDriver(t, newState(b), New())
	v := d.View()
	if !strings.Contains(v, "✗ list buckets (profile prod-origin): ExpiredToken") {
		t.Errorf("the load error should show in the origin pane:\n%s", v)
	}
	if !strings.Contains(v, "dest-archive") {
		t.Errorf("the destination should load anyway:\n%s", v)
	}
	delete(b.listErr, "prod-origin")
	d.Press("r")
	if v := d.View(); !strings.Contains(v, "origin-data") || strings.Contains(v, "ExpiredToken") {
		t.Errorf("r should reload and clear the error:\n%s", v)
	}
}

// TestLongLoadErrorShownWhole: an error longer than the pane is wrapped, not
// cut: the hint at its end is what the operator needs.
func TestLongLoadErrorShownWhole(t *testing.T) {
	b := newBackend()
	b.listErr["prod-origin"] = errors.New("operation error S3: ListBuckets, the endpoint http://127.0.0.1:9000 did not answer within 30s: check endpoint_url / the network")
	d := uitest.NewDriver(t, newState(b), New())
	var pane []string
	for _, l := range strings.Split(d.View(), "\n") {
		// The origin pane is the left half of the screen.
		if half := []rune(l); len(half) > uitest.Width/2 {
			l = string(half[:uitest.Width/2])
		}
		pane = append(pane, strings.Trim(l, "│ "))
	}
	text := strings.Join(pane, " ")
	for _, want := range []string{"did not answer within 30s:", "check endpoint_url /", "the network", "r retries"} {
		if !strings.Contains(text, want) {
			t.Errorf("the origin pane lacks %q:\n%s", want, d.View())
		}
	}
}

func TestStaleLoadIgnored(t *testing.T) {
	d, _ := start(t)
	m := d.S.(*Model)
	d.Send(loadedMsg{side: origin, gen: m.lists[origin].gen - 1, buckets: []screen.Bucket{{Name: "stale"}}})
	if v := d.View(); strings.Contains(v, "stale") {
		t.Errorf("a reply to a superseded load was shown:\n%s", v)
	}
}

func TestNewOriginDropsItems(t *testing.T) {
	d, _ := start(t)
	d.Press("space")
	d.State.Items, d.State.Where = []string{"logs/"}, "logs/"
	d.Press("left", "space") // choose the same bucket again: keep
	if len(d.State.Items) != 1 {
		t.Fatalf("choosing the same origin again dropped the items")
	}
	d.Press("left", "down", "space")
	if d.State.SrcBucket != "origin-logs" || d.State.Items != nil || d.State.Where != "" {
		t.Errorf("a new origin should drop items: src=%q items=%v where=%q", d.State.SrcBucket, d.State.Items, d.State.Where)
	}
}

func TestEnteredAgainKeepsChoices(t *testing.T) {
	b := newBackend()
	state := newState(b)
	state.SrcBucket, state.DstBucket = "origin-logs", "gone-bucket"
	d := uitest.NewDriver(t, state, New())
	if state.SrcBucket != "origin-logs" {
		t.Errorf("an existing origin choice was dropped: %q", state.SrcBucket)
	}
	if state.DstBucket != "" {
		t.Errorf("a destination that no longer exists should be dropped: %q", state.DstBucket)
	}
	if m := d.S.(*Model); m.lists[origin].cursor != 1 {
		t.Errorf("the cursor should start on the chosen bucket, at %d", m.lists[origin].cursor)
	}
}

func TestWindowKeepsCursorVisible(t *testing.T) {
	for _, c := range []struct{ cursor, n, h, start, end int }{
		{0, 3, 10, 0, 3},
		{0, 100, 10, 0, 10},
		{50, 100, 10, 45, 55},
		{99, 100, 10, 90, 100},
		{5, 100, 0, 0, 0},
	} {
		s, e := window(c.cursor, c.n, c.h)
		if s != c.start || e != c.end {
			t.Errorf("window(%d,%d,%d) = %d,%d, want %d,%d", c.cursor, c.n, c.h, s, e, c.start, c.end)
		}
	}
}

// manyBuckets lists 200 origin buckets.
type manyBuckets struct{ *backend }

func (b manyBuckets) Buckets(ctx context.Context, profile string) ([]screen.Bucket, error) {
	if profile != "prod-origin" {
		return b.backend.Buckets(ctx, profile)
	}
	var bs []screen.Bucket
	for i := range 200 {
		bs = append(bs, screen.Bucket{Name: fmt.Sprintf("bucket-%03d", i), Region: "us-east-1", Created: uitest.Epoch})
	}
	return bs, nil
}

func TestLongListShowsWindowAroundCursor(t *testing.T) {
	d := uitest.NewDriver(t, newState(manyBuckets{newBackend()}), New())
	for range 120 {
		d.Press("down")
	}
	v := d.View()
	if !strings.Contains(v, "▸ ○ bucket-120") || strings.Contains(v, "bucket-000") || strings.Contains(v, "bucket-199") {
		t.Errorf("the rows around the cursor should show:\n%s", v)
	}
	d.Press("space")
	if d.State.SrcBucket != "bucket-120" {
		t.Errorf("SrcBucket = %q", d.State.SrcBucket)
	}
}

// TestCreateLikeOrigin: with the origin bucket chosen, the new destination
// bucket is created like it — the question says so, the backend is asked
// for it, and the note says how the bucket was created.
func TestCreateLikeOrigin(t *testing.T) {
	d, b := start(t)
	d.Press("space") // origin-data; the focus moves to the destination
	d.Press("c")
	d.TypeText("archive-2026")
	d.Press("enter")
	if v := d.View(); !strings.Contains(v, "Create bucket s3://archive-2026 as prod-archive?") ||
		!strings.Contains(v, "Like s3://origin-data: its region, Object Lock, versioning and ownership.") {
		t.Fatalf("the question should say the bucket is created like the origin:\n%s", v)
	}
	d.Press("y")
	if len(b.like) != 1 || b.like[0] != (screen.BucketRef{Profile: "prod-origin", Bucket: "origin-data"}) {
		t.Fatalf("created like %+v, want the origin bucket as prod-origin", b.like)
	}
	if v := d.View(); !strings.Contains(v, "created s3://archive-2026, in us-east-1, Object Ownership BucketOwnerEnforced, like the source s3://origin-data; chosen") {
		t.Errorf("the note should say how it was created:\n%s", v)
	}
}
