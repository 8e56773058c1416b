package bucketconfig

// Default encryption: SSE-S3 and the AWS-managed aws/s3 key are copied as
// they are (each account has its own); a customer-managed key of the origin
// account is rewritten with --map-kms or held back.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// encryptionRules is a bucket's default encryption.
type encryptionRules []types.ServerSideEncryptionRule

var encryptionFamily = family{
	kind: Encryption, api: "%sEncryptionConfiguration",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[encryptionRules](nil, err)
		}
		if out.ServerSideEncryptionConfiguration == nil || len(out.ServerSideEncryptionConfiguration.Rules) == 0 {
			return nil, nil
		}
		return encryptionRules(out.ServerSideEncryptionConfiguration.Rules), nil
	},
	propose: func(src, _ any, rw *rewriter) proposal {
		var p proposal
		rules := make(encryptionRules, 0, len(src.(encryptionRules)))
		for _, r := range src.(encryptionRules) {
			d := r.ApplyServerSideEncryptionByDefault
			if d == nil || aws.ToString(d.KMSMasterKeyID) == "" {
				rules = append(rules, r)
				if d != nil && d.SSEAlgorithm != types.ServerSideEncryptionAes256 {
					p.notes = append(p.notes, "the AWS-managed key aws/s3 of each account encrypts its own bucket: nothing to map")
				}
				continue
			}
			key, rwr, held, note := rw.kms("ApplyServerSideEncryptionByDefault.KMSMasterKeyID", aws.ToString(d.KMSMasterKeyID))
			if held != nil {
				p.held = append(p.held, *held)
				continue
			}
			if rwr != nil {
				p.rewrites = append(p.rewrites, *rwr)
			}
			if note != "" {
				p.notes = append(p.notes, note)
			}
			nd := *d
			nd.KMSMasterKeyID = aws.String(key)
			r.ApplyServerSideEncryptionByDefault = &nd
			rules = append(rules, r)
		}
		if len(p.held) > 0 {
			// Half a default encryption would be a different one: all or
			// nothing.
			return proposal{held: p.held, notes: p.notes}
		}
		p.value = rules
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b(bucket),
			ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: v.(encryptionRules)}})
		return err
	},
}
