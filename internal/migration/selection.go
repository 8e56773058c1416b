package migration

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/s3migrate/s3migrate/transfer"
)

// Selection normalises hand-picked source keys and prefixes (a prefix ends
// in "/"): sorted, without duplicates, and without items that a selected
// prefix already covers, so their listings chain into one key-ordered
// stream.
func Selection(items []string) []string {
	s := slices.Clone(items)
	slices.Sort(s)
	s = slices.Compact(s)
	var out []string
	for _, it := range s {
		if len(out) > 0 {
			last := out[len(out)-1]
			if strings.HasSuffix(last, "/") && strings.HasPrefix(it, last) {
				continue
			}
		}
		out = append(out, it)
	}
	return out
}

// DiffItems diffs only the selected items of the source (Pair.Src.Prefix
// is the root the items are relative to, usually ""): each selected prefix
// is listed on both sides, each selected object is matched exactly. The
// entries' Rel keys are relative to the roots, so the engine maps
// Src.Prefix+rel to Dst.Prefix+rel as for a whole-prefix diff.
//
// No items means everything under Src. A folder marker whose relative key
// is empty (the source folder's own "x/") is left out when the destination
// is a bucket root: it would map to an empty key.
func (p *Pair) DiffItems(ctx context.Context, items []string) iter.Seq2[transfer.Entry, error] {
	sel := Selection(items)
	whole := len(sel) == 0
	if whole {
		sel = []string{""}
	}
	return func(yield func(transfer.Entry, error) bool) {
		var left [2]int64 // keys and bytes the filters left out
		defer func() { p.filtered.Store(&left) }()
		for _, it := range sel {
			src := transfer.Location{Bucket: p.Src.Bucket, Prefix: p.Src.Prefix + it}
			dst := transfer.Location{Bucket: p.Dst.Bucket, Prefix: p.Dst.Prefix + it}
			opt := transfer.DiffOptions{SrcPrefix: p.Src.Prefix, DstPrefix: p.Dst.Prefix, Mode: p.Compare, Copies: p.Copies}
			if p.Compare == transfer.CompareChecksum {
				opt.SrcSums = transfer.NewHeadChecksums(p.SrcClient, p.Src.Bucket)
				opt.DstSums = transfer.NewHeadChecksums(p.DstClient, p.Dst.Bucket)
			}
			if p.Compare == transfer.CompareSizeETag {
				// Listings do not say how objects are encrypted: two
				// MD5-looking ETags that differ are confirmed with a HEAD of
				// each side (equal ones cost nothing, so a no-op re-run
				// still sends listings only).
				opt.SrcHeads = transfer.NewHeadChecksums(p.SrcClient, p.Src.Bucket)
				opt.DstHeads = transfer.NewHeadChecksums(p.DstClient, p.Dst.Bucket)
			}
			exact := !whole && !strings.HasSuffix(it, "/")
			for e, err := range transfer.Diff(ctx, transfer.List(ctx, p.SrcClient, src), transfer.List(ctx, p.DstClient, dst), opt) {
				if err != nil {
					err = p.explainListError(err)
				} else if exact && e.Rel != it {
					// Listing "a.txt" also finds "a.txt.bak": only the
					// selected object itself belongs to the selection.
					continue
				} else if e.Rel == "" && p.Dst.Prefix == "" {
					continue
				} else if !p.Filter.KeepEntry(e) {
					// Not copied, not deleted, not in the plan: counted
					// apart, so the plan can say what the filters removed.
					left[0]++
					left[1] += max(e.Src.Size, e.Dst.Size)
					continue
				}
				if !yield(e, err) || err != nil {
					return
				}
			}
		}
	}
}
