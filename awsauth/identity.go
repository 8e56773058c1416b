package awsauth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/internal/s3err"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Identity is who a session acts as.
type Identity struct {
	// Account is the 12-digit AWS account id, "" where there is no STS.
	Account string
	// ARN is the caller's ARN, "" where there is no STS.
	ARN string
	// Principal is what a bucket policy names to grant this identity: the
	// account root ARN on AWS, the access key id on servers without STS.
	Principal string
	// Note explains a fallback ("no STS at this endpoint: …").
	Note string
}

// IdentityTimeout bounds the STS call: an unreachable endpoint must not hang
// a profile listing or a policy preview.
const IdentityTimeout = 5 * time.Second

// ResolveIdentity asks STS GetCallerIdentity who the session is. Where a
// custom endpoint has no STS, the access key id stands in for the identity
// (S3-compatible servers name principals that way) and Note says so.
func ResolveIdentity(ctx context.Context, s *Session) (Identity, error) {
	ctx, cancel := context.WithTimeout(ctx, IdentityTimeout)
	defer cancel()
	out, err := sts.NewFromConfig(s.Config, func(o *sts.Options) {
		o.RetryMaxAttempts = 1
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		id := Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
		// The account root in the caller's own partition: a policy in
		// aws-cn or aws-us-gov naming arn:aws:… would not match anyone. A
		// partition s3migrate does not know is kept as STS said it, and
		// MigrationStatements refuses it with a clear error.
		id.Principal = "arn:" + partitionOf(id.ARN) + ":iam::" + id.Account + ":root"
		return id, nil
	}
	if s.Endpoint != "" {
		// Without STS nothing has checked the keys yet: one cheap signed
		// call tells a wrong secret from a good one.
		if _, lerr := s.s3.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)}); lerr != nil {
			var ae smithy.APIError
			if errors.As(lerr, &ae) {
				switch ae.ErrorCode() {
				case "InvalidAccessKeyId", "SignatureDoesNotMatch":
					return Identity{}, &s3err.OpError{Op: "check the credentials at", URL: s.Endpoint, Identity: s.Name(), Err: lerr,
						Hint: "the endpoint rejected the credentials: check the keys"}
				case "AuthorizationHeaderMalformed":
					return Identity{}, &s3err.OpError{Op: "check the credentials at", URL: s.Endpoint, Identity: s.Name(), Err: lerr,
						Hint: "the endpoint rejected the credentials: fix the profile's region"}
				}
			}
		}
		return Identity{Principal: s.AccessKeyID,
			Note: "no STS at " + s.Endpoint + ": the access key id stands for the identity"}, nil
	}
	return Identity{}, &s3err.OpError{Op: "STS GetCallerIdentity", Identity: s.Name(), Err: err, Hint: "check the credentials and network"}
}

// partitionOf is the partition field of an ARN ("aws", "aws-cn", ...), as
// given: bucketpolicy decides whether it knows it.
func partitionOf(arn string) string {
	rest, _ := strings.CutPrefix(arn, "arn:")
	part, _, _ := strings.Cut(rest, ":")
	return part
}
