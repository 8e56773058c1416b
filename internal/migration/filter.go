package migration

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

// Rule is one --include or --exclude pattern. Patterns match the key
// relative to the source folder, as the aws CLI's do: `*` matches any run
// of characters, "/" included; `?` one character; `[abc]` a class.
type Rule struct {
	Include bool   `json:"include"`
	Pattern string `json:"pattern"`
}

// Window keeps objects by size and age (--min-size, --max-size,
// --newer-than, --older-than). Zero fields do not filter. The times are
// absolute, fixed when the migration is defined, so a resumed run selects
// what the first one did.
type Window struct {
	MinSize int64 `json:"min_size,omitempty"`
	// MaxSize is the largest size kept (0: no limit).
	MaxSize int64 `json:"max_size,omitempty"`
	// NewerThan keeps objects last modified at or after it.
	NewerThan time.Time `json:"newer_than,omitzero"`
	// OlderThan keeps objects last modified before it.
	OlderThan time.Time `json:"older_than,omitzero"`
}

// Empty reports whether the window keeps everything.
func (w Window) Empty() bool { return w == Window{} }

// keeps reports whether an object falls inside the window.
func (w Window) keeps(o transfer.Object) bool {
	switch {
	case o.Size < w.MinSize:
		return false
	case w.MaxSize > 0 && o.Size > w.MaxSize:
		return false
	case !w.NewerThan.IsZero() && o.LastModified.Before(w.NewerThan):
		return false
	case !w.OlderThan.IsZero() && !o.LastModified.Before(w.OlderThan):
		return false
	}
	return true
}

// Check refuses a window that can keep nothing.
func (w Window) Check() error {
	switch {
	case w.MinSize < 0 || w.MaxSize < 0:
		return fmt.Errorf("--min-size and --max-size cannot be negative")
	case w.MaxSize > 0 && w.MinSize > w.MaxSize:
		return fmt.Errorf("--min-size %d is above --max-size %d: no object can be kept", w.MinSize, w.MaxSize)
	case !w.NewerThan.IsZero() && !w.OlderThan.IsZero() && !w.NewerThan.Before(w.OlderThan):
		return fmt.Errorf("--newer-than %s is not before --older-than %s: no object can be kept",
			w.NewerThan.UTC().Format(time.RFC3339), w.OlderThan.UTC().Format(time.RFC3339))
	}
	return nil
}

// Filter decides which keys take part in a migration: every key does,
// unless a rule says otherwise; of the rules that match a key, the last
// one given wins (so `--exclude '*' --include '*.csv'` keeps the CSVs).
// The window then keeps objects by size and age: the source object of a
// key, or the destination's for a key only there (so --delete removes only
// destination objects inside the window). A key the filter drops is
// neither copied nor deleted nor counted.
type Filter struct {
	rules  []Rule
	res    []*regexp.Regexp
	window Window
}

// NewFilter compiles the rules, refusing a pattern it cannot read or a
// window that keeps nothing.
func NewFilter(rules []Rule, w Window) (*Filter, error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	f := &Filter{rules: rules, window: w}
	for _, r := range rules {
		re, err := globRegexp(r.Pattern)
		if err != nil {
			kind := "--exclude"
			if r.Include {
				kind = "--include"
			}
			return nil, fmt.Errorf("%s %q: %w", kind, r.Pattern, err)
		}
		f.res = append(f.res, re)
	}
	return f, nil
}

// KeepEntry reports whether a diff entry takes part: its key by the rules,
// its object by the window. A nil filter keeps everything.
func (f *Filter) KeepEntry(e transfer.Entry) bool {
	if f == nil {
		return true
	}
	o := e.Src
	if e.Class == transfer.ClassExtra {
		o = e.Dst
	}
	return f.Keep(e.Rel) && f.window.keeps(o)
}

// Keep reports whether rel takes part by the rules. A nil filter keeps
// everything.
func (f *Filter) Keep(rel string) bool {
	if f == nil {
		return true
	}
	keep := true
	for i, re := range f.res {
		if re.MatchString(rel) {
			keep = f.rules[i].Include
		}
	}
	return keep
}

// globRegexp turns a glob into an anchored regular expression.
func globRegexp(glob string) (*regexp.Regexp, error) {
	if glob == "" {
		return nil, fmt.Errorf("an empty pattern matches nothing: drop it")
	}
	var b strings.Builder
	b.WriteString(`\A`)
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := strings.IndexByte(glob[i+1:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ in the pattern")
			}
			class := glob[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`\z`)
	return regexp.Compile("(?s)" + b.String())
}
