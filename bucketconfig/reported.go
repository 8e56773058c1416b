package bucketconfig

// Reported only: replication (its IAM role and destination bucket belong to
// the source's setup) and access points (S3 Control resources of the
// account, not of the bucket).

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/s3err"
)

var replicationFamily = family{
	kind: Replication, api: "%sReplicationConfiguration",
	report: func(ctx context.Context, src *s3.Client, sides Sides, it *Item) {
		out, err := src.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b(sides.SrcBucket)})
		switch {
		case err != nil && missing(err):
			it.State = Absent
			return
		case err != nil && unsupported(err):
			it.State = Unsupported
			it.Notes = append(it.Notes, "the source's server does not implement replication ("+s3err.Code(err)+")")
			return
		case err != nil:
			it.State, it.Err = Unreadable, readError(it.fam, sides.Src, sides.SrcBucket, err, "--source-profile")
			return
		case out.ReplicationConfiguration == nil || len(out.ReplicationConfiguration.Rules) == 0:
			it.State = Absent
			return
		}
		rc := out.ReplicationConfiguration
		it.State, it.Source = Reported, canonical(rc)
		for _, r := range rc.Rules {
			to := ""
			if r.Destination != nil {
				to = aws.ToString(r.Destination.Bucket)
			}
			it.Held = append(it.Held, Held{What: "replication rule " + aws.ToString(r.ID) + " to " + to,
				Why: "replication runs as an IAM role (" + aws.ToString(rc.Role) + ") to a destination chosen for the source: both are account-specific",
				Fix: "create a role in the destination account and add the rule on s3://" + sides.DstBucket + " (versioning Enabled on both buckets)"})
		}
	},
}

var accessPointsFamily = family{
	kind: AccessPoints, api: "%sAccessPoint",
	report: func(_ context.Context, _ *s3.Client, sides Sides, it *Item) {
		acct := sides.SrcID.Account
		if acct == "" {
			acct = "ACCOUNT"
		}
		it.State = Reported
		it.Notes = append(it.Notes, strings.Join([]string{
			"not read: access points are S3 Control resources of the account;",
			"list them with `aws s3control list-access-points --account-id " + acct + " --bucket " + sides.SrcBucket + "`",
			"and create their counterparts for s3://" + sides.DstBucket + " in the destination account",
		}, " "))
	},
}
