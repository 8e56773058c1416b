// Package keyspace is the synthetic bucket pair of the 10-million-key plan
// benchmark (bench/plan.sh): a source and a destination bucket whose objects
// are pure functions of their index, generated in S3's key order, so a
// listing server can serve any number of keys without holding them, and the
// benchmark can say exactly what the diff must find.
//
// Key i is "data/d%05d/object-%09d.bin" (i/1000, i): both numbers are
// zero-padded and grow with i, so the keys are byte-sorted in index order.
// Every key is in the source. The destination holds the same keys except for
// a few percent of differences, each drawn from a hash of (seed, i):
//
//	missing   the key is not in the destination          → new
//	size      the destination has another size            → changed (no request)
//	etag      same size, another MD5-looking ETag         → changed after a HEAD of each side
//	extra     the destination also has key(i)+".old"      → extra (only in the destination)
//
// key(i)+".old" sorts after key(i) and before key(i+1) (it extends key(i),
// and key(i+1) differs from key(i) within key(i)'s length), so the
// destination stays byte-sorted with the extras interleaved.
package keyspace

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Rates are differences per 10,000 keys (basis points).
type Rates struct {
	Missing, Size, ETag, Extra int
}

// DefaultRates: 1% new, 1% changed by size, 0.2% changed by ETag (each
// costs two HEAD requests in the diff), 0.5% extra.
var DefaultRates = Rates{Missing: 100, Size: 100, ETag: 20, Extra: 50}

// Space is one synthetic bucket pair of N keys.
type Space struct {
	N     int64
	Seed  uint64
	Rates Rates
}

// ExtraSuffix turns key(i) into its extra destination key.
const ExtraSuffix = ".old"

// Modified is every object's LastModified.
var Modified = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Kind is what the destination has of key i.
type Kind uint8

// The kinds of key i.
const (
	Identical Kind = iota
	Missing
	SizeChanged
	ETagChanged
)

// AppendKey appends key i to b.
func AppendKey(b []byte, i int64) []byte {
	b = append(b, "data/d"...)
	b = appendPadded(b, i/1000, 5)
	b = append(b, "/object-"...)
	b = appendPadded(b, i, 9)
	return append(b, ".bin"...)
}

// Key returns key i.
func Key(i int64) string { return string(AppendKey(make([]byte, 0, 40), i)) }

// KeyLen is the length of every key (the extras are len(ExtraSuffix) longer).
var KeyLen = len(Key(0))

func appendPadded(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for n := len(s); n < width; n++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Index parses a key of this space: its index and whether it is an extra.
func Index(key string) (i int64, extra, ok bool) {
	k, extra := strings.CutSuffix(key, ExtraSuffix)
	if len(k) != KeyLen || !strings.HasPrefix(k, "data/d") {
		return 0, false, false
	}
	i, err := strconv.ParseInt(k[len(k)-13:len(k)-4], 10, 64)
	if err != nil || Key(i) != k {
		return 0, false, false
	}
	return i, extra, true
}

// mix is splitmix64's finalizer: a cheap, well-spread hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (s Space) hash(i int64, salt uint64) uint64 {
	return mix(s.Seed ^ mix(uint64(i)^salt<<56))
}

// Kind says what the destination has of key i.
func (s Space) Kind(i int64) Kind {
	r := int(s.hash(i, 1) % 10000)
	switch {
	case r < s.Rates.Missing:
		return Missing
	case r < s.Rates.Missing+s.Rates.Size:
		return SizeChanged
	case r < s.Rates.Missing+s.Rates.Size+s.Rates.ETag:
		return ETagChanged
	}
	return Identical
}

// HasExtra says whether the destination also has key(i)+ExtraSuffix.
func (s Space) HasExtra(i int64) bool { return int(s.hash(i, 2)%10000) < s.Rates.Extra }

// Object is one synthetic object's listing facts.
type Object struct {
	Size int64
	ETag string // 32 hex digits, no quotes
}

func (s Space) object(i int64, salt uint64) Object {
	h1, h2 := s.hash(i, salt), s.hash(i, salt+1)
	var raw [16]byte
	for k := range 8 {
		raw[k], raw[8+k] = byte(h1>>(8*k)), byte(h2>>(8*k))
	}
	return Object{Size: int64(h1 % (1 << 20)), ETag: hex.EncodeToString(raw[:])}
}

// Src is the source object i.
func (s Space) Src(i int64) Object { return s.object(i, 10) }

// Dst is the destination object i, if the destination has key i.
func (s Space) Dst(i int64) (Object, bool) {
	o := s.Src(i)
	switch s.Kind(i) {
	case Missing:
		return Object{}, false
	case SizeChanged:
		o.Size++
	case ETagChanged:
		o.ETag = s.object(i, 20).ETag
	}
	return o, true
}

// Extra is the destination's extra object after key i.
func (s Space) Extra(i int64) Object { return s.object(i, 30) }

// Counts are what a diff of the pair must find.
type Counts struct {
	New, Changed, Identical, Extra int64
	HeadPairs                      int64 // keys whose ETags differ at the same size
}

// Planned is the number of plan rows.
func (c Counts) Planned() int64 { return c.New + c.Changed + c.Identical + c.Extra }

// Expected counts the differences of the whole space.
func (s Space) Expected() Counts {
	var c Counts
	for i := range s.N {
		switch s.Kind(i) {
		case Missing:
			c.New++
		case SizeChanged:
			c.Changed++
		case ETagChanged:
			c.Changed++
			c.HeadPairs++
		default:
			c.Identical++
		}
		if s.HasExtra(i) {
			c.Extra++
		}
	}
	return c
}
