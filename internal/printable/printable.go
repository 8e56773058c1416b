// Package printable renders S3 keys (and other untrusted text) for people:
// a key may hold any Unicode, and printed as it is, a newline forges a line,
// a carriage return overwrites one, and a bidi override turns
// "bidi-\u202egnp.exe" into what reads as "bidi-exe.png". Machine outputs (JSON,
// CSV, the journal) keep keys exact; only human text goes through here.
package printable

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// String returns s with control characters, invalid UTF-8 and the bidi
// controls written as visible escapes (\n, \r, \t, \x1b, \u202e). A
// backslash stays as it is: keys with backslashes are common, forged escapes
// are harmless.
func String(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case (r >= 0x80 && r < 0xa0) || isBidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidi(r) {
			return false
		}
		i += n
	}
	return true
}

// isBidi reports the Unicode bidirectional formatting characters.
func isBidi(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
