package transfer

import (
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// copyErr names what to do for the failures an operator cannot read the
// cause of from S3's words alone: an SSE-C source, retention into a bucket
// without Object Lock, a KMS key that denies the destination identity.
func TestCopyErrHints(t *testing.T) {
	e := &Engine{opt: Options{Src: Location{Bucket: "src"}, Dst: Location{Bucket: "dst"}}, ep: Endpoints{DstName: "profile dest"}}
	for _, tc := range []struct {
		code, msg, want string
	}{
		{"InvalidRequest", "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.", "customer-provided key (SSE-C)"},
		{"InvalidRequest", "Bucket is missing Object Lock Configuration", "drop --keep-object-lock"},
		{"AccessDenied", "User: arn:aws:iam::222222222222:root is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111111111111:key/k", "s3migrate policy --kms-key ARN"},
		{"AccessDenied", "Access Denied", "check both bucket policies"},
		{"InvalidRequest", "something else", ""},
	} {
		err := e.copyErr("k", "k", &smithy.GenericAPIError{Code: tc.code, Message: tc.msg})
		oe, ok := err.(*OpError)
		if !ok {
			t.Fatalf("%T, want *OpError", err)
		}
		if (tc.want == "" && oe.Hint != "") || !strings.Contains(oe.Hint, tc.want) {
			t.Errorf("%s %q: hint %q, want %q", tc.code, tc.msg, oe.Hint, tc.want)
		}
	}
}
