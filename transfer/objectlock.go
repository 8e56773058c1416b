package transfer

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// objectLock is an object's Object Lock protection: retention (mode and
// the date it holds until) and legal hold. The zero value is none.
//
// A copy does not carry it: CopyObject, a multipart upload and PutObject
// write an object without retention unless told, and the destination
// bucket's default retention (if any) applies instead. With
// Options.KeepObjectLock the engine reads it from the source, as the
// origin identity that owns the objects, and writes it with the copy.
type objectLock struct {
	mode      types.ObjectLockMode
	until     *time.Time
	legalHold types.ObjectLockLegalHoldStatus
}

// readLock reads src's retention and legal hold as the origin identity.
// An object without them answers with a "no configuration" error, which
// is none, not a failure; a denied read fails the object: copying it
// without its protection would be a silent loss.
func (e *Engine) readLock(ctx context.Context, src Object) (objectLock, error) {
	var l objectLock
	bucket, key := aws.String(e.opt.Src.Bucket), aws.String(src.Key)
	r, err := e.ep.Src.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: key})
	switch {
	case err == nil && r.Retention != nil:
		l.mode, l.until = types.ObjectLockMode(r.Retention.Mode), r.Retention.RetainUntilDate
	case err != nil && !noLock(err):
		return l, &OpError{Op: "read the retention of", URL: e.opt.Src.URL(src.Key), Identity: e.ep.SrcName, Err: err,
			Hint: "--keep-object-lock reads each object's retention as the origin identity: it needs s3:GetObjectRetention"}
	}
	h, err := e.ep.Src.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: bucket, Key: key})
	switch {
	case err == nil && h.LegalHold != nil:
		l.legalHold = h.LegalHold.Status
	case err != nil && !noLock(err):
		return l, &OpError{Op: "read the legal hold of", URL: e.opt.Src.URL(src.Key), Identity: e.ep.SrcName, Err: err,
			Hint: "--keep-object-lock reads each object's legal hold as the origin identity: it needs s3:GetObjectLegalHold"}
	}
	if l.until != nil && !l.until.After(time.Now()) {
		// Retention that has run out protects nothing, and S3 refuses a
		// retain-until date in the past.
		l.mode, l.until = "", nil
	}
	return l, nil
}

// noLock reports the answer of an object (or bucket) without retention or
// legal hold.
func noLock(err error) bool {
	switch ErrorCode(err) {
	case "NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError":
		return true
	}
	return false
}
