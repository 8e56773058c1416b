package awsauth

import (
	"errors"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestRegionFromError: a 301 from HeadBucket carries the bucket's region in
// a header; that is what routes the bucket's client.
func TestRegionFromError(t *testing.T) {
	resp := &http.Response{StatusCode: 301, Header: http.Header{}}
	resp.Header.Set("X-Amz-Bucket-Region", "eu-central-1")
	err := &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: errors.New("moved")}}
	if got := regionFromError(err); got != "eu-central-1" {
		t.Errorf("region %q, want eu-central-1", got)
	}
	if got := regionFromError(errors.New("dial tcp: refused")); got != "" {
		t.Errorf("region from a network error: %q", got)
	}
}
