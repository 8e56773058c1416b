package summary

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// flat is a view with the box's borders and all spaces taken out, so a
// wrapped value reads as one string.
func flat(v string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(v)), "")
}

// ↑↓ highlight a failure, enter shows its whole key and error wrapped over
// the screen, esc closes it (and not the screen).
func TestSummaryFailureDetail(t *testing.T) {
	rr := withFailures()
	long := "archive/" + strings.Repeat("very-long-folder-name/", 8) + "object.bin"
	msg := "AccessDenied: " + strings.Repeat("the destination identity may not write here; ", 5) + "grant s3:PutObject"
	rr.Result.Failures = append(rr.Result.Failures, transfer.Failure{Key: long, Op: "copy", Attempts: 3, Err: errors.New("copy s3://origin-data/" + long + ": " + msg)})
	state := testState(rr)
	d := uitest.NewDriver(t, state, New())
	if v := d.View(); strings.Contains(flat(v), flat(long)) || strings.Contains(flat(v), flat(msg)) {
		t.Fatalf("the table shows the whole key and error: the test needs longer ones\n%s", v)
	}
	d.Press("down", "down", "down") // stops on the last
	if !strings.HasPrefix(lineWith(d.View(), "object.bin"), "▸") {
		t.Fatalf("the cursor is not on the third failure:\n%s", d.View())
	}
	d.Press("enter")
	if !d.S.Capturing() {
		t.Fatal("the detail does not capture esc")
	}
	v := d.View()
	if box := uitest.BoxText(v); !strings.Contains(box, flat(long)) || !strings.Contains(box, flat(msg)) {
		t.Fatalf("the detail lacks the whole key or error:\n%s", v)
	}
	d.Press("esc")
	if d.S.Capturing() || strings.Contains(flat(d.View()), flat(msg)) {
		t.Fatalf("esc did not close the detail:\n%s", d.View())
	}
	d.Press("up", "enter")
	if v := d.View(); !strings.Contains(v, "InvalidObjectState: the object is archived; restore it first") || !strings.Contains(v, "img-007.jpg") {
		t.Fatalf("the detail is not of the highlighted failure:\n%s", v)
	}
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
