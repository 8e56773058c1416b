// Package s3err is the one place that knows S3 and credential errors: it
// classifies them (typed SDK errors first, text only where the SDK gives
// nothing else), renders them in one line, and carries what a person needs
// to act (OpError: operation, location, identity, hint). The engine, the
// preflight checks and the commands all ask it, so they agree.
package s3err

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// OpError is a failed S3 operation on one bucket or key: what was done, where,
// as whom, and what the user can do about it.
type OpError struct {
	Op       string // "list", "copy", "head", …
	URL      string // s3://bucket/key
	Identity string // the profile (and account) that made the call, if known
	Err      error
	Hint     string
}

func (e *OpError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.URL != "" {
		b.WriteString(" ")
		b.WriteString(e.URL)
	}
	if e.Identity != "" {
		b.WriteString(" as ")
		b.WriteString(e.Identity)
	}
	b.WriteString(": ")
	b.WriteString(Summary(e.Err))
	if e.Hint != "" {
		b.WriteString(": ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

func (e *OpError) Unwrap() error { return e.Err }

// Code returns the S3 error code of err ("AccessDenied", "NoSuchBucket",
// …) or "" when err is not an API error.
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Status returns the HTTP status of a failed call, or 0.
func Status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// Summary renders an error in one line: an OpError whole (operation,
// location, identity, cause and hint: what the user needs to act), an SDK
// error as its code and message without request ids and boilerplate.
func Summary(err error) string {
	if err == nil {
		return ""
	}
	var oe *OpError
	if errors.As(err, &oe) {
		return oe.Error()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if ae.ErrorCode() == "Forbidden" {
			return "AccessDenied (403 Forbidden)"
		}
		msg := ae.ErrorMessage()
		if msg == "" || msg == ae.ErrorCode() {
			return ae.ErrorCode()
		}
		return ae.ErrorCode() + " (" + strings.TrimSuffix(msg, ".") + ")"
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return ne.Error()
	}
	return err.Error()
}

// IsDenied reports an authorization failure.
func IsDenied(err error) bool {
	if IsCredential(err) {
		return false
	}
	switch Code(err) {
	case "AccessDenied", "AllAccessDisabled", "AccountProblem":
		return true
	}
	// HEAD responses have no body, so their 403 carries no code ("Forbidden").
	return Status(err) == 403
}

// IsNotFound reports a missing key (not a missing bucket).
func IsNotFound(err error) bool {
	c := Code(err)
	return c == "NoSuchKey" || c == "NotFound" || (Status(err) == 404 && c != "NoSuchBucket")
}

// IsCredential reports credentials that are missing, expired or wrong.
func IsCredential(err error) bool {
	if err == nil {
		return false
	}
	switch Code(err) {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired":
		return true
	}
	return strings.Contains(err.Error(), "failed to retrieve credentials") ||
		strings.Contains(err.Error(), "failed to refresh cached credentials")
}

// Retryable reports whether trying the same object again may succeed:
// throttling, server errors, timeouts, dropped connections, truncated bodies,
// and CopyObject's "200 with an error body".
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ra interface{ RetryableError() bool }
	if errors.As(err, &ra) && ra.RetryableError() {
		return true
	}
	var qe *retry.MaxAttemptsError
	if errors.As(err, &qe) {
		return true
	}
	switch Code(err) {
	case "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
		"OperationAborted", "Throttling", "ThrottlingException", "TooManyRequests", "BadDigest", "IncompleteBody":
		return true
	}
	if s := Status(err); s >= 500 || s == 429 {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrShortBody) ||
		// A copy acknowledged without its result, or whose result does not
		// match the source, is tried again (a mismatch that persists ends
		// up recorded as a failure).
		errors.Is(err, ErrIncomplete) || errors.Is(err, ErrCorrupt) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// Errors the engine finds itself, after the server said yes.
var (
	// ErrShortBody: a body ended before its Content-Length.
	ErrShortBody = errors.New("body shorter than its Content-Length")
	// ErrIncomplete marks a copy the server acknowledged without the result
	// it owes (e.g. CopyObject's HTTP 200 whose body is an error or is cut
	// short).
	ErrIncomplete = errors.New("server acknowledged the copy without a result: it may have failed mid-copy")
	// ErrCorrupt marks a copy whose result does not match the source.
	ErrCorrupt = errors.New("copy does not match the source")
)
