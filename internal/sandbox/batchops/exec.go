package batchops

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/s3migrate/s3migrate/transfer"
)

// Failure threshold: AWS fails a job whose tasks fail more than half of the
// time once at least 1,000 tasks have run.
const (
	failureThresholdTasks = 1000
	maxManifestBytes      = 512 << 20
)

// task is one manifest line.
type task struct {
	bucket, key, version string // decoded
	rawKey               string // as the manifest wrote it (URL-encoded)
}

// result is one task's outcome, one line of the completion report.
type result struct {
	task
	succeeded  bool
	httpStatus int
	errorCode  string
	message    string
}

// jobFailure ends a job in Failed with a failure reason.
type jobFailure struct{ code, reason string }

func (e *Emulator) run(ctx context.Context, j *job) {
	if !j.advance(StatusPreparing) {
		j.finish(StatusCancelled)
		return
	}
	client, err := e.cfg.Client(j.account)
	if err != nil {
		j.fail(jobFailure{"InternalError", err.Error()})
		return
	}
	tasks, jf := readManifest(ctx, client, j.req.Manifest)
	if jf != nil {
		if ctx.Err() != nil {
			j.finish(StatusCancelled)
			return
		}
		j.fail(*jf)
		return
	}
	j.mu.Lock()
	j.total = int64(len(tasks))
	j.mu.Unlock()

	if j.req.ConfirmationRequired != nil && *j.req.ConfirmationRequired {
		// As on AWS: a job that needs confirmation waits in Suspended until
		// UpdateJobStatus sets it Ready.
		if !j.advance(StatusSuspended) {
			j.finish(StatusCancelled)
			return
		}
		select {
		case <-j.confirm:
		case <-ctx.Done():
			j.finish(StatusCancelled)
			return
		}
	} else if !j.advance(StatusReady) {
		j.finish(StatusCancelled)
		return
	}
	if !j.advance(StatusActive) {
		j.finish(StatusCancelled)
		return
	}

	results, thresholdHit := e.runTasks(ctx, client, j, tasks)

	final := StatusComplete
	var failure *jobFailure
	switch {
	case thresholdHit:
		failure = &jobFailure{"TaskFailureThresholdExceeded",
			fmt.Sprintf("more than 50%% of at least %d tasks failed", failureThresholdTasks)}
		final = StatusFailed
		j.setStatus(StatusFailing)
	case ctx.Err() != nil:
		final = StatusCancelled
	default:
		if !j.advance(StatusCompleting) {
			final = StatusCancelled
		}
	}
	// A report is written for a job that ran at least one task, whether it
	// completed, failed or was cancelled.
	if r := j.req.Report; r != nil && r.Enabled && len(results) > 0 {
		if err := writeReport(context.WithoutCancel(ctx), client, j, results); err != nil {
			failure = &jobFailure{"ReportWriteFailed", "writing the completion report failed: " + err.Error()}
			final = StatusFailed
		}
	}
	if failure != nil {
		j.fail(*failure)
		return
	}
	j.finish(final)
}

// advance moves the job to s unless a cancellation was asked for.
func (j *job) advance(s string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cancelRequested {
		return false
	}
	j.setStatusLocked(s)
	return true
}

func (j *job) finish(s string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.setStatusLocked(s)
	j.cancel()
}

func (j *job) fail(f jobFailure) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.failures = append(j.failures, xFailure{FailureCode: f.code, FailureReason: f.reason})
	j.setStatusLocked(StatusFailed)
	j.cancel()
}

// readManifest reads the CSV manifest from S3 as the job's account, checks
// its ETag, and parses its lines.
func readManifest(ctx context.Context, c *s3.Client, m *xManifest) ([]task, *jobFailure) {
	bucket, key, _ := objectARN(m.Location.ObjectArn)
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if m.Location.ObjectVersionId != "" {
		in.VersionId = aws.String(m.Location.ObjectVersionId)
	}
	out, err := c.GetObject(ctx, in)
	if err != nil {
		code, _, msg := errorParts(err)
		return nil, &jobFailure{"ManifestReadFailed", fmt.Sprintf("reading the manifest %s failed: %s: %s", m.Location.ObjectArn, code, msg)}
	}
	defer out.Body.Close()
	if got, want := unquote(aws.ToString(out.ETag)), unquote(m.Location.ETag); got != want {
		return nil, &jobFailure{"ManifestETagMismatch", fmt.Sprintf("the manifest's ETag is %q, not the %q given in Manifest.Location.ETag", got, want)}
	}
	body, err := io.ReadAll(io.LimitReader(out.Body, maxManifestBytes+1))
	if err != nil {
		return nil, &jobFailure{"ManifestReadFailed", "reading the manifest failed: " + err.Error()}
	}
	if len(body) > maxManifestBytes {
		return nil, &jobFailure{"ManifestTooLarge", fmt.Sprintf("the sandbox reads manifests up to %d bytes", maxManifestBytes)}
	}
	cols, err := manifestColumns(m.Spec.Fields)
	if err != nil {
		return nil, &jobFailure{"InvalidManifest", err.Error()}
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	var tasks []task
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &jobFailure{"InvalidManifest", fmt.Sprintf("manifest line %d: %v", line, err)}
		}
		if len(rec) != cols.n {
			return nil, &jobFailure{"InvalidManifest", fmt.Sprintf("manifest line %d has %d fields, Fields names %d", line, len(rec), cols.n)}
		}
		t := task{bucket: rec[cols.bucket], rawKey: rec[cols.key]}
		// Keys are URL-encoded in the manifest (as S3 Inventory writes
		// them: a space may be "+" or "%20", a plus is "%2B").
		t.key, err = url.QueryUnescape(t.rawKey)
		if err != nil || t.key == "" {
			return nil, &jobFailure{"InvalidManifest", fmt.Sprintf("manifest line %d: key %q is not URL-encoded", line, t.rawKey)}
		}
		if cols.version >= 0 {
			t.version = rec[cols.version]
		}
		tasks = append(tasks, t)
	}
	if len(tasks) == 0 {
		return nil, &jobFailure{"InvalidManifest", "the manifest lists no objects"}
	}
	return tasks, nil
}

func unquote(etag string) string { return strings.Trim(strings.TrimSpace(etag), `"`) }

// runTasks runs the tasks with bounded concurrency until they are done or
// ctx is cancelled (tasks already started finish). It reports whether the
// failure threshold stopped the job.
func (e *Emulator) runTasks(ctx context.Context, c *s3.Client, j *job, tasks []task) ([]result, bool) {
	e.mu.Lock()
	limit, delay := e.copyLimit, e.taskDelay
	e.mu.Unlock()
	op := j.req.Operation.S3PutObjectCopy
	target, _ := bucketARN(op.TargetResource)

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	work := make(chan task)
	var (
		mu        sync.Mutex
		results   []result
		threshold bool
		wg        sync.WaitGroup
	)
	for w := 0; w < e.cfg.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				if delay > 0 {
					time.Sleep(delay)
				}
				// A started task finishes even if the job is cancelled
				// meanwhile, as on AWS.
				res := copyTask(context.WithoutCancel(runCtx), c, op, target, t, limit)
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
				j.mu.Lock()
				if res.succeeded {
					j.succeeded++
				} else {
					j.failed++
				}
				done := j.succeeded + j.failed
				if done >= failureThresholdTasks && j.failed*2 > done {
					threshold = true
					stop()
				}
				j.mu.Unlock()
			}
		}()
	}
feed:
	for _, t := range tasks {
		select {
		case work <- t:
		case <-runCtx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return results, threshold
}

// copyTask runs one S3PutObjectCopy task: CopyObject from the manifest's
// object to the target bucket, under TargetKeyPrefix, keeping metadata and
// tags unless the operation replaces them.
func copyTask(ctx context.Context, c *s3.Client, op *xCopyOperation, target string, t task, limit int64) result {
	res := result{task: t}
	head := &s3.HeadObjectInput{Bucket: aws.String(t.bucket), Key: aws.String(t.key)}
	if t.version != "" {
		head.VersionId = aws.String(t.version)
	}
	h, herr := c.HeadObject(ctx, head)
	if herr == nil && aws.ToInt64(h.ContentLength) > limit {
		// CopyObject's own refusal, which AWS reports for such a task.
		res.httpStatus, res.errorCode = http.StatusBadRequest, "InvalidRequest"
		res.message = fmt.Sprintf("The specified copy source is larger than the maximum allowable size for a copy source: %d", limit)
		return res
	}
	// A failed HEAD (missing key, denied) is left to CopyObject, whose error
	// (NoSuchKey, AccessDenied) is what the task reports.
	src := transfer.CopySource(t.bucket, t.key)
	if t.version != "" {
		src += "?versionId=" + url.QueryEscape(t.version)
	}
	in := &s3.CopyObjectInput{
		Bucket:            aws.String(target),
		Key:               aws.String(op.TargetKeyPrefix + t.key),
		CopySource:        aws.String(src),
		MetadataDirective: types.MetadataDirectiveCopy,
		TaggingDirective:  types.TaggingDirectiveCopy,
	}
	if op.MetadataDirective == "REPLACE" {
		in.MetadataDirective = types.MetadataDirectiveReplace
		if md := op.NewObjectMetadata; md != nil {
			in.CacheControl = optional(md.CacheControl)
			in.ContentDisposition = optional(md.ContentDisposition)
			in.ContentEncoding = optional(md.ContentEncoding)
			in.ContentLanguage = optional(md.ContentLanguage)
			in.ContentType = optional(md.ContentType)
			if md.HttpExpiresDate != "" {
				if ts, err := time.Parse(time.RFC3339, md.HttpExpiresDate); err == nil {
					in.Expires = &ts
				}
			}
			if len(md.UserMetadata) > 0 {
				in.Metadata = map[string]string{}
				for _, kv := range md.UserMetadata {
					in.Metadata[kv.Key] = kv.Value
				}
			}
		}
	}
	if md := op.NewObjectMetadata; md != nil {
		switch md.SSEAlgorithm {
		case "AES256":
			in.ServerSideEncryption = types.ServerSideEncryptionAes256
		case "KMS":
			in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		}
	}
	if len(op.NewObjectTagging) > 0 {
		v := url.Values{}
		for _, tg := range op.NewObjectTagging {
			v.Add(tg.Key, tg.Value)
		}
		in.TaggingDirective = types.TaggingDirectiveReplace
		in.Tagging = aws.String(v.Encode())
	}
	if op.StorageClass != "" {
		in.StorageClass = types.StorageClass(op.StorageClass)
	}
	if op.ChecksumAlgorithm != "" {
		in.ChecksumAlgorithm = types.ChecksumAlgorithm(op.ChecksumAlgorithm)
	}
	if op.CannedAccessControlList != "" {
		in.ACL = types.ObjectCannedACL(op.CannedAccessControlList)
	}
	if op.SSEAwsKmsKeyId != "" {
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String(op.SSEAwsKmsKeyId)
	}
	if op.BucketKeyEnabled {
		in.BucketKeyEnabled = aws.Bool(true)
	}
	var err error
	if herr == nil && strings.HasSuffix(t.key, "/") && aws.ToInt64(h.ContentLength) == 0 {
		// AWS copies a folder marker like any object; the sandbox's
		// Versity Gateway refuses CopyObject onto one (its posix backend
		// keeps it as a directory), so the emulator writes it anew.
		err = putMarker(ctx, c, in, h, t)
	} else {
		_, err = c.CopyObject(ctx, in)
	}
	if err != nil {
		code, status, msg := errorParts(err)
		res.httpStatus, res.errorCode = status, code
		res.message = fmt.Sprintf("%s (Service: Amazon S3; Status Code: %d; Error Code: %s)", msg, status, code)
		return res
	}
	res.succeeded, res.httpStatus, res.message = true, http.StatusOK, "Successful"
	return res
}

// putMarker writes the empty folder marker a copy would: the copy's
// settings, and the source's headers and tags unless the copy replaces
// them.
func putMarker(ctx context.Context, c *s3.Client, in *s3.CopyObjectInput, h *s3.HeadObjectOutput, t task) error {
	put := &s3.PutObjectInput{
		Bucket: in.Bucket, Key: in.Key, Body: bytes.NewReader(nil), ContentLength: aws.Int64(0),
		CacheControl: in.CacheControl, ContentDisposition: in.ContentDisposition, ContentEncoding: in.ContentEncoding,
		ContentLanguage: in.ContentLanguage, ContentType: in.ContentType, Expires: in.Expires, Metadata: in.Metadata,
		StorageClass: in.StorageClass, ACL: in.ACL, ServerSideEncryption: in.ServerSideEncryption, SSEKMSKeyId: in.SSEKMSKeyId,
		BucketKeyEnabled: in.BucketKeyEnabled, Tagging: in.Tagging,
	}
	if in.MetadataDirective != types.MetadataDirectiveReplace {
		put.CacheControl, put.ContentDisposition, put.ContentEncoding = h.CacheControl, h.ContentDisposition, h.ContentEncoding
		put.ContentLanguage, put.ContentType, put.Metadata = h.ContentLanguage, h.ContentType, h.Metadata
	}
	if in.TaggingDirective != types.TaggingDirectiveReplace {
		tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(t.bucket), Key: aws.String(t.key)})
		if err != nil {
			return err
		}
		v := url.Values{}
		for _, tg := range tags.TagSet {
			v.Add(aws.ToString(tg.Key), aws.ToString(tg.Value))
		}
		if len(v) > 0 {
			put.Tagging = aws.String(v.Encode())
		}
	}
	_, err := c.PutObject(ctx, put)
	return err
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// errorParts returns an S3 error's code, HTTP status and message.
func errorParts(err error) (code string, status int, msg string) {
	code, status, msg = "InternalError", http.StatusInternalServerError, err.Error()
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
		if msg == "" {
			msg = code
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status, msg
}
