package browser

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// viewAt renders the screen at w×h (without colours) and checks it stays
// inside: no line wider than w, no more than h lines, both panes closed
// by their borders.
func viewAt(t *testing.T, d *uitest.Driver, w, h int) string {
	t.Helper()
	v := uitest.Plain(d.S.View(d.State, w, h))
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("view is %d lines, more than %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d cells, more than %d: %q", i+1, lw, w, l)
		}
	}
	if !strings.HasPrefix(lines[0], "╭") || strings.Count(lines[0], "╮") != 2 {
		t.Errorf("the panes' top borders are not on the first line: %q", lines[0])
	}
	if bottom := lines[h-3]; !strings.HasPrefix(bottom, "╰") || strings.Count(bottom, "╯") != 2 {
		t.Errorf("the panes' bottom borders are not on line %d: %q\n%s", h-2, bottom, v)
	}
	return v
}

// asyncRun runs every command of cmd (batches flattened) in its own
// goroutine and forwards the messages keep accepts: a walk held by the
// test's gate must not hold the test.
func asyncRun(cmd tea.Cmd, keep func(tea.Msg) bool) <-chan tea.Msg {
	out := make(chan tea.Msg, 16)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					run(c)
				}
				return
			}
			if keep(msg) {
				out <- msg
			}
		}()
	}
	run(cmd)
	return out
}

func isWalkDone(msg tea.Msg) bool { _, ok := msg.(walkDoneMsg); return ok }

// walk is the context of the i-th Walk call.
func (p *pager) walk(i int) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.walks[i]
}

// update sends msg without running what it leads to.
func update(d *uitest.Driver, msg tea.Msg) tea.Cmd {
	s, cmd := d.S.Update(d.State, msg)
	d.S = s
	return cmd
}

func receive(t *testing.T, ch <-chan tea.Msg) tea.Msg {
	t.Helper()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("the walk did not end")
	}
	return nil
}

// At 80×24 the router gives the screen 80×20. Names keep a legible width:
// the class column drops, then the time of day; the borders stay.
func TestColumnsDropAt80x24(t *testing.T) {
	d, _ := start(t)
	d.Press("down", "enter", "enter") // images/cats/
	v := viewAt(t, d, 80, 20)
	for _, want := range []string{"img-000.jpg", "img-011.jpg", "39.1 KiB", "2026-11-01", "size", "modified"} {
		if !strings.Contains(v, want) {
			t.Errorf("at 80×20 the view lacks %q:\n%s", want, v)
		}
	}
	for _, gone := range []string{"STANDARD", "class", "09:30", "img-0…"} {
		if strings.Contains(v, gone) {
			t.Errorf("at 80×20 the view shows %q, which should have made room:\n%s", gone, v)
		}
	}
	uitest.Golden(t, "narrow", v)

	// The same at 120: every column.
	if v := d.View(); !strings.Contains(v, "2026-11-01 09:30  STANDARD") {
		t.Errorf("at 120 every column shows:\n%s", v)
	}
}

func TestLayoutDropsInPriorityOrder(t *testing.T) {
	var seen []string
	for inner := 100; inner >= 10; inner-- {
		c := layout(inner)
		state := fmt.Sprintf("size=%v date=%d class=%v", c.size, c.date, c.class)
		if len(seen) == 0 || seen[len(seen)-1] != state {
			seen = append(seen, state)
		}
		if (c.size || c.class || c.date > 0) && c.name < minName {
			t.Errorf("inner %d: name %d cells while other columns stay", inner, c.name)
		}
		used := 4 + c.name
		if c.size {
			used += 2 + sizeWidth
		}
		if c.date > 0 {
			used += 2 + c.date
		}
		if c.class {
			used += 2 + classWidth
		}
		if used > inner {
			t.Errorf("inner %d: the columns take %d cells", inner, used)
		}
	}
	want := []string{
		"size=true date=16 class=true",
		"size=true date=16 class=false",
		"size=true date=10 class=false",
		"size=true date=0 class=false",
		"size=false date=0 class=false",
	}
	if !slices.Equal(seen, want) {
		t.Errorf("columns dropped in the order\n%q\nwant\n%q", seen, want)
	}
}

func TestFilter(t *testing.T) {
	d, _ := start(t)
	d.Press("/")
	if !d.S.Capturing() {
		t.Fatal("the filter input should capture keys")
	}
	d.TypeText("RE") // case-insensitive: README.txt and reports/
	v := d.View()
	if !strings.Contains(v, "▹ reports/") || !strings.Contains(v, "README.txt") || strings.Contains(v, "▹ logs/") || strings.Contains(v, "backups/") {
		t.Errorf("filter RE should leave reports/ and README.txt:\n%s", v)
	}
	if !strings.Contains(v, `filter "RE": 2 of 5`) || !strings.Contains(v, "filter: RE") {
		t.Errorf("the title and the input should show the filter:\n%s", v)
	}
	d.TypeText("p")
	if d.View(); model(d).rows() != 1 || cursorKey(d) != "reports/" {
		t.Fatalf("filter REp: %d rows, cursor on %q", model(d).rows(), cursorKey(d))
	}
	d.Press("enter")
	if d.S.Capturing() {
		t.Fatal("enter should close the input")
	}
	if v := d.View(); !strings.Contains(v, `filter "REp": 1 of 5`) || strings.Contains(v, "README.txt") {
		t.Errorf("enter should keep the filter:\n%s", v)
	}
	d.Press("space")
	if !slices.Equal(d.State.Items, []string{"reports/"}) {
		t.Errorf("space on the filtered row: Items = %q", d.State.Items)
	}

	d.Press("/")
	if v := d.View(); !strings.Contains(v, "filter: REp") {
		t.Errorf("/ should reopen the filter with its text:\n%s", v)
	}
	d.TypeText("q") // text, not quit
	if !d.S.Capturing() || len(d.Nav) != 0 {
		t.Fatalf("q in the filter: capturing %v, nav %v", d.S.Capturing(), d.Nav)
	}
	d.Press("esc")
	if d.S.Capturing() || len(d.Nav) != 0 {
		t.Fatalf("esc should clear the filter and stay: capturing %v, nav %v", d.S.Capturing(), d.Nav)
	}
	if v := d.View(); model(d).rows() != 5 || strings.Contains(v, "filter") {
		t.Errorf("after esc every row shows again (%d):\n%s", model(d).rows(), v)
	}
	if cursorKey(d) != "reports/" {
		t.Errorf("clearing the filter should keep the cursor on its row, not %q", cursorKey(d))
	}
}

// sortPager has a level whose names, sizes and dates sort differently.
func sortPager() (*pager, *screen.State) {
	p := newPager()
	add := func(k string, size int64, age time.Duration) {
		p.Objects[k] = transfer.Object{Key: k, Size: size, LastModified: uitest.Epoch.Add(-age), StorageClass: "STANDARD"}
	}
	add("mix/a.txt", 10, 48*time.Hour)
	add("mix/b.txt", 3000, 24*time.Hour)
	add("mix/c.txt", 20, 0)
	add("mix/sub/x", 1, 0)
	state := newState(p)
	state.Where = "mix/"
	return p, state
}

// shownKeys are the keys of the shown rows, in order.
func shownKeys(d *uitest.Driver) []string {
	m := model(d)
	var out []string
	for i := range m.rows() {
		k, _ := m.row(i)
		out = append(out, strings.TrimPrefix(k, m.prefix))
	}
	return out
}

func TestSort(t *testing.T) {
	_, state := sortPager()
	d := uitest.NewDriver(t, state, New())
	if got := shownKeys(d); !slices.Equal(got, []string{"sub/", "a.txt", "b.txt", "c.txt"}) {
		t.Fatalf("name order: %q", got)
	}
	d.Press("down") // a.txt
	cases := []struct {
		want []string
		head string
	}{
		{[]string{"sub/", "b.txt", "c.txt", "a.txt"}, "size ↓"},
		{[]string{"sub/", "c.txt", "b.txt", "a.txt"}, "modified ↓"},
		{[]string{"sub/", "a.txt", "b.txt", "c.txt"}, "name ↑"},
	}
	for _, c := range cases {
		d.Press("s")
		if got := shownKeys(d); !slices.Equal(got, c.want) {
			t.Errorf("after s: %q, want %q", got, c.want)
		}
		if v := d.View(); !strings.Contains(v, c.head) {
			t.Errorf("the heads should show %q:\n%s", c.head, v)
		}
		if cursorKey(d) != "mix/a.txt" {
			t.Errorf("sorting moved the cursor off a.txt to %q", cursorKey(d))
		}
	}
	d.Press("s")
	if v := d.View(); !strings.Contains(v, "sorted by size, largest first") {
		t.Errorf("s should say the order:\n%s", v)
	}
	// A filter keeps the order.
	d.Press("/")
	d.TypeText(".txt")
	if got := shownKeys(d); !slices.Equal(got, []string{"b.txt", "c.txt", "a.txt"}) {
		t.Errorf("filtered and sorted by size: %q", got)
	}
}

func TestPreview(t *testing.T) {
	d, p := start(t)
	model(d).detailDelay = 0
	d.Press("G", "p") // README.txt
	v := d.View()
	for _, want := range []string{"Preview", "size   321 B", "class  STANDARD", "etag   00000000000000000000000000013697",
		"type   text/plain; charset=utf-8", "cache  no-cache", "owner: data-team", "team: data",
		"Origin data for the s3migrate demo.", "See logs/ and reports/.", `    indented \x1b[31mred`} {
		if !strings.Contains(v, want) {
			t.Errorf("the preview lacks %q:\n%s", want, v)
		}
	}
	if strings.ContainsAny(v, "\x1b\r\t") {
		t.Errorf("the preview shows a raw control character:\n%q", v)
	}
	uitest.Golden(t, "preview", v)
	if v := viewAt(t, d, 80, 20); !strings.Contains(v, "etag   000000000000000") || !strings.Contains(v, "│        000000000000136") || !strings.Contains(v, "│        97 ") {
		t.Errorf("at 80×20 the ETag should still be whole (wrapped):\n%s", v)
	} else {
		uitest.Golden(t, "preview-narrow", v)
	}
	if !slices.Equal(p.Peeks, []string{"README.txt:4096"}) {
		t.Errorf("the preview should read the first 4 KiB once, read %q", p.Peeks)
	}

	// Back on the row: cached, nothing read again. On a prefix: nothing read.
	d.Press("up")
	if v := d.View(); !strings.Contains(v, "c totals its objects") {
		t.Errorf("a prefix's preview:\n%s", v)
	}
	d.Press("down")
	if len(p.Peeks) != 1 {
		t.Errorf("coming back read the object again: %q", p.Peeks)
	}

	// A binary object: headers, no content read.
	d.Press("g", "down", "enter", "enter") // images/cats/img-000.jpg
	v = d.View()
	for _, want := range []string{"img-000.jpg", "image/jpeg", "album: cats", "tags   none", "not text (image/jpeg)",
		"lock   GOVERNANCE until 2027-01-01 00:00", "UTC, legal hold"} {
		if !strings.Contains(v, want) {
			t.Errorf("the image's preview lacks %q:\n%s", want, v)
		}
	}
	if len(p.Peeks) != 1 {
		t.Errorf("a binary object was read: %q", p.Peeks)
	}

	d.Press("p")
	if v := d.View(); !strings.Contains(v, "Selection") || strings.Contains(v, "Preview") {
		t.Errorf("p again should bring the selection back:\n%s", v)
	}
}

// A large text object: only the first 4 KiB are read, the cut line is
// dropped and the pane says how much it shows.
func TestPreviewReadsOnlyTheStart(t *testing.T) {
	p := newPager()
	body := strings.Repeat("0123456789 abcdefghij 0123456789\n", 1000) // 33,000 bytes
	p.Objects["notes/big.log"] = transfer.Object{Key: "notes/big.log", Size: int64(len(body)), LastModified: uitest.Epoch, StorageClass: "STANDARD"}
	p.Content["notes/big.log"] = []byte(body)
	state := newState(p)
	state.Where = "notes/"
	d := uitest.NewDriver(t, state, New())
	model(d).detailDelay = 0
	d.Press("p")
	v := d.View()
	if !slices.Equal(p.Peeks, []string{"notes/big.log:4096"}) {
		t.Errorf("reads: %q", p.Peeks)
	}
	if !strings.Contains(v, "content: first 4.0 KiB of 32.2 KiB") || !strings.Contains(v, "0123456789 abcdefghij 0123456789") {
		t.Errorf("the start of a large object:\n%s", v)
	}
	id, _ := model(d).detailID(d.State)
	if got := model(d).details[id].lines; len(got) != 4096/33 {
		t.Errorf("%d whole lines kept, want %d", len(got), 4096/33)
	}
}

// The preview is fetched once the cursor rests: a row passed while
// scrolling is never asked for.
func TestPreviewWaitsForTheCursorToRest(t *testing.T) {
	d, p := start(t)
	m := model(d)
	if update(d, uitest.Key("p")); len(m.details) != 0 {
		t.Fatal("a prefix's preview fetched something")
	}
	cmd := update(d, uitest.Key("G"))
	id, _ := m.detailID(d.State)
	due := detailDueMsg{seq: m.detailSeq, id: id}
	if id.key != "README.txt" || cmd == nil || len(m.details) != 0 {
		t.Fatalf("nothing should be fetched before the delay: %+v, %d details", id, len(m.details))
	}
	update(d, uitest.Key("up"))
	d.Send(due) // the cursor left README.txt: stale
	if len(m.details) != 0 || len(p.Peeks) != 0 {
		t.Errorf("a stale wake-up fetched %v", m.details)
	}
	update(d, uitest.Key("down"))
	d.Send(detailDueMsg{seq: due.seq, id: id}) // an older wake-up for the same row
	if len(p.Peeks) != 0 {
		t.Errorf("an older wake-up fetched: %q", p.Peeks)
	}
	d.Send(detailDueMsg{seq: m.detailSeq, id: id})
	if len(p.Peeks) != 1 || !strings.Contains(d.View(), "owner: data-team") {
		t.Errorf("the latest wake-up should fetch: %q", p.Peeks)
	}
}

func TestSearchBelowStreamsAndCancels(t *testing.T) {
	d, p := start(t)
	p.addBig(50)
	held := make(chan int, 1)
	p.gate = func(ctx context.Context, n int) {
		if n == 30 {
			held <- n
			<-ctx.Done()
		}
	}
	d.Press("/")
	d.TypeText("file-0")
	if v := d.View(); !strings.Contains(v, `filter "file-0": 0 of 5`) {
		t.Errorf("on this level nothing matches:\n%s", v)
	}
	done := asyncRun(update(d, uitest.Key("tab")), isWalkDone)
	<-held // 30 keys listed: README.txt, the dump, 28 files

	update(d, walkTickMsg{})
	v := d.View()
	if !strings.Contains(v, "search below s3://origin-data/: file-0") || !strings.Contains(v, `search below: "file-0"`) {
		t.Errorf("the input and title should say it searches below:\n%s", v)
	}
	if found := model(d).found; !strings.Contains(v, "28 matches so far · 30 keys listed… (/ then esc stops)") ||
		!strings.Contains(v, "big/file-00000.bin") || len(found) != 28 || found[27].Key != "big/file-00027.bin" {
		t.Errorf("the matches so far should show while the search runs:\n%s", v)
	}
	if !d.S.Capturing() {
		t.Fatal("the input stays open while the search streams")
	}

	update(d, uitest.Key("esc"))
	if p.walk(0).Err() == nil {
		t.Fatal("esc did not cancel the search's context")
	}
	update(d, receive(t, done))
	v = d.View()
	if !strings.Contains(v, "28 matches so far · stopped after 30 keys") || !strings.Contains(v, "search stopped: esc again clears it") {
		t.Errorf("a stopped search says how far it got:\n%s", v)
	}
	if !d.S.Capturing() {
		t.Fatal("the first esc only stops the search")
	}
	d.Press("esc")
	if d.S.Capturing() || model(d).rows() != 5 || len(d.Nav) != 0 {
		t.Errorf("the second esc clears: capturing %v, %d rows, nav %v", d.S.Capturing(), model(d).rows(), d.Nav)
	}
}

// Typing restarts the search; the one running is cancelled and its last
// reply is dropped.
func TestSearchRestartsOnTyping(t *testing.T) {
	d, p := start(t)
	held := make(chan int, 4)
	p.gate = func(ctx context.Context, n int) {
		if n == 2 {
			held <- n
			<-ctx.Done()
		}
	}
	d.Press("/")
	first := asyncRun(update(d, uitest.Key("tab")), isWalkDone) // everything below: held
	<-held
	old := model(d).search
	second := asyncRun(update(d, tea.KeyPressMsg{Code: 'e', Text: "e"}), isWalkDone)
	if p.walk(0).Err() == nil {
		t.Fatal("typing did not cancel the running search")
	}
	cur := model(d).search
	update(d, receive(t, first))
	if model(d).search != cur || cur == old || model(d).searched.done {
		t.Fatal("the old search's end was taken for the new one's")
	}
	<-held
	update(d, walkTickMsg{})
	if v := d.View(); !strings.Contains(v, `search below: "e"`) || !strings.Contains(v, "2 keys listed") {
		t.Errorf("the new search:\n%s", v)
	}
	update(d, uitest.Key("esc"))
	update(d, receive(t, second))
	if v := d.View(); !strings.Contains(v, "stopped after 2 keys") {
		t.Errorf("the new search stopped:\n%s", v)
	}
}

func TestSearchBelowCapIsHonest(t *testing.T) {
	d, p := start(t)
	p.addBig(1500)
	d.Press("/")
	d.TypeText("file")
	d.Press("tab")
	v := d.View()
	if !strings.Contains(v, "1,000 of 1,500 matches shown · all 1,529 keys below listed") {
		t.Errorf("the cap should be said with the whole count:\n%s", v)
	}
	if !strings.Contains(v, "big/file-00000.bin") {
		t.Errorf("matches show their path below the level:\n%s", v)
	}
	uitest.Golden(t, "search", v)

	// Enter keeps the matches; enter on one opens its level on it.
	d.Press("enter", "down", "down")
	if d.S.Capturing() || cursorKey(d) != "big/file-00002.bin" {
		t.Fatalf("after enter, down, down: capturing %v, cursor on %q", d.S.Capturing(), cursorKey(d))
	}
	d.Press("space")
	if !slices.Equal(d.State.Items, []string{"big/file-00002.bin"}) {
		t.Errorf("space marks a match: %q", d.State.Items)
	}
	d.Press("up", "enter")
	if d.State.Where != "big/" || cursorKey(d) != "big/file-00002.bin" {
		t.Errorf("enter on a match: Where %q, cursor on %q", d.State.Where, cursorKey(d))
	}
	if v := d.View(); strings.Contains(v, "search below") {
		t.Errorf("the search ends with its level:\n%s", v)
	}
}

func TestPrefixCount(t *testing.T) {
	d, _ := start(t)
	d.Press("down", "down", "c") // logs/
	v := d.View()
	if !strings.Contains(v, "▹ logs/                          23.5 KiB  12 objects") || !strings.Contains(v, "logs/: 12 objects · 23.5 KiB") {
		t.Errorf("a counted prefix shows its size and count:\n%s", v)
	}
	d.Press("G", "c")
	if v := d.View(); !strings.Contains(v, "c totals a prefix") {
		t.Errorf("c on an object should say what it does:\n%s", v)
	}
}

func TestPrefixCountStreamsAndStops(t *testing.T) {
	p := newPager()
	p.addBig(40)
	d := uitest.NewDriver(t, newState(p), New())
	held := make(chan int, 1)
	p.gate = func(ctx context.Context, n int) {
		if n == 25 {
			held <- n
			<-ctx.Done()
		}
	}
	d.Press("down") // big/
	done := asyncRun(update(d, uitest.Key("c")), isWalkDone)
	<-held
	update(d, walkTickMsg{})
	v := d.View()
	if !strings.Contains(v, "counting… 25 objects so far, 300 B (c stops)") || !strings.Contains(v, "≥300 B") {
		t.Errorf("a running count shows how far it got:\n%s", v)
	}
	update(d, uitest.Key("c"))
	if p.walk(0).Err() == nil {
		t.Fatal("c on a counting prefix did not cancel it")
	}
	update(d, receive(t, done))
	if v := d.View(); !strings.Contains(v, "count stopped: at least 25 objects, 300 B (c counts again)") {
		t.Errorf("a stopped count says so:\n%s", v)
	}
	p.gate = nil
	d.Press("c")
	if v := d.View(); !strings.Contains(v, "big/: 40 objects · 780 B") {
		t.Errorf("c again counts it all:\n%s", v)
	}
}

func TestDestinationPane(t *testing.T) {
	d, p := start(t)
	model(d).detailDelay = 0
	readme := p.Objects["README.txt"]
	p.dest = map[string]transfer.Object{
		"logs/2026/01/01/events.json": p.Objects["logs/2026/01/01/events.json"],
		"logs/old.txt":                {Key: "logs/old.txt", Size: 5},
		"README.txt":                  {Key: "README.txt", Size: 300, ETag: readme.ETag, LastModified: uitest.Epoch, StorageClass: "STANDARD_IA"},
	}
	d.Press("t") // backups/
	if v := d.View(); !strings.Contains(v, "At the destination") || !strings.Contains(v, "s3://dest-archive/backups/") ||
		!strings.Contains(v, "nothing there yet") {
		t.Errorf("an empty destination prefix:\n%s", v)
	}
	d.Press("down", "down") // logs/
	v := d.View()
	for _, want := range []string{"s3://dest-archive/logs/", "1 prefix, 1 object", "▹ 2026/", "old.txt", "5 B"} {
		if !strings.Contains(v, want) {
			t.Errorf("the destination of logs/ lacks %q:\n%s", want, v)
		}
	}
	uitest.Golden(t, "target", v)
	d.Press("G") // README.txt: there, another size
	if v := d.View(); !strings.Contains(v, "already there:") || !strings.Contains(v, "differs: 321 B here, 300 B there") {
		t.Errorf("an object already at the destination:\n%s", v)
	}

	// With a destination prefix the keys map below it.
	d.State.DstPrefix = "backup/"
	moved := readme
	moved.Key = "backup/README.txt"
	p.dest[moved.Key] = moved
	d.Press("up", "down")
	if v := d.View(); !strings.Contains(v, "s3://dest-archive/backup/README.txt") || !strings.Contains(v, "same size and ETag") {
		t.Errorf("the mapped key:\n%s", v)
	}

	d.Press("t")
	d.State.DstBucket = ""
	d.Press("t")
	if v := d.View(); !strings.Contains(v, "no destination bucket chosen yet") || strings.Contains(v, "At the destination") {
		t.Errorf("t without a destination bucket:\n%s", v)
	}
}

func TestMouse(t *testing.T) {
	d, _ := start(t)
	d.View() // the rows as the user sees them
	d.Send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if model(d).cursor != 3 {
		t.Errorf("wheel down: cursor %d, want 3", model(d).cursor)
	}
	d.Send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if model(d).cursor != 0 {
		t.Errorf("wheel up: cursor %d, want 0", model(d).cursor)
	}
	d.Send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: listTop + 4})
	if cursorKey(d) != "README.txt" {
		t.Errorf("a click on the fifth row put the cursor on %q", cursorKey(d))
	}
	for _, miss := range []tea.MouseClickMsg{
		{Button: tea.MouseLeft, X: 100, Y: listTop + 1}, // the side pane
		{Button: tea.MouseLeft, X: 10, Y: listTop + 9},  // below the rows
		{Button: tea.MouseLeft, X: 10, Y: 1},            // the title
		{Button: tea.MouseRight, X: 10, Y: listTop},
	} {
		d.Send(miss)
		if cursorKey(d) != "README.txt" {
			t.Errorf("%v moved the cursor to %q", miss, cursorKey(d))
		}
	}
}

// Enter on a match whose level is longer than a page lists on until the
// match is loaded, and puts the cursor on it.
func TestSearchMatchPagesAway(t *testing.T) {
	d, p := start(t)
	p.addBig(2500)
	d.Press("/")
	d.TypeText("file-02100")
	d.Press("tab", "enter", "enter")
	if d.State.Where != "big/" || cursorKey(d) != "big/file-02100.bin" {
		t.Fatalf("Where %q, cursor on %q", d.State.Where, cursorKey(d))
	}
	if got := p.listCalls(); got != 1+3 {
		t.Errorf("%d list calls, want the root and three pages of big/", got)
	}
}
