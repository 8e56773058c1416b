package transfer

import (
	"context"
	"strings"
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
	l, op, err := getLock(ctx, e.ep.Src, e.opt.Src.Bucket, src.Key)
	if err != nil {
		return l, &OpError{Op: "read the " + op + " of", URL: e.opt.Src.URL(src.Key), Identity: e.ep.SrcName, Err: err,
			Hint: "--keep-object-lock reads each object's " + op + " as the origin identity: it needs s3:GetObject" + lockPermission[op]}
	}
	return l, nil
}

// lockPermission names the permission each read needs, after s3:GetObject.
var lockPermission = map[string]string{"retention": "Retention", "legal hold": "LegalHold"}

// getLock reads an object's retention and legal hold with c; on failure it
// says which of the two ("retention", "legal hold") could not be read.
// Retention that has run out is none: it protects nothing, and S3 refuses
// a retain-until date in the past.
func getLock(ctx context.Context, c S3API, bucket, key string) (objectLock, string, error) {
	var l objectLock
	b, k := aws.String(bucket), aws.String(key)
	r, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: b, Key: k})
	switch {
	case err == nil && r.Retention != nil:
		l.mode, l.until = types.ObjectLockMode(r.Retention.Mode), r.Retention.RetainUntilDate
	case err != nil && !noLock(err):
		return l, "retention", err
	}
	h, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: b, Key: k})
	switch {
	case err == nil && h.LegalHold != nil:
		l.legalHold = h.LegalHold.Status
	case err != nil && !noLock(err):
		return l, "legal hold", err
	}
	if l.until != nil && !l.until.After(time.Now()) {
		l.mode, l.until = "", nil
	}
	if l.legalHold == types.ObjectLockLegalHoldStatusOff {
		l.legalHold = ""
	}
	return l, "", nil
}

// String says how the lock protects an object: "GOVERNANCE until
// 2027-01-02T03:04:05Z, legal hold", or "none".
func (l objectLock) String() string {
	var parts []string
	if l.mode != "" {
		until := "?"
		if l.until != nil {
			until = l.until.UTC().Format(time.RFC3339)
		}
		parts = append(parts, string(l.mode)+" until "+until)
	}
	if l.legalHold == types.ObjectLockLegalHoldStatusOn {
		parts = append(parts, "legal hold")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
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
