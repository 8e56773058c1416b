package batchjob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3migrate/s3migrate/internal/s3err"
)

// Job states, as DescribeJob spells them.
const (
	StateNew        = "New"
	StatePreparing  = "Preparing"
	StateSuspended  = "Suspended"
	StateReady      = "Ready"
	StateActive     = "Active"
	StatePausing    = "Pausing"
	StatePaused     = "Paused"
	StateCompleting = "Completing"
	StateComplete   = "Complete"
	StateCancelling = "Cancelling"
	StateCancelled  = "Cancelled"
	StateFailing    = "Failing"
	StateFailed     = "Failed"
)

// DefaultPriority is the job priority Create uses when Spec.Priority is 0.
const DefaultPriority = 10

// CheckMapping says whether Batch Operations can express the migration's
// key mapping, src root prefix + rel → dst root prefix + rel, and returns
// the TargetKeyPrefix that does it. A copy task writes TargetKeyPrefix +
// source key, so the destination prefix must end with the source prefix:
// the job can prepend, never remove or replace. Prefixes are the roots the
// migration resolved (folders ending in "/", or "" for a bucket root).
func CheckMapping(srcPrefix, dstPrefix string) (targetKeyPrefix string, err error) {
	if srcPrefix == dstPrefix {
		return "", nil
	}
	if t, ok := strings.CutSuffix(dstPrefix, srcPrefix); ok {
		return t, nil
	}
	show := func(p string) string {
		if p == "" {
			return "the bucket root"
		}
		return fmt.Sprintf("%q", p)
	}
	return "", fmt.Errorf("S3 Batch Operations cannot map keys from %s to %s: a copy job only prepends a prefix to the source key "+
		"(TargetKeyPrefix), so the destination prefix must end with the source prefix (e.g. %s → %s); "+
		"use --engine local for this mapping", show(srcPrefix), show(dstPrefix), show(srcPrefix), show("archive/"+srcPrefix))
}

// Spec is one copy job.
type Spec struct {
	// RoleARN is the role the job runs as (EnsureRole, or --batch-role).
	RoleARN string
	// Manifest is what WriteManifest wrote.
	Manifest ManifestRef
	// TargetBucket is the destination bucket's name.
	TargetBucket string
	// TargetKeyPrefix is prepended to every source key (CheckMapping).
	TargetKeyPrefix string
	// StorageClass of the copies ("" keeps S3's default, STANDARD).
	StorageClass string
	// ChecksumAlgorithm the copies store (CRC32, CRC32C, SHA1, SHA256,
	// CRC64NVME; "" for S3's default).
	ChecksumAlgorithm string
	// ACL is a canned ACL for the copies ("" for none; under Object
	// Ownership BucketOwnerEnforced only bucket-owner-full-control works).
	ACL string
	// SSEKMSKeyID encrypts the copies with this KMS key ("" for the bucket
	// default).
	SSEKMSKeyID string
	// ReportBucket and ReportPrefix place the completion report
	// (ReportsPrefix): ReportPrefix/job-ID/manifest.json.
	ReportBucket, ReportPrefix string
	// FailedTasksOnly limits the report to failed tasks. The default,
	// every task, lets a cancelled job's report say which tasks ran.
	FailedTasksOnly bool
	// ClientToken makes CreateJob idempotent: the same token gives the
	// same job (a crash between CreateJob and journaling the job id must not
	// start a second job on resume). Empty: derived from the manifest's
	// ARN and ETag and the target (Token), so the same manifest gives the
	// same job, even an ended one: a new attempt needs a new manifest key
	// or its own token.
	ClientToken string
	// Description shows in the console and in ListJobs (at most 256
	// characters; longer is cut).
	Description string
	// Priority of the job (0: DefaultPriority).
	Priority int32
}

// Token returns the client request token Create sends for s.
func (s Spec) Token() string {
	if s.ClientToken != "" {
		return s.ClientToken
	}
	h := sha256.Sum256([]byte(strings.Join([]string{"s3migrate", s.Manifest.ARN, s.Manifest.ETag, s.TargetBucket, s.TargetKeyPrefix}, "\x00")))
	return "s3migrate-" + hex.EncodeToString(h[:20])
}

// Create creates the copy job, always with ConfirmationRequired: it waits
// in Suspended, having read its manifest, until Confirm (nothing runs
// unseen). It returns the job id, which the journal must keep at once.
func (c *Client) Create(ctx context.Context, s Spec) (string, error) {
	op := "create the S3 Batch Operations job in account " + c.AccountID
	fail := func(err error, hint string) error {
		return &s3err.OpError{Op: op, URL: "s3://" + s.TargetBucket + "/" + s.TargetKeyPrefix, Identity: c.Identity, Err: err, Hint: hint}
	}
	switch {
	case c.AccountID == "":
		return "", fail(errors.New("no account id"), "the destination identity's account id (or, without STS, its access key id) is needed")
	case s.Manifest.Count == 0 || s.Manifest.ETag == "":
		return "", fail(errors.New("the manifest lists no object"), "nothing for Batch Operations to copy")
	case s.RoleARN == "":
		return "", fail(errors.New("no role"), "create the role (EnsureRole) or pass --batch-role ARN")
	case s.TargetBucket == "":
		return "", fail(errors.New("no target bucket"), "")
	case s.ReportBucket == "":
		return "", fail(errors.New("no report bucket"), "the completion report is how failures come back")
	}
	prio := s.Priority
	if prio == 0 {
		prio = DefaultPriority
	}
	desc := s.Description
	for len(desc) > 256 {
		_, n := utf8.DecodeLastRuneInString(desc)
		desc = desc[:len(desc)-n]
	}
	var fields []ctypes.JobManifestFieldName
	for _, f := range s.Manifest.Fields {
		fields = append(fields, ctypes.JobManifestFieldName(f))
	}
	cp := &ctypes.S3CopyObjectOperation{TargetResource: aws.String(c.BucketARN(s.TargetBucket))}
	if s.TargetKeyPrefix != "" {
		cp.TargetKeyPrefix = aws.String(s.TargetKeyPrefix)
	}
	if s.StorageClass != "" {
		cp.StorageClass = ctypes.S3StorageClass(s.StorageClass)
	}
	if s.ChecksumAlgorithm != "" {
		cp.ChecksumAlgorithm = ctypes.S3ChecksumAlgorithm(s.ChecksumAlgorithm)
	}
	if s.ACL != "" {
		cp.CannedAccessControlList = ctypes.S3CannedAccessControlList(s.ACL)
	}
	if s.SSEKMSKeyID != "" {
		cp.SSEAwsKmsKeyId = aws.String(s.SSEKMSKeyID)
	}
	scope := ctypes.JobReportScopeAllTasks
	if s.FailedTasksOnly {
		scope = ctypes.JobReportScopeFailedTasksOnly
	}
	in := &s3control.CreateJobInput{
		AccountId:            aws.String(c.AccountID),
		ClientRequestToken:   aws.String(s.Token()),
		ConfirmationRequired: aws.Bool(true),
		Priority:             aws.Int32(prio),
		RoleArn:              aws.String(s.RoleARN),
		Manifest: &ctypes.JobManifest{
			Spec: &ctypes.JobManifestSpec{Format: ctypes.JobManifestFormat(ManifestFormat), Fields: fields},
			Location: &ctypes.JobManifestLocation{
				ObjectArn: aws.String(s.Manifest.ARN),
				ETag:      aws.String(s.Manifest.ETag),
			},
		},
		Operation: &ctypes.JobOperation{S3PutObjectCopy: cp},
		Report: &ctypes.JobReport{
			Enabled: true, Bucket: aws.String(c.BucketARN(s.ReportBucket)),
			Format: ctypes.JobReportFormatReportCsv20180820, ReportScope: scope,
		},
	}
	if s.ReportPrefix != "" {
		in.Report.Prefix = aws.String(strings.TrimSuffix(s.ReportPrefix, "/"))
	}
	if desc != "" {
		in.Description = aws.String(desc)
	}
	out, err := c.Control.CreateJob(ctx, in)
	if err != nil {
		hint := ""
		switch {
		case s3err.IsDenied(err):
			hint = "the destination identity needs s3:CreateJob, and iam:PassRole on " + s.RoleARN
		case s3err.IsCredential(err):
			hint = "check the destination profile's credentials"
		case s3err.Code(err) == "InvalidRequest":
			hint = "S3 refused the job's form; a role created seconds ago may not be usable yet (retry shortly)"
		}
		return "", fail(err, hint)
	}
	id := aws.ToString(out.JobId)
	if id == "" {
		return "", fail(errors.New("CreateJob answered no job id"), "")
	}
	return id, nil
}

// Confirm lets a job waiting for its confirmation (Suspended) run.
func (c *Client) Confirm(ctx context.Context, id string) error {
	_, err := c.Control.UpdateJobStatus(ctx, &s3control.UpdateJobStatusInput{
		AccountId: aws.String(c.AccountID), JobId: aws.String(id), RequestedJobStatus: ctypes.RequestedJobStatusReady,
	})
	if err != nil {
		return c.jobError("confirm", id, err)
	}
	return nil
}

// Cancel asks S3 to stop the job: tasks already started finish, and the
// report lists those that ran. reason is recorded on the job ("" for none).
func (c *Client) Cancel(ctx context.Context, id, reason string) error {
	in := &s3control.UpdateJobStatusInput{
		AccountId: aws.String(c.AccountID), JobId: aws.String(id), RequestedJobStatus: ctypes.RequestedJobStatusCancelled,
	}
	if reason != "" {
		in.StatusUpdateReason = aws.String(reason)
	}
	if _, err := c.Control.UpdateJobStatus(ctx, in); err != nil {
		return c.jobError("cancel", id, err)
	}
	return nil
}

func (c *Client) jobError(op, id string, err error) error {
	hint := ""
	var nf *ctypes.NotFoundException
	var se *ctypes.JobStatusException
	switch {
	case errors.As(err, &nf):
		hint = "no such job in account " + c.AccountID + " and this Region (wrong id, account or Region?)"
	case errors.As(err, &se):
		switch op {
		case "confirm":
			hint = "only a job waiting for its confirmation (Suspended) can be confirmed"
		case "cancel":
			hint = "the job has already ended or is ending"
		}
	case s3err.IsCredential(err):
		hint = "check the destination profile's credentials"
	case s3err.IsDenied(err):
		hint = "the destination identity needs s3:DescribeJob and s3:UpdateJobStatus"
	}
	return &s3err.OpError{Op: op + " S3 Batch Operations job " + id, Identity: c.Identity, Err: err, Hint: hint}
}

// Status is what DescribeJob says about a job.
type Status struct {
	JobID string
	// State is the job's status (StateSuspended, StateActive, …).
	State string
	// Total, Succeeded and Failed count tasks (Total is known once the
	// manifest is read, from Suspended on).
	Total, Succeeded, Failed int64
	// Elapsed is the time spent Active.
	Elapsed time.Duration
	// FailureReasons say why a job failed, "Code: reason".
	FailureReasons []string
	// Reason is the last status update reason (a cancellation's).
	Reason string
	// SuspendedCause says why a job is Suspended (its confirmation, or
	// something to fix).
	SuspendedCause string
	// AwaitingConfirmation: Suspended, waiting for Confirm.
	AwaitingConfirmation bool
	Created, Terminated  time.Time
	// ReportBucket and ReportPrefix are where the completion report goes
	// (bucket name, not ARN).
	ReportBucket, ReportPrefix string
}

// Done reports a state the job does not leave: Complete, Failed or
// Cancelled.
func (s Status) Done() bool {
	switch s.State {
	case StateComplete, StateFailed, StateCancelled:
		return true
	}
	return false
}

// Remaining is the number of tasks not yet run.
func (s Status) Remaining() int64 { return max(0, s.Total-s.Succeeded-s.Failed) }

// ETA estimates the time left from the rate so far (tasks run per second
// Active); 0 when nothing has run yet or nothing is left.
func (s Status) ETA() time.Duration {
	done := s.Succeeded + s.Failed
	if done == 0 || s.Elapsed <= 0 || s.Remaining() == 0 {
		return 0
	}
	return time.Duration(float64(s.Elapsed) * float64(s.Remaining()) / float64(done))
}

// Describe returns the job's status.
func (c *Client) Describe(ctx context.Context, id string) (Status, error) {
	out, err := c.Control.DescribeJob(ctx, &s3control.DescribeJobInput{AccountId: aws.String(c.AccountID), JobId: aws.String(id)})
	if err != nil {
		return Status{JobID: id}, c.jobError("describe", id, err)
	}
	j := out.Job
	if j == nil {
		return Status{JobID: id}, c.jobError("describe", id, errors.New("DescribeJob answered no job"))
	}
	st := Status{
		JobID: id, State: string(j.Status), Reason: aws.ToString(j.StatusUpdateReason),
		SuspendedCause: aws.ToString(j.SuspendedCause),
		Created:        aws.ToTime(j.CreationTime), Terminated: aws.ToTime(j.TerminationDate),
	}
	st.AwaitingConfirmation = st.State == StateSuspended && aws.ToBool(j.ConfirmationRequired)
	if p := j.ProgressSummary; p != nil {
		st.Total, st.Succeeded, st.Failed = aws.ToInt64(p.TotalNumberOfTasks), aws.ToInt64(p.NumberOfTasksSucceeded), aws.ToInt64(p.NumberOfTasksFailed)
		if p.Timers != nil {
			st.Elapsed = time.Duration(aws.ToInt64(p.Timers.ElapsedTimeInActiveSeconds)) * time.Second
		}
	}
	for _, f := range j.FailureReasons {
		st.FailureReasons = append(st.FailureReasons, aws.ToString(f.FailureCode)+": "+aws.ToString(f.FailureReason))
	}
	if r := j.Report; r != nil {
		st.ReportBucket = bucketOfARN(aws.ToString(r.Bucket))
		st.ReportPrefix = aws.ToString(r.Prefix)
	}
	return st, nil
}

// bucketOfARN returns the bucket of arn:…:s3:::bucket (or the string
// itself when it is no ARN).
func bucketOfARN(arn string) string {
	if i := strings.Index(arn, ":::"); strings.HasPrefix(arn, "arn:") && i >= 0 {
		return arn[i+3:]
	}
	return arn
}

// maxDescribeFailures is how many polls in a row may fail for a reason
// worth retrying before Follow gives up.
const maxDescribeFailures = 5

// Follow polls the job every interval, calls fn with each status, and
// returns the status in which the job ended (Complete, Failed, Cancelled),
// or an error when ctx ends or DescribeJob keeps failing. A job awaiting its
// confirmation keeps being polled: confirming it is the caller's act.
func (c *Client) Follow(ctx context.Context, id string, every time.Duration, fn func(Status)) (Status, error) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	failures := 0
	for {
		st, err := c.Describe(ctx, id)
		switch {
		case err == nil:
			failures = 0
			if fn != nil {
				fn(st)
			}
			if st.Done() {
				return st, nil
			}
		case ctx.Err() != nil:
			return st, ctx.Err()
		case s3err.Retryable(err) && failures < maxDescribeFailures:
			failures++
		default:
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-t.C:
		}
	}
}
