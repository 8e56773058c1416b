package browser

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// pager is the fake backend listing in pages of pageSize, as S3 does (the
// fake itself answers in one page), and recording the calls.
type pager struct {
	*uitest.Fake
	pageSize int
	mu       sync.Mutex
	lists    []string // "prefix@next" per List call
	counts   [][]string
	// cancelled records, per Count call, whether its context was done.
	cancelled []bool
	listErr   error
	// dest are the destination bucket's objects (bucket dest-archive).
	dest map[string]transfer.Object
	// gate, when set, runs before each object a Walk yields: a test holds
	// a walk there. walks are the contexts of the Walk calls.
	gate  func(ctx context.Context, n int)
	walks []context.Context
}

func (p *pager) Walk(ctx context.Context, profile, bucket, prefix string) iter.Seq2[transfer.Object, error] {
	p.mu.Lock()
	p.walks = append(p.walks, ctx)
	gate := p.gate
	p.mu.Unlock()
	return func(yield func(transfer.Object, error) bool) {
		n := 0
		for o, err := range p.Fake.Walk(ctx, profile, bucket, prefix) {
			if gate != nil && err == nil {
				gate(ctx, n)
				if ctx.Err() != nil {
					yield(transfer.Object{}, ctx.Err())
					return
				}
			}
			n++
			if !yield(o, err) {
				return
			}
		}
	}
}

// listDest is a delimiter listing of the destination, as S3 does it: the
// key equal to the prefix is listed too.
func (p *pager) listDest(prefix string) screen.Page {
	var keys []string
	for k := range p.dest {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var pg screen.Page
	for _, k := range keys {
		rest := k[len(prefix):]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			if d := prefix + rest[:i+1]; len(pg.Prefixes) == 0 || pg.Prefixes[len(pg.Prefixes)-1] != d {
				pg.Prefixes = append(pg.Prefixes, d)
			}
			continue
		}
		pg.Objects = append(pg.Objects, p.dest[k])
	}
	return pg
}

func newPager() *pager { return &pager{Fake: uitest.New(), pageSize: 1000} }

// addBig puts n objects under big/.
func (p *pager) addBig(n int) {
	for i := range n {
		k := fmt.Sprintf("big/file-%05d.bin", i)
		p.Objects[k] = transfer.Object{Key: k, Size: int64(i), LastModified: uitest.Epoch, StorageClass: "STANDARD"}
	}
}

func (p *pager) List(ctx context.Context, profile, bucket, prefix, next string) (screen.Page, error) {
	p.mu.Lock()
	if bucket == "dest-archive" {
		defer p.mu.Unlock()
		return p.listDest(prefix), nil
	}
	p.lists = append(p.lists, prefix+"@"+next)
	err := p.listErr
	p.mu.Unlock()
	if err != nil {
		return screen.Page{}, err
	}
	all, err := p.Fake.List(ctx, profile, bucket, prefix, "")
	if err != nil {
		return all, err
	}
	// Back into one key-ordered stream, as S3 pages it.
	type entry struct {
		key string
		obj *transfer.Object
	}
	var es []entry
	for _, d := range all.Prefixes {
		es = append(es, entry{key: d})
	}
	for i := range all.Objects {
		es = append(es, entry{key: all.Objects[i].Key, obj: &all.Objects[i]})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	from := 0
	if next != "" {
		fmt.Sscan(next, &from)
	}
	to := min(from+p.pageSize, len(es))
	var pg screen.Page
	for _, e := range es[from:to] {
		if e.obj == nil {
			pg.Prefixes = append(pg.Prefixes, e.key)
		} else {
			pg.Objects = append(pg.Objects, *e.obj)
		}
	}
	if to < len(es) {
		pg.Next = fmt.Sprint(to)
	}
	return pg, nil
}

func (p *pager) Count(ctx context.Context, profile, bucket string, items []string) (int64, int64, error) {
	p.mu.Lock()
	p.counts = append(p.counts, slices.Clone(items))
	p.cancelled = append(p.cancelled, ctx.Err() != nil)
	p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	return p.Fake.Count(ctx, profile, bucket, items)
}

func (p *pager) listCalls() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.lists) }

func newState(b screen.Backend) *screen.State {
	return &screen.State{Backend: b, Styles: style.New(true), SrcProfile: "prod-origin", DstProfile: "prod-archive",
		SrcBucket: "origin-data", DstBucket: "dest-archive"}
}

func start(t *testing.T) (*uitest.Driver, *pager) {
	t.Helper()
	p := newPager()
	return uitest.NewDriver(t, newState(p), New()), p
}

func model(d *uitest.Driver) *Model { return d.S.(*Model) }

// cursorKey is the key under the cursor.
func cursorKey(d *uitest.Driver) string {
	k, _ := model(d).row(model(d).cursor)
	return k
}

func TestRootListing(t *testing.T) {
	d, _ := start(t)
	v := d.View()
	// Prefixes first, then objects.
	order := []string{"▹ backups/", "▹ images/", "▹ logs/", "▹ reports/", "README.txt"}
	last := -1
	for _, s := range order {
		i := strings.Index(v, s)
		if i < 0 || i < last {
			t.Fatalf("want rows in the order %q:\n%s", order, v)
		}
		last = i
	}
	if !strings.Contains(v, "321 B  2026-11-01 09:30  STANDARD") {
		t.Errorf("an object row should show size, date and class:\n%s", v)
	}
	if d.State.Where != "" {
		t.Errorf("Where = %q at the top", d.State.Where)
	}
	uitest.Golden(t, "root", v)
}

func TestEnterAndGoUp(t *testing.T) {
	d, _ := start(t)
	d.Press("down", "down", "enter") // logs/
	if d.State.Where != "logs/" || !strings.Contains(d.View(), "▹ 2026/") {
		t.Fatalf("enter on logs/: Where = %q\n%s", d.State.Where, d.View())
	}
	d.Press("right", "right") // 2026/, then 01/
	if d.State.Where != "logs/2026/01/" {
		t.Fatalf("right twice: Where = %q", d.State.Where)
	}
	d.Press("enter") // 01/01/ has one object
	if v := d.View(); !strings.Contains(v, "events.json") {
		t.Fatalf("logs/2026/01/01/ should list events.json:\n%s", v)
	}
	d.Press("enter")
	if d.State.Where != "logs/2026/01/01/" || !strings.Contains(d.View(), "an object has nothing inside") {
		t.Errorf("enter on an object should stay and say why: Where = %q", d.State.Where)
	}
	d.Press("left", "backspace")
	if d.State.Where != "logs/2026/" || cursorKey(d) != "logs/2026/01/" {
		t.Errorf("going up should land on the level left: Where = %q, cursor on %q", d.State.Where, cursorKey(d))
	}
	d.Press("left", "left")
	if d.State.Where != "" || cursorKey(d) != "logs/" {
		t.Errorf("back at the top the cursor should be on logs/: Where = %q, cursor on %q", d.State.Where, cursorKey(d))
	}
	d.Press("left")
	if v := d.View(); !strings.Contains(v, "this is the top of s3://origin-data") {
		t.Errorf("left at the top should say so:\n%s", v)
	}
	if len(d.Nav) != 0 {
		t.Errorf("left at the top navigated: %v", d.Nav)
	}
}

func TestMarkAndCount(t *testing.T) {
	d, p := start(t)
	d.Press("space") // backups/, and the cursor steps down
	if !slices.Equal(d.State.Items, []string{"backups/"}) {
		t.Fatalf("Items = %q", d.State.Items)
	}
	if cursorKey(d) != "images/" {
		t.Errorf("space should step down, cursor on %q", cursorKey(d))
	}
	v := d.View()
	if !strings.Contains(v, "● ▹ backups/") || !strings.Contains(v, "1 object · 80.0 MiB") {
		t.Errorf("the marked row and its total should show:\n%s", v)
	}
	d.Press("down", "down", "down", "space") // README.txt
	if !slices.Equal(d.State.Items, []string{"README.txt", "backups/"}) {
		t.Fatalf("Items = %q", d.State.Items)
	}
	if v := d.View(); !strings.Contains(v, "2 objects · 80.0 MiB") {
		t.Errorf("total after two marks:\n%s", v)
	}
	uitest.Golden(t, "marked", d.View())
	if got := p.counts[len(p.counts)-1]; !slices.Equal(got, d.State.Items) {
		t.Errorf("the last count was of %q, want %q", got, d.State.Items)
	}

	d.Press("g", "space") // unmark backups/
	if !slices.Equal(d.State.Items, []string{"README.txt"}) {
		t.Fatalf("space on a marked row should unmark it: Items = %q", d.State.Items)
	}
	if v := d.View(); !strings.Contains(v, "1 object · 321 B") || strings.Contains(v, "● ▹ backups/") {
		t.Errorf("after unmarking:\n%s", v)
	}
	n := len(p.counts)
	d.Press("G", "space")
	if len(d.State.Items) != 0 || len(p.counts) != n {
		t.Errorf("unmarking the last item should not count: Items = %q, %d new counts", d.State.Items, len(p.counts)-n)
	}
	if v := d.View(); !strings.Contains(v, "nothing marked yet") {
		t.Errorf("empty selection:\n%s", v)
	}
}

func TestMarkedPrefixCoversItsInside(t *testing.T) {
	d, _ := start(t)
	d.Press("down", "down", "space") // logs/
	d.Press("up", "enter")           // into logs/
	d.Press("space")
	if !slices.Equal(d.State.Items, []string{"logs/"}) {
		t.Errorf("marking inside a marked prefix changed Items: %q", d.State.Items)
	}
	v := d.View()
	if !strings.Contains(v, "already included: logs/ is marked") || !strings.Contains(v, "● ▹ 2026/") {
		t.Errorf("rows inside a marked prefix show as included:\n%s", v)
	}
	d.Press("a")
	if !slices.Equal(d.State.Items, []string{"logs/"}) {
		t.Errorf("a inside a marked prefix changed Items: %q", d.State.Items)
	}
}

func TestMarkingPrefixDropsItsMarkedInside(t *testing.T) {
	d, _ := start(t)
	d.Press("down", "enter", "enter") // images/cats/
	d.Press("space", "space")         // img-000, img-001
	if len(d.State.Items) != 2 {
		t.Fatalf("Items = %q", d.State.Items)
	}
	d.Press("left") // images/, cursor on cats/
	d.Press("space")
	if !slices.Equal(d.State.Items, []string{"images/cats/"}) {
		t.Errorf("marking a prefix should drop the items under it: %q", d.State.Items)
	}
	if v := d.View(); !strings.Contains(v, "12 objects · 468.8 KiB") {
		t.Errorf("total:\n%s", v)
	}
}

func TestMarkAll(t *testing.T) {
	d, _ := start(t)
	d.Press("down", "down", "enter", "space") // logs/2026/ marked inside logs/
	d.Press("left", "down", "down", "space")  // README.txt at the top
	d.Press("a")
	want := []string{"README.txt", "backups/", "images/", "logs/", "reports/"}
	if !slices.Equal(d.State.Items, want) {
		t.Fatalf("a: Items = %q, want %q (logs/2026/ is inside logs/)", d.State.Items, want)
	}
	if v := d.View(); !strings.Contains(v, "marked 5 rows") || !strings.Contains(v, "29 objects · 80.5 MiB") {
		t.Errorf("after a:\n%s", v)
	}
	d.Press("a")
	if len(d.State.Items) != 0 {
		t.Errorf("a with every row marked should unmark them: %q", d.State.Items)
	}
}

func TestDestinationPrefix(t *testing.T) {
	d, _ := start(t)
	d.Press("d")
	if !d.S.Capturing() {
		t.Fatal("Capturing should be true while the prefix is typed")
	}
	d.TypeText("backup/2026 q") // q is text here
	d.Press("enter")
	if d.S.Capturing() {
		t.Fatal("enter should close the input")
	}
	if d.State.DstPrefix != "backup/2026 q/" {
		t.Fatalf("DstPrefix = %q, want a trailing /", d.State.DstPrefix)
	}
	v := d.View()
	if !strings.Contains(v, `destination prefix is "backup/2026 q/" (adjusted from "backup/2026 q")`) ||
		!strings.Contains(v, "s3://dest-archive/backup/2026 q/") {
		t.Errorf("the appended / should be shown:\n%s", v)
	}

	d.Press("d")
	d.TypeText("xyz")
	if v := d.View(); !strings.Contains(v, "destination prefix: backup/2026 q/xyz") {
		t.Errorf("the input should start from the current prefix:\n%s", v)
	}
	d.Press("esc")
	if d.State.DstPrefix != "backup/2026 q/" || d.S.Capturing() {
		t.Errorf("esc should cancel: DstPrefix = %q", d.State.DstPrefix)
	}
	if len(d.Nav) != 0 {
		t.Errorf("esc in the input navigated: %v", d.Nav)
	}

	d.Press("d")
	for range len("backup/2026 q/") {
		d.Press("backspace")
	}
	d.TypeText("/archive/")
	d.Press("enter")
	if d.State.DstPrefix != "archive/" {
		t.Errorf("leading slashes should go: DstPrefix = %q", d.State.DstPrefix)
	}
	d.Press("d")
	for range len("archive/") {
		d.Press("backspace")
	}
	d.Press("enter")
	if d.State.DstPrefix != "" {
		t.Errorf("an empty prefix stays empty: %q", d.State.DstPrefix)
	}
}

func TestNextNeedsSelection(t *testing.T) {
	d, _ := start(t)
	d.Press("n")
	if len(d.Nav) != 0 {
		t.Fatalf("n with nothing marked navigated: %v", d.Nav)
	}
	if v := d.View(); !strings.Contains(v, "✗ nothing is marked") {
		t.Errorf("n with nothing marked should say why:\n%s", v)
	}
	d.Press("space", "n")
	if len(d.Nav) != 1 || d.Nav[0] != (screen.Go{To: screen.Plan}) {
		t.Errorf("n with a selection: nav = %v, want Go{Plan}", d.Nav)
	}
}

func TestPaging(t *testing.T) {
	p := newPager()
	p.addBig(5000)
	state := newState(p)
	state.Where = "big/" // entered again at the level left last time
	d := uitest.NewDriver(t, state, New())
	m := model(d)
	if m.rows() != 1000 || p.listCalls() != 1 {
		t.Fatalf("the first page only: %d rows, %d calls", m.rows(), p.listCalls())
	}
	v := d.View()
	if got := strings.Count(v, "file-"); got == 0 || got > uitest.Height {
		t.Errorf("%d rows rendered, want at most a screen", got)
	}
	if !strings.Contains(v, "file-00000.bin") || strings.Contains(v, "file-00100.bin") {
		t.Errorf("only the rows around the cursor should be rendered:\n%s", v)
	}
	if !strings.Contains(v, "1000 objects loaded so far") || !strings.Contains(v, "⋯ more below") {
		t.Errorf("the view should say more rows are coming:\n%s", v)
	}
	uitest.Golden(t, "paging", v)

	// The next page is asked for loadAhead rows before the end.
	for range 1000 - 1 - loadAhead - 1 {
		d.Press("down")
	}
	if p.listCalls() != 1 {
		t.Fatalf("a page was fetched %d rows before the end", m.rows()-1-m.cursor)
	}
	d.Press("down")
	if p.listCalls() != 2 || m.rows() != 2000 || p.lists[1] != "big/@1000" {
		t.Fatalf("the second page: %d rows, calls %q", m.rows(), p.lists)
	}

	// Jumping to the end loads page after page.
	for m.more {
		n := p.listCalls()
		d.Press("G")
		if p.listCalls() != n+1 {
			t.Fatalf("end did not fetch the next page (%d rows loaded)", m.rows())
		}
	}
	if m.rows() != 5000 || p.listCalls() != 5 {
		t.Fatalf("all pages: %d rows in %d calls", m.rows(), p.listCalls())
	}
	d.Press("G")
	if p.listCalls() != 5 {
		t.Error("fetched past the last page")
	}
	v = d.View()
	if !strings.Contains(v, "▸   file-04999.bin") || strings.Contains(v, "file-00000.bin") || strings.Contains(v, "loaded so far") {
		t.Errorf("at the end:\n%s", v)
	}
	d.Press("a")
	if len(state.Items) != 5000 || !strings.Contains(d.View(), "5000 objects") {
		t.Errorf("a should mark the 5000 loaded rows: %d items", len(state.Items))
	}
}

func TestObjectsKeepCursorWhenPrefixesArrive(t *testing.T) {
	d, _ := start(t)
	m := model(d)
	m.more, m.next = true, "x"
	d.Press("G") // README.txt, the only object
	m.loading = false
	d.Send(pageMsg{gen: m.gen, page: screen.Page{Prefixes: []string{"zz/"}}})
	if cursorKey(d) != "README.txt" {
		t.Errorf("a page with prefixes moved the cursor off its object to %q", cursorKey(d))
	}
}

func TestStaleResultsIgnored(t *testing.T) {
	d, p := start(t)
	m := model(d)
	// A page of a level left since.
	d.Send(pageMsg{gen: m.gen - 1, page: screen.Page{Prefixes: []string{"stale/"}}})
	if strings.Contains(d.View(), "stale/") {
		t.Error("a page of an old listing was shown")
	}

	// Two marks in a row: the first count is cancelled, its reply dropped.
	s, first := d.S.Update(d.State, uitest.Key("space"))
	s, second := s.Update(d.State, uitest.Key("space"))
	d.S = s
	for _, msg := range collect(first) {
		if _, ok := msg.(countMsg); ok {
			d.Send(msg)
		}
	}
	if !p.cancelled[0] {
		t.Error("the superseded count's context was not cancelled")
	}
	if v := d.View(); !strings.Contains(v, "counting…") {
		t.Errorf("the superseded count's reply was shown:\n%s", v)
	}
	d.Run(second)
	if v := d.View(); !strings.Contains(v, "13 objects") {
		t.Errorf("the latest count should show:\n%s", v)
	}
}

// collect runs cmd and returns its messages without delivering them.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, collect(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestListErrorAndRetry(t *testing.T) {
	p := newPager()
	p.listErr = errors.New("AccessDenied: not allowed\nto list")
	d := uitest.NewDriver(t, newState(p), New())
	if v := d.View(); !strings.Contains(v, "✗ list s3://origin-data/: AccessDenied: not allowed to list (r retries)") {
		t.Errorf("the list error should be one red line:\n%s", v)
	}
	p.listErr = nil
	d.Press("r")
	if v := d.View(); !strings.Contains(v, "README.txt") || strings.Contains(v, "AccessDenied") {
		t.Errorf("r should list again:\n%s", v)
	}
}

func TestItemsChangedElsewhere(t *testing.T) {
	d, p := start(t)
	d.Press("space")
	d.State.Items = []string{"README.txt"} // another screen replaced the selection
	if v := d.View(); strings.Contains(v, "● ▹ backups/") || !strings.Contains(v, "● README.txt") {
		t.Errorf("the view should follow state.Items at once:\n%s", v)
	}
	n := len(p.counts)
	d.Press("down")
	if len(p.counts) != n+1 || !strings.Contains(d.View(), "1 object · 321 B") {
		t.Errorf("the next key should total the new selection (%d counts)", len(p.counts)-n)
	}
}

// TestHugeLevelRendersWindow: a level of 100k loaded rows renders only the
// rows that fit.
func TestHugeLevelRendersWindow(t *testing.T) {
	state := newState(newPager())
	m := New().(*Model)
	m.input = newInput(state.Styles)
	for i := range 100_000 {
		m.objs = append(m.objs, transfer.Object{Key: fmt.Sprintf("k%06d", i)})
	}
	m.cursor = 50_000
	d := &uitest.Driver{T: t, State: state, S: m}
	v := d.View()
	if n := strings.Count(v, "k0"); n == 0 || n > uitest.Height {
		t.Errorf("%d rows rendered", n)
	}
	if !strings.Contains(v, "▸   k050000") {
		t.Errorf("the cursor row should be drawn:\n%s", v)
	}
}

func TestSelectionHelpers(t *testing.T) {
	if got := with([]string{"a/b", "a/c/d", "b"}, "a/"); !slices.Equal(got, []string{"a/", "b"}) {
		t.Errorf("with a prefix: %q", got)
	}
	if got := with([]string{"a-x", "a/b", "a0"}, "a/"); !slices.Equal(got, []string{"a-x", "a/", "a0"}) {
		t.Errorf("with keeps neighbours: %q", got)
	}
	if got := with([]string{"a/b"}, "a/b"); !slices.Equal(got, []string{"a/b"}) {
		t.Errorf("with twice: %q", got)
	}
	if got := with([]string{"x"}, "a/bc"); !slices.Equal(got, []string{"a/bc", "x"}) {
		t.Errorf("with a key: %q", got)
	}
	if got := normalize([]string{"c", "a/", "a/b/", "a/b/c", "a-", "c", "b/x"}); !slices.Equal(got, []string{"a-", "a/", "b/x", "c"}) {
		t.Errorf("normalize: %q", got)
	}
	if got := ancestors("a/b/c"); !slices.Equal(got, []string{"a/", "a/b/"}) {
		t.Errorf("ancestors: %q", got)
	}
	for in, want := range map[string]string{"a/b/": "a/", "a/": "", "": ""} {
		if got := parent(in); got != want {
			t.Errorf("parent(%q) = %q, want %q", in, got, want)
		}
	}
}

// Keys with a newline, a carriage return or a bidi override are shown
// escaped: one row each, and "gnp.exe" does not read as "exe.png".
func TestOddKeysAreEscaped(t *testing.T) {
	p := newPager()
	for _, k := range []string{"evil\nrow.txt", "over\rwrite.txt", "bidi-\u202egnp.exe"} {
		p.Objects[k] = transfer.Object{Key: k, Size: 1, LastModified: uitest.Epoch, StorageClass: "STANDARD"}
	}
	d := uitest.NewDriver(t, newState(p), New())
	v := d.View()
	for _, want := range []string{`evil\nrow.txt`, `over\rwrite.txt`, `bidi-\u202egnp.exe`} {
		if !strings.Contains(v, want) {
			t.Errorf("browser lacks the escaped key %q:\n%s", want, v)
		}
	}
	if strings.ContainsAny(v, "\r\u202e") {
		t.Errorf("browser shows a raw control character:\n%q", v)
	}
}
