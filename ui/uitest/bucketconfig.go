package uitest

import (
	"context"
	"slices"

	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// BucketConfig is a fixed plan with one item of every kind of outcome:
// copied as it is (versioning, CORS), rewritten (logging), partly held
// back (notifications), held back (encryption), reported (replication),
// shown only (the policy), the same, and none on the source. What
// ApplyBucketConfig wrote reads as the same on both afterwards.
func (f *Fake) BucketConfig(_ context.Context, m screen.Migration) (*bucketconfig.Result, error) {
	f.mu.Lock()
	applied := slices.Clone(f.BucketApplied)
	f.mu.Unlock()
	const queue = "arn:aws:sqs:us-east-1:111122223333:uploads"
	res := &bucketconfig.Result{Sides: bucketconfig.Sides{SrcBucket: m.SrcBucket, DstBucket: m.DstBucket}, Items: []*bucketconfig.Item{
		{Kind: bucketconfig.Ownership, State: bucketconfig.Same, Current: `{"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}`},
		{Kind: bucketconfig.Versioning, State: bucketconfig.Change, Proposed: `{
  "Status": "Enabled"
}`},
		{Kind: bucketconfig.Encryption, State: bucketconfig.HeldBack, Source: `{
  "Rules": [
    {
      "ApplyServerSideEncryptionByDefault": {
        "KMSMasterKeyID": "arn:aws:kms:us-east-1:111122223333:key/k1",
        "SSEAlgorithm": "aws:kms"
      }
    }
  ]
}`, Held: []bucketconfig.Held{{What: "KMS key arn:aws:kms:us-east-1:111122223333:key/k1", Why: "it belongs to the origin account: the destination bucket must not encrypt with it",
			Fix: "pass --map-kms arn:aws:kms:us-east-1:111122223333:key/k1=KEY_ARN (a key of the destination account)"}}},
		{Kind: bucketconfig.Tags, State: bucketconfig.Same},
		{Kind: bucketconfig.CORS, State: bucketconfig.Change, Current: `{
  "CORSRules": [
    {
      "AllowedMethods": [
        "GET"
      ],
      "AllowedOrigins": [
        "https://old.example.com"
      ]
    }
  ]
}`, Proposed: `{
  "CORSRules": [
    {
      "AllowedMethods": [
        "GET"
      ],
      "AllowedOrigins": [
        "https://app.example.com"
      ]
    }
  ]
}`},
		{Kind: bucketconfig.Website, State: bucketconfig.Absent},
		{Kind: bucketconfig.Logging, State: bucketconfig.Change, Proposed: `{
  "LoggingEnabled": {
    "TargetBucket": "` + m.DstBucket + `",
    "TargetPrefix": "logs/"
  }
}`, Rewrites: []bucketconfig.Rewrite{{Field: "LoggingEnabled.TargetBucket", From: m.SrcBucket, To: m.DstBucket, Why: "the source bucket itself: the destination bucket takes its place"}}},
		{Kind: bucketconfig.Notifications, State: bucketconfig.HeldBack, Source: `{
  "QueueConfigurations": [
    {
      "Events": [
        "s3:ObjectCreated:*"
      ],
      "QueueArn": "` + queue + `"
    }
  ]
}`, Held: []bucketconfig.Held{{What: "queue " + queue, Why: "it belongs to the origin account: the destination bucket must not point at it",
			Fix: "create the queue in the destination account and pass --map-arn " + queue + "=NEW_ARN"}}},
		{Kind: bucketconfig.Replication, State: bucketconfig.Reported, Source: `{
  "Role": "arn:aws:iam::111122223333:role/replication"
}`, Notes: []string{"replication is account-specific (its role and destination): set it up in the destination account if needed"}},
		{Kind: bucketconfig.Policy, State: bucketconfig.Ask, Proposed: `{
  "Statement": [
    {
      "Action": "s3:GetObject",
      "Effect": "Allow",
      "Principal": "*",
      "Resource": "arn:aws:s3:::` + m.DstBucket + `/public/*"
    }
  ]
}`, Rewrites: []bucketconfig.Rewrite{{Field: "Statement[0].Resource", From: "arn:aws:s3:::" + m.SrcBucket + "/public/*", To: "arn:aws:s3:::" + m.DstBucket + "/public/*", Why: "the origin bucket: the destination bucket takes its place"}}},
	}}
	for _, it := range res.Items {
		if slices.Contains(applied, string(it.Kind)) {
			it.State, it.Current = bucketconfig.Same, it.Proposed
		}
	}
	return res, nil
}

// ApplyBucketConfig marks every pending item of a copy of plan applied
// and records it, or fails with BucketApplyErr.
func (f *Fake) ApplyBucketConfig(_ context.Context, _ screen.Migration, plan *bucketconfig.Result) (*bucketconfig.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.BucketApplyErr; err != nil {
		f.BucketApplyErr = nil
		return nil, err
	}
	res := plan.Clone()
	for _, it := range res.Items {
		if it.Pending(res.AskPolicy) {
			it.Applied = true
			f.BucketApplied = append(f.BucketApplied, string(it.Kind))
		}
	}
	return res, nil
}
