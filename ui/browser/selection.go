package browser

import (
	"slices"
	"strings"
)

// The selection (state.Items) is kept sorted and minimal: a marked prefix
// stands for everything under it, so nothing under a marked prefix is
// listed again (the count and the copy would see those objects twice).
// Every change builds a new slice and never writes into the old one: a
// count command still running holds the old slice.

// with is items plus key. Marking a prefix drops the items under it.
func with(items []string, key string) []string {
	i, found := slices.BinarySearch(items, key)
	if found {
		return items
	}
	// The items under key sort right after it, contiguously.
	j := i
	for j < len(items) && strings.HasSuffix(key, "/") && strings.HasPrefix(items[j], key) {
		j++
	}
	out := make([]string, 0, len(items)-(j-i)+1)
	out = append(out, items[:i]...)
	out = append(out, key)
	return append(out, items[j:]...)
}

// without is items minus keys.
func without(items []string, keys map[string]bool) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		if !keys[it] {
			out = append(out, it)
		}
	}
	return out
}

// normalize sorts items, drops duplicates and drops every item under a
// prefix that is itself an item.
func normalize(items []string) []string {
	items = slices.Clone(items)
	slices.Sort(items)
	items = slices.Compact(items)
	out := items[:0]
	cover := "" // the last kept prefix: its items follow it contiguously
	for _, it := range items {
		if cover != "" && strings.HasPrefix(it, cover) {
			continue
		}
		out = append(out, it)
		if strings.HasSuffix(it, "/") {
			cover = it
		}
	}
	return out
}

// set indexes items.
func set(items []string) map[string]bool {
	s := make(map[string]bool, len(items))
	for _, it := range items {
		s[it] = true
	}
	return s
}

// sameSlice reports whether a and b are the same slice (not merely equal):
// how the screen tells its own last write to state.Items from another
// screen's.
func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
