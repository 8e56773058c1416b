package bucketpolicy

import "strings"

// DiffLine is one line of a policy preview diff.
type DiffLine struct {
	// Op is ' ' for a line in both versions, '-' for a removed line and
	// '+' for an added one.
	Op byte
	// Text is the line without its newline.
	Text string
}

// LineDiff returns the line diff from before to after, built on a longest
// common subsequence so unchanged foreign statements show as context rather
// than as removed and re-added. Policies are at most a few hundred lines,
// so the quadratic table is cheaper than anything cleverer.
func LineDiff(before, after string) []DiffLine {
	a, b := splitLines(before), splitLines(after)
	// lcs[i][j] is the LCS length of a[i:] and b[j:]; filling it from the
	// end lets the walk below emit lines in order.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	out := make([]DiffLine, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			// On a tie removals go first, so a changed line reads as
			// "- old" then "+ new", as in a unified diff.
			out = append(out, DiffLine{'-', a[i]})
			i++
		default:
			out = append(out, DiffLine{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{'-', a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{'+', b[j]})
	}
	return out
}

// splitLines splits s into lines; "" has none, and a final newline does not
// start another line, so "x" and "x\n" compare equal.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// FormatDiff renders lines as text, each prefixed "+ ", "- " or "  ", for
// the headless policy command and logs.
func FormatDiff(lines []DiffLine) string {
	var b strings.Builder
	for _, l := range lines {
		if l.Text == "" {
			// No trailing blank after the marker: editors and linters flag
			// trailing spaces in saved previews.
			b.WriteString(strings.TrimRight(string(l.Op), " "))
		} else {
			b.WriteByte(l.Op)
			b.WriteByte(' ')
			b.WriteString(l.Text)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
