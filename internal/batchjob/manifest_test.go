package batchjob_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/transfer"
)

func TestEncodeKeyRoundTrip(t *testing.T) {
	for _, k := range append(oddKeys, "", "+", "%", " ", "a/b/c", "\x00\x7f", "tab\there", "emoji 🚀/x") {
		enc := batchjob.EncodeKey(k)
		if strings.ContainsAny(enc, " +,\"\n\r") {
			t.Errorf("EncodeKey(%q) = %q: holds a character a manifest line cannot carry bare", k, enc)
		}
		if dec, err := batchjob.DecodeKey(enc); err != nil || dec != k {
			t.Errorf("DecodeKey(EncodeKey(%q)) = %q, %v", k, dec, err)
		}
	}
	// S3 Inventory and reports may write a space as "+".
	if dec, _ := batchjob.DecodeKey("a+b%2Bc"); dec != "a b+c" {
		t.Errorf(`DecodeKey("a+b%%2Bc") = %q`, dec)
	}
}

func TestCheckMapping(t *testing.T) {
	for _, c := range []struct{ src, dst, want string }{
		{"", "", ""},
		{"x/", "x/", ""},
		{"", "copied/", "copied/"},
		{"photos/", "archive/photos/", "archive/"},
		{"a/b/", "2024/a/b/", "2024/"},
		{"photos/", "archive-photos/", "archive-"}, // prepending need not end at a "/"
	} {
		got, err := batchjob.CheckMapping(c.src, c.dst)
		if err != nil || got != c.want {
			t.Errorf("CheckMapping(%q, %q) = %q, %v; want %q", c.src, c.dst, got, err, c.want)
		}
	}
	for _, c := range []struct{ src, dst string }{
		{"photos/", ""},          // would strip the prefix
		{"photos/", "pictures/"}, // would rename it
		{"a/b/", "a/"},
		{"photos/", "photos/2024/"},
	} {
		_, err := batchjob.CheckMapping(c.src, c.dst)
		if err == nil || !strings.Contains(err.Error(), "only prepends") || !strings.Contains(err.Error(), "--engine local") {
			t.Errorf("CheckMapping(%q, %q): %v, want a refusal with the reason", c.src, c.dst, err)
		}
	}
}

func TestItemsFromPlan(t *testing.T) {
	entries := func(yield func(transfer.Entry, error) bool) {
		for _, e := range []transfer.Entry{
			{Rel: "new", Class: transfer.ClassNew, Src: transfer.Object{Key: "p/new", Size: 1}},
			{Rel: "same", Class: transfer.ClassIdentical, Src: transfer.Object{Key: "p/same", Size: 2}},
			{Rel: "changed", Class: transfer.ClassChanged, Src: transfer.Object{Key: "p/changed", Size: 3}},
			{Rel: "extra", Class: transfer.ClassExtra, Dst: transfer.Object{Key: "q/extra", Size: 4}},
		} {
			if !yield(e, nil) {
				return
			}
		}
		yield(transfer.Entry{}, errors.New("listing broke"))
	}
	var got []string
	var errs int
	for it, err := range batchjob.ItemsFromPlan(transfer.Location{Bucket: "b", Prefix: "p/"}, entries) {
		if err != nil {
			errs++
			continue
		}
		got = append(got, fmt.Sprintf("%s/%s:%d", it.Bucket, it.Key, it.Size))
	}
	if strings.Join(got, " ") != "b/p/new:1 b/p/changed:3" || errs != 1 {
		t.Errorf("items %v, %d errors", got, errs)
	}
}

// TestManifestRefusals: nothing is dropped or written unnoticed.
func TestManifestRefusals(t *testing.T) {
	c := dest(t)
	_, dst := pair(t, nil)
	ctx := context.Background()
	one := func(it batchjob.Item) iter.Seq2[batchjob.Item, error] {
		return func(yield func(batchjob.Item, error) bool) { yield(it, nil) }
	}
	// Above the limit without a taker: an error naming the object.
	_, err := c.WriteManifest(ctx, dst, "m.csv", one(batchjob.Item{Bucket: "src", Key: "huge.iso", Size: batchjob.CopyLimit + 1}), batchjob.ManifestOptions{})
	if err == nil || !strings.Contains(err.Error(), "s3://src/huge.iso") || !strings.Contains(err.Error(), "local engine") {
		t.Errorf("oversize without Oversize: %v", err)
	}
	// Versions asked for, an item without one.
	_, err = c.WriteManifest(ctx, dst, "m.csv", one(batchjob.Item{Bucket: "src", Key: "k"}), batchjob.ManifestOptions{Versions: true})
	if err == nil || !strings.Contains(err.Error(), "no version id") {
		t.Errorf("missing version id: %v", err)
	}
	// The plan's own error stops the write.
	broken := func(yield func(batchjob.Item, error) bool) { yield(batchjob.Item{}, errors.New("journal read failed")) }
	if _, err = c.WriteManifest(ctx, dst, "m.csv", broken, batchjob.ManifestOptions{}); err == nil || !strings.Contains(err.Error(), "journal read failed") {
		t.Errorf("plan error: %v", err)
	}
	// None of these wrote anything.
	if _, err := sb.Client(sb.Dest).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("m.csv")}); err == nil {
		t.Error("a refused manifest was uploaded")
	}
	// Everything above the limit: nothing to upload, Count 0.
	ref, err := c.WriteManifest(ctx, dst, "m.csv", one(batchjob.Item{Bucket: "src", Key: "big", Size: 10}),
		batchjob.ManifestOptions{Limit: 5, Oversize: func(batchjob.Item) error { return nil }})
	if err != nil || ref.Count != 0 || ref.Oversize != 1 || ref.ETag != "" {
		t.Errorf("all oversize: %+v, %v", ref, err)
	}
	// A missing manifest bucket: the operation, the place, the identity and
	// a hint.
	_, err = c.WriteManifest(ctx, "no-such-bucket-"+strings.ToLower(t.Name()), "m.csv", one(batchjob.Item{Bucket: "src", Key: "k"}), batchjob.ManifestOptions{})
	oe := opError(t, err)
	if s3err.Code(err) != "NoSuchBucket" || !strings.Contains(oe.Hint, "--batch-bucket") || oe.Identity != "profile sandbox-dest" || !strings.Contains(oe.URL, "/m.csv") {
		t.Errorf("missing bucket: %v", err)
	}
}

// TestManifestMultipart: a manifest larger than the part size goes up in
// parts; the object holds exactly the lines, and its ETag is the one the
// job is given.
func TestManifestMultipart(t *testing.T) {
	c := dest(t)
	_, dst := pair(t, nil)
	ctx := context.Background()
	const n = 120_000 // ~8 MB of lines: parts of 5 MiB
	var want strings.Builder
	seq := func(yield func(batchjob.Item, error) bool) {
		for i := 0; i < n; i++ {
			k := fmt.Sprintf("deep/folder/name %07d ü+%%.dat", i)
			if !yield(batchjob.Item{Bucket: "source-bucket", Key: k, Size: int64(i)}, nil) {
				return
			}
		}
	}
	for it := range seq {
		want.WriteString("source-bucket," + batchjob.EncodeKey(it.Key) + "\n")
	}
	ref, err := c.WriteManifest(ctx, dst, "big/manifest.csv", func(yield func(batchjob.Item, error) bool) {
		for it := range seq {
			if !yield(it, nil) {
				return
			}
		}
	}, batchjob.ManifestOptions{PartSize: 5 << 20, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if ref.Count != n || ref.Size != int64(want.Len()) || ref.Bytes != int64(n)*(n-1)/2 {
		t.Errorf("ref %+v, want %d objects in %d bytes", ref, n, want.Len())
	}
	parts := (want.Len() + 5<<20 - 1) / (5 << 20)
	if parts < 2 || !strings.HasSuffix(ref.ETag, fmt.Sprintf("-%d", parts)) {
		t.Errorf("ETag %q of %d bytes: want a multipart ETag of %d parts", ref.ETag, want.Len(), parts)
	}
	if got := string(getBytes(t, sb.Client(sb.Dest), dst, "big/manifest.csv")); got != want.String() {
		t.Errorf("the uploaded manifest differs (%d bytes, want %d)", len(got), want.Len())
	}
	h, err := sb.Client(sb.Dest).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("big/manifest.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Trim(aws.ToString(h.ETag), `"`) != ref.ETag {
		t.Errorf("HEAD ETag %s, ref %s", aws.ToString(h.ETag), ref.ETag)
	}
}
