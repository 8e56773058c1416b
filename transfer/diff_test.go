package transfer_test

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

func seq(objs ...transfer.Object) iter.Seq2[transfer.Object, error] {
	return func(yield func(transfer.Object, error) bool) {
		for _, o := range objs {
			if !yield(o, nil) {
				return
			}
		}
	}
}

func o(key string, size int64, etag string) transfer.Object {
	return transfer.Object{Key: key, Size: size, ETag: etag, LastModified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

type line struct {
	rel   string
	class transfer.Class
}

func runDiff(t *testing.T, src, dst iter.Seq2[transfer.Object, error], opt transfer.DiffOptions) ([]line, transfer.DiffStats) {
	t.Helper()
	var got []line
	var st transfer.DiffStats
	for e, err := range transfer.Diff(context.Background(), src, dst, opt) {
		if err != nil {
			t.Fatalf("diff: %v", err)
		}
		got = append(got, line{e.Rel, e.Class})
		st.Add(e)
	}
	return got, st
}

func TestDiffMergesClassesAndMapsPrefixes(t *testing.T) {
	src := seq(o("x/a", 1, "e1"), o("x/b", 2, "e2"), o("x/c", 3, "e3"), o("x/e", 5, "e5"))
	dst := seq(o("y/b", 2, "e2"), o("y/c", 4, "e3"), o("y/d", 9, "e9"), o("y/e", 5, "zz"))
	got, st := runDiff(t, src, dst, transfer.DiffOptions{SrcPrefix: "x/", DstPrefix: "y/"})
	want := []line{{"a", transfer.ClassNew}, {"b", transfer.ClassIdentical}, {"c", transfer.ClassChanged}, {"d", transfer.ClassExtra}, {"e", transfer.ClassChanged}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if st.Count[transfer.ClassChanged] != 2 || st.Bytes[transfer.ClassExtra] != 9 || st.Bytes[transfer.ClassNew] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestDiffCompareModes(t *testing.T) {
	older := o("k", 10, "aaa")
	newer := o("k", 10, "bbb")
	newer.LastModified = older.LastModified.Add(time.Hour)
	cases := []struct {
		name     string
		mode     transfer.CompareMode
		src, dst transfer.Object
		want     transfer.Class
		reason   string
	}{
		{"etag differs", transfer.CompareSizeETag, o("k", 10, "aaa"), o("k", 10, "bbb"), transfer.ClassChanged, "ETag"},
		{"size differs", transfer.CompareSizeETag, o("k", 10, "aaa"), o("k", 11, "aaa"), transfer.ClassChanged, "size"},
		{"multipart vs single: size only", transfer.CompareSizeETag, o("k", 10, "aaa-3"), o("k", 10, "bbb"), transfer.ClassIdentical, ""},
		{"multipart different part count", transfer.CompareSizeETag, o("k", 10, "aaa-3"), o("k", 10, "bbb-2"), transfer.ClassIdentical, ""},
		{"multipart same part count", transfer.CompareSizeETag, o("k", 10, "aaa-3"), o("k", 10, "bbb-3"), transfer.ClassChanged, "ETag"},
		{"size mode ignores etag", transfer.CompareSize, o("k", 10, "aaa"), o("k", 10, "bbb"), transfer.ClassIdentical, ""},
		{"mtime: source newer", transfer.CompareSizeMtime, newer, older, transfer.ClassChanged, "modified"},
		{"mtime: source older", transfer.CompareSizeMtime, older, newer, transfer.ClassIdentical, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got transfer.Entry
			for e, err := range transfer.Diff(context.Background(), seq(c.src), seq(c.dst), transfer.DiffOptions{Mode: c.mode}) {
				if err != nil {
					t.Fatal(err)
				}
				got = e
			}
			if got.Class != c.want || !strings.Contains(got.Reason, c.reason) {
				t.Errorf("class %v reason %q, want %v with %q", got.Class, got.Reason, c.want, c.reason)
			}
		})
	}
}

type fakeSums map[string][2]string

func (f fakeSums) Checksum(_ context.Context, key string) (string, string, error) {
	v := f[key]
	return v[0], v[1], nil
}

func TestDiffChecksumMode(t *testing.T) {
	src := seq(o("a", 5, "x-2"), o("b", 5, "y-2"), o("c", 5, "m1"))
	dst := seq(o("a", 5, "p"), o("b", 5, "q"), o("c", 5, "m2"))
	srcSums := fakeSums{"a": {"CRC32", "AAA"}, "b": {"CRC32", "BBB"}, "c": {"", ""}}
	dstSums := fakeSums{"a": {"CRC32", "AAA"}, "b": {"CRC32", "XXX"}, "c": {"", ""}}
	got, _ := runDiff(t, src, dst, transfer.DiffOptions{Mode: transfer.CompareChecksum, SrcSums: srcSums, DstSums: dstSums})
	want := []transfer.Class{transfer.ClassIdentical, transfer.ClassChanged, transfer.ClassChanged}
	for i, w := range want {
		if got[i].class != w {
			t.Errorf("%s: %v, want %v (no checksum falls back to ETag)", got[i].rel, got[i].class, w)
		}
	}
}

func TestDiffStopsOnErrorAndDisorder(t *testing.T) {
	boom := errors.New("boom")
	failing := func(yield func(transfer.Object, error) bool) {
		if yield(o("a", 1, ""), nil) {
			yield(transfer.Object{}, boom)
		}
	}
	var sawErr error
	for _, err := range transfer.Diff(context.Background(), failing, seq(), transfer.DiffOptions{}) {
		if err != nil {
			sawErr = err
		}
	}
	if !errors.Is(sawErr, boom) {
		t.Errorf("listing error not passed on: %v", sawErr)
	}
	sawErr = nil
	for _, err := range transfer.Diff(context.Background(), seq(o("b", 1, ""), o("a", 1, "")), seq(), transfer.DiffOptions{}) {
		if err != nil {
			sawErr = err
		}
	}
	if sawErr == nil || !strings.Contains(sawErr.Error(), "not in key order") {
		t.Errorf("unsorted listing not detected: %v", sawErr)
	}
}

// TestDiffMemoryIsConstant streams a million keys per side through the diff
// and measures the live heap half-way: retaining the keys would cost well
// over 100 MB; a streaming merge holds a few objects.
func TestDiffMemoryIsConstant(t *testing.T) {
	gen := func(n int, prefix string) iter.Seq2[transfer.Object, error] {
		return func(yield func(transfer.Object, error) bool) {
			for i := 0; i < n; i++ {
				if !yield(o(prefix+keyOf(i)+strings.Repeat("k", 60), int64(i%100), ""), nil) {
					return
				}
			}
		}
	}
	const n = 1_000_000
	var st transfer.DiffStats
	var before, mid runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for e, err := range transfer.Diff(context.Background(), gen(n, "s/"), gen(n, "d/"), transfer.DiffOptions{SrcPrefix: "s/", DstPrefix: "d/"}) {
		if err != nil {
			t.Fatal(err)
		}
		st.Add(e)
		if st.Count[transfer.ClassIdentical] == n/2 {
			runtime.GC()
			runtime.ReadMemStats(&mid)
		}
	}
	if st.Count[transfer.ClassIdentical] != n {
		t.Fatalf("identical %d, want %d", st.Count[transfer.ClassIdentical], n)
	}
	if grown := int64(mid.HeapAlloc) - int64(before.HeapAlloc); grown > 8<<20 {
		t.Errorf("live heap grew by %d MiB half-way through %d keys: the diff retains keys", grown>>20, n)
	}
}

func keyOf(i int) string {
	const digits = "0123456789"
	b := make([]byte, 8)
	for j := 7; j >= 0; j-- {
		b[j] = digits[i%10]
		i /= 10
	}
	return string(b)
}
