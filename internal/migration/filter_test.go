package migration

import "testing"

func TestFilter(t *testing.T) {
	f, err := NewFilter([]Rule{{Pattern: "*.tmp"}, {Pattern: "logs/*"}, {Include: true, Pattern: "logs/keep/*"}})
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
	only, _ := NewFilter([]Rule{{Pattern: "*"}, {Include: true, Pattern: "*.csv"}, {Include: true, Pattern: "q[12]/?.json"}})
	for rel, want := range map[string]bool{"a/b.csv": true, "a/b.txt": false, "q1/x.json": true, "q3/x.json": false, "q1/xy.json": false} {
		if got := only.Keep(rel); got != want {
			t.Errorf("only: Keep(%q) = %v, want %v", rel, got, want)
		}
	}
	if (*Filter)(nil).Keep("anything") != true {
		t.Error("a nil filter must keep everything")
	}
	for _, bad := range []string{"", "a[bc"} {
		if _, err := NewFilter([]Rule{{Pattern: bad}}); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}
