package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
	"github.com/s3migrate/s3migrate/transfer"
)

// sb is the one gateway this test binary runs (embedgw allows one per process).
var sb *sandbox.Sandbox

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedNone, func(s *sandbox.Sandbox) { sb = s }))
}

// pairFor makes a fresh source and destination bucket; for server-side
// copies the source also grants the destination account read access.
func pairFor(t *testing.T, mode transfer.Mode, name string) (src, dst string) {
	t.Helper()
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if mode == transfer.ModeServerSide {
		if err := sb.GrantRead(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	return src, dst
}

func needSandbox(t *testing.T) {
	t.Helper()
	sandboxtest.Need(t, sb)
}

// obj is a test object with everything a copy must carry over.
type obj struct {
	key      string
	body     []byte
	ctype    string
	cache    string
	disp     string
	encoding string
	lang     string
	expires  *time.Time
	meta     map[string]string
	tags     map[string]string
}

func put(t *testing.T, c *s3.Client, bucket string, o obj) {
	t.Helper()
	if err := putE(c, bucket, o); err != nil {
		t.Fatal(err)
	}
}

// putE uploads o; it is safe to call from any goroutine.
func putE(c *s3.Client, bucket string, o obj) error {
	ctx := context.Background()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(o.key), Body: bytes.NewReader(o.body), Metadata: o.meta, Expires: o.expires}
	setStr := func(dst **string, v string) {
		if v != "" {
			*dst = aws.String(v)
		}
	}
	setStr(&in.ContentType, o.ctype)
	setStr(&in.CacheControl, o.cache)
	setStr(&in.ContentDisposition, o.disp)
	setStr(&in.ContentEncoding, o.encoding)
	setStr(&in.ContentLanguage, o.lang)
	if len(o.tags) > 0 {
		v := url.Values{}
		for k, val := range o.tags {
			v.Set(k, val)
		}
		in.Tagging = aws.String(v.Encode())
	}
	if len(o.body) > 8<<20 {
		return putMultipart(c, o, in)
	}
	if _, err := c.PutObject(ctx, in); err != nil {
		return fmt.Errorf("put %s: %w", o.key, err)
	}
	return nil
}

// putMultipart uploads in 5 MiB parts so the source has a multipart ETag.
func putMultipart(c *s3.Client, o obj, in *s3.PutObjectInput) error {
	ctx := context.Background()
	cm, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: in.Bucket, Key: in.Key, ContentType: in.ContentType, CacheControl: in.CacheControl,
		ContentDisposition: in.ContentDisposition, ContentEncoding: in.ContentEncoding, ContentLanguage: in.ContentLanguage,
		Expires: in.Expires, Metadata: in.Metadata, Tagging: in.Tagging,
	})
	if err != nil {
		return fmt.Errorf("create upload %s: %w", o.key, err)
	}
	var parts []types.CompletedPart
	for i, n := 0, int32(1); i < len(o.body); i, n = i+5<<20, n+1 {
		end := min(i+5<<20, len(o.body))
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: in.Bucket, Key: in.Key, UploadId: cm.UploadId, PartNumber: aws.Int32(n), Body: bytes.NewReader(o.body[i:end])})
		if err != nil {
			return fmt.Errorf("upload part %s: %w", o.key, err)
		}
		parts = append(parts, types.CompletedPart{ETag: up.ETag, PartNumber: aws.Int32(n)})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, UploadId: cm.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		return fmt.Errorf("complete %s: %w", o.key, err)
	}
	return nil
}

// snapshotObject is everything observable about one stored object.
type snapshotObject struct {
	Size                                       int64
	SHA256                                     string
	ContentType, CacheControl, Disp, Enc, Lang string
	Expires                                    string
	Meta                                       map[string]string
	Tags                                       map[string]string
}

func read(t *testing.T, c *s3.Client, bucket, key string) snapshotObject {
	t.Helper()
	o, err := readE(c, bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// readE reads everything observable about an object; safe in any goroutine.
func readE(c *s3.Client, bucket, key string) (snapshotObject, error) {
	ctx := context.Background()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return snapshotObject{}, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return snapshotObject{}, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	tg, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return snapshotObject{}, fmt.Errorf("tags s3://%s/%s: %w", bucket, key, err)
	}
	tags := map[string]string{}
	for _, tag := range tg.TagSet {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	meta := map[string]string{}
	maps.Copy(meta, out.Metadata)
	return snapshotObject{
		Size: n, SHA256: fmt.Sprintf("%x", h.Sum(nil)),
		ContentType: aws.ToString(out.ContentType), CacheControl: aws.ToString(out.CacheControl),
		Disp: aws.ToString(out.ContentDisposition), Enc: aws.ToString(out.ContentEncoding), Lang: aws.ToString(out.ContentLanguage),
		Expires: aws.ToString(out.ExpiresString), Meta: meta, Tags: tags,
	}, nil
}

// keys lists every key of a bucket (under prefix) with the owner's client.
func keys(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var out []string
	for o, err := range transfer.List(context.Background(), c, transfer.Location{Bucket: bucket, Prefix: prefix}) {
		if err != nil {
			t.Fatalf("list s3://%s/%s: %v", bucket, prefix, err)
		}
		out = append(out, o.Key)
	}
	return out
}

func endpoints() transfer.Endpoints {
	return transfer.Endpoints{
		Src: sb.Client(sb.Origin), Dst: sb.Client(sb.Dest),
		SrcName: "origin", DstName: "destination", ServerSide: true,
		PolicyHint: "s3migrate policy …",
	}
}

// migrate runs one sync of src → dst with opt and returns the result.
func migrate(t *testing.T, opt transfer.Options) (*transfer.Result, *transfer.Engine, error) {
	t.Helper()
	ctx := context.Background()
	e := transfer.New(opt, endpoints())
	entries := transfer.Diff(ctx,
		transfer.List(ctx, sb.Client(sb.Origin), opt.Src),
		transfer.List(ctx, sb.Client(sb.Dest), opt.Dst),
		transfer.DiffOptions{SrcPrefix: opt.Src.Prefix, DstPrefix: opt.Dst.Prefix})
	res, err := e.Run(ctx, entries)
	return res, e, err
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>10)
	}
	return b
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
