package transfer_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/transfer"
)

// TestStoredChecksumsArrive: a source with a stored full-object CRC32 (or
// CRC32C) arrives with the same checksum after relay copies, single-part
// and multipart, and after a single server-side copy. A server-side
// multipart copy asks for the source's algorithm; the sandbox's
// UploadPartCopy reports the whole source object's checksum for each part
// (Versity Gateway v1.8.0), which the engine notices: it says so once and
// copies large objects without the algorithm, checked by size, and nothing
// fails. (On moto, which computes the parts' checksums, the algorithm is
// carried: internal/cli's TestMotoKMSSource.)
func TestStoredChecksumsArrive(t *testing.T) {
	needSandbox(t)
	type want struct {
		key  string
		algo types.ChecksumAlgorithm
		size int
	}
	objs := []want{
		{"small-crc32", types.ChecksumAlgorithmCrc32, 3000},
		{"small-crc32c", types.ChecksumAlgorithmCrc32c, 70000},
		{"small-sha256", types.ChecksumAlgorithmSha256, 5000},
		{"large-crc32", types.ChecksumAlgorithmCrc32, 12<<20 + 17},
		{"large-crc32c", types.ChecksumAlgorithmCrc32c, 11 << 20},
	}
	for _, mode := range []transfer.Mode{transfer.ModeRelay, transfer.ModeServerSide} {
		t.Run(string(mode), func(t *testing.T) {
			ctx := context.Background()
			src, dst := pairFor(t, mode, "sums-"+string(mode))
			origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
			for i, o := range objs {
				// One PUT: a full-object checksum of the algorithm.
				if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(o.key),
					Body: bytes.NewReader(pattern(o.size, byte(i+40))), ChecksumAlgorithm: o.algo}); err != nil {
					t.Fatalf("put %s: %v", o.key, err)
				}
			}
			res, _, err := migrate(t, transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: mode,
				MultipartThreshold: 8 << 20, PartSize: 5 << 20})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			for _, f := range res.Failures {
				t.Errorf("failed %s: %v", f.Key, f.Err)
			}
			noticed := slices.ContainsFunc(res.Notices, func(n string) bool { return strings.Contains(n, "does not compute the checksums of copied parts") })
			if noticed != (mode == transfer.ModeServerSide) {
				t.Errorf("%s: notices %q: want the copied-part checksum notice only for server-side copies on the sandbox", mode, res.Notices)
			}
			for _, o := range objs {
				s := headSums(t, origin, src, o.key)
				d := headSums(t, dest, dst, o.key)
				sv := s[string(o.algo)]
				if sv == "" {
					t.Fatalf("source %s has no %s checksum: %v", o.key, o.algo, s)
				}
				carried := mode == transfer.ModeRelay || o.size < 8<<20
				if o.algo == types.ChecksumAlgorithmSha256 && o.size >= 8<<20 && mode == transfer.ModeRelay {
					carried = false // composite: not comparable
				}
				if carried && d[string(o.algo)] != sv {
					t.Errorf("%s after %s copy: %s %q, source %q (destination checksums %v)", o.key, mode, o.algo, d[string(o.algo)], sv, d)
				}
			}
		})
	}
}

// headSums returns the full-object checksums of an object by algorithm.
func headSums(t *testing.T, c *s3.Client, bucket, key string) map[string]string {
	t.Helper()
	h, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatalf("head s3://%s/%s: %v", bucket, key, err)
	}
	out := map[string]string{}
	if h.ChecksumType == types.ChecksumTypeComposite {
		return out
	}
	for algo, v := range map[string]*string{"CRC32": h.ChecksumCRC32, "CRC32C": h.ChecksumCRC32C, "SHA1": h.ChecksumSHA1, "SHA256": h.ChecksumSHA256, "CRC64NVME": h.ChecksumCRC64NVME} {
		if aws.ToString(v) != "" {
			out[algo] = aws.ToString(v)
		}
	}
	return out
}

// TestRelayResumeKeepsChecksum: a relay upload started with the source's
// CRC32 (full object), two of four parts done by the "killed run", is
// continued: the parts written before get their checksums from ListParts,
// the upload completes with the source's CRC32, and the result has it.
func TestRelayResumeKeepsChecksum(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "resume-sum")
	if err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	const partSize = 5 << 20
	body := pattern(20<<20, 11)
	if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String("big.bin"),
		Body: bytes.NewReader(body), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32}); err != nil {
		t.Fatal(err)
	}
	head, err := origin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(src), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	rec := newMemRecorder()
	cm, err := dest.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(dst), Key: aws.String("big.bin"),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32, ChecksumType: types.ChecksumTypeFullObject})
	if err != nil {
		t.Fatal(err)
	}
	rec.UploadStarted("big.bin", aws.ToString(cm.UploadId), strings.Trim(aws.ToString(head.ETag), `"`), partSize)
	for _, n := range []int32{1, 3} {
		first := int(n-1) * partSize
		out, err := dest.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(dst), Key: aws.String("big.bin"), UploadId: cm.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(body[first : first+partSize]), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatal(err)
		}
		rec.PartDone("big.bin", n, aws.ToString(out.ETag))
	}
	var counts sync.Map
	ep := endpoints()
	ep.Dst = countingClient(&counts)
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: transfer.ModeRelay, MultipartThreshold: 8 << 20, PartSize: partSize, Recorder: rec}
	res, err := transfer.New(opt, ep).Run(ctx, transfer.Diff(ctx, transfer.List(ctx, origin, opt.Src), transfer.List(ctx, dest, opt.Dst), transfer.DiffOptions{}))
	if err != nil || res.Copied != 1 || len(res.Failures) != 0 {
		t.Fatalf("resume: %+v, err %v", res, err)
	}
	if got := countOf(&counts, "UploadPart"); got != 2 {
		t.Errorf("UploadPart calls %d, want 2 (two parts were done)", got)
	}
	s, d := headSums(t, origin, src, "big.bin"), headSums(t, dest, dst, "big.bin")
	if s["CRC32"] == "" || d["CRC32"] != s["CRC32"] {
		t.Errorf("CRC32 after a resumed relay: %q, source %q", d["CRC32"], s["CRC32"])
	}
	if a, b := read(t, origin, src, "big.bin"), read(t, dest, dst, "big.bin"); a.SHA256 != b.SHA256 {
		t.Errorf("bytes differ after a resumed relay")
	}
}
