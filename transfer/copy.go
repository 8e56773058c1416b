package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// writeSettings are the destination-side settings every strategy applies.
type writeSettings struct {
	acl          types.ObjectCannedACL
	storageClass types.StorageClass
	sse          types.ServerSideEncryption
	kmsKey       *string
	lock         objectLock // the source's, with KeepObjectLock
}

func (e *Engine) settings(src Object, f *inFlight) writeSettings {
	w := writeSettings{acl: types.ObjectCannedACL(e.opt.ACL), sse: types.ServerSideEncryption(e.opt.SSE), lock: f.lock}
	sc := e.opt.StorageClass
	if sc == "" && src.StorageClass != "" && src.StorageClass != string(types.StorageClassStandard) {
		// CopyObject writes STANDARD unless told otherwise: keep the source's class.
		sc = src.StorageClass
	}
	w.storageClass = types.StorageClass(sc)
	if e.opt.SSEKMSKeyID != "" {
		w.kmsKey = aws.String(e.opt.SSEKMSKeyID)
	}
	return w
}

// checkIntegrity compares a written object with its source where the two
// can be compared: stored full-object checksums of one algorithm, and ETags
// under ComparableETags. An ETag that cannot be an MD5 (SSE-KMS, SSE-C, a
// multipart layout) never fails an object; with nothing comparable the size
// is left, which the verify pass checks from the destination listing.
func checkIntegrity(src Object, srcSums map[string]string, dst Object, dstSums map[string]string) error {
	for _, algo := range []string{"SHA256", "SHA1", "CRC64NVME", "CRC32C", "CRC32"} {
		sv, dv := srcSums[algo], dstSums[algo]
		if sv != "" && dv != "" && sv != dv {
			return fmt.Errorf("%w: destination %s checksum %s, source %s", errCorrupt, algo, dv, sv)
		}
	}
	if ComparableETags(src, dst) && src.ETag != dst.ETag {
		return fmt.Errorf("%w: destination ETag %s, source %s", errCorrupt, dst.ETag, src.ETag)
	}
	return nil
}

// written describes a destination object from its write response.
func written(etag string, sse types.ServerSideEncryption, sseCustomer *string) Object {
	return Object{ETag: strings.Trim(etag, `"`), SSE: string(sse), SSECustomer: aws.ToString(sseCustomer) != ""}
}

func quoteETag(etag string) *string {
	if etag == "" {
		return nil
	}
	return aws.String(`"` + etag + `"`)
}

// serverCopy copies one object with CopyObject as the destination identity.
// Metadata, content headers and tags are copied by the server.
func (e *Engine) serverCopy(ctx context.Context, src Object, dstKey string, f *inFlight) error {
	w := e.settings(src, f)
	in := &s3.CopyObjectInput{
		Bucket:               aws.String(e.opt.Dst.Bucket),
		Key:                  aws.String(dstKey),
		CopySource:           aws.String(CopySource(e.opt.Src.Bucket, src.Key)),
		CopySourceIfMatch:    quoteETag(src.ETag),
		MetadataDirective:    types.MetadataDirectiveCopy,
		TaggingDirective:     types.TaggingDirectiveCopy,
		ACL:                  w.acl,
		StorageClass:         w.storageClass,
		ServerSideEncryption: w.sse,
		SSEKMSKeyId:          w.kmsKey,
		// A full-object checksum of the copy, computed by S3 from the
		// bytes it wrote: the check where ETags cannot be compared.
		ChecksumAlgorithm:         copyChecksumAlgorithm(src.ChecksumAlgorithm),
		ObjectLockMode:            w.lock.mode,
		ObjectLockRetainUntilDate: w.lock.until,
		ObjectLockLegalHoldStatus: w.lock.legalHold,
	}
	if err := e.pace.take(ctx, src.Size); err != nil {
		return err
	}
	out, err := e.ep.Dst.CopyObject(ctx, in)
	if err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	res := out.CopyObjectResult
	if res == nil || aws.ToString(res.ETag) == "" {
		return e.copyErr(src.Key, dstKey, errIncomplete)
	}
	dst := written(aws.ToString(res.ETag), out.ServerSideEncryption, out.SSECustomerAlgorithm)
	f.wrote = dst.ETag
	if dst.ETag == src.ETag {
		return nil
	}
	dstSums := sumFields{res.ChecksumCRC32, res.ChecksumCRC32C, res.ChecksumSHA1, res.ChecksumSHA256, res.ChecksumCRC64NVME}.fullObject(res.ChecksumType)
	// The listing does not say how the source is encrypted: two ETags that
	// may be MD5s and differ are confirmed by a HEAD of the source (an
	// SSE-KMS or SSE-C source has an ETag that is no MD5), which also reads
	// the stored checksum a non-comparable copy is checked with.
	if !ComparableETags(src, dst) && dstSums[src.ChecksumAlgorithm] == "" {
		return nil // nothing to compare but the size
	}
	h, err := e.ep.srcViaDst().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.opt.Src.Bucket), Key: aws.String(src.Key),
		IfMatch: quoteETag(src.ETag), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	oh := headersFromHead(h)
	if err := checkIntegrity(oh.object(src.Key), oh.sums, dst, dstSums); err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	return nil
}

func (e *Engine) copyErr(srcKey, dstKey string, err error) error {
	oe := &OpError{Op: "copy", URL: e.opt.Src.URL(srcKey) + " → " + e.opt.Dst.URL(dstKey), Identity: e.ep.DstName, Err: err}
	switch ErrorCode(err) {
	case "AccessControlListNotSupported":
		oe.Hint = "the destination bucket disables ACLs (BucketOwnerEnforced): drop --acl or use bucket-owner-full-control"
	case "InvalidObjectState":
		oe.Hint = "the source object is archived (GLACIER/DEEP_ARCHIVE): restore it first"
	case "PreconditionFailed":
		oe.Hint = "the source object changed during the copy: run sync again"
	case "NoSuchKey":
		oe.Hint = "the source object was deleted after listing"
	case "NoSuchBucket":
		oe.Hint = "check the bucket name"
	case "InvalidRequest":
		switch msg := strings.ToLower(errorMessage(err)); {
		case strings.Contains(msg, "server side encryption") && strings.Contains(msg, "parameters must be provided"):
			oe.Hint = "the source object is encrypted with a customer-provided key (SSE-C): nobody can copy it without that key"
		case strings.Contains(msg, "object lock"):
			oe.Hint = "the destination bucket has no Object Lock: drop --keep-object-lock, or copy into a bucket created with it (--create-like-source)"
		}
	}
	if oe.Hint == "" && IsAccessDenied(err) && strings.Contains(strings.ToLower(errorMessage(err)), "kms") {
		oe.Hint = "the object's KMS key must let the destination identity decrypt it: `s3migrate policy --kms-key ARN` prints the key-policy statement"
	}
	if oe.Hint == "" && IsAccessDenied(err) {
		oe.Hint = "the destination identity may not write s3://" + e.opt.Dst.Bucket + " or read the source: check both bucket policies (s3migrate preflight)"
	}
	return oe
}

// errorMessage is an API error's message, or "".
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// encodeTags renders a tag set as the x-amz-tagging header value.
func encodeTags(tags []types.Tag) *string {
	if len(tags) == 0 {
		return nil
	}
	v := url.Values{}
	for _, t := range tags {
		v.Set(aws.ToString(t.Key), aws.ToString(t.Value))
	}
	return aws.String(v.Encode())
}

// objectHeaders are what a copy carries over explicitly when the server does
// not copy them itself (multipart copies and relays).
type objectHeaders struct {
	size            int64
	etag            string
	contentType     *string
	cacheControl    *string
	contentDisp     *string
	contentEncoding *string
	contentLanguage *string
	expires         *time.Time
	metadata        map[string]string
	tagging         *string

	// What the source HEAD says of encryption and checksums.
	sse         string
	sseCustomer bool
	sumAlgo     types.ChecksumAlgorithm // the stored checksum's algorithm, full-object or composite
	stored      string                  // the stored checksum's value ("<value>-<parts>" when composite)
	sums        map[string]string       // full-object checksums by algorithm
}

// object is the source as the HEAD described it.
func (oh objectHeaders) object(key string) Object {
	return Object{Key: key, Size: oh.size, ETag: oh.etag, SSE: oh.sse, SSECustomer: oh.sseCustomer, ChecksumAlgorithm: string(oh.sumAlgo)}
}

func headersFromHead(h *s3.HeadObjectOutput) objectHeaders {
	return objectHeaders{
		size:            aws.ToInt64(h.ContentLength),
		etag:            strings.Trim(aws.ToString(h.ETag), `"`),
		contentType:     h.ContentType,
		cacheControl:    h.CacheControl,
		contentDisp:     h.ContentDisposition,
		contentEncoding: h.ContentEncoding,
		contentLanguage: h.ContentLanguage,
		expires:         h.Expires, //nolint:staticcheck // ExpiresString is only informative
		metadata:        h.Metadata,
		sse:             string(h.ServerSideEncryption),
		sseCustomer:     aws.ToString(h.SSECustomerAlgorithm) != "",
		sumAlgo:         storedAlgorithm(h),
		stored:          sumFields{h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumSHA1, h.ChecksumSHA256, h.ChecksumCRC64NVME}.get(string(storedAlgorithm(h))),
		sums:            sumFields{h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumSHA1, h.ChecksumSHA256, h.ChecksumCRC64NVME}.fullObject(headChecksumType(h)),
	}
}

// storedAlgorithm is the algorithm of the checksum a HEAD (with checksum
// mode) reports, full-object or composite.
func storedAlgorithm(h *s3.HeadObjectOutput) types.ChecksumAlgorithm {
	f := sumFields{h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumSHA1, h.ChecksumSHA256, h.ChecksumCRC64NVME}
	for _, a := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmSha1} {
		if f.get(string(a)) != "" {
			return a
		}
	}
	return ""
}

// readHeaders fetches an object's headers and tags with client.
func (e *Engine) readHeaders(ctx context.Context, client S3API, who string, src Object) (objectHeaders, error) {
	h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.opt.Src.Bucket), Key: aws.String(src.Key), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return objectHeaders{}, &OpError{Op: "head", URL: e.opt.Src.URL(src.Key), Identity: who, Err: err}
	}
	oh := headersFromHead(h)
	t, err := client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.opt.Src.Bucket), Key: aws.String(src.Key)})
	if err != nil {
		return objectHeaders{}, &OpError{Op: "get tags of", URL: e.opt.Src.URL(src.Key), Identity: who, Err: err,
			Hint: "the copying identity needs s3:GetObjectTagging on the source"}
	}
	oh.tagging = encodeTags(t.TagSet)
	return oh, nil
}

func (e *Engine) createUpload(ctx context.Context, dstKey string, oh objectHeaders, w writeSettings) (string, error) {
	out, err := e.ep.Dst.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:               aws.String(e.opt.Dst.Bucket),
		Key:                  aws.String(dstKey),
		ContentType:          oh.contentType,
		CacheControl:         oh.cacheControl,
		ContentDisposition:   oh.contentDisp,
		ContentEncoding:      oh.contentEncoding,
		ContentLanguage:      oh.contentLanguage,
		Expires:              oh.expires,
		Metadata:             oh.metadata,
		Tagging:              oh.tagging,
		ACL:                  w.acl,
		StorageClass:         w.storageClass,
		ServerSideEncryption: w.sse,
		SSEKMSKeyId:          w.kmsKey,
		// The source's checksum algorithm, so the copy stores one too
		// (per part, and for CRCs the full-object value at completion).
		ChecksumAlgorithm:         oh.sumAlgo,
		ChecksumType:              multipartChecksumType(oh.sumAlgo),
		ObjectLockMode:            w.lock.mode,
		ObjectLockRetainUntilDate: w.lock.until,
		ObjectLockLegalHoldStatus: w.lock.legalHold,
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.UploadId), nil
}

// partLayout returns the part size for an object: the configured size,
// grown so the object fits in 10,000 parts.
func (e *Engine) partLayout(size int64) (partSize int64, parts int) {
	partSize = e.opt.PartSize
	if min := (size + maxParts - 1) / maxParts; partSize < min {
		partSize = min
	}
	parts = int((size + partSize - 1) / partSize)
	if parts == 0 {
		parts = 1
	}
	return partSize, parts
}

// runParts runs fn for the given part numbers, PartConcurrency at a time;
// the first error cancels the rest.
func (e *Engine) runParts(ctx context.Context, parts []int32, fn func(ctx context.Context, n int32) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, e.opt.PartConcurrency)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for _, n := range parts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(n int32) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, n); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}(n)
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// partFunc writes part n (bytes first..first+length-1) of an upload and
// returns its ETag and, when the upload has a checksum algorithm, the
// part's checksum.
type partFunc func(ctx context.Context, uploadID string, algo types.ChecksumAlgorithm, n int32, first, length int64) (etag string, sum sumFields, err error)

// completedPart is one part for CompleteMultipartUpload.
func completedPart(n int32, etag string, sum sumFields) types.CompletedPart {
	return types.CompletedPart{PartNumber: aws.Int32(n), ETag: aws.String(etag),
		ChecksumCRC32: sum.crc32, ChecksumCRC32C: sum.crc32c, ChecksumSHA1: sum.sha1, ChecksumSHA256: sum.sha256, ChecksumCRC64NVME: sum.crc64}
}

// uploadChecksums reads the checksum mode of an upload and the checksums
// S3 stored for its parts. The journal keeps part ETags only, and an
// upload started by an earlier run (or an older version of this tool) must
// be completed in the checksum mode it was created with.
func (e *Engine) uploadChecksums(ctx context.Context, dstKey, uploadID string) (types.ChecksumAlgorithm, types.ChecksumType, map[int32]sumFields, error) {
	out := map[int32]sumFields{}
	var algo types.ChecksumAlgorithm
	var typ types.ChecksumType
	in := &s3.ListPartsInput{Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID)}
	for {
		page, err := e.ep.Dst.ListParts(ctx, in)
		if err != nil {
			return "", "", nil, err
		}
		algo = knownAlgorithm(string(page.ChecksumAlgorithm))
		if page.ChecksumType == types.ChecksumTypeFullObject || page.ChecksumType == types.ChecksumTypeComposite {
			typ = page.ChecksumType
		}
		for _, p := range page.Parts {
			out[aws.ToInt32(p.PartNumber)] = sumFields{p.ChecksumCRC32, p.ChecksumCRC32C, p.ChecksumSHA1, p.ChecksumSHA256, p.ChecksumCRC64NVME}
		}
		if !aws.ToBool(page.IsTruncated) || page.NextPartNumberMarker == nil {
			break
		}
		in.PartNumberMarker = page.NextPartNumberMarker
	}
	if algo != "" && typ == "" {
		typ = types.ChecksumTypeComposite // S3's default for an upload with an algorithm and no type
	}
	return algo, typ, out, nil
}

// multipartCopy writes a large object part by part, parts in parallel. It
// continues an upload recorded by an earlier attempt or run when the source
// and the part layout are unchanged (so completed parts are not copied
// again), and aborts uploads that can no longer be used. On a retryable
// failure the upload is kept for the next attempt; Engine.process aborts it
// when the object finally fails.
func (e *Engine) multipartCopy(ctx context.Context, rel, dstKey string, oh objectHeaders, w writeSettings, f *inFlight, part partFunc) error {
	partSize, parts := e.partLayout(oh.size)
	up, ok := e.upload(rel)
	if ok && (up.SrcETag != oh.etag || up.PartSize != partSize) {
		e.abortUpload(ctx, rel, dstKey, up.ID)
		ok = false
	}
	algo, typ := oh.sumAlgo, multipartChecksumType(oh.sumAlgo)
	var earlierSums map[int32]sumFields
	if ok {
		var err error
		algo, typ, earlierSums, err = e.uploadChecksums(ctx, dstKey, up.ID)
		if ErrorCode(err) == "NoSuchUpload" || HTTPStatus(err) == 404 {
			e.uploadEnded(rel)
			return fmt.Errorf("%w: upload %s no longer exists", errIncomplete, up.ID)
		}
		if err != nil {
			return err
		}
	}
	if !ok {
		// A run killed between starting an upload and journaling it leaves
		// an upload nobody knows: abort any unfinished upload of this exact
		// key before starting ours (ours would overwrite the key anyway).
		e.abortStrays(ctx, dstKey)
		id, err := e.createUpload(ctx, dstKey, oh, w)
		if err != nil {
			return err
		}
		up = Upload{ID: id, SrcETag: oh.etag, PartSize: partSize, Parts: map[int32]string{}}
		e.uploadStarted(rel, up)
	}
	done := make([]types.CompletedPart, parts)
	var todo []int32
	for n := int32(1); n <= int32(parts); n++ {
		if etag, ok := up.Parts[n]; ok {
			done[n-1] = completedPart(n, etag, earlierSums[n])
			length := min(partSize, oh.size-int64(n-1)*partSize)
			f.done.Add(length)
			e.bytesDone.Add(length)
			continue
		}
		todo = append(todo, n)
	}
	err := e.runParts(ctx, todo, func(ctx context.Context, n int32) error {
		first := int64(n-1) * partSize
		length := min(partSize, oh.size-first)
		etag, sum, err := part(ctx, up.ID, algo, n, first, length)
		if err != nil {
			return err
		}
		if etag == "" {
			return errIncomplete
		}
		done[n-1] = completedPart(n, etag, sum)
		e.partDone(rel, n, etag)
		return nil
	})
	if ErrorCode(err) == "NoSuchUpload" {
		// The recorded upload is gone (aborted elsewhere, or expired by a
		// lifecycle rule): forget it, and the next attempt starts anew.
		e.uploadEnded(rel)
		return fmt.Errorf("%w: upload %s no longer exists", errIncomplete, up.ID)
	}
	if err != nil {
		return err
	}
	cin := &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(up.ID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
	}
	if typ == types.ChecksumTypeFullObject {
		// The source's full-object CRC, when it has one: S3 checks the
		// object it assembles against it and refuses a mismatch.
		sum := sumFor(string(algo), oh.sums[string(algo)])
		cin.ChecksumType = typ
		cin.ChecksumCRC32, cin.ChecksumCRC32C, cin.ChecksumCRC64NVME = sum.crc32, sum.crc32c, sum.crc64
	}
	out, err := e.ep.Dst.CompleteMultipartUpload(ctx, cin)
	switch {
	case err == nil && aws.ToString(out.ETag) == "":
		return errIncomplete
	case ErrorCode(err) == "NoSuchUpload":
		// The upload is gone (aborted elsewhere, or expired by a lifecycle
		// rule): forget it so the next attempt starts a new one.
		e.uploadEnded(rel)
		return fmt.Errorf("%w: upload %s no longer exists", errIncomplete, up.ID)
	case err != nil:
		return err
	}
	e.uploadEnded(rel)
	f.wrote = strings.Trim(aws.ToString(out.ETag), `"`)
	// The ETags of a multipart copy are not comparable with the source's
	// (another part layout, and the destination's encryption): the
	// full-object checksum is, where both sides have one.
	dstSums := sumFields{out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumSHA1, out.ChecksumSHA256, out.ChecksumCRC64NVME}.fullObject(out.ChecksumType)
	return checkIntegrity(Object{}, oh.sums, Object{}, dstSums)
}

// upload finds the upload of rel from an earlier attempt of this run, or
// from the journal of an earlier run.
func (e *Engine) upload(rel string) (Upload, bool) {
	e.upMu.Lock()
	up, ok := e.uploads[rel]
	e.upMu.Unlock()
	if ok {
		return up, true
	}
	return e.rec.Upload(rel)
}

func (e *Engine) uploadStarted(rel string, up Upload) {
	e.upMu.Lock()
	e.uploads[rel] = up
	e.upMu.Unlock()
	e.rec.UploadStarted(rel, up.ID, up.SrcETag, up.PartSize)
}

func (e *Engine) partDone(rel string, n int32, etag string) {
	e.upMu.Lock()
	if up, ok := e.uploads[rel]; ok {
		up.Parts[n] = etag
	}
	e.upMu.Unlock()
	e.rec.PartDone(rel, n, etag)
}

func (e *Engine) uploadEnded(rel string) {
	e.upMu.Lock()
	delete(e.uploads, rel)
	e.upMu.Unlock()
	e.rec.UploadEnded(rel)
}

// abortUpload aborts an upload that will not be completed, so its parts are
// not left behind (and billed). It runs even when ctx is cancelled.
func (e *Engine) abortUpload(ctx context.Context, rel, dstKey, uploadID string) {
	if AbortUpload(ctx, e.ep.Dst, e.opt.Dst.Bucket, dstKey, uploadID) == nil {
		e.uploadEnded(rel)
	}
}

// UploadAborter is what AbortUpload needs of a client.
type UploadAborter interface {
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	ListParts(context.Context, *s3.ListPartsInput, ...func(*s3.Options)) (*s3.ListPartsOutput, error)
}

// AbortUpload aborts a multipart upload until it is gone. S3 documents that
// a part still being written when the abort arrives can survive it, so
// after each abort the upload is listed, and aborted again while it still
// exists (a few times, with backoff). It runs even when ctx is cancelled,
// within a minute. An upload that no longer exists counts as aborted.
func AbortUpload(ctx context.Context, c UploadAborter, bucket, key, uploadID string) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		_, err = c.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID)})
		if err != nil && ErrorCode(err) != "NoSuchUpload" {
			if !Retryable(err) || !sleepCtx(actx, backoff(attempt)) {
				return err
			}
			continue
		}
		_, lerr := c.ListParts(actx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID), MaxParts: aws.Int32(1)})
		if ErrorCode(lerr) == "NoSuchUpload" || HTTPStatus(lerr) == 404 {
			return nil
		}
		if lerr != nil && !Retryable(lerr) {
			return nil // the abort was accepted and nothing says otherwise
		}
		err = fmt.Errorf("upload %s of %s still exists after abort", uploadID, key)
		if !sleepCtx(actx, backoff(attempt)) {
			break
		}
	}
	return err
}

// abortStrays aborts unfinished multipart uploads of exactly dstKey.
// Listing errors are ignored: this is clean-up, not the copy.
func (e *Engine) abortStrays(ctx context.Context, dstKey string) {
	out, err := e.ep.Dst.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(e.opt.Dst.Bucket), Prefix: aws.String(dstKey)})
	if err != nil {
		return
	}
	for _, u := range out.Uploads {
		if aws.ToString(u.Key) != dstKey {
			continue
		}
		_ = AbortUpload(ctx, e.ep.Dst, e.opt.Dst.Bucket, dstKey, aws.ToString(u.UploadId))
	}
}

// abandonUpload aborts the upload of rel, if any, after its object failed
// for good or the run was cancelled.
func (e *Engine) abandonUpload(ctx context.Context, rel, dstKey string) {
	e.upMu.Lock()
	up, ok := e.uploads[rel]
	e.upMu.Unlock()
	if ok {
		e.abortUpload(ctx, rel, dstKey, up.ID)
	}
}

// serverMultipartCopy copies a large object with UploadPartCopy. The server
// does not carry metadata or tags into a multipart upload, so they are read
// from the source and set explicitly.
func (e *Engine) serverMultipartCopy(ctx context.Context, ent Entry, dstKey string, f *inFlight) error {
	src := ent.Src
	oh, err := e.readHeaders(ctx, e.ep.srcViaDst(), e.ep.DstName, src)
	if err != nil {
		return err
	}
	// The upload carries the source's checksum algorithm: S3 computes each
	// copied part's checksum in it and, for a full-object CRC, checks the
	// object it assembles against the source's value at completion. A
	// server seen to report the source object's checksum for a part of it
	// (it did not compute it: Versity Gateway v1.8.0, the sandbox, does
	// this) gets uploads without an algorithm from then on, and the
	// operator is told what that costs. CRC64NVME is what S3 computes for
	// an upload without an algorithm anyway (full object), and the result
	// is compared with the source's below, so it is not asked for.
	if oh.sumAlgo == types.ChecksumAlgorithmCrc64nvme {
		oh.sumAlgo = ""
	}
	for try := 1; ; try++ {
		if e.partSumsUntrusted.Load() {
			oh.sumAlgo = ""
		}
		var bad types.ChecksumAlgorithm
		// Until the destination has once shown that it computes the
		// checksums of copied parts, the first part of an upload with an
		// algorithm is copied alone: should its checksum be wrong, the
		// upload is aborted with no other part in flight (a part the
		// server is still writing can outlive an abort).
		probe := &partProbe{}
		err = e.multipartCopy(ctx, ent.Rel, dstKey, oh, e.settings(src, f), f, func(ctx context.Context, uploadID string, algo types.ChecksumAlgorithm, n int32, first, length int64) (string, sumFields, error) {
			if algo != "" && !e.partSumsTrusted.Load() {
				defer probe.enter()()
				if ctx.Err() != nil {
					return "", sumFields{}, ctx.Err()
				}
			}
			if err := e.pace.take(ctx, length); err != nil {
				return "", sumFields{}, err
			}
			out, err := e.ep.Dst.UploadPartCopy(ctx, &s3.UploadPartCopyInput{
				Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID),
				PartNumber:        aws.Int32(n),
				CopySource:        aws.String(CopySource(e.opt.Src.Bucket, src.Key)),
				CopySourceRange:   aws.String(fmt.Sprintf("bytes=%d-%d", first, first+length-1)),
				CopySourceIfMatch: quoteETag(oh.etag),
			})
			if err != nil {
				return "", sumFields{}, err
			}
			r := out.CopyPartResult
			if r == nil {
				return "", sumFields{}, errIncomplete
			}
			sum := sumFields{r.ChecksumCRC32, r.ChecksumCRC32C, r.ChecksumSHA1, r.ChecksumSHA256, r.ChecksumCRC64NVME}
			if got := sum.get(string(algo)); got != "" && (MultipartParts(got) > 0 || got == oh.stored && length < oh.size) {
				// A part's checksum is never composite, and a part of an
				// object does not have the whole object's checksum.
				bad = algo
				return "", sumFields{}, errPartSumNotComputed
			}
			if algo != "" && sum.get(string(algo)) != "" {
				e.partSumsTrusted.Store(true)
			}
			f.done.Add(length)
			e.bytesDone.Add(length)
			return aws.ToString(r.ETag), sum, nil
		})
		if !errors.Is(err, errPartSumNotComputed) || try == 2 {
			break
		}
		// The upload (this run's, or one a killed run recorded) cannot be
		// completed with a right checksum: abort it, and copy the object
		// again into an upload without an algorithm.
		if up, ok := e.upload(ent.Rel); ok {
			e.abortUpload(ctx, ent.Rel, dstKey, up.ID)
		}
		e.bytesDone.Add(-f.done.Swap(0))
		if !e.partSumsUntrusted.Swap(true) {
			e.notice("s3://%s does not compute the checksums of copied parts (it returned the source object's %s for a part of it): "+
				"large objects copied server-side keep no %s of their own from now on, only the size check; --mode relay keeps it",
				e.opt.Dst.Bucket, bad, bad)
		}
	}
	if err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	return nil
}

// partProbe lets the first part of an upload run alone: the first caller
// of enter holds it until the returned func is called, later callers wait
// for that and then pass without waiting.
type partProbe struct {
	mu   sync.Mutex
	done atomic.Bool
}

func (p *partProbe) enter() (leave func()) {
	if p.done.Load() {
		return func() {}
	}
	p.mu.Lock()
	if p.done.Load() {
		p.mu.Unlock()
		return func() {}
	}
	return func() { p.done.Store(true); p.mu.Unlock() }
}

// errPartSumNotComputed is a copied part whose reported checksum is the
// whole source object's: the server copied the value instead of computing
// it, so the checksum it would assemble for the object is wrong.
var errPartSumNotComputed = errors.New("the server reported the source object's checksum for a part of it")

// relayCopy streams an object through this machine: GET as the origin
// identity, PUT (or multipart upload) as the destination identity. Memory is
// bounded by RelayMemory: each buffer is reserved before it is filled.
func (e *Engine) relayCopy(ctx context.Context, ent Entry, dstKey string, f *inFlight) error {
	src := ent.Src
	oh, err := e.readHeaders(ctx, e.ep.Src, e.ep.SrcName, src)
	if err != nil {
		return err
	}
	w := e.settings(src, f)
	if oh.size <= e.opt.PartSize {
		buf, release, err := e.fetchRange(ctx, src.Key, oh.etag, 0, oh.size, f)
		if err != nil {
			return err
		}
		defer release()
		dst, dstSums, err := e.putObject(ctx, dstKey, buf, oh, w)
		if err != nil {
			return err
		}
		f.wrote = dst.ETag
		if err := checkIntegrity(oh.object(src.Key), oh.sums, dst, dstSums); err != nil {
			return e.copyErr(src.Key, dstKey, err)
		}
		return nil
	}
	err = e.multipartCopy(ctx, ent.Rel, dstKey, oh, w, f, func(ctx context.Context, uploadID string, algo types.ChecksumAlgorithm, n int32, first, length int64) (string, sumFields, error) {
		buf, release, err := e.fetchRange(ctx, src.Key, oh.etag, first, length, f)
		if err != nil {
			return "", sumFields{}, err
		}
		defer release()
		out, err := e.ep.Dst.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID),
			PartNumber: aws.Int32(n), Body: bytes.NewReader(buf), ContentLength: aws.Int64(length),
			// The SDK computes the part's checksum from buf; S3 checks it.
			ChecksumAlgorithm: algo,
		})
		if err != nil {
			return "", sumFields{}, err
		}
		return aws.ToString(out.ETag), sumFields{out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumSHA1, out.ChecksumSHA256, out.ChecksumCRC64NVME}, nil
	})
	if err != nil {
		return &OpError{Op: "upload", URL: e.opt.Dst.URL(dstKey), Identity: e.ep.DstName, Err: err}
	}
	return nil
}

// fetchRange reads length bytes at offset of a source object into a buffer
// reserved from the relay memory budget. A body shorter than promised is an
// error (retried), never a short object.
func (e *Engine) fetchRange(ctx context.Context, key, etag string, offset, length int64, f *inFlight) ([]byte, func(), error) {
	reserve := max(length, 1)
	if reserve > e.opt.RelayMemory {
		reserve = e.opt.RelayMemory
	}
	if err := e.pace.take(ctx, length); err != nil {
		return nil, nil, err
	}
	if err := e.relayMem.Acquire(ctx, reserve); err != nil {
		return nil, nil, err
	}
	release := func() { e.relayMem.Release(reserve) }
	in := &s3.GetObjectInput{Bucket: aws.String(e.opt.Src.Bucket), Key: aws.String(key), IfMatch: quoteETag(etag)}
	if length > 0 {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-%d", offset, offset+length-1))
	}
	out, err := e.ep.Src.GetObject(ctx, in)
	if err != nil {
		release()
		return nil, nil, &OpError{Op: "get", URL: e.opt.Src.URL(key), Identity: e.ep.SrcName, Err: err}
	}
	defer out.Body.Close()
	buf := make([]byte, length)
	n, err := io.ReadFull(&countingReader{r: out.Body, f: f, total: &e.bytesDone}, buf)
	if err != nil || int64(n) != length {
		release()
		if err == nil || errors.Is(err, io.EOF) {
			err = errShortBody
		}
		return nil, nil, &OpError{Op: "get", URL: e.opt.Src.URL(key), Identity: e.ep.SrcName, Err: fmt.Errorf("read %d of %d bytes: %w", n, length, err)}
	}
	return buf, release, nil
}

// putMarker writes a directory marker with the source's headers and tags,
// read as the identity that would do the copy.
func (e *Engine) putMarker(ctx context.Context, src Object, dstKey string, relay bool, f *inFlight) error {
	reader, who := e.ep.srcViaDst(), e.ep.DstName
	if relay {
		reader, who = e.ep.Src, e.ep.SrcName
	}
	oh, err := e.readHeaders(ctx, reader, who, src)
	if err != nil {
		return err
	}
	dst, _, err := e.putObject(ctx, dstKey, nil, oh, e.settings(src, f))
	f.wrote = dst.ETag
	return err
}

// putObject writes body with the carried-over headers as the destination
// identity and returns the new object and its full-object checksums. The
// source's stored checksum goes with it: its algorithm, and its value when
// it is a full-object one, which S3 checks against the bytes it receives
// (a mismatch is refused with BadDigest, and retried).
func (e *Engine) putObject(ctx context.Context, dstKey string, body []byte, oh objectHeaders, w writeSettings) (Object, map[string]string, error) {
	sum := sumFor(string(oh.sumAlgo), oh.sums[string(oh.sumAlgo)])
	out, err := e.ep.Dst.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
		ContentType: oh.contentType, CacheControl: oh.cacheControl, ContentDisposition: oh.contentDisp,
		ContentEncoding: oh.contentEncoding, ContentLanguage: oh.contentLanguage, Expires: oh.expires,
		Metadata: oh.metadata, Tagging: oh.tagging,
		ACL: w.acl, StorageClass: w.storageClass, ServerSideEncryption: w.sse, SSEKMSKeyId: w.kmsKey,
		ObjectLockMode: w.lock.mode, ObjectLockRetainUntilDate: w.lock.until, ObjectLockLegalHoldStatus: w.lock.legalHold,
		ChecksumAlgorithm: oh.sumAlgo,
		ChecksumCRC32:     sum.crc32, ChecksumCRC32C: sum.crc32c, ChecksumSHA1: sum.sha1, ChecksumSHA256: sum.sha256, ChecksumCRC64NVME: sum.crc64,
	})
	if err != nil {
		return Object{}, nil, &OpError{Op: "put", URL: e.opt.Dst.URL(dstKey), Identity: e.ep.DstName, Err: err}
	}
	dst := written(aws.ToString(out.ETag), out.ServerSideEncryption, out.SSECustomerAlgorithm)
	dst.Key = dstKey
	return dst, sumFields{out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumSHA1, out.ChecksumSHA256, out.ChecksumCRC64NVME}.fullObject(out.ChecksumType), nil
}
