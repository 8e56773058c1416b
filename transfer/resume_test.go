package transfer_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3migrate/s3migrate/transfer"
)

// memRecorder is a Recorder that keeps everything in memory, standing in
// for the journal of an earlier run.
type memRecorder struct {
	mu       sync.Mutex
	planned  []string
	finished map[string]error
	uploads  map[string]transfer.Upload
	ended    []string
}

func newMemRecorder() *memRecorder {
	return &memRecorder{finished: map[string]error{}, uploads: map[string]transfer.Upload{}}
}

func (m *memRecorder) Planned(e transfer.Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.planned = append(m.planned, e.Rel+":"+e.Class.String())
}

func (m *memRecorder) Finished(e transfer.Entry, strategy string, attempts int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished[e.Rel] = err
}

func (m *memRecorder) UploadStarted(rel, id, etag string, partSize int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.uploads[rel] = transfer.Upload{ID: id, SrcETag: etag, PartSize: partSize, Parts: map[int32]string{}}
}

func (m *memRecorder) PartDone(rel string, n int32, etag string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if u, ok := m.uploads[rel]; ok {
		u.Parts[n] = etag
	}
}

func (m *memRecorder) UploadEnded(rel string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.uploads, rel)
	m.ended = append(m.ended, rel)
}

func (m *memRecorder) Upload(rel string) (transfer.Upload, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.uploads[rel]
	if ok {
		parts := map[int32]string{}
		for k, v := range u.Parts {
			parts[k] = v
		}
		u.Parts = parts
	}
	return u, ok
}

// countingClient is the destination client with a count of calls per
// operation, to see which requests a run really made.
func countingClient(counts *sync.Map) *s3.Client {
	count := middleware.InitializeMiddlewareFunc("count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		v, _ := counts.LoadOrStore(middleware.GetOperationName(ctx), new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
		return next.HandleInitialize(ctx, in)
	})
	return s3.New(sb.Client(sb.Dest).Options(), func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error { return st.Initialize.Add(count, middleware.Before) })
	})
}

func countOf(counts *sync.Map, op string) int64 {
	if v, ok := counts.Load(op); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// TestMultipartResumesFromRecordedParts: an upload left by a killed run, with
// two of four parts done, is continued — only the missing parts are copied —
// and an upload recorded for a source that has since changed is aborted.
func TestMultipartResumesFromRecordedParts(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "resume-mp")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	big := obj{key: "big.bin", body: pattern(20<<20, 7), ctype: "application/x-test", meta: map[string]string{"k": "v"}, tags: map[string]string{"t": "1"}}
	put(t, origin, src, big)
	stale := obj{key: "stale.bin", body: pattern(11<<20, 8)}
	put(t, origin, src, stale)
	head, err := origin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(src), Key: aws.String(big.key)})
	if err != nil {
		t.Fatal(err)
	}
	etag := strings.Trim(aws.ToString(head.ETag), `"`)

	// The "killed run": an upload with parts 1 and 3 of 4 done.
	const partSize = 5 << 20
	rec := newMemRecorder()
	cm, err := dest.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(dst), Key: aws.String(big.key), ContentType: aws.String(big.ctype), Metadata: big.meta, Tagging: aws.String("t=1")})
	if err != nil {
		t.Fatal(err)
	}
	rec.UploadStarted(big.key, aws.ToString(cm.UploadId), etag, partSize)
	for _, n := range []int32{1, 3} {
		first := int64(n-1) * partSize
		out, err := dest.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(dst), Key: aws.String(big.key), UploadId: cm.UploadId, PartNumber: aws.Int32(n),
			CopySource: aws.String(src + "/" + big.key), CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", first, first+partSize-1))})
		if err != nil {
			t.Fatal(err)
		}
		rec.PartDone(big.key, n, aws.ToString(out.CopyPartResult.ETag))
	}
	// A leftover upload for an object whose source has changed since.
	old, err := dest.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(dst), Key: aws.String(stale.key)})
	if err != nil {
		t.Fatal(err)
	}
	rec.UploadStarted(stale.key, aws.ToString(old.UploadId), "an-older-etag", partSize)
	// And an upload the journal never heard of (killed before it was
	// recorded), for an object copied in this run.
	orphan := obj{key: "orphan.bin", body: pattern(9<<20, 9)}
	put(t, origin, src, orphan)
	if _, err := dest.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(dst), Key: aws.String(orphan.key)}); err != nil {
		t.Fatal(err)
	}

	var counts sync.Map
	ep := endpoints()
	ep.Dst = countingClient(&counts)
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: transfer.ModeServerSide, MultipartThreshold: 8 << 20, PartSize: partSize, Recorder: rec}
	res, err := transfer.New(opt, ep).Run(ctx, transfer.Diff(ctx, transfer.List(ctx, origin, opt.Src), transfer.List(ctx, dest, opt.Dst), transfer.DiffOptions{}))
	if err != nil || res.Copied != 3 || len(res.Failures) != 0 {
		t.Fatalf("resume: copied %v, err %v", res, err)
	}
	// big: parts 2 and 4; stale: 3 parts (11 MiB) in a new upload; orphan: 2.
	if got := countOf(&counts, "UploadPartCopy"); got != 2+3+2 {
		t.Errorf("UploadPartCopy calls %d, want 7 (two resumed parts skipped)", got)
	}
	if got := countOf(&counts, "CreateMultipartUpload"); got != 2 {
		t.Errorf("CreateMultipartUpload calls %d, want 2 (the stale and the orphan object)", got)
	}
	if got := countOf(&counts, "AbortMultipartUpload"); got != 2 {
		t.Errorf("AbortMultipartUpload calls %d, want 2 (the stale upload and the unrecorded one)", got)
	}
	for _, o := range []obj{big, stale, orphan} {
		if a, b := read(t, origin, src, o.key), read(t, dest, dst, o.key); a.SHA256 != b.SHA256 || a.Size != b.Size {
			t.Errorf("%s differs after resume", o.key)
		}
	}
	ups, err := dest.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(dst)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups.Uploads) != 0 {
		t.Errorf("%d multipart uploads left behind", len(ups.Uploads))
	}
	if len(rec.uploads) != 0 || rec.finished[big.key] != nil || len(rec.planned) != 3 {
		t.Errorf("recorder: uploads %v, finished %v, planned %v", rec.uploads, rec.finished, rec.planned)
	}
}

// TestGoneUploadStartsAnew: a recorded upload that no longer exists on the
// server (aborted elsewhere, or expired) does not fail the object: the copy
// starts a new upload. And every abort leaves the upload gone (checked with
// ListParts, as S3 asks).
func TestGoneUploadStartsAnew(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "resume-gone")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	big := obj{key: "big.bin", body: pattern(12<<20, 3)}
	put(t, origin, src, big)
	head, err := origin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(src), Key: aws.String(big.key)})
	if err != nil {
		t.Fatal(err)
	}
	const partSize = 5 << 20
	rec := newMemRecorder()
	cm, err := dest.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(dst), Key: aws.String(big.key)})
	if err != nil {
		t.Fatal(err)
	}
	rec.UploadStarted(big.key, aws.ToString(cm.UploadId), strings.Trim(aws.ToString(head.ETag), `"`), partSize)
	// Gone before the resumed run: aborted by someone else.
	if err := transfer.AbortUpload(ctx, dest, dst, big.key, aws.ToString(cm.UploadId)); err != nil {
		t.Fatalf("AbortUpload: %v", err)
	}
	if _, err := dest.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(dst), Key: aws.String(big.key), UploadId: cm.UploadId}); transfer.ErrorCode(err) != "NoSuchUpload" {
		t.Fatalf("after AbortUpload, ListParts: %v, want NoSuchUpload", err)
	}
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: transfer.ModeServerSide, MultipartThreshold: 8 << 20, PartSize: partSize, Recorder: rec}
	res, err := transfer.New(opt, endpoints()).Run(ctx, transfer.Diff(ctx, transfer.List(ctx, origin, opt.Src), transfer.List(ctx, dest, opt.Dst), transfer.DiffOptions{}))
	if err != nil || res.Copied != 1 || len(res.Failures) != 0 {
		t.Fatalf("copy over a gone upload: %+v, %v", res, err)
	}
	if a, b := read(t, origin, src, big.key), read(t, dest, dst, big.key); a.SHA256 != b.SHA256 {
		t.Error("the object differs")
	}
	if ups, err := dest.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(dst)}); err != nil || len(ups.Uploads) != 0 {
		t.Errorf("uploads left: %v, %v", ups, err)
	}
}
