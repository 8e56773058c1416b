package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// errIncomplete marks a copy the server acknowledged without the result it
// owes (e.g. CopyObject's HTTP 200 whose body is an error or is cut short).
var errIncomplete = errors.New("server acknowledged the copy without a result: it may have failed mid-copy")

// writeSettings are the destination-side settings every strategy applies.
type writeSettings struct {
	acl          types.ObjectCannedACL
	storageClass types.StorageClass
	sse          types.ServerSideEncryption
	kmsKey       *string
}

func (e *Engine) settings(src Object) writeSettings {
	w := writeSettings{acl: types.ObjectCannedACL(e.opt.ACL), sse: types.ServerSideEncryption(e.opt.SSE)}
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

// etagCheckable reports whether a destination ETag must equal the source's:
// both are MD5s of the bytes when the source is a single-part object and
// the copy is not KMS-encrypted.
func (e *Engine) etagCheckable(srcETag string) bool {
	return srcETag != "" && MultipartParts(srcETag) == 0 && e.opt.SSE != string(types.ServerSideEncryptionAwsKms)
}

func quoteETag(etag string) *string {
	if etag == "" {
		return nil
	}
	return aws.String(`"` + etag + `"`)
}

// serverCopy copies one object with CopyObject as the destination identity.
// Metadata, content headers and tags are copied by the server.
func (e *Engine) serverCopy(ctx context.Context, src Object, dstKey string) error {
	w := e.settings(src)
	in := &s3.CopyObjectInput{
		Bucket:               aws.String(e.opt.Dst.Bucket),
		Key:                  aws.String(dstKey),
		CopySource:           aws.String(copySource(e.opt.Src.Bucket, src.Key)),
		CopySourceIfMatch:    quoteETag(src.ETag),
		MetadataDirective:    types.MetadataDirectiveCopy,
		TaggingDirective:     types.TaggingDirectiveCopy,
		ACL:                  w.acl,
		StorageClass:         w.storageClass,
		ServerSideEncryption: w.sse,
		SSEKMSKeyId:          w.kmsKey,
	}
	out, err := e.ep.Dst.CopyObject(ctx, in)
	if err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	if out.CopyObjectResult == nil || aws.ToString(out.CopyObjectResult.ETag) == "" {
		return e.copyErr(src.Key, dstKey, errIncomplete)
	}
	if got := strings.Trim(aws.ToString(out.CopyObjectResult.ETag), `"`); e.etagCheckable(src.ETag) && got != src.ETag {
		return e.copyErr(src.Key, dstKey, fmt.Errorf("%w: destination ETag %s, source %s", errCorrupt, got, src.ETag))
	}
	return nil
}

// errCorrupt marks a copy whose result does not match the source. It is
// retried; a persistent mismatch is recorded as a failure.
var errCorrupt = errors.New("copy does not match the source")

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
	}
	if oe.Hint == "" && IsAccessDenied(err) {
		oe.Hint = "the destination identity may not write s3://" + e.opt.Dst.Bucket + " or read the source: check both bucket policies (s3migrate preflight)"
	}
	return oe
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
	}
}

// readHeaders fetches an object's headers and tags with client.
func (e *Engine) readHeaders(ctx context.Context, client S3API, who string, src Object) (objectHeaders, error) {
	h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.opt.Src.Bucket), Key: aws.String(src.Key)})
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

// runParts runs fn for each part with PartConcurrency in parallel; the first
// error cancels the rest.
func (e *Engine) runParts(ctx context.Context, parts int, fn func(ctx context.Context, n int) (types.CompletedPart, error)) ([]types.CompletedPart, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make([]types.CompletedPart, parts)
	sem := make(chan struct{}, e.opt.PartConcurrency)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for i := 0; i < parts; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			p, err := fn(ctx, i+1)
			if err != nil {
				once.Do(func() { firstErr = err; cancel() })
				return
			}
			done[i] = p
		}(i)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Slice(done, func(i, j int) bool { return aws.ToInt32(done[i].PartNumber) < aws.ToInt32(done[j].PartNumber) })
	return done, nil
}

// finishUpload completes an upload, or aborts it so no parts are left
// behind (and billed) when anything failed.
func (e *Engine) finishUpload(ctx context.Context, dstKey, uploadID string, parts []types.CompletedPart, err error) error {
	if err == nil {
		var out *s3.CompleteMultipartUploadOutput
		out, err = e.ep.Dst.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
		if err == nil && aws.ToString(out.ETag) == "" {
			err = errIncomplete
		}
		if err == nil {
			return nil
		}
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _ = e.ep.Dst.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID),
	})
	return err
}

// serverMultipartCopy copies a large object part by part with UploadPartCopy,
// parts in parallel. The server does not carry metadata or tags into a
// multipart upload, so they are read from the source and set explicitly.
func (e *Engine) serverMultipartCopy(ctx context.Context, src Object, dstKey string, f *inFlight) error {
	oh, err := e.readHeaders(ctx, e.ep.srcViaDst(), e.ep.DstName, src)
	if err != nil {
		return err
	}
	w := e.settings(src)
	uploadID, err := e.createUpload(ctx, dstKey, oh, w)
	if err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	partSize, parts := e.partLayout(oh.size)
	done, err := e.runParts(ctx, parts, func(ctx context.Context, n int) (types.CompletedPart, error) {
		first := int64(n-1) * partSize
		last := min(first+partSize, oh.size) - 1
		out, err := e.ep.Dst.UploadPartCopy(ctx, &s3.UploadPartCopyInput{
			Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID),
			PartNumber:        aws.Int32(int32(n)),
			CopySource:        aws.String(copySource(e.opt.Src.Bucket, src.Key)),
			CopySourceRange:   aws.String(fmt.Sprintf("bytes=%d-%d", first, last)),
			CopySourceIfMatch: quoteETag(oh.etag),
		})
		if err != nil {
			return types.CompletedPart{}, err
		}
		if out.CopyPartResult == nil || aws.ToString(out.CopyPartResult.ETag) == "" {
			return types.CompletedPart{}, errIncomplete
		}
		f.done.Add(last - first + 1)
		e.bytesDone.Add(last - first + 1)
		return types.CompletedPart{ETag: out.CopyPartResult.ETag, PartNumber: aws.Int32(int32(n))}, nil
	})
	if err := e.finishUpload(ctx, dstKey, uploadID, done, err); err != nil {
		return e.copyErr(src.Key, dstKey, err)
	}
	return nil
}

// relayCopy streams an object through this machine: GET as the origin
// identity, PUT (or multipart upload) as the destination identity. Memory is
// bounded by RelayMemory: each buffer is reserved before it is filled.
func (e *Engine) relayCopy(ctx context.Context, src Object, dstKey string, f *inFlight) error {
	oh, err := e.readHeaders(ctx, e.ep.Src, e.ep.SrcName, src)
	if err != nil {
		return err
	}
	w := e.settings(src)
	if oh.size <= e.opt.PartSize {
		buf, release, err := e.fetchRange(ctx, src.Key, oh.etag, 0, oh.size, f)
		if err != nil {
			return err
		}
		defer release()
		got, err := e.putObject(ctx, dstKey, buf, oh, w)
		if err != nil {
			return err
		}
		if e.etagCheckable(oh.etag) && got != oh.etag {
			return e.copyErr(src.Key, dstKey, fmt.Errorf("%w: destination ETag %s, source %s", errCorrupt, got, oh.etag))
		}
		return nil
	}
	uploadID, err := e.createUpload(ctx, dstKey, oh, w)
	if err != nil {
		return &OpError{Op: "start upload", URL: e.opt.Dst.URL(dstKey), Identity: e.ep.DstName, Err: err}
	}
	partSize, parts := e.partLayout(oh.size)
	done, err := e.runParts(ctx, parts, func(ctx context.Context, n int) (types.CompletedPart, error) {
		first := int64(n-1) * partSize
		length := min(partSize, oh.size-first)
		buf, release, err := e.fetchRange(ctx, src.Key, oh.etag, first, length, f)
		if err != nil {
			return types.CompletedPart{}, err
		}
		defer release()
		out, err := e.ep.Dst.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey), UploadId: aws.String(uploadID),
			PartNumber: aws.Int32(int32(n)), Body: bytes.NewReader(buf), ContentLength: aws.Int64(length),
		})
		if err != nil {
			return types.CompletedPart{}, err
		}
		return types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(n))}, nil
	})
	if err := e.finishUpload(ctx, dstKey, uploadID, done, err); err != nil {
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
func (e *Engine) putMarker(ctx context.Context, src Object, dstKey string, relay bool) error {
	reader, who := e.ep.srcViaDst(), e.ep.DstName
	if relay {
		reader, who = e.ep.Src, e.ep.SrcName
	}
	oh, err := e.readHeaders(ctx, reader, who, src)
	if err != nil {
		return err
	}
	_, err = e.putObject(ctx, dstKey, nil, oh, e.settings(src))
	return err
}

// putObject writes body with the carried-over headers as the destination
// identity and returns the new ETag.
func (e *Engine) putObject(ctx context.Context, dstKey string, body []byte, oh objectHeaders, w writeSettings) (string, error) {
	out, err := e.ep.Dst.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(e.opt.Dst.Bucket), Key: aws.String(dstKey),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
		ContentType: oh.contentType, CacheControl: oh.cacheControl, ContentDisposition: oh.contentDisp,
		ContentEncoding: oh.contentEncoding, ContentLanguage: oh.contentLanguage, Expires: oh.expires,
		Metadata: oh.metadata, Tagging: oh.tagging,
		ACL: w.acl, StorageClass: w.storageClass, ServerSideEncryption: w.sse, SSEKMSKeyId: w.kmsKey,
	})
	if err != nil {
		return "", &OpError{Op: "put", URL: e.opt.Dst.URL(dstKey), Identity: e.ep.DstName, Err: err}
	}
	return strings.Trim(aws.ToString(out.ETag), `"`), nil
}
