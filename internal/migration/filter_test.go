package migration

import (
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

func TestFilter(t *testing.T) {
	f, err := NewFilter([]Rule{{Pattern: "*.tmp"}, {Pattern: "logs/*"}, {Include: true, Pattern: "logs/keep/*"}}, Window{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"a.txt":             true,
		"x.tmp":             false,
		"deep/dir/x.tmp":    false, // * crosses "/", as in the aws CLI
		"logs/2026/a.json":  false,
		"logs/keep/a.json":  true, // the later include wins
		"logs/keep/b.tmp":   true,
		"logsX/a.json":      true,
		"line\nbreak.tmp":   false,
		"report[1].csv":     true,
		"brackets/[x].tmp2": true,
	}
	for rel, want := range cases {
		if got := f.Keep(rel); got != want {
			t.Errorf("Keep(%q) = %v, want %v", rel, got, want)
		}
	}
	only, _ := NewFilter([]Rule{{Pattern: "*"}, {Include: true, Pattern: "*.csv"}, {Include: true, Pattern: "q[12]/?.json"}}, Window{})
	for rel, want := range map[string]bool{"a/b.csv": true, "a/b.txt": false, "q1/x.json": true, "q3/x.json": false, "q1/xy.json": false} {
		if got := only.Keep(rel); got != want {
			t.Errorf("only: Keep(%q) = %v, want %v", rel, got, want)
		}
	}
	if (*Filter)(nil).Keep("anything") != true {
		t.Error("a nil filter must keep everything")
	}
	for _, bad := range []string{"", "a[bc"} {
		if _, err := NewFilter([]Rule{{Pattern: bad}}, Window{}); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

// TestWindow: the window keeps objects by size and age, judging the source
// object of a key, or the destination's for a key only there; a window
// that keeps nothing is refused.
func TestWindow(t *testing.T) {
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	w := Window{MinSize: 10, MaxSize: 100, NewerThan: day, OlderThan: day.AddDate(0, 1, 0)}
	f, err := NewFilter(nil, w)
	if err != nil {
		t.Fatal(err)
	}
	in := transfer.Object{Size: 50, LastModified: day.AddDate(0, 0, 3)}
	for name, c := range map[string]struct {
		o    transfer.Object
		want bool
	}{
		"inside":         {in, true},
		"at min size":    {transfer.Object{Size: 10, LastModified: in.LastModified}, true},
		"too small":      {transfer.Object{Size: 9, LastModified: in.LastModified}, false},
		"at max size":    {transfer.Object{Size: 100, LastModified: in.LastModified}, true},
		"too large":      {transfer.Object{Size: 101, LastModified: in.LastModified}, false},
		"at newer-than":  {transfer.Object{Size: 50, LastModified: day}, true},
		"too old":        {transfer.Object{Size: 50, LastModified: day.Add(-time.Second)}, false},
		"at older-than":  {transfer.Object{Size: 50, LastModified: day.AddDate(0, 1, 0)}, false},
		"just before it": {transfer.Object{Size: 50, LastModified: day.AddDate(0, 1, 0).Add(-time.Second)}, true},
	} {
		if got := f.KeepEntry(transfer.Entry{Rel: "k", Class: transfer.ClassNew, Src: c.o}); got != c.want {
			t.Errorf("%s: kept %v, want %v", name, got, c.want)
		}
	}
	// A key only in the destination is judged by the destination object.
	if f.KeepEntry(transfer.Entry{Rel: "k", Class: transfer.ClassExtra, Dst: transfer.Object{Size: 500, LastModified: in.LastModified}}) {
		t.Error("an extra destination object outside the window is kept (it would be deleted)")
	}
	if !f.KeepEntry(transfer.Entry{Rel: "k", Class: transfer.ClassExtra, Dst: in}) {
		t.Error("an extra destination object inside the window is dropped")
	}
	for _, bad := range []Window{{MinSize: 5, MaxSize: 4}, {MinSize: -1}, {NewerThan: day, OlderThan: day}} {
		if _, err := NewFilter(nil, bad); err == nil {
			t.Errorf("window %+v accepted: it keeps nothing", bad)
		}
	}
}
