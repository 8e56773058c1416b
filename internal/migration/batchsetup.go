package migration

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/transfer"
)

// BatchSetup is what a batch migration needs before its job can run, shown
// to the operator before anything is created or granted: the job's role
// (made by s3migrate when --batch-role names none) and the origin bucket's
// read grant to that role.
type BatchSetup struct {
	// RoleName and RoleARN are the job's role; CreateRole says s3migrate
	// creates it (or puts its policy again), with Trust and Policy.
	RoleName, RoleARN string
	CreateRole        bool
	Trust, Policy     string
	// Grant adds the role's read statements to the origin bucket policy
	// (Unchanged: nothing to add). NoGrant says why none is planned.
	Grant   bucketpolicy.Change
	NoGrant string
	// CreateBucket names the --batch-bucket bucket when it does not exist
	// yet: it is created in BucketRegion, the destination bucket's region.
	CreateBucket, BucketRegion string
}

// PlanBatchSetup works out the role and the grant a batch run needs. It
// writes nothing.
func (m *Migration) PlanBatchSetup(ctx context.Context) (BatchSetup, error) {
	// A mapping no job can express is refused before anything is created.
	if _, err := batchjob.CheckMapping(m.Def.Src.Prefix, m.Def.Dst.Prefix); err != nil {
		return BatchSetup{}, err
	}
	where, err := transfer.ParseLocation(m.Def.Options.BatchBucket)
	if err != nil {
		return BatchSetup{}, fmt.Errorf("--batch-bucket: %w", err)
	}
	s := BatchSetup{RoleARN: m.Def.Options.BatchRole}
	if s.CreateBucket, s.BucketRegion, err = m.batchBucketMissing(ctx, where.Bucket); err != nil {
		return s, err
	}
	c, err := m.batchClient(ctx, where.Bucket)
	if err != nil {
		return BatchSetup{}, err
	}
	id, err := awsauth.ResolveIdentity(ctx, m.Pair.DstSess)
	if err != nil {
		return BatchSetup{}, err
	}
	if id.Account == "" {
		// No STS: no IAM either, and no roles; the job runs as the
		// destination identity, which the migration's own grant covers.
		if s.RoleARN == "" {
			return s, fmt.Errorf("%s has no IAM to create the job's role in (%s): pass --batch-role ARN", m.Pair.DstSess.Name(), id.Note)
		}
		s.NoGrant = "no roles at this endpoint: the job reads as the destination identity, under the migration's own grant"
		return s, nil
	}
	if s.RoleARN == "" {
		s.RoleName = "s3migrate-batch-" + m.ID()
		s.RoleARN, s.CreateRole = c.RoleARN(s.RoleName), true
		s.Trust = batchjob.TrustPolicy(c.AccountID)
		s.Policy, err = batchjob.RolePolicy(batchjob.RoleSpec{
			Partition: c.Partition, SourceBucket: m.Def.Src.Bucket, SourcePrefix: m.Def.Src.Prefix,
			DestBucket: m.Def.Dst.Bucket, DestPrefix: m.Def.Dst.Prefix,
			// Every manifest of the migration: the folder ManifestKey writes into.
			ManifestBucket: where.Bucket, ManifestKey: strings.TrimSuffix(batchjob.ManifestKey(where.Prefix, ""), ".csv"),
			ReportBucket: where.Bucket, ReportPrefix: batchjob.ReportsPrefix(where.Prefix),
		})
		if err != nil {
			return s, err
		}
	}
	var prefixes []string
	for _, it := range Selection(m.Def.Items) {
		prefixes = append(prefixes, m.Def.Src.Prefix+it)
	}
	if len(prefixes) == 0 {
		prefixes = []string{m.Def.Src.Prefix}
	}
	stmts, err := bucketpolicy.MigrationStatements(bucketpolicy.GrantOptions{Bucket: m.Def.Src.Bucket, Prefixes: prefixes, Principal: s.RoleARN})
	if err != nil {
		return s, err
	}
	s.Grant, err = bucketpolicy.PlanGrant(ctx, m.Pair.SrcSess, m.Def.Src.Bucket, stmts)
	s.NoGrant = s.Grant.NoGrant
	return s, err
}

// ApplyBatchSetup creates the role (when planned) and applies the grant
// (only if the origin policy is still the one planned against), and keeps
// the role in the migration's definition for later runs.
func (m *Migration) ApplyBatchSetup(ctx context.Context, s BatchSetup) error {
	if s.CreateBucket != "" {
		if err := m.createBatchBucket(ctx, s.CreateBucket, s.BucketRegion); err != nil {
			return err
		}
	}
	if s.CreateRole {
		if _, err := batchjob.EnsureRole(ctx, iam.NewFromConfig(m.Pair.DstSess.Config), m.Pair.DstSess.Name(), s.RoleName, s.Trust, s.Policy); err != nil {
			return err
		}
	}
	if s.NoGrant == "" && !s.Grant.Unchanged() {
		if err := bucketpolicy.Apply(ctx, m.Pair.SrcSess, s.Grant); err != nil {
			return err
		}
	}
	if m.Def.Options.BatchRole == s.RoleARN {
		return nil
	}
	m.defMu.Lock()
	defer m.defMu.Unlock()
	m.Def.Options.BatchRole = s.RoleARN
	if m.j == nil {
		return nil
	}
	spec, err := m.Def.Encode()
	if err != nil {
		return err
	}
	return m.j.SetSpec(spec)
}

// Needed reports whether the setup creates or changes anything (a bucket
// or a role to create, a grant to add): when not, nothing needs asking.
func (s BatchSetup) Needed() bool {
	return s.CreateBucket != "" || s.CreateRole || (s.NoGrant == "" && !s.Grant.Unchanged())
}

// batchBucketMissing reports whether the --batch-bucket bucket is to be
// created, and where: in the destination bucket's region, which is where
// the job runs. A bucket the destination identity may not read is an
// error: the job could not write its report there either.
func (m *Migration) batchBucketMissing(ctx context.Context, bucket string) (string, string, error) {
	_, err := m.Pair.DstSess.BucketClient(ctx, bucket).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return "", "", nil
	case s3err.Code(err) == "NoSuchBucket" || s3err.Status(err) == 404:
		return bucket, m.Pair.DstClient.Options().Region, nil
	case s3err.IsDenied(err):
		return "", "", &s3err.OpError{Op: "read the batch bucket", URL: "s3://" + bucket, Identity: m.Pair.DstSess.Name(), Err: err,
			Hint: "the job's manifest and reports go there: name a bucket of the destination account in --batch-bucket"}
	}
	return "", "", &s3err.OpError{Op: "read the batch bucket", URL: "s3://" + bucket, Identity: m.Pair.DstSess.Name(), Err: err}
}

// createBatchBucket creates the --batch-bucket bucket in region as the
// destination identity; one that appeared meanwhile and is ours will do.
func (m *Migration) createBatchBucket(ctx context.Context, bucket, region string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if region != "" && region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(region)}
	}
	_, err := m.Pair.DstSess.S3().CreateBucket(ctx, in, func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
	})
	if err == nil || s3err.Code(err) == "BucketAlreadyOwnedByYou" {
		return nil
	}
	oe := &s3err.OpError{Op: "create the batch bucket", URL: "s3://" + bucket, Identity: m.Pair.DstSess.Name(), Err: err}
	switch {
	case s3err.Code(err) == "BucketAlreadyExists":
		oe.Hint = "another account owns a bucket with this name: choose another --batch-bucket"
	case s3err.IsDenied(err):
		oe.Hint = "the destination identity needs s3:CreateBucket, or name an existing bucket in --batch-bucket"
	}
	return oe
}

// Describe is what the operator reads before saying yes: the role with its
// trust and permissions, and the origin bucket policy's diff.
func (s BatchSetup) Describe(srcBucket string) string {
	var b strings.Builder
	if s.CreateBucket != "" {
		fmt.Fprintf(&b, "bucket s3://%s does not exist: created in %s for the job's manifests and reports\n", s.CreateBucket, s.BucketRegion)
	}
	if s.CreateRole {
		fmt.Fprintf(&b, "batch role %s, trusted by S3 Batch Operations:\n%s\nits policy:\n%s\n", s.RoleARN, s.Trust, s.Policy)
	}
	if s.NoGrant == "" && !s.Grant.Unchanged() {
		fmt.Fprintf(&b, "s3://%s policy, the read grant to the job's role:\n%s", srcBucket, bucketpolicy.FormatDiff(s.Grant.Diff()))
	}
	return b.String()
}

// Describe says what the created job copies, where to, and as whom.
func (p BatchPlan) Describe() string {
	what := countOf(p.Count, "object")
	if p.Bytes > 0 {
		what += " (" + transfer.FormatBytes(p.Bytes) + ")"
	}
	s := fmt.Sprintf("batch job %s created and waiting: copies %s to %s as role %s (manifest %s)",
		p.JobID, what, p.Target, p.Role, p.Manifest)
	if p.Local > 0 {
		s += fmt.Sprintf("; %s above the job's 5 GB limit are copied from this machine", countOf(p.Local, "object"))
	}
	return s
}

// countOf is "1 object" or "n objects".
func countOf(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
