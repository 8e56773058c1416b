package awsauth

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BucketClient returns a client of this session for the region the bucket
// lives in, so a bucket in another region than the profile's just works.
// Clients are cached per region. On a custom endpoint the region does not
// route anywhere, so the session's own client is returned.
func (s *Session) BucketClient(ctx context.Context, bucket string) *s3.Client {
	if s.Endpoint != "" {
		return s.s3
	}
	region := s.bucketRegion(ctx, bucket)
	if region == "" || region == s.Config.Region {
		return s.s3
	}
	return s.regionClient(region)
}

func (s *Session) regionClient(region string) *s3.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.byRegion[region]; ok {
		return c
	}
	if s.byRegion == nil {
		s.byRegion = map[string]*s3.Client{}
	}
	c := s3.NewFromConfig(s.Config, func(o *s3.Options) {
		o.Region = region
		o.DisableLogOutputChecksumValidationSkipped = true
		s.s3Options(o)
	})
	s.byRegion[region] = c
	return c
}

// bucketRegion asks HeadBucket where the bucket is. S3 names the region in
// the x-amz-bucket-region header even when it answers 301 or 403.
func (s *Session) bucketRegion(ctx context.Context, bucket string) string {
	s.mu.Lock()
	region, ok := s.regionOf[bucket]
	s.mu.Unlock()
	if ok {
		return region
	}
	out, err := s.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		region = aws.ToString(out.BucketRegion)
	} else {
		region = regionFromError(err)
	}
	if region != "" {
		s.mu.Lock()
		if s.regionOf == nil {
			s.regionOf = map[string]string{}
		}
		s.regionOf[bucket] = region
		s.mu.Unlock()
	}
	return region
}

// regionFromError reads x-amz-bucket-region from a failed call's response.
func regionFromError(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}
