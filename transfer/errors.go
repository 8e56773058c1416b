package transfer

import "github.com/s3migrate/s3migrate/internal/s3err"

// The engine's error vocabulary is s3err's; these names keep the engine's
// callers reading as before.

// OpError is a failed S3 operation (see s3err.OpError).
type OpError = s3err.OpError

// ErrorCode returns the S3 error code of err, or "".
func ErrorCode(err error) string { return s3err.Code(err) }

// HTTPStatus returns the HTTP status of a failed call, or 0.
func HTTPStatus(err error) int { return s3err.Status(err) }

// ErrorSummary renders err in one line (see s3err.Summary).
func ErrorSummary(err error) string { return s3err.Summary(err) }

// IsAccessDenied reports an authorization failure.
func IsAccessDenied(err error) bool { return s3err.IsDenied(err) }

// IsNotFound reports a missing key (not a missing bucket).
func IsNotFound(err error) bool { return s3err.IsNotFound(err) }

// IsCredentialError reports credentials that are missing, expired or wrong.
func IsCredentialError(err error) bool { return s3err.IsCredential(err) }

// Retryable reports whether trying the same object again may succeed.
func Retryable(err error) bool { return s3err.Retryable(err) }

var (
	errShortBody  = s3err.ErrShortBody
	errIncomplete = s3err.ErrIncomplete
	errCorrupt    = s3err.ErrCorrupt
)
