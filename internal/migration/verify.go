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

// verifyRun checks what this run copied, for almost nothing: one listing of
// the destination, merged with the journal's rows of this run, proves each
// copy is there with the right size and (where ETags are comparable) the
// right ETag. Each copy was already checked from its own response. Only
// multipart objects, whose headers, metadata and tags this tool wrote
// itself, are read again in full. A read error is never a difference.
func (m *Migration) verifyRun(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{}
	run := m.j.Run()
	next, stop := iter.Pull2(m.destListing(ctx))
	defer stop()
	cur, lerr, ok := next()
	rel := func(o transfer.Object) string { return o.Key[len(m.Def.Dst.Prefix):] }

	var mu sync.Mutex
	unchecked := func(r string, why string) {
		mu.Lock()
		rep.Unchecked++
		if len(rep.UncheckedSample) < 5 {
			rep.UncheckedSample = append(rep.UncheckedSample, r+": "+why)
		}
		mu.Unlock()
	}
	mismatch := func(ms []transfer.Mismatch) {
		mu.Lock()
		rep.Mismatches = append(rep.Mismatches, ms...)
		mu.Unlock()
	}
	full := make(chan transfer.Entry)
	var wg sync.WaitGroup
	ep := m.Pair.Endpoints()
	for range 8 {
		wg.Go(func() {
			for e := range full {
				ms := transfer.VerifyObject(ctx, ep, m.Def.Src, m.Def.Dst, e, false)
				switch {
				case ctx.Err() != nil:
				case len(ms) == 0:
					mu.Lock()
					rep.Verified++
					mu.Unlock()
				case ms[0].What == "error":
					unchecked(e.Rel, ms[0].Detail)
				default:
					mismatch(ms)
				}
			}
		})
	}
	kms := m.Def.Options.SSE == "aws:kms"
	var after journal.Cursor
	var qerr error
pages:
	for {
		rows, err := m.j.RowsAfter(after, journal.StatusDone, run, 1000)
		if err != nil {
			qerr = err
			break
		}
		for _, r := range rows {
			after.Next(r.Rel)
			if ctx.Err() != nil {
				break pages
			}
			mu.Lock()
			rep.Checked++
			mu.Unlock()
			for ok && lerr == nil && rel(cur) < r.Rel {
				cur, lerr, ok = next()
			}
			switch {
			case lerr != nil:
				unchecked(r.Rel, transfer.ErrorSummary(lerr))
				continue
			case !ok || rel(cur) != r.Rel:
				mismatch([]transfer.Mismatch{{Rel: r.Rel, What: "missing", Detail: "not in " + m.Def.Dst.URL(m.Def.Dst.Prefix+r.Rel)}})
				continue
			case cur.Size != r.Size:
				mismatch([]transfer.Mismatch{{Rel: r.Rel, What: "size", Detail: fmt.Sprintf("%d bytes in the source, %d in the destination", r.Size, cur.Size)}})
				continue
			case !kms && transfer.ETagsDiffer(r.ETag, cur.ETag):
				mismatch([]transfer.Mismatch{{Rel: r.Rel, What: "etag", Detail: fmt.Sprintf("%s in the source, %s in the destination", r.ETag, cur.ETag)}})
				continue
			}
			if r.Strategy == "multipart copy" || (r.Strategy == "relay" && r.Size > m.eng.Options().MultipartThreshold) {
				select {
				case full <- r.Entry(m.Def.Src, m.Def.Dst):
				case <-ctx.Done():
				}
				continue
			}
			mu.Lock()
			rep.Verified++
			mu.Unlock()
		}
		if len(rows) < 1000 {
			break
		}
	}
	close(full)
	wg.Wait()
	if qerr != nil {
		return rep, qerr
	}
	return rep, ctx.Err()
}

// destListing lists the destination folders of the migration (each
// selected item's, or the whole folder) in key order. A listing cut off by
// an error carries on from its last key, a few times, before the error
// stands.
func (m *Migration) destListing(ctx context.Context) iter.Seq2[transfer.Object, error] {
	items := Selection(m.Def.Items)
	if len(items) == 0 {
		items = []string{""}
	}
	return func(yield func(transfer.Object, error) bool) {
		for _, it := range items {
			loc := transfer.Location{Bucket: m.Def.Dst.Bucket, Prefix: m.Def.Dst.Prefix + it}
			exact := it != "" && !strings.HasSuffix(it, "/")
			last, tries := "", 0
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
						continue // "a.txt" also lists "a.txt.bak", outside the selection
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
