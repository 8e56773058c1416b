package migration

import (
	"fmt"
	"regexp"
	"strings"
)

// Rule is one --include or --exclude pattern. Patterns match the key
// relative to the source folder, as the aws CLI's do: `*` matches any run
// of characters, "/" included; `?` one character; `[abc]` a class.
type Rule struct {
	Include bool   `json:"include"`
	Pattern string `json:"pattern"`
}

// Filter decides which keys take part in a migration: every key does,
// unless a rule says otherwise; of the rules that match a key, the last
// one given wins (so `--exclude '*' --include '*.csv'` keeps the CSVs).
// A key the filter drops is neither copied nor deleted nor counted.
type Filter struct {
	rules []Rule
	res   []*regexp.Regexp
}

// NewFilter compiles the rules, refusing a pattern it cannot read.
func NewFilter(rules []Rule) (*Filter, error) {
	f := &Filter{rules: rules}
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

// Keep reports whether rel takes part. A nil filter keeps everything.
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
