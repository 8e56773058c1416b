package widget

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
)

// Failure is one object a migration gave up on, worded the same on every
// screen that lists it (the run, the summary, the jobs' failures).
type Failure struct {
	Key      string
	Attempts int
	// Error is what went wrong, on one line, without the key.
	Error string
}

// RunFailure words a failure of this run: its error without the
// "copy s3://bucket/key: " prefix (the key has its own column), led by the
// operation when it was not the copy ("delete: …").
func RunFailure(f transfer.Failure) Failure {
	msg := "unknown error"
	if f.Err != nil {
		msg = f.Err.Error()
	}
	msg = withoutKey(msg, f.Key)
	if f.Op != "" && f.Op != "copy" {
		msg = f.Op + ": " + msg
	}
	return Failure{Key: f.Key, Attempts: f.Attempts, Error: msg}
}

// RunFailures words every failure of a run.
func RunFailures(fs []transfer.Failure) []Failure {
	out := make([]Failure, len(fs))
	for i, f := range fs {
		out[i] = RunFailure(f)
	}
	return out
}

// JobFailure words a failure read from a journal: its error without the
// key, led by its code (and HTTP status) when the message does not say it.
func JobFailure(f screen.JobFailure) Failure {
	msg := withoutKey(f.Error, f.Key)
	code := f.ErrorCode
	if code != "" && f.HTTPStatus > 0 {
		code += fmt.Sprintf(" (%d)", f.HTTPStatus)
	}
	switch {
	case msg == "" && code == "":
		msg = "—"
	case msg == "":
		msg = code
	case f.ErrorCode != "" && !strings.Contains(msg, f.ErrorCode):
		msg = code + ": " + msg
	}
	return Failure{Key: f.Key, Attempts: f.Attempts, Error: msg}
}

// withoutKey keeps a multi-line error on one line and drops what leads to
// the key ("copy s3://bucket/key: "), which the table shows in its column.
func withoutKey(msg, key string) string {
	msg = text.OneLine(msg)
	if key != "" {
		if i := strings.Index(msg, key+": "); i >= 0 {
			msg = msg[i+len(key)+2:]
		}
	}
	return msg
}

// FailureTable is the table of failures: a KEY TRIES ERROR header, then
// the rows from..to of fs. The key column is as wide as the widest key of
// fs, at most two fifths of the screen's width (at least 20 cells); each
// line is led by indent.
func FailureTable(st style.Styles, fs []Failure, from, to, width int, indent string) []string {
	return FailureTableAt(st, fs, from, to, -1, width, indent)
}

// FailureTableAt is FailureTable with the row fs[cursor] highlighted: a ▸
// in place of its indent (of two cells or more) and its key in the
// selection colour; enter or d shows it whole (FailureDetail). A cursor
// outside from..to marks nothing.
func FailureTableAt(st style.Styles, fs []Failure, from, to, cursor, width int, indent string) []string {
	keyW := 3
	for _, f := range fs {
		keyW = max(keyW, ansi.StringWidth(text.Key(f.Key)))
	}
	keyW = min(keyW, max(20, (width-4)*2/5))
	out := []string{st.Subtle.Render(indent + text.Pad("KEY", keyW) + "  " + text.PadLeft("TRIES", 5) + "  ERROR")}
	for i, f := range fs[from:to] {
		lead, k := indent, text.Pad(text.LeftTrunc(text.Key(f.Key), keyW), keyW)
		if from+i == cursor {
			k = st.Selected.Render(k)
			if w := ansi.StringWidth(indent); w >= 2 {
				lead = st.Cursor.Render("▸ ") + strings.Repeat(" ", w-2)
			}
		}
		out = append(out, lead+k+"  "+text.PadLeft(fmt.Sprint(f.Attempts), 5)+"  "+st.Fail.Render(f.Error))
	}
	return out
}
