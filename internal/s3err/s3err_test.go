package s3err

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// One vocabulary: the classes the engine, preflight and the commands share.
func TestClassify(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied."}
	slow := &smithy.GenericAPIError{Code: "SlowDown", Message: "Reduce your request rate."}
	expired := &smithy.GenericAPIError{Code: "ExpiredToken", Message: "The provided token has expired."}
	op := &OpError{Op: "copy", URL: "s3://a/k → s3://b/k", Identity: "profile dst", Err: denied, Hint: "grant it"}
	cases := []struct {
		err                           error
		denied, cred, retry, notFound bool
		summary                       string
	}{
		{denied, true, false, false, false, "AccessDenied (Access Denied)"},
		{fmt.Errorf("wrapped: %w", op), true, false, false, false, "copy s3://a/k → s3://b/k as profile dst: AccessDenied (Access Denied): grant it"},
		{slow, false, false, true, false, "SlowDown (Reduce your request rate)"},
		{expired, false, true, false, false, "ExpiredToken (The provided token has expired)"},
		{&smithy.GenericAPIError{Code: "NoSuchKey"}, false, false, false, true, "NoSuchKey"},
		{io.ErrUnexpectedEOF, false, false, true, false, "unexpected EOF"},
		{fmt.Errorf("copy: %w", ErrCorrupt), false, false, true, false, "copy: copy does not match the source"},
		{context.Canceled, false, false, false, false, "context canceled"},
	}
	for _, c := range cases {
		if got := IsDenied(c.err); got != c.denied {
			t.Errorf("IsDenied(%v) = %v", c.err, got)
		}
		if got := IsCredential(c.err); got != c.cred {
			t.Errorf("IsCredential(%v) = %v", c.err, got)
		}
		if got := Retryable(c.err); got != c.retry {
			t.Errorf("Retryable(%v) = %v", c.err, got)
		}
		if got := IsNotFound(c.err); got != c.notFound {
			t.Errorf("IsNotFound(%v) = %v", c.err, got)
		}
		if got := Summary(c.err); got != c.summary {
			t.Errorf("Summary(%v) = %q, want %q", c.err, got, c.summary)
		}
	}
	if !errors.Is(op, denied) || !strings.Contains(op.Error(), "as profile dst") {
		t.Errorf("OpError does not wrap or name the identity: %v", op)
	}
}
