package transfer_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/transfer"
)

// Responses recorded from AWS S3 (headers trimmed to the ones that matter;
// request ids and dates replaced). An SSE-KMS object's ETag is not the MD5 of
// its bytes, nor is an SSE-C object's; a multipart ETag never is.
var recordedHeads = map[string]map[string]string{
	// PutObject with x-amz-server-side-encryption: aws:kms, 11 bytes "hello world".
	"kms.txt": {
		"ETag":                         `"2bd3f0b1d7c4c4a9c7a3e6c1e57a7d34"`,
		"Content-Length":               "11",
		"x-amz-server-side-encryption": "aws:kms",
		"x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"x-amz-checksum-crc32":                        "DUoRhQ==",
		"x-amz-checksum-type":                         "FULL_OBJECT",
	},
	// PutObject with SSE-C (HEAD sent with the customer key headers).
	"ssec.txt": {
		"ETag":           `"9b2cf535f27731c974343645a3985328"`,
		"Content-Length": "11",
		"x-amz-server-side-encryption-customer-algorithm": "AES256",
		"x-amz-server-side-encryption-customer-key-MD5":   "ZjQrne1X/iTcskbY2m3example==",
	},
	// A three-part upload with SSE-S3.
	"multipart.bin": {
		"ETag":                         `"d41d8cd98f00b204e9800998ecf8427e-3"`,
		"Content-Length":               "15728640",
		"x-amz-server-side-encryption": "AES256",
	},
	// PutObject, default encryption SSE-S3: the ETag is the MD5 of "hello world".
	"sse-s3.txt": {
		"ETag":                         `"5eb63bbbe01eeed093cb22bb8f5acdc3"`,
		"Content-Length":               "11",
		"x-amz-server-side-encryption": "AES256",
		"x-amz-checksum-crc64nvme":     "jSnVw/bqjr4=",
		"x-amz-checksum-type":          "FULL_OBJECT",
	},
}

// fakeS3 answers HEAD and CopyObject with recorded AWS responses.
type fakeS3 struct {
	mu       sync.Mutex
	heads    map[string]map[string]string // by key
	copyHdr  map[string]string            // response headers of CopyObject
	copyBody string                       // response body of CopyObject
	copyReq  http.Header                  // the last CopyObject request's headers
	headsN   int
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.URL.Path[strings.Index(r.URL.Path[1:], "/")+2:]
	switch {
	case r.Method == http.MethodHead:
		h, ok := f.heads[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		f.headsN++
		for k, v := range h {
			w.Header().Set(k, v)
		}
		w.Header().Set("Last-Modified", "Wed, 01 Jan 2025 00:00:00 GMT")
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodPut && r.Header.Get("x-amz-copy-source") != "":
		f.copyReq = r.Header.Clone()
		for k, v := range f.copyHdr {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(f.copyBody))
	default:
		w.WriteHeader(http.StatusNotImplemented)
	}
}

func fakeClient(t *testing.T, h http.Handler) *s3.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return s3.New(s3.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
	})
}

func TestETagRuleOnRecordedResponses(t *testing.T) {
	c := fakeClient(t, &fakeS3{heads: recordedHeads})
	head := func(key string) transfer.Object {
		h, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("b"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("head %s: %v", key, err)
		}
		return transfer.ObjectFromHead(key, h)
	}
	kms, ssec, mp, plain := head("kms.txt"), head("ssec.txt"), head("multipart.bin"), head("sse-s3.txt")
	for _, c := range []struct {
		o    transfer.Object
		want bool
	}{{kms, false}, {ssec, false}, {mp, false}, {plain, true}} {
		if got := transfer.ETagIsMD5(c.o); got != c.want {
			t.Errorf("ETagIsMD5(%s: SSE %q, SSE-C %v, ETag %s) = %v, want %v", c.o.Key, c.o.SSE, c.o.SSECustomer, c.o.ETag, got, c.want)
		}
	}
	if kms.ChecksumAlgorithm != "CRC32" || plain.ChecksumAlgorithm != "CRC64NVME" {
		t.Errorf("stored checksum algorithms %q, %q; want CRC32, CRC64NVME", kms.ChecksumAlgorithm, plain.ChecksumAlgorithm)
	}
	// A plain copy of "hello world" has the MD5 ETag; the KMS original does not.
	listed := transfer.Object{Key: "copy.txt", Size: 11, ETag: "5eb63bbbe01eeed093cb22bb8f5acdc3"}
	for _, c := range []struct {
		name string
		a, b transfer.Object
		want bool
	}{
		{"plain vs listed", plain, listed, true},
		{"kms vs listed", kms, listed, false},
		{"listed vs ssec", listed, ssec, false},
		{"listed vs listed (encryption unknown)", listed, listed, true},
		{"multipart vs single", mp, listed, false},
		{"multipart, same count", mp, transfer.Object{ETag: "0123-3"}, true},
		{"multipart, same count, one KMS", mp, transfer.Object{ETag: "0123-3", SSE: "aws:kms"}, false},
		{"DSSE-KMS", transfer.Object{ETag: listed.ETag, SSE: "aws:kms:dsse"}, listed, false},
	} {
		if got := transfer.ComparableETags(c.a, c.b); got != c.want {
			t.Errorf("%s: ComparableETags = %v, want %v", c.name, got, c.want)
		}
		if transfer.ETagsDiffer(c.a, c.b) && !c.want {
			t.Errorf("%s: ETagsDiffer on ETags that cannot be compared", c.name)
		}
	}
}

// TestDiffDoesNotCompareKMSETags: a destination known to be SSE-KMS (its
// bucket default) is compared by size, never by ETag.
func TestDiffDoesNotCompareKMSETags(t *testing.T) {
	src := transfer.Object{Key: "a", Size: 11, ETag: "5eb63bbbe01eeed093cb22bb8f5acdc3"}
	dst := transfer.Object{Key: "a", Size: 11, ETag: "2bd3f0b1d7c4c4a9c7a3e6c1e57a7d34"}
	run := func(opt transfer.DiffOptions) transfer.Entry {
		var out []transfer.Entry
		for e, err := range transfer.Diff(context.Background(), seq(src), seq(dst), opt) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		if len(out) != 1 {
			t.Fatalf("%d entries", len(out))
		}
		return out[0]
	}
	if e := run(transfer.DiffOptions{}); e.Class != transfer.ClassChanged {
		t.Errorf("encryption unknown, MD5-looking ETags differ: %v, want changed", e.Class)
	}
	if e := run(transfer.DiffOptions{DstSSE: "aws:kms"}); e.Class != transfer.ClassIdentical {
		t.Errorf("SSE-KMS destination: %v (%s), want identical", e.Class, e.Reason)
	}
	src.SSECustomer = true
	if e := run(transfer.DiffOptions{}); e.Class != transfer.ClassIdentical {
		t.Errorf("SSE-C source: %v (%s), want identical", e.Class, e.Reason)
	}
}

// TestDiffRecognisesItsOwnCopies: on a destination that encrypts with KMS
// by default every copy's ETag differs from the source's MD5, and the
// listing does not say why. A key the journal recalls as copied from this
// very source version, with the destination still holding what the copy
// wrote, is identical with no request; a source that changed since, or a
// destination object replaced since, is not taken on trust.
func TestDiffRecognisesItsOwnCopies(t *testing.T) {
	src := transfer.Object{Key: "a", Size: 11, ETag: "5eb63bbbe01eeed093cb22bb8f5acdc3"}
	dst := transfer.Object{Key: "a", Size: 11, ETag: "2bd3f0b1d7c4c4a9c7a3e6c1e57a7d34"}
	heads := &countingHeads{}
	run := func(log copyLog, s, d transfer.Object) (transfer.Entry, int) {
		heads.n = 0
		var out []transfer.Entry
		opt := transfer.DiffOptions{Copies: log, SrcHeads: heads, DstHeads: heads}
		for e, err := range transfer.Diff(context.Background(), seq(s), seq(d), opt) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		if len(out) != 1 {
			t.Fatalf("%d entries", len(out))
		}
		return out[0], heads.n
	}
	copied := copyLog{"a": {size: 11, src: src.ETag, dst: dst.ETag}}
	if e, n := run(copied, src, dst); e.Class != transfer.ClassIdentical || n != 0 {
		t.Errorf("own copy: %v (%s) after %d HEADs, want identical after none", e.Class, e.Reason, n)
	}
	changedSrc := src
	changedSrc.ETag = "0123456789abcdef0123456789abcdef"
	if _, n := run(copied, changedSrc, dst); n == 0 {
		t.Error("a source changed since the copy was taken on trust (no HEAD)")
	}
	replaced := dst
	replaced.ETag = "fedcba9876543210fedcba9876543210"
	if _, n := run(copied, src, replaced); n == 0 {
		t.Error("a destination replaced since the copy was taken on trust (no HEAD)")
	}
	if _, n := run(copyLog{}, src, dst); n == 0 {
		t.Error("a key never copied was taken on trust (no HEAD)")
	}
}

type copyLog map[string]struct {
	size     int64
	src, dst string
}

func (l copyLog) Copied(rel string) (int64, string, string, bool) {
	c, ok := l[rel]
	return c.size, c.src, c.dst, ok
}

// countingHeads counts HEADs; its answers say nothing (the tests only
// ask whether one was sent).
type countingHeads struct{ n int }

func (h *countingHeads) Head(_ context.Context, key string) (transfer.Object, error) {
	h.n++
	return transfer.Object{Key: key}, nil
}

const copyResultKMS = `<?xml version="1.0" encoding="UTF-8"?>
<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>&quot;2bd3f0b1d7c4c4a9c7a3e6c1e57a7d34&quot;</ETag>%s</CopyObjectResult>`

// TestServerCopyCheckKnowsEncryption runs the engine's server-side copy
// against recorded AWS CopyObject and HeadObject responses: an ETag that
// cannot be an MD5 never fails a copy; a stored checksum of the source is
// compared with the one S3 computed for the copy; two plain MD5s that
// differ do fail it.
func TestServerCopyCheckKnowsEncryption(t *testing.T) {
	hello := "5eb63bbbe01eeed093cb22bb8f5acdc3" // the MD5 of "hello world"
	plainHead := map[string]string{"ETag": `"` + hello + `"`, "Content-Length": "11", "x-amz-server-side-encryption": "AES256"}
	kmsHead := map[string]string{"ETag": `"` + hello + `"`, "Content-Length": "11", "x-amz-server-side-encryption": "aws:kms",
		"x-amz-checksum-crc32": "DUoRhQ==", "x-amz-checksum-type": "FULL_OBJECT"}
	cases := []struct {
		name      string
		listed    transfer.Object
		head      map[string]string
		copyHdr   map[string]string
		copyExtra string
		wantAlgo  string
		wantErr   string // "" for a successful copy
	}{
		{name: "copy encrypted with KMS", listed: transfer.Object{ETag: hello}, head: plainHead,
			copyHdr: map[string]string{"x-amz-server-side-encryption": "aws:kms"}, wantAlgo: "CRC64NVME"},
		{name: "copy encrypted with SSE-C", listed: transfer.Object{ETag: hello}, head: plainHead,
			copyHdr: map[string]string{"x-amz-server-side-encryption-customer-algorithm": "AES256"}, wantAlgo: "CRC64NVME"},
		{name: "KMS source, SSE-S3 copy", listed: transfer.Object{ETag: hello}, head: kmsHead,
			copyHdr: map[string]string{"x-amz-server-side-encryption": "AES256"}, wantAlgo: "CRC64NVME"},
		{name: "plain source, plain copy, ETags differ", listed: transfer.Object{ETag: hello}, head: plainHead,
			copyHdr: map[string]string{"x-amz-server-side-encryption": "AES256"}, wantAlgo: "CRC64NVME", wantErr: "destination ETag"},
		{name: "KMS, stored CRC32 matches", listed: transfer.Object{ETag: hello, ChecksumAlgorithm: "CRC32"}, head: kmsHead,
			copyHdr:   map[string]string{"x-amz-server-side-encryption": "aws:kms"},
			copyExtra: "<ChecksumCRC32>DUoRhQ==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType>", wantAlgo: "CRC32"},
		{name: "KMS, stored CRC32 differs", listed: transfer.Object{ETag: hello, ChecksumAlgorithm: "CRC32"}, head: kmsHead,
			copyHdr:   map[string]string{"x-amz-server-side-encryption": "aws:kms"},
			copyExtra: "<ChecksumCRC32>AAAAAA==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType>", wantAlgo: "CRC32", wantErr: "CRC32 checksum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeS3{heads: map[string]map[string]string{"k": c.head}, copyHdr: c.copyHdr,
				copyBody: strings.Replace(copyResultKMS, "%s", c.copyExtra, 1)}
			client := fakeClient(t, f)
			c.listed.Key, c.listed.Size = "k", 11
			e := transfer.New(transfer.Options{Src: loc("src", ""), Dst: loc("dst", ""), Mode: transfer.ModeServerSide, MaxAttempts: 1},
				transfer.Endpoints{Src: client, Dst: client, SrcName: "origin", DstName: "destination", ServerSide: true})
			res, err := e.Run(context.Background(), func(yield func(transfer.Entry, error) bool) {
				yield(transfer.Entry{Rel: "k", Class: transfer.ClassNew, Src: c.listed}, nil)
			})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if got := f.copyReq.Get("x-amz-checksum-algorithm"); got != c.wantAlgo {
				t.Errorf("CopyObject asked for checksum %q, want %q", got, c.wantAlgo)
			}
			switch {
			case c.wantErr == "" && len(res.Failures) > 0:
				t.Errorf("copy failed: %v", res.Failures[0].Err)
			case c.wantErr != "" && len(res.Failures) == 0:
				t.Errorf("copy passed, want a failure with %q", c.wantErr)
			case c.wantErr != "" && !strings.Contains(res.Failures[0].Err.Error(), c.wantErr):
				t.Errorf("failure %v, want %q", res.Failures[0].Err, c.wantErr)
			}
		})
	}
}

// TestDiffConfirmsETagsWithHead: two listed ETags that may be MD5s and
// differ are read again with HEAD; a source that turns out to be SSE-KMS
// (recorded AWS response) is identical by size, a plain one is changed.
func TestDiffConfirmsETagsWithHead(t *testing.T) {
	c := fakeClient(t, &fakeS3{heads: map[string]map[string]string{
		"src/kms.txt":   recordedHeads["kms.txt"],
		"src/plain.txt": {"ETag": `"0f5e2a2b4d2b0c3e8f7a6b5c4d3e2f1a"`, "Content-Length": "11"},
		"dst/kms.txt":   recordedHeads["sse-s3.txt"],
		"dst/plain.txt": recordedHeads["sse-s3.txt"],
	}})
	heads := transfer.NewHeadChecksums(c, "b")
	src := []transfer.Object{
		{Key: "src/kms.txt", Size: 11, ETag: "2bd3f0b1d7c4c4a9c7a3e6c1e57a7d34"},
		{Key: "src/plain.txt", Size: 11, ETag: "0f5e2a2b4d2b0c3e8f7a6b5c4d3e2f1a"},
	}
	dst := []transfer.Object{
		{Key: "dst/kms.txt", Size: 11, ETag: "5eb63bbbe01eeed093cb22bb8f5acdc3"},
		{Key: "dst/plain.txt", Size: 11, ETag: "5eb63bbbe01eeed093cb22bb8f5acdc3"},
	}
	got := map[string]transfer.Class{}
	for e, err := range transfer.Diff(context.Background(), seq(src...), seq(dst...), transfer.DiffOptions{
		SrcPrefix: "src/", DstPrefix: "dst/", SrcHeads: heads, DstHeads: heads}) {
		if err != nil {
			t.Fatal(err)
		}
		got[e.Rel] = e.Class
	}
	if got["kms.txt"] != transfer.ClassIdentical || got["plain.txt"] != transfer.ClassChanged {
		t.Errorf("classes %v: want kms.txt identical (SSE-KMS ETag), plain.txt changed", got)
	}
}
