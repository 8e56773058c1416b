package batchops

import (
	"regexp"
	"strings"
)

const (
	manifestFormatCSV = "S3BatchOperations_CSV_20180820"
	reportFormatCSV   = "Report_CSV_20180820"
)

var (
	s3ARN   = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::([^/]+)(?:/(.+))?$`)
	roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9A-Za-z]+):role/[\w+=,.@/-]{1,512}$`)
)

// bucketARN returns the bucket of arn:aws:s3:::bucket.
func bucketARN(arn string) (string, bool) {
	m := s3ARN.FindStringSubmatch(arn)
	if m == nil || m[2] != "" {
		return "", false
	}
	return m[1], true
}

// objectARN returns the bucket and key of arn:aws:s3:::bucket/key.
func objectARN(arn string) (bucket, key string, ok bool) {
	m := s3ARN.FindStringSubmatch(arn)
	if m == nil || m[2] == "" {
		return "", "", false
	}
	return m[1], m[2], true
}

// validateCreateJob checks what CreateJob checks before it answers: the
// request's form. What needs S3 (the manifest object, its ETag, its lines)
// is checked while the job is Preparing, and fails the job instead.
func validateCreateJob(req *xCreateJobRequest, caller Caller) error {
	if req.ManifestGenerator != nil {
		return badRequest("ManifestGenerator is not emulated by the sandbox: give a Manifest")
	}
	if req.Priority == nil || *req.Priority < 0 {
		return badRequest("Priority is required and must be 0 or more")
	}
	m := req.Manifest
	if m == nil || m.Spec == nil || m.Location == nil {
		return badRequest("Manifest with Spec and Location is required")
	}
	if m.Spec.Format != manifestFormatCSV {
		return badRequest("manifest format %q is not emulated (the sandbox reads %s)", m.Spec.Format, manifestFormatCSV)
	}
	if _, err := manifestColumns(m.Spec.Fields); err != nil {
		return err
	}
	if _, _, ok := objectARN(m.Location.ObjectArn); !ok {
		return badRequest("Manifest.Location.ObjectArn %q is not an object ARN (arn:aws:s3:::bucket/key)", m.Location.ObjectArn)
	}
	if m.Location.ETag == "" {
		return badRequest("Manifest.Location.ETag is required")
	}
	if req.Operation == nil {
		return badRequest("Operation is required")
	}
	if len(req.Operation.Other) > 0 {
		return badRequest("operation %s is not emulated by the sandbox (only S3PutObjectCopy)", req.Operation.Other[0].XMLName.Local)
	}
	op := req.Operation.S3PutObjectCopy
	if op == nil {
		return badRequest("Operation must name one operation (the sandbox emulates S3PutObjectCopy)")
	}
	if _, ok := bucketARN(op.TargetResource); !ok {
		return badRequest("S3PutObjectCopy.TargetResource %q is not a bucket ARN (arn:aws:s3:::bucket)", op.TargetResource)
	}
	switch op.MetadataDirective {
	case "", "COPY", "REPLACE":
	default:
		return badRequest("MetadataDirective %q: want COPY or REPLACE", op.MetadataDirective)
	}
	switch op.ChecksumAlgorithm {
	case "", "CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME":
	default:
		return badRequest("ChecksumAlgorithm %q is not valid", op.ChecksumAlgorithm)
	}
	for name, set := range map[string]bool{
		"AccessControlGrants":       op.AccessControlGrants != nil,
		"RedirectLocation":          op.RedirectLocation != "",
		"ModifiedSinceConstraint":   op.ModifiedSinceConstraint != "",
		"UnModifiedSinceConstraint": op.UnModifiedSinceConstraint != "",
		"ObjectLockMode":            op.ObjectLockMode != "",
		"ObjectLockLegalHoldStatus": op.ObjectLockLegalHoldStatus != "",
		"ObjectLockRetainUntilDate": op.ObjectLockRetainUntilDate != "",
		"RequesterPays":             op.RequesterPays,
	} {
		if set {
			return badRequest("S3PutObjectCopy.%s is not emulated by the sandbox", name)
		}
	}
	if req.Report == nil {
		return badRequest("Report is required (Enabled false for none)")
	}
	if r := req.Report; r.Enabled {
		if _, ok := bucketARN(r.Bucket); !ok {
			return badRequest("Report.Bucket %q is not a bucket ARN", r.Bucket)
		}
		if r.Format != reportFormatCSV {
			return badRequest("Report.Format %q: want %s", r.Format, reportFormatCSV)
		}
		switch r.ReportScope {
		case "", "AllTasks", "FailedTasksOnly":
		default:
			return badRequest("Report.ReportScope %q: want AllTasks or FailedTasksOnly", r.ReportScope)
		}
	}
	rm := roleARN.FindStringSubmatch(req.RoleArn)
	if rm == nil {
		return badRequest("RoleArn %q is not an IAM role ARN", req.RoleArn)
	}
	// The role must be the job's account's (its id, or on the sandbox its
	// access key id, which is what an identity without STS reports).
	if rm[1] != caller.AccountID && (caller.AccessKey == "" || rm[1] != caller.AccessKey) {
		return badRequest("RoleArn %s is not in account %s", req.RoleArn, caller.AccountID)
	}
	return nil
}

// manifestColumns maps the manifest's Fields to column indexes.
type columns struct{ bucket, key, version, n int }

func manifestColumns(fields []string) (columns, error) {
	c := columns{bucket: -1, key: -1, version: -1, n: len(fields)}
	for i, f := range fields {
		var p *int
		switch f {
		case "Bucket":
			p = &c.bucket
		case "Key":
			p = &c.key
		case "VersionId":
			p = &c.version
		case "Ignore":
			continue
		default:
			return c, badRequest("manifest field %q: want Ignore, Bucket, Key or VersionId", f)
		}
		if *p >= 0 {
			return c, badRequest("manifest field %s given twice", f)
		}
		*p = i
	}
	if c.bucket < 0 || c.key < 0 {
		return c, badRequest("manifest Fields must include Bucket and Key, got %s", strings.Join(fields, ","))
	}
	return c, nil
}
