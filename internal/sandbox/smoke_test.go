package sandbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	t0 := time.Now()
	s, err := Start(ctx, Options{Seed: SeedSmall})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("started+seeded in %v", time.Since(t0))
	dest := s.Client(s.Dest)
	origin := s.Client(s.Origin)
	_, err = dest.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(OriginBucket)})
	t.Logf("list before policy: %v", err)
	_, err = dest.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(DestBucket), Key: aws.String("x"), CopySource: aws.String(OriginBucket + "/reports/2025/q1.csv")})
	t.Logf("copy before policy: %v", err)
	pol := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"OwnerFullAccess","Effect":"Allow","Principal":{"AWS":["%s"]},"Action":"s3:*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]},
	{"Sid":"Mig","Effect":"Allow","Principal":{"AWS":["%s"]},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::%s"],"Condition":{"StringLike":{"s3:prefix":["reports/*","backups/*"]}}},
	{"Sid":"Mig2","Effect":"Allow","Principal":{"AWS":["%s"]},"Action":["s3:GetObject","s3:GetObjectTagging","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::%s/reports/*","arn:aws:s3:::%s/backups/*"]}]}`,
		s.Origin.AccessKey, OriginBucket, OriginBucket, s.Dest.AccessKey, OriginBucket, s.Dest.AccessKey, OriginBucket, OriginBucket)
	_, err = origin.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(OriginBucket), Policy: aws.String(pol)})
	t.Logf("put policy: %v", err)
	_, err = dest.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(OriginBucket), Prefix: aws.String("reports/")})
	t.Logf("list reports/ after policy: %v", err)
	_, err = dest.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(OriginBucket), Prefix: aws.String("logs/")})
	t.Logf("list logs/ after policy: %v", err)
	_, err = dest.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(DestBucket), Key: aws.String("x"), CopySource: aws.String(OriginBucket + "/reports/2025/q1.csv"), TaggingDirective: types.TaggingDirectiveCopy})
	t.Logf("copy after policy: %v", err)
	h, err := dest.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(DestBucket), Key: aws.String("x")})
	if err == nil {
		t.Logf("head: ct=%v meta=%v etag=%v", aws.ToString(h.ContentType), h.Metadata, aws.ToString(h.ETag))
	}
	tg, err := dest.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(DestBucket), Key: aws.String("x")})
	if err == nil {
		t.Logf("tags: %v", tg.TagSet)
	} else {
		t.Logf("tags err %v", err)
	}
	l, err := origin.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(OriginBucket), Prefix: aws.String("backups/")})
	if err == nil {
		for _, o := range l.Contents {
			t.Logf("%s %d %s %v", aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToString(o.ETag), o.ChecksumAlgorithm)
		}
	}
	cm, err := dest.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(DestBucket), Key: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := dest.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(DestBucket), Key: aws.String("big"), UploadId: cm.UploadId, PartNumber: aws.Int32(1), CopySource: aws.String(OriginBucket + "/" + LargeObjectKey), CopySourceRange: aws.String("bytes=0-10485759")})
	t.Logf("upc: %v", err)
	if err == nil {
		t.Logf("part etag %v", aws.ToString(p.CopyPartResult.ETag))
	}
	ob, err := dest.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(DestBucket)})
	t.Logf("ownership %v %v", ob, err)
	if ob != nil && ob.OwnershipControls != nil {
		t.Logf("rules %v", ob.OwnershipControls.Rules)
	}
}
