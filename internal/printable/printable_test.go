package printable

import "testing"

func TestString(t *testing.T) {
	cases := map[string]string{
		"logs/2026/a.json":                "logs/2026/a.json",
		"café/naïve ü.txt":                "café/naïve ü.txt",
		"evil\nnew   fake.txt":            `evil\nnew   fake.txt`,
		"over\rwrite":                     `over\rwrite`,
		"bidi-\u202egnp.exe":              `bidi-\u202egnp.exe`,
		"esc\x1b[31mred":                  `esc\x1b[31mred`,
		"bad\xffutf8":                     `bad\xffutf8`,
		"c1\u0085control":                 `c1\u0085control`,
		`back\slash`:                      `back\slash`,
		"isolate\u2066x\u2069 mark\u200f": `isolate\u2066x\u2069 mark\u200f`,
	}
	for in, want := range cases {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
