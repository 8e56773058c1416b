// Package text has the cell-width helpers the screens lay text out with:
// fitting, padding and truncating strings that may hold ANSI styles and
// wide runes, and the number formats every screen shares.
package text

import (
	"github.com/s3migrate/s3migrate/internal/printable"

	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Fit cuts s to w cells, ending in "…" when cut.
func Fit(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Pad fills s with spaces on the right to w cells.
func Pad(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// PadLeft fills s with spaces on the left to w cells (numbers in columns).
func PadLeft(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// LeftTrunc keeps the end of a key (the file name), cutting its start.
func LeftTrunc(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w <= 1 {
		return ansi.Truncate("…", w, "")
	}
	return "…" + ansi.TruncateLeft(s, sw-w+1, "")
}

// Wrap breaks s into lines of at most w cells.
func Wrap(s string, w int) []string {
	return strings.Split(ansi.Wrap(s, max(1, w), ""), "\n")
}

// OneLine keeps a multi-line message (some SDK errors are) on one line.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Count formats n with thousands separators: 12,345.
func Count(n int64) string {
	s := fmt.Sprintf("%d", n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Duration is 0.4s, 4.2s, 1m05s or 2h03m04s: short runs keep a decimal, so
// a sub-second copy does not read "0s".
func Duration(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// Key renders an S3 key (or any untrusted name) for the screen: newlines,
// carriage returns, escapes and bidi controls become visible escapes, so a
// key cannot break a row or read as another name.
func Key(s string) string { return printable.String(s) }
