package transfer

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Mismatch is one way a destination object differs from its source.
type Mismatch struct {
	Rel    string
	What   string // "missing", "size", "etag", "checksum", "metadata", "content-type", …, "tags", "content", "error"
	Detail string
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Deep also compares the bytes (SHA-256 of both bodies).
	Deep bool
	// Concurrency is the number of keys checked at once (default 16).
	Concurrency int
	// ObjectLock also compares each copy's Object Lock retention and legal
	// hold with its source's (a copy made with --keep-object-lock).
	ObjectLock bool
}

// VerifyResult is what Verify found. A key that could not be read (after
// retries) is Unchecked, never a mismatch: a 503 says nothing about the copy.
type VerifyResult struct {
	Checked    int64
	Verified   int64
	Mismatches []Mismatch
	// Unreadable counts the objects that could not be checked; Unchecked
	// lists them (or, after a run, the first few).
	Unreadable int64
	Unchecked  []Mismatch
}

// Verify checks every key the source has under src against the destination:
// presence, size, ETag or stored checksum (or, with Deep, a hash of the
// bytes), user metadata, content headers and tags. Keys only in the
// destination are not its concern. The source is read as ep.Src, the
// destination as ep.Dst.
func Verify(ctx context.Context, ep Endpoints, src, dst Location, entries iter.Seq2[Entry, error], opt VerifyOptions) (*VerifyResult, error) {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 16
	}
	res := &VerifyResult{}
	var checked, verified atomic.Int64
	var mu sync.Mutex
	record := func(ms []Mismatch) {
		if len(ms) == 0 {
			verified.Add(1)
			return
		}
		if ctx.Err() != nil {
			return // cut off: a half-read object proves nothing
		}
		mu.Lock()
		if ms[0].What == "error" {
			res.Unchecked = append(res.Unchecked, ms[0])
		} else {
			res.Mismatches = append(res.Mismatches, ms...)
		}
		mu.Unlock()
	}
	work := make(chan Entry)
	var wg sync.WaitGroup
	for i := 0; i < opt.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				record(VerifyObject(ctx, ep, src, dst, e, opt))
			}
		}()
	}
	var listErr error
	for e, err := range entries {
		if err != nil {
			listErr = err
			break
		}
		switch e.Class {
		case ClassExtra:
			continue
		case ClassNew:
			checked.Add(1)
			record([]Mismatch{{Rel: e.Rel, What: "missing", Detail: "not in " + dst.URL(dst.Prefix+e.Rel)}})
			continue
		}
		checked.Add(1)
		select {
		case work <- e:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	res.Checked, res.Verified = checked.Load(), verified.Load()
	res.Unreadable = int64(len(res.Unchecked))
	slices.SortFunc(res.Mismatches, func(a, b Mismatch) int { return strings.Compare(a.Rel+a.What, b.Rel+b.What) })
	slices.SortFunc(res.Unchecked, func(a, b Mismatch) int { return strings.Compare(a.Rel, b.Rel) })
	if listErr != nil {
		return res, listErr
	}
	return res, ctx.Err()
}

// objectFacts is what Verify compares of one object.
type objectFacts struct {
	size     int64
	etag     string
	sse      string
	ssec     bool
	sums     map[string]string
	headers  map[string]string
	metadata map[string]string
	tags     map[string]string
}

func facts(ctx context.Context, c S3API, bucket, key string) (objectFacts, error) {
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return objectFacts{}, err
	}
	f := objectFacts{
		size: aws.ToInt64(h.ContentLength),
		etag: strings.Trim(aws.ToString(h.ETag), `"`),
		sse:  string(h.ServerSideEncryption),
		ssec: aws.ToString(h.SSECustomerAlgorithm) != "",
		sums: map[string]string{},
		headers: map[string]string{
			"content-type":        aws.ToString(h.ContentType),
			"cache-control":       aws.ToString(h.CacheControl),
			"content-disposition": aws.ToString(h.ContentDisposition),
			"content-encoding":    aws.ToString(h.ContentEncoding),
			"content-language":    aws.ToString(h.ContentLanguage),
			"expires":             aws.ToString(h.ExpiresString),
		},
		metadata: h.Metadata,
		tags:     map[string]string{},
	}
	if headChecksumType(h) != types.ChecksumTypeComposite {
		for algo, v := range map[string]*string{"CRC32": h.ChecksumCRC32, "CRC32C": h.ChecksumCRC32C, "SHA1": h.ChecksumSHA1, "SHA256": h.ChecksumSHA256, "CRC64NVME": h.ChecksumCRC64NVME} {
			if aws.ToString(v) != "" {
				f.sums[algo] = aws.ToString(v)
			}
		}
	}
	t, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return objectFacts{}, err
	}
	for _, tag := range t.TagSet {
		f.tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return f, nil
}

// VerifyObject checks one entry fully, retrying reads: a read that keeps
// failing comes back as one Mismatch with What "error" (not checked).
func VerifyObject(ctx context.Context, ep Endpoints, src, dst Location, e Entry, opt VerifyOptions) []Mismatch {
	var ms []Mismatch
	for attempt := 1; attempt <= 3; attempt++ {
		ms = verifyOne(ctx, ep, src, dst, e, opt)
		if len(ms) == 0 || ms[0].What != "error" || !sleepCtx(ctx, backoff(attempt)) {
			break
		}
	}
	return ms
}

// ETagsDiffer reports two ETags that prove different bytes, under the rule
// of ComparableETags: two ETags that can be MD5s (or two multipart ETags
// with the same part count) of objects not known to be SSE-KMS or SSE-C
// encrypted, that differ. For listed objects, whose encryption is not
// known, a true result is a suspicion to confirm with VerifyObject.
func ETagsDiffer(src, dst Object) bool {
	d, _, _ := etagDiffers(src, dst)
	return d
}

func verifyOne(ctx context.Context, ep Endpoints, src, dst Location, e Entry, opt VerifyOptions) []Mismatch {
	dstKey := dst.Prefix + e.Rel
	fail := func(what, format string, args ...any) []Mismatch {
		return []Mismatch{{Rel: e.Rel, What: what, Detail: fmt.Sprintf(format, args...)}}
	}
	s, err := facts(ctx, ep.Src, src.Bucket, e.Src.Key)
	if err != nil {
		return fail("error", "read source %s: %s", src.URL(e.Src.Key), ErrorSummary(err))
	}
	d, err := facts(ctx, ep.Dst, dst.Bucket, dstKey)
	if err != nil {
		if IsNotFound(err) {
			return fail("missing", "not in %s", dst.URL(dstKey))
		}
		return fail("error", "read destination %s: %s", dst.URL(dstKey), ErrorSummary(err))
	}
	var ms []Mismatch
	add := func(what, format string, args ...any) { ms = append(ms, fail(what, format, args...)...) }
	if s.size != d.size {
		add("size", "%d bytes in the source, %d in the destination", s.size, d.size)
	}
	sameSum := false
	for algo, sv := range s.sums {
		if dv, ok := d.sums[algo]; ok {
			sameSum = true
			if sv != dv {
				add("checksum", "%s %s in the source, %s in the destination", algo, sv, dv)
			}
		}
	}
	if !sameSum && s.size == d.size {
		so := Object{ETag: s.etag, SSE: s.sse, SSECustomer: s.ssec}
		do := Object{ETag: d.etag, SSE: d.sse, SSECustomer: d.ssec}
		if differs, _, _ := etagDiffers(so, do); differs {
			add("etag", "%s in the source, %s in the destination", s.etag, d.etag)
		}
	}
	for _, h := range slices.Sorted(maps.Keys(s.headers)) {
		if s.headers[h] != d.headers[h] {
			add(h, "%q in the source, %q in the destination", s.headers[h], d.headers[h])
		}
	}
	if !maps.Equal(lowerKeys(s.metadata), lowerKeys(d.metadata)) {
		add("metadata", "%v in the source, %v in the destination", s.metadata, d.metadata)
	}
	if !maps.Equal(s.tags, d.tags) {
		add("tags", "%v in the source, %v in the destination", s.tags, d.tags)
	}
	if opt.ObjectLock {
		sl, what, err := getLock(ctx, ep.Src, src.Bucket, e.Src.Key)
		if err != nil {
			return fail("error", "read the %s of source %s: %s", what, src.URL(e.Src.Key), ErrorSummary(err))
		}
		dl, what, err := getLock(ctx, ep.Dst, dst.Bucket, dstKey)
		if err != nil {
			return fail("error", "read the %s of destination %s: %s", what, dst.URL(dstKey), ErrorSummary(err))
		}
		if sl.String() != dl.String() {
			add("object-lock", "%s in the source, %s in the destination", sl, dl)
		}
	}
	if opt.Deep && len(ms) == 0 {
		sh, err := hashBody(ctx, ep.Src, src.Bucket, e.Src.Key)
		if err != nil {
			return fail("error", "read source %s: %s", src.URL(e.Src.Key), ErrorSummary(err))
		}
		dh, err := hashBody(ctx, ep.Dst, dst.Bucket, dstKey)
		if err != nil {
			return fail("error", "read destination %s: %s", dst.URL(dstKey), ErrorSummary(err))
		}
		if sh != dh {
			add("content", "SHA-256 %s in the source, %s in the destination", sh, dh)
		}
	}
	return ms
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

func hashBody(ctx context.Context, c S3API, bucket, key string) (string, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return "", err
	}
	if out.ContentLength != nil && n != *out.ContentLength {
		return "", fmt.Errorf("%w: read %d of %d bytes", errShortBody, n, *out.ContentLength)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// MismatchError is a verification failure as an error, so it can be
// recorded like a failed copy (code "VerifyMismatch").
type MismatchError struct{ Mismatch Mismatch }

func (e *MismatchError) Error() string {
	return "verification failed: " + e.Mismatch.What + ": " + e.Mismatch.Detail
}

// ErrorCode implements smithy.APIError.
func (e *MismatchError) ErrorCode() string { return "VerifyMismatch" }

// ErrorMessage implements smithy.APIError.
func (e *MismatchError) ErrorMessage() string { return e.Mismatch.What + ": " + e.Mismatch.Detail }

// ErrorFault implements smithy.APIError.
func (e *MismatchError) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }
