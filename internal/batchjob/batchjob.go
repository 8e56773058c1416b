// Package batchjob hands a migration's copy to S3 Batch Operations: it
// writes the manifest (manifest.go), creates, confirms, cancels and follows
// the S3PutObjectCopy job (job.go), reads the completion report back
// (report.go), and writes the IAM role the job runs as (role.go).
//
// Everything here happens in the destination account: the manifest and the
// report live in its buckets, the job runs in it, the role is its. A Client
// bundles that account's S3 and S3 Control clients with its id. The package
// makes no decision for the operator: the migration lifecycle shows the
// role, the policies and the job before it calls Create and Confirm, and it
// decides what to do with the objects above the copy limit and with failed
// tasks.
//
// Batch Operations differs from the local engine in ways the caller must
// respect: a task copies objects of at most 5 GB (CopyLimit), a key can only
// get a prefix prepended (CheckMapping), and the job copies whatever the
// source holds when its task runs, not what the plan saw (verify after it).
package batchjob

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
)

// S3API is what the package asks of the destination account's S3 client:
// writing the manifest (a PUT, or a multipart upload for a large one) and
// reading the completion report. *s3.Client implements it.
type S3API interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// ControlAPI is the S3 Control job API. *s3control.Client implements it.
type ControlAPI interface {
	CreateJob(context.Context, *s3control.CreateJobInput, ...func(*s3control.Options)) (*s3control.CreateJobOutput, error)
	DescribeJob(context.Context, *s3control.DescribeJobInput, ...func(*s3control.Options)) (*s3control.DescribeJobOutput, error)
	UpdateJobStatus(context.Context, *s3control.UpdateJobStatusInput, ...func(*s3control.Options)) (*s3control.UpdateJobStatusOutput, error)
}

// Client is the destination account, where the job, its manifest and its
// report live.
type Client struct {
	// S3 writes the manifest and reads the report.
	S3 S3API
	// Control creates and follows the job (NewControlClient).
	Control ControlAPI
	// AccountID is the destination account's 12-digit id, sent as
	// x-amz-account-id with every job call. On a server without STS (the
	// sandbox) the identity's access key id stands for it, as
	// awsauth.Identity.Principal does; the sandbox accepts it.
	AccountID string
	// Partition of the ARNs written ("aws" when empty; "aws-cn",
	// "aws-us-gov"… as the identity's ARN says).
	Partition string
	// Identity names who acts, for error messages: a profile and account,
	// never a key secret.
	Identity string
}

// NewControlClient returns an S3 Control client from the destination
// session's SDK configuration. endpoint is the session's custom endpoint
// ("" for AWS): the SDK would send job calls to {AccountId}.{host} of a
// custom endpoint, which does not resolve, so the resolver drops that label
// there and leaves AWS's own hosts alone. Requests are signed for service
// s3, as on AWS.
func NewControlClient(cfg aws.Config, endpoint string) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.EndpointResolverV2 = EndpointResolver()
	})
}

func (c *Client) partition() string {
	if c.Partition == "" {
		return "aws"
	}
	return c.Partition
}

// BucketARN is arn:PARTITION:s3:::bucket.
func (c *Client) BucketARN(bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", c.partition(), bucket)
}

// ObjectARN is arn:PARTITION:s3:::bucket/key.
func (c *Client) ObjectARN(bucket, key string) string {
	return c.BucketARN(bucket) + "/" + key
}

// RoleARN is the ARN of the destination account's role name.
func (c *Client) RoleARN(name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", c.partition(), c.AccountID, name)
}
