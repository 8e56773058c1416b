package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var unsafeBucketChars = regexp.MustCompile(`[^a-z0-9-]+`)

// NewPair creates a fresh origin bucket (owned by the origin account, with
// the owner statement in its policy) and an empty destination bucket (owned
// by the destination account). Names derive from name, so tests sharing one
// sandbox do not collide.
func (s *Sandbox) NewPair(ctx context.Context, name string) (src, dst string, err error) {
	base := strings.Trim(unsafeBucketChars.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(base) > 40 {
		base = base[:40]
	}
	src, dst = "src-"+base+"-"+strings.ToLower(randHex(3)), "dst-"+base+"-"+strings.ToLower(randHex(3))
	origin, dest := s.Client(s.Origin), s.Client(s.Dest)
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(src)}); err != nil {
		return "", "", fmt.Errorf("create %s: %w", src, err)
	}
	if _, err := origin.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(src), Policy: aws.String(OwnerPolicy(src, s.Origin.AccessKey))}); err != nil {
		return "", "", fmt.Errorf("owner policy on %s: %w", src, err)
	}
	if _, err := dest.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(dst)}); err != nil {
		return "", "", fmt.Errorf("create %s: %w", dst, err)
	}
	return src, dst, nil
}

// GrantRead replaces the origin bucket's policy with the owner statement plus
// a broad read grant (list, get, tags) for the destination account. It is a
// test shortcut; s3migrate's own policy command writes scoped statements.
func (s *Sandbox) GrantRead(ctx context.Context, bucket string) error {
	pol := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Sid":"OwnerFullAccess","Effect":"Allow","Principal":{"AWS":["%[1]s"]},"Action":"s3:*","Resource":["arn:aws:s3:::%[3]s","arn:aws:s3:::%[3]s/*"]},
{"Sid":"TestDestRead","Effect":"Allow","Principal":{"AWS":["%[2]s"]},"Action":["s3:ListBucket","s3:GetObject","s3:GetObjectTagging","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::%[3]s","arn:aws:s3:::%[3]s/*"]}]}`,
		s.Origin.AccessKey, s.Dest.AccessKey, bucket)
	_, err := s.Client(s.Origin).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(pol)})
	return err
}
