package bucketconfig

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Label is how an item's state reads, in the command and in the TUI's
// Bucket tab; askHow says how the bucket policy is asked for ("with
// --only policy", "with p").
func (r *Result) Label(it *Item, askHow string) string {
	switch it.State {
	case Absent:
		return "none on the source: nothing to move"
	case Same:
		return "same on both"
	case Change:
		if len(it.Held) > 0 {
			return "to apply (in part: some held back)"
		}
		return "to apply"
	case Ask:
		if r.AskPolicy {
			return "to apply (asked for " + askHow + ")"
		}
		return "shown only: applied when asked for " + askHow
	case HeldBack:
		return "held back"
	case Reported:
		return "reported only: not moved"
	case Unreadable:
		return "unreadable"
	case Unsupported:
		return "not supported by the server"
	}
	return string(it.State)
}

// Counts sums the items up per state, the states that need reading first:
// "2 to apply, 1 held back, 9 same".
func (r *Result) Counts() string {
	var counts []string
	for _, c := range []struct {
		st    State
		label string
	}{{Change, "to apply"}, {Ask, "shown only"}, {HeldBack, "held back"},
		{Unreadable, "unreadable"}, {Same, "same"}, {Absent, "none on the source"},
		{Reported, "reported only"}, {Unsupported, "not supported"}} {
		n := 0
		for _, it := range r.Items {
			if it.State == c.st {
				n++
			}
		}
		if n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, c.label))
		}
	}
	return strings.Join(counts, ", ")
}

// Clone copies a plan, so Apply can write (and mark) the copy while the
// original is still on someone's screen.
func (r *Result) Clone() *Result {
	c := *r
	c.Items = make([]*Item, len(r.Items))
	for i, it := range r.Items {
		cp := *it
		cp.Rewrites, cp.Held, cp.Notes = slices.Clone(it.Rewrites), slices.Clone(it.Held), slices.Clone(it.Notes)
		c.Items[i] = &cp
	}
	if r.Create != nil {
		cr := *r.Create
		c.Create = &cr
	}
	return &c
}

// Record is one configuration a migration applied, as its journal keeps
// it: the kind ("bucket" for the creation), the value written (canonical
// JSON, or the creation's summary) and when.
type Record struct {
	Kind  string
	Value string
	At    time.Time
}

// KindBucket is the Record of a bucket created like the source.
const KindBucket = "bucket"

// Recorded takes into account what this migration applied on an earlier
// run, so a resume never applies the same value twice: an item the
// destination still has as applied gets a note; an item whose proposal is
// exactly what was applied, but which the destination no longer has, was
// changed by someone after the migration wrote it, and is held back
// instead of being written over again.
func (r *Result) Recorded(recs []Record) {
	for _, rec := range recs {
		for _, it := range r.Items {
			if string(it.Kind) != rec.Kind {
				continue
			}
			when := rec.At.UTC().Format("2006-01-02 15:04 UTC")
			switch {
			case it.State == Same:
				it.Notes = append(it.Notes, "applied by this migration on "+when)
			case it.Pending(true) && it.Proposed == rec.Value:
				it.State = HeldBack
				it.Held = append(it.Held, Held{What: string(it.Kind),
					Why: "this migration applied it on " + when + " and the destination has changed since",
					Fix: "not written again, so the change is kept; to overwrite it, run s3migrate bucket-config --only " + string(it.Kind) + " --apply"})
			}
		}
	}
}
