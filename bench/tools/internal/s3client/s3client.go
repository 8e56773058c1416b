// Package s3client is what the bench tools share: a plain AWS SDK for Go v2
// client for a named profile, an s3:// location parser and a listing
// iterator. It deliberately does not use awsauth or transfer: the tools are
// the baseline s3migrate is measured against, so they must be what anyone
// would write with the SDK alone.
package s3client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// New loads profile from the shared config files (AWS_CONFIG_FILE,
// AWS_SHARED_CREDENTIALS_FILE, endpoint_url) with the SDK's defaults, and
// returns an S3 client for it.
//
// The HTTP client is the SDK's buildable client, so AWS_CA_BUNDLE still
// applies (the SDK only applies it to that type). Its one change: up to conns
// idle connections per host instead of the default 10. Without it a loop at
// concurrency 32 closes and reopens connections all the time, and the
// comparison would measure connection churn rather than copying; s3migrate
// keeps twice its concurrency.
func New(ctx context.Context, profile string, conns int) (*s3.Client, error) {
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = max(conns, 100)
		t.MaxIdleConnsPerHost = max(conns, 10)
	})
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile), config.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("load profile %s: %w", profile, err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		// The sandbox is on 127.0.0.1: no virtual-host bucket names there.
		o.UsePathStyle = o.BaseEndpoint != nil
		// The sandbox stores no checksums; do not log that once per GET.
		o.DisableLogOutputChecksumValidationSkipped = true
	}), nil
}

// ParseURL splits s3://bucket/prefix. A non-empty prefix always ends in "/",
// so that "s3://b/x" and "s3://b/x/" both name the folder x/.
func ParseURL(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok || rest == "" {
		return "", "", fmt.Errorf("%q: want s3://bucket[/prefix]", u)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return bucket, prefix, nil
}

// List yields every object under prefix, one ListObjectsV2 page (1,000 keys)
// at a time, so callers can start work before the listing ends.
func List(ctx context.Context, c *s3.Client, bucket, prefix string) iter.Seq2[types.Object, error] {
	return func(yield func(types.Object, error) bool) {
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				yield(types.Object{}, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err))
				return
			}
			for _, o := range page.Contents {
				if !yield(o, nil) {
					return
				}
			}
		}
	}
}
