package uitest

import "strings"

// BoxText is the text inside the box drawn over a view (a detail, a
// question): what lies between the first and last │ of each line, with the
// spaces taken out, so a value wrapped over several lines reads as one
// string (compare it with strings.ReplaceAll(want, " ", "")). A box drawn
// over a pane is read inside the pane's borders.
func BoxText(view string) string {
	var b strings.Builder
	for _, l := range strings.Split(Plain(view), "\n") {
		in, ok := inside(l)
		if !ok {
			continue
		}
		// A box over a pane: the pane's borders first, then the box's.
		for {
			next, ok := inside(strings.TrimSpace(in))
			if !ok || !strings.HasPrefix(strings.TrimSpace(in), "│") {
				break
			}
			in = next
		}
		b.WriteString(strings.ReplaceAll(in, " ", ""))
	}
	return b.String()
}

// inside is what lies between the first and last │ of a line.
func inside(l string) (string, bool) {
	i, j := strings.Index(l, "│"), strings.LastIndex(l, "│")
	if i < 0 || j <= i {
		return "", false
	}
	return l[i+len("│") : j], true
}
