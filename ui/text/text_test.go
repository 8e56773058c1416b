package text

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{Count(1234567), "1,234,567"}, {Count(-1000), "-1,000"}, {Count(12), "12"},
		{Duration(400 * time.Millisecond), "0.4s"}, {Duration(65 * time.Second), "1m05s"}, {Duration(2*time.Hour + 3*time.Minute + 4*time.Second), "2h03m04s"},
		{Fit("abcdef", 4), "abc…"}, {Fit("abc", 4), "abc"}, {LeftTrunc("logs/2026/file.json", 10), "…file.json"},
		{Pad("ab", 4), "ab  "}, {PadLeft("ab", 4), "  ab"}, {OneLine("a\n  b\tc"), "a b c"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if got := Wrap("aaa bbb ccc", 7); len(got) != 2 {
		t.Errorf("Wrap: %q", got)
	}
}
