package uitest

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// MemPlan is the fake's PlanStore: the same paging as the live store's,
// over a slice sorted by class and key.
type MemPlan struct {
	mu      sync.Mutex
	entries []transfer.Entry
	closed  bool
	// Pages counts the Page calls.
	Pages int
}

var _ screen.PlanStore = (*MemPlan)(nil)

// NewMemPlan holds a copy of entries.
func NewMemPlan(entries []transfer.Entry) *MemPlan {
	es := slices.Clone(entries)
	slices.SortStableFunc(es, func(a, b transfer.Entry) int {
		return cmp.Or(cmp.Compare(a.Class, b.Class), strings.Compare(a.Rel, b.Rel))
	})
	return &MemPlan{entries: es}
}

// ErrPlanClosed is what Page returns once the plan is closed.
var ErrPlanClosed = errors.New("plan store: closed")

// Page returns one page of a class, as the live store does.
func (p *MemPlan) Page(_ context.Context, q screen.PlanQuery) (screen.PlanPage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Pages++
	page := screen.PlanPage{Total: -1}
	if p.closed {
		return page, ErrPlanClosed
	}
	if q.Limit <= 0 {
		return page, errors.New("plan page: limit must be > 0")
	}
	filter := strings.ToLower(q.Filter)
	var match []transfer.Entry
	for _, e := range p.entries {
		if e.Class == q.Class && strings.Contains(strings.ToLower(e.Rel), filter) {
			match = append(match, e)
		}
	}
	if q.Count {
		page.Total = int64(len(match))
	}
	from, to := 0, min(q.Limit, len(match))
	switch q.From {
	case screen.PlanAfter:
		from, _ = slices.BinarySearchFunc(match, q.Key, func(e transfer.Entry, k string) int { return strings.Compare(e.Rel, k) })
		if from < len(match) && match[from].Rel == q.Key {
			from++
		}
		to = min(from+q.Limit, len(match))
	case screen.PlanAt:
		from, _ = slices.BinarySearchFunc(match, q.Key, func(e transfer.Entry, k string) int { return strings.Compare(e.Rel, k) })
		to = min(from+q.Limit, len(match))
	case screen.PlanBefore:
		to, _ = slices.BinarySearchFunc(match, q.Key, func(e transfer.Entry, k string) int { return strings.Compare(e.Rel, k) })
		from = max(0, to-q.Limit)
	case screen.PlanLast:
		from, to = max(0, len(match)-q.Limit), len(match)
	}
	page.Entries = slices.Clone(match[from:to])
	return page, nil
}

// Close drops the entries; Page fails afterwards.
func (p *MemPlan) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed, p.entries = true, nil
	return nil
}

// Closed reports whether Close was called.
func (p *MemPlan) Closed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}
