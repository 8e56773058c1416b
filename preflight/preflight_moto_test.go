package preflight

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/motoserver"
)

// TestPreflightSamplesTheWholeSelection (issue 10 point 4): on moto, which
// has SSE-KMS, the one KMS object of a selection is found when it sits far
// down the listing (past the first 20 keys, many pages in) and when it is in
// the second selected prefix; an archived object in the second prefix is
// found too. (moto stores the KMS key id it is given and answers HEAD with
// it; it does not check the key exists.)
func TestPreflightSamplesTheWholeSelection(t *testing.T) {
	srv := motoserver.Need(t)
	srv.Use(t)
	ctx := context.Background()
	src, err := awsauth.Load(ctx, motoserver.OriginProfile, awsauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := awsauth.Load(ctx, motoserver.DestProfile, awsauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const sb, db = "pf-sample-src", "pf-sample-dst"
	for _, b := range []struct {
		s    *awsauth.Session
		name string
	}{{src, sb}, {dst, db}} {
		if _, err := b.s.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.name)}); err != nil {
			t.Fatal(err)
		}
	}
	const kmsKey = "arn:aws:kms:us-east-1:111111111111:key/0d6bb9b4-0000-4000-8000-000000000001"
	put := func(key string, kms bool, class types.StorageClass) {
		t.Helper()
		in := &s3.PutObjectInput{Bucket: aws.String(sb), Key: aws.String(key), Body: strings.NewReader("x"), StorageClass: class}
		if kms {
			in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String(kmsKey)
		}
		if _, err := src.S3().PutObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	put("far/", false, "")
	for i := 0; i < 60; i++ {
		put(fmt.Sprintf("far/%03d.txt", i), false, "")
	}
	put("far/zz-kms.bin", true, "")
	for i := 0; i < 25; i++ {
		put(fmt.Sprintf("near/%03d.txt", i), false, "")
	}
	put("second/a.txt", false, "")
	put("second/cold.bin", false, types.StorageClassGlacier)
	put("second/kms.bin", true, "")

	defer func(n int32) { listPageSize = n }(listPageSize)
	listPageSize = 7 // 62 keys in 9 pages
	find := func(name string, checks []Check) Check {
		for _, c := range checks {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("no %q check", name)
		return Check{}
	}
	in := Input{SrcBucket: sb, DstBucket: db, Src: src, Dst: dst, PolicyCommand: "s3migrate policy …"}

	in.SrcPrefix = "far/"
	c := find("source encryption", Run(ctx, in))
	if c.Status != StatusWarn || !strings.Contains(c.Reason, kmsKey) || !strings.Contains(c.Reason, "far/zz-kms.bin") {
		t.Errorf("KMS object last of 62 keys in 9 pages: %s %q", c.Status, c.Reason)
	}

	in.SrcPrefix, in.SrcPrefixes = "", []string{"near/", "second/"}
	checks := Run(ctx, in)
	c = find("source encryption", checks)
	if c.Status != StatusWarn || !strings.Contains(c.Reason, "second/kms.bin") {
		t.Errorf("KMS object in the second prefix: %s %q", c.Status, c.Reason)
	}
	if c := find("archived objects", checks); c.Status != StatusFail || !strings.Contains(c.Reason, "second/cold.bin") {
		t.Errorf("GLACIER object in the second prefix: %s %q", c.Status, c.Reason)
	}

	in.SrcPrefixes = []string{"near/"}
	if c := find("source encryption", Run(ctx, in)); c.Status != StatusPass || !strings.Contains(c.Reason, "none") {
		t.Errorf("plain prefix: %s %q", c.Status, c.Reason)
	}
}
