// Package units reads the sizes and points in time of the filters and limits
// (--min-size, --max-bandwidth, --newer-than, …), for the command line and
// the TUI alike.
package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseSize reads a byte count: a plain number is bytes; a suffix K, M, G,
// T (or KiB…, binary) or KB, MB, GB, TB (decimal) scales it, as in
// "64MiB", "1.5G" or "500KB".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.TrimSpace(t[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a size: write bytes, or a number with K, M, G, T (binary) or KB, MB, GB, TB (decimal)", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	}[strings.ToLower(unit)]
	if mult == 0 {
		return 0, fmt.Errorf("%q: unknown unit %q: use K, M, G, T (binary) or KB, MB, GB, TB (decimal)", s, unit)
	}
	n := v * mult
	if n > math.MaxInt64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(n), nil
}

// ParseWhen reads a point in time: an age ("7d", "36h", "90m", "2w"),
// counted back from now, or a date ("2025-01-31", midnight UTC) or an
// RFC 3339 time ("2025-01-31T12:00:00Z").
func ParseWhen(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if len(t) > 1 {
		unit := map[byte]time.Duration{'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour}[t[len(t)-1]]
		if n, err := strconv.ParseFloat(t[:len(t)-1], 64); unit != 0 && err == nil && n >= 0 {
			return now.Add(-time.Duration(n * float64(unit))), nil
		}
	}
	if d, err := time.ParseDuration(t); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if d, err := time.Parse("2006-01-02", t); err == nil {
		return d, nil
	}
	if d, err := time.Parse(time.RFC3339, t); err == nil {
		return d, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an age or a time: write 7d, 36h, 2w, a date 2025-01-31 or 2025-01-31T12:00:00Z", s)
}
