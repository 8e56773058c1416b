package transfer

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestHeadChecksumType: the type a HEAD states wins; without one, a
// multipart object's checksum is not taken for a full-object one (moto
// reports a composite CRC32 that way), a single-part object's is.
func TestHeadChecksumType(t *testing.T) {
	for _, c := range []struct {
		typ  types.ChecksumType
		etag string
		want types.ChecksumType
	}{
		{"", `"9c1f43cf1d6c55af6fc15ced2dcbc3cd-4"`, types.ChecksumTypeComposite},
		{"", `"9c1f43cf1d6c55af6fc15ced2dcbc3cd"`, types.ChecksumTypeFullObject},
		{types.ChecksumTypeFullObject, `"9c1f43cf1d6c55af6fc15ced2dcbc3cd-4"`, types.ChecksumTypeFullObject},
		{types.ChecksumTypeComposite, `"9c1f43cf1d6c55af6fc15ced2dcbc3cd-2"`, types.ChecksumTypeComposite},
	} {
		h := &s3.HeadObjectOutput{ChecksumType: c.typ, ETag: aws.String(c.etag), ChecksumCRC32: aws.String("J5Ho0g==")}
		if got := headChecksumType(h); got != c.want {
			t.Errorf("type %q, ETag %s: %q, want %q", c.typ, c.etag, got, c.want)
		}
		sums := headersFromHead(h).sums
		if _, full := sums["CRC32"]; full != (c.want == types.ChecksumTypeFullObject) {
			t.Errorf("type %q, ETag %s: full-object sums %v", c.typ, c.etag, sums)
		}
	}
}
