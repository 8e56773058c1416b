package migration

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/transfer"
)

// VerifyReport is the check after a run.
type VerifyReport struct {
	// Checked counts the objects this run copied; Verified those found
	// intact.
	Checked, Verified int64
	Mismatches        []transfer.Mismatch
	// Unchecked could not be read (after retries): neither intact nor
	// different. Sample holds the first few reasons.
	Unchecked       int64
	UncheckedSample []string
}

// The check of what a run copied costs almost nothing: one listing of the
// destination, merged with the journal's rows of this run, proves each copy
// is there with the right size and (where ETags are comparable) the right
// ETag. Each copy was already checked from its own response. Only multipart
// objects, whose headers, metadata and tags this tool wrote itself, are read
// again in full. A read error is never a difference.
//
// The check trails the copy instead of following it: the frontier says
// which rows are settled, and every ~1,000 settled rows the verifier lists
// the destination up to the frontier. What it lists was written before the
// listing was asked for, so the listing is proof; keys past the frontier
// are listed in a later round. After the copy only the last stretch is left.

// frontier tracks which plan rows the copy has settled, in key order.
type frontier struct {
	mu      sync.Mutex
	queue   []string        // dispatched rels in key order, settled ones at the front popped lazily
	state   map[string]bool // dispatched rels: settled or not
	last    string          // the last rel dispatched
	any     bool
	settles int64 // settled rows so far
}

func newFrontier() *frontier { return &frontier{state: map[string]bool{}} }

// reset forgets a previous run's rows.
func (f *frontier) reset() {
	f.mu.Lock()
	f.queue, f.state, f.last, f.any, f.settles = nil, map[string]bool{}, "", false, 0
	f.mu.Unlock()
}

func (f *frontier) dispatched(rel string) {
	f.mu.Lock()
	f.queue = append(f.queue, rel)
	f.state[rel] = false
	f.last, f.any = rel, true
	f.mu.Unlock()
}

func (f *frontier) settled(rel string) {
	f.mu.Lock()
	if done, ok := f.state[rel]; ok && !done {
		f.state[rel] = true
		f.settles++
	}
	f.mu.Unlock()
}

// bound returns the frontier: every dispatched row below hi (or up to and
// including it, with incl) is settled. ok is false while nothing is.
func (f *frontier) bound() (hi string, incl, ok bool, settles int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for n < len(f.queue) && f.state[f.queue[n]] {
		delete(f.state, f.queue[n])
		n++
	}
	f.queue = f.queue[n:]
	switch {
	case len(f.queue) > 0:
		return f.queue[0], false, true, f.settles
	case f.any:
		return f.last, true, true, f.settles
	}
	return "", false, false, f.settles
}

// trackingRecorder tells the frontier about every settled row.
type trackingRecorder struct {
	transfer.Recorder
	f *frontier
}

func (t trackingRecorder) Finished(e transfer.Entry, strategy string, attempts int, err error) {
	t.Recorder.Finished(e, strategy, attempts, err)
	t.f.settled(e.Rel)
}

// verifier checks the rows of one run, a key range at a time.
type verifier struct {
	m   *Migration
	run int64
	lo  journal.Cursor // rows up to here are checked

	mu  sync.Mutex
	rep VerifyReport

	full chan transfer.Entry // multipart copies, checked in full by a pool
	wg   sync.WaitGroup
}

func (m *Migration) newVerifier(ctx context.Context) *verifier {
	v := &verifier{m: m, run: m.j.Run(), full: make(chan transfer.Entry)}
	ep := m.Pair.Endpoints()
	for range 8 {
		v.wg.Go(func() {
			for e := range v.full {
				ms := transfer.VerifyObject(ctx, ep, m.Def.Src, m.Def.Dst, e, transfer.VerifyOptions{ObjectLock: m.Def.Options.KeepObjectLock})
				switch {
				case ctx.Err() != nil:
				case len(ms) == 0:
					v.verified()
				case ms[0].What == "error":
					v.unchecked(e.Rel, ms[0].Detail)
				default:
					v.mismatch(ms...)
				}
			}
		})
	}
	return v
}

func (v *verifier) verified() {
	v.mu.Lock()
	v.rep.Verified++
	v.mu.Unlock()
}

func (v *verifier) unchecked(rel, why string) {
	v.mu.Lock()
	v.rep.Unchecked++
	if len(v.rep.UncheckedSample) < 5 {
		v.rep.UncheckedSample = append(v.rep.UncheckedSample, rel+": "+why)
	}
	v.mu.Unlock()
}

func (v *verifier) mismatch(ms ...transfer.Mismatch) {
	v.mu.Lock()
	v.rep.Mismatches = append(v.rep.Mismatches, ms...)
	v.mu.Unlock()
}

// finish waits for the full checks and returns the report.
func (v *verifier) finish() *VerifyReport {
	close(v.full)
	v.wg.Wait()
	rep := v.rep
	return &rep
}

// trail verifies behind the copy until stop is closed.
func (v *verifier) trail(ctx context.Context, f *frontier, stop <-chan struct{}) error {
	var checkedAt int64
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		hi, incl, ok, settles := f.bound()
		if !ok || settles-checkedAt < 1000 {
			continue // a listing per ~1,000 objects, as after the copy
		}
		if err := v.upTo(ctx, hi, incl, false); err != nil {
			return err
		}
		checkedAt = settles
	}
}

// upTo checks this run's done rows after v.lo, up to hi (inclusive with
// incl), or to the end with all.
func (v *verifier) upTo(ctx context.Context, hi string, incl, all bool) error {
	m := v.m
	// Every outcome below the bound was queued before it was computed:
	// commit them, so the rows read below are final.
	if err := m.j.Flush(); err != nil {
		return err
	}
	within := func(rel string) bool { return all || rel < hi || (incl && rel == hi) }
	next, stop := iter.Pull2(m.destRange(ctx, v.lo, hi, incl, all))
	defer stop()
	cur, lerr, ok := next()
	dst := m.Def.Dst
	rel := func(o transfer.Object) string { return o.Key[len(dst.Prefix):] }
	// The listing does not report encryption: the copies are known to be
	// SSE-KMS only when the run asked for it. Two ETags that still look
	// comparable and differ are a suspicion, not proof (either side may be
	// SSE-KMS or SSE-C, or the destination bucket may encrypt with KMS by
	// default): the full check below reads both sides' encryption with a
	// HEAD and decides (transfer.ComparableETags).
	dstSSE := ""
	if strings.HasPrefix(m.Def.Options.SSE, "aws:kms") {
		dstSSE = m.Def.Options.SSE
	}
	threshold := m.eng.Options().MultipartThreshold
	for {
		rows, err := m.j.RowsAfter(v.lo, journal.StatusDone, v.run, 1000)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if !within(r.Rel) {
				return nil
			}
			v.lo.Next(r.Rel)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			v.mu.Lock()
			v.rep.Checked++
			v.mu.Unlock()
			for ok && lerr == nil && rel(cur) < r.Rel {
				cur, lerr, ok = next()
			}
			switch {
			case lerr != nil:
				v.unchecked(r.Rel, transfer.ErrorSummary(lerr))
				continue
			case !ok || rel(cur) != r.Rel:
				v.mismatch(transfer.Mismatch{Rel: r.Rel, What: "missing", Detail: "not in " + dst.URL(dst.Prefix+r.Rel)})
				continue
			case cur.Size != r.Size:
				v.mismatch(transfer.Mismatch{Rel: r.Rel, What: "size", Detail: fmt.Sprintf("%d bytes in the source, %d in the destination", r.Size, cur.Size)})
				continue
			}
			listed := cur
			if listed.SSE == "" {
				listed.SSE = dstSSE
			}
			suspect := transfer.ETagsDiffer(transfer.Object{ETag: r.ETag}, listed)
			if suspect || r.Strategy == "multipart copy" || (r.Strategy == "relay" && r.Size > threshold) {
				select {
				case v.full <- r.Entry(m.Def.Src, dst):
				case <-ctx.Done():
					return ctx.Err()
				}
				continue
			}
			v.verified()
		}
		if len(rows) < 1000 {
			return nil
		}
	}
}

// destRange lists the destination folders of the migration (each selected
// item's, or the whole folder) in key order, from after lo up to hi
// (inclusive with incl; everything with all). A listing cut off by an error
// carries on from its last key, a few times, before the error stands.
func (m *Migration) destRange(ctx context.Context, lo journal.Cursor, hi string, incl, all bool) iter.Seq2[transfer.Object, error] {
	items := Selection(m.Def.Items)
	if len(items) == 0 {
		items = []string{""}
	}
	dst := m.Def.Dst
	startKey := dst.Prefix + lo.After
	past := func(rel string) bool { return !all && (rel > hi || (!incl && rel == hi)) }
	return func(yield func(transfer.Object, error) bool) {
		for _, it := range items {
			if past(it) && !strings.HasPrefix(hi, it) {
				return // this item and every later one lie past the range
			}
			loc := transfer.Location{Bucket: dst.Bucket, Prefix: dst.Prefix + it}
			exact := it != "" && !strings.HasSuffix(it, "/")
			last := ""
			if lo.Started {
				switch {
				case startKey < loc.Prefix:
				case strings.HasPrefix(startKey, loc.Prefix):
					last = startKey
				default:
					continue // the range starts after this item
				}
			}
			tries := 0
		listing:
			for {
				for o, err := range transfer.ListAfter(ctx, m.Pair.DstClient, loc, last) {
					if err != nil {
						tries++
						if tries >= 5 || ctx.Err() != nil {
							yield(o, err)
							return
						}
						time.Sleep(time.Duration(tries) * 300 * time.Millisecond)
						continue listing
					}
					last = o.Key
					if exact && o.Key != loc.Prefix {
						// "a.txt" also lists "a.txt.bak", outside the
						// selection; the object itself sorts first.
						break listing
					}
					if past(o.Key[len(dst.Prefix):]) {
						return // a folder's keys are contiguous: the rest is past too
					}
					if !yield(o, nil) {
						return
					}
				}
				break
			}
		}
	}
}
