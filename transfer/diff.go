package transfer

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// ChecksumAPI fetches the stored full-object checksum of one key (HeadObject
// with checksum mode enabled). It is used by CompareChecksum only.
type ChecksumAPI interface {
	Checksum(ctx context.Context, key string) (algo, value string, err error)
}

// DiffOptions say how two listings relate.
type DiffOptions struct {
	SrcPrefix, DstPrefix string
	Mode                 CompareMode
	// SrcSums and DstSums are needed by CompareChecksum.
	SrcSums, DstSums ChecksumAPI
	// SrcSSE and DstSSE, when set, are the encryption every listed object of
	// that side is taken to have (e.g. "aws:kms" for a bucket whose default
	// encryption is SSE-KMS, as preflight finds it, or the --sse a run
	// writes with): their ETags are then not compared. Listings do not
	// report encryption themselves.
	SrcSSE, DstSSE string
	// SrcHeads and DstHeads, when set, confirm a suspected ETag difference:
	// two listed ETags that may be MD5s and differ are read again with a
	// HEAD, which says how each side is encrypted, and count only when
	// both can be MD5s. Without them (and without SrcSSE/DstSSE) such a key
	// is changed. NewHeadChecksums gives one; SrcSums/DstSums serve as such
	// when they can.
	SrcHeads, DstHeads HeadAPI
	// Copies, when set, recalls what earlier runs copied: a key whose
	// source is still the size and ETag that was copied and whose
	// destination still has the ETag that copy wrote is identical without
	// a request, even where the two ETags cannot be compared (the
	// destination encrypts with KMS by default, so every copy's ETag
	// differs from the source's MD5).
	Copies CopyLog
}

// CopyLog recalls, per relative key, the source a completed copy read
// (size and ETag) and the ETag of the object it wrote.
type CopyLog interface {
	Copied(rel string) (srcSize int64, srcETag, dstETag string, ok bool)
}

// HeadAPI describes one key as HeadObject does, encryption included.
type HeadAPI interface {
	Head(ctx context.Context, key string) (Object, error)
}

// Diff merges two key-ordered listings into a stream of entries, one per
// relative key, in key order. It holds one object of each side at a time, so
// memory does not grow with the number of keys.
//
// S3 lists keys in UTF-8 byte order; stripping the same prefix from every key
// of one side keeps that order, so the merge compares relative keys directly.
func Diff(ctx context.Context, src, dst iter.Seq2[Object, error], opt DiffOptions) iter.Seq2[Entry, error] {
	if opt.Mode == "" {
		opt.Mode = CompareSizeETag
	}
	return func(yield func(Entry, error) bool) {
		nextSrc, stopSrc := iter.Pull2(src)
		defer stopSrc()
		nextDst, stopDst := iter.Pull2(dst)
		defer stopDst()

		s, serr, sok := nextSrc()
		d, derr, dok := nextDst()
		lastSrc, lastDst := "", ""
		for {
			if serr != nil {
				yield(Entry{}, serr)
				return
			}
			if derr != nil {
				yield(Entry{}, derr)
				return
			}
			if !sok && !dok {
				return
			}
			var srel, drel string
			if sok {
				srel = strings.TrimPrefix(s.Key, opt.SrcPrefix)
				if srel < lastSrc {
					yield(Entry{}, fmt.Errorf("source listing is not in key order (%q after %q): the server does not sort like S3", s.Key, lastSrc))
					return
				}
				lastSrc = srel
			}
			if dok {
				drel = strings.TrimPrefix(d.Key, opt.DstPrefix)
				if drel < lastDst {
					yield(Entry{}, fmt.Errorf("destination listing is not in key order (%q after %q): the server does not sort like S3", d.Key, lastDst))
					return
				}
				lastDst = drel
			}
			var e Entry
			switch {
			case sok && (!dok || srel < drel):
				e = Entry{Rel: srel, Class: ClassNew, Src: s}
				s, serr, sok = nextSrc()
			case dok && (!sok || drel < srel):
				e = Entry{Rel: drel, Class: ClassExtra, Dst: d}
				d, derr, dok = nextDst()
			default:
				e = Entry{Rel: srel, Src: s, Dst: d}
				cs, cd := s, d
				if cs.SSE == "" {
					cs.SSE = opt.SrcSSE
				}
				if cd.SSE == "" {
					cd.SSE = opt.DstSSE
				}
				changed, reason, err := compare(ctx, srel, cs, cd, opt)
				if err != nil {
					yield(Entry{}, err)
					return
				}
				e.Class, e.Reason = ClassIdentical, ""
				if changed {
					e.Class, e.Reason = ClassChanged, reason
				}
				s, serr, sok = nextSrc()
				d, derr, dok = nextDst()
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// compare decides whether a key present on both sides differs.
func compare(ctx context.Context, rel string, s, d Object, opt DiffOptions) (bool, string, error) {
	if s.Size != d.Size {
		return true, fmt.Sprintf("size %s → %s", FormatBytes(d.Size), FormatBytes(s.Size)), nil
	}
	switch opt.Mode {
	case CompareSize:
		return false, "", nil
	case CompareSizeMtime:
		if s.LastModified.After(d.LastModified) {
			return true, "source modified " + s.LastModified.UTC().Format("2006-01-02 15:04:05") + ", after the destination copy", nil
		}
		return false, "", nil
	case CompareChecksum:
		if opt.SrcSums != nil && opt.DstSums != nil {
			sa, sv, err := opt.SrcSums.Checksum(ctx, s.Key)
			if err != nil {
				return false, "", err
			}
			da, dv, err := opt.DstSums.Checksum(ctx, d.Key)
			if err != nil {
				return false, "", err
			}
			if sa != "" && sa == da {
				if sv != dv {
					return true, sa + " checksum differs", nil
				}
				return false, "", nil
			}
		}
	}
	changed, reason, _ := etagDiffers(s, d)
	if !changed {
		return false, "", nil
	}
	if opt.Copies != nil {
		if size, srcETag, dstETag, ok := opt.Copies.Copied(rel); ok && size == s.Size && srcETag == s.ETag && dstETag == d.ETag {
			return false, "", nil
		}
	}
	sh, dh := opt.SrcHeads, opt.DstHeads
	if sh == nil {
		sh, _ = opt.SrcSums.(HeadAPI)
	}
	if dh == nil {
		dh, _ = opt.DstSums.(HeadAPI)
	}
	if sh == nil || dh == nil {
		return changed, reason, nil
	}
	// The listings say nothing of encryption: ask both sides.
	hs, err := sh.Head(ctx, s.Key)
	if err != nil {
		return false, "", err
	}
	hd, err := dh.Head(ctx, d.Key)
	if err != nil {
		return false, "", err
	}
	if hs.ETag != s.ETag || hd.ETag != d.ETag {
		return true, "ETag " + d.ETag + " → " + s.ETag + " (changed while listing)", nil
	}
	return etagDiffers(hs, hd)
}

// etagDiffers compares ETags only where they mean the same thing
// (ComparableETags): two ETags that can be MD5s of the bytes, or two
// multipart ETags with the same part count, of objects not known to be
// SSE-KMS or SSE-C encrypted. Listings do not report encryption: an object
// is known to be encrypted so when the listing was annotated (DiffOptions
// SrcSSE/DstSSE, e.g. a destination bucket whose default is SSE-KMS).
func etagDiffers(s, d Object) (bool, string, error) {
	if !ComparableETags(s, d) || s.ETag == d.ETag {
		return false, "", nil
	}
	return true, "ETag " + d.ETag + " → " + s.ETag, nil
}

// DiffStats counts entries and bytes per class.
type DiffStats struct {
	Count [numClasses]int64
	Bytes [numClasses]int64
}

// Add counts one entry. The bytes of ClassExtra are the destination's.
func (st *DiffStats) Add(e Entry) {
	st.Count[e.Class]++
	if e.Class == ClassExtra {
		st.Bytes[e.Class] += e.Dst.Size
	} else {
		st.Bytes[e.Class] += e.Src.Size
	}
}

// FormatBytes renders n in binary units (KiB, MiB, …) with one decimal.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
