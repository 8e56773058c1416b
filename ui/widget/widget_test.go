package widget

import (
	"errors"
	"strings"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
)

func press(k string) tea.KeyPressMsg {
	if k == "esc" {
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: rune(k[0]), Text: k}
}

// Every question answers the same keys: y yes; n, esc and q no; anything
// else leaves it open.
func TestConfirmAnswers(t *testing.T) {
	c := Confirm{Title: "Remove?"}
	for k, want := range map[string]Answer{"y": Yes, "Y": Yes, "n": No, "N": No, "esc": No, "q": No, "b": Open, "4": Open} {
		if got := c.Answer(press(k)); got != want {
			t.Errorf("%s: %v, want %v", k, got, want)
		}
	}
	v := ansi.Strip(c.View(style.New(true), 80))
	if !strings.Contains(v, "Remove?") || !strings.Contains(v, "y yes   n/esc no") {
		t.Errorf("the box:\n%s", v)
	}
}

// A long question wraps inside the box rather than being cut.
func TestBoxWraps(t *testing.T) {
	long := strings.Repeat("word ", 40)
	v := ansi.Strip(Confirm{Title: "Go?", Body: long}.View(style.New(true), 60))
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("line of %d cells: %q", w, l)
		}
	}
	if strings.Count(v, "word") != 40 {
		t.Errorf("words lost:\n%s", v)
	}
}

// One wording of a failure: the key's prefix goes (it has its column), a
// delete says so, a journal's code leads when the message lacks it.
func TestFailureWording(t *testing.T) {
	f := RunFailure(transfer.Failure{Key: "a/b", Op: "delete", Attempts: 3, Err: errors.New("delete s3://d/a/b: AccessDenied:\n denied")})
	if f.Error != "delete: AccessDenied: denied" || f.Attempts != 3 {
		t.Errorf("run failure: %+v", f)
	}
	if f := RunFailure(transfer.Failure{Key: "k", Op: "copy"}); f.Error != "unknown error" {
		t.Errorf("no error: %+v", f)
	}
	j := JobFailure(screen.JobFailure{Key: "a/b", ErrorCode: "SlowDown", HTTPStatus: 503, Error: "copy s3://o/a/b: too fast"})
	if j.Error != "SlowDown (503): too fast" {
		t.Errorf("job failure: %+v", j)
	}
	rows := FailureTable(style.New(true), []Failure{f, j}, 0, 2, 80, "  ")
	if len(rows) != 3 || !strings.Contains(rows[0], "KEY") || !strings.Contains(rows[1], "a/b") {
		t.Errorf("table: %q", rows)
	}
}

// The spinner keeps one tick chain: Start twice gives one tick, and the
// chain ends once the screen is not busy.
func TestSpinnerOneChain(t *testing.T) {
	s := NewSpinner()
	first := s.Start()
	if first == nil || s.Start() != nil {
		t.Fatal("Start must tick once")
	}
	tick := s.model.Tick()
	if cmd, ok := s.Update(tick, true); !ok || cmd == nil {
		t.Fatal("a tick while busy must tick on")
	}
	if cmd, ok := s.Update(tick, false); !ok || cmd != nil {
		t.Fatal("a tick when idle must end the chain")
	}
	if s.Start() == nil {
		t.Fatal("after the chain ended, Start must tick again")
	}
	if _, ok := s.Update(spinner.TickMsg{ID: -1}, true); !ok {
		t.Fatal("another spinner's tick is still a tick")
	}
	if _, ok := s.Update(press("x"), true); ok {
		t.Fatal("a key is not a tick")
	}
}

// A detail wraps each value beside its label within the width, leaves out
// empty fields, and loses nothing; the failure table marks the cursor row.
func TestDetailWrapsAndCursor(t *testing.T) {
	long := strings.Repeat("segment/", 30) + "end.bin"
	d := FailureDetail(Failure{Key: long, Attempts: 2, Error: "AccessDenied: " + strings.Repeat("no ", 50) + "done"})
	d.Fields = append(d.Fields, Field{Label: "reason"})
	v := ansi.Strip(d.View(style.New(true), 60))
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("line of %d cells: %q", w, l)
		}
	}
	if strings.Contains(v, "reason") || !strings.Contains(v, "tries  2") {
		t.Errorf("an empty field is shown:\n%s", v)
	}
	flat := strings.Join(strings.Fields(strings.ReplaceAll(v, "│", " ")), "")
	if !strings.Contains(flat, strings.ReplaceAll(long, " ", "")) || !strings.Contains(flat, "nonodone") {
		t.Errorf("the detail lost text:\n%s", v)
	}
	fs := []Failure{{Key: "a", Attempts: 1, Error: "x"}, {Key: "b", Attempts: 2, Error: "y"}}
	rows := FailureTableAt(style.New(true), fs, 0, 2, 1, 80, "  ")
	if !strings.HasPrefix(ansi.Strip(rows[2]), "▸ b") || strings.HasPrefix(ansi.Strip(rows[1]), "▸") {
		t.Errorf("cursor rows: %q", rows)
	}
}
