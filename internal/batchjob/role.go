package batchjob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	itypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3migrate/s3migrate/internal/s3err"
)

// ServicePrincipal is the service that assumes a Batch Operations job's
// role.
const ServicePrincipal = "batchoperations.s3.amazonaws.com"

// RolePolicyName is the name of the inline policy EnsureRole writes on the
// role; putting it again replaces only that policy.
const RolePolicyName = "s3migrate-batch-copy"

// maxInlinePolicy is IAM's limit on a role's inline policies (characters,
// whitespace not counted): checked on the compact form that is sent.
const maxInlinePolicy = 10240

// RoleSpec says what a copy job's role may touch.
type RoleSpec struct {
	// Partition of the ARNs ("aws" when empty).
	Partition string
	// SourceBucket and SourcePrefix: objects read (GetObject, tags, ACL).
	SourceBucket, SourcePrefix string
	// DestBucket and DestPrefix: objects written (PutObject, tags, ACL).
	DestBucket, DestPrefix string
	// ManifestBucket and ManifestKey: the manifest read (a key, or a
	// prefix ending in "/" to cover several manifests).
	ManifestBucket, ManifestKey string
	// ReportBucket and ReportPrefix: where the completion reports go.
	ReportBucket, ReportPrefix string
	// Versions lets the job read object versions (a manifest with
	// VersionId).
	Versions bool
	// KMSDecryptKeys are the KMS key ARNs of SSE-KMS source objects;
	// KMSEncryptKeys the key the copies are encrypted with. The key
	// policies must allow the role as well.
	KMSDecryptKeys, KMSEncryptKeys []string
}

// policyDoc and statement are an IAM policy document, in the field order
// IAM shows.
type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Principal map[string]string              `json:"Principal,omitempty"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource,omitempty"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// TrustPolicy is the role's trust policy: S3 Batch Operations may assume
// it, for jobs of accountID only when that is a 12-digit account id (the
// aws:SourceAccount condition against the confused deputy; left out for a
// server without accounts, such as the sandbox).
func TrustPolicy(accountID string) string {
	st := statement{
		Sid:       "S3MigrateBatchOperationsAssume",
		Effect:    "Allow",
		Principal: map[string]string{"Service": ServicePrincipal},
		Action:    []string{"sts:AssumeRole"},
	}
	if isAccountID(accountID) {
		st.Condition = map[string]map[string][]string{"StringEquals": {"aws:SourceAccount": {accountID}}}
	}
	return render(policyDoc{Version: "2012-10-17", Statement: []statement{st}})
}

func isAccountID(s string) bool { return accountID.MatchString(s) }

// RolePolicy is the role's permissions policy: read the source objects and
// their tags, write the destination objects and their tags, read the
// manifest, write the report; nothing else. Prefixes are cut before a '*',
// '?' or "${", which IAM would read as a wildcard or a variable (a broader
// grant, never a wrong one).
func RolePolicy(r RoleSpec) (string, error) {
	for _, b := range []struct{ what, name string }{
		{"source", r.SourceBucket}, {"destination", r.DestBucket}, {"manifest", r.ManifestBucket}, {"report", r.ReportBucket},
	} {
		if b.name == "" || strings.ContainsAny(b.name, "/*?$\"") {
			return "", fmt.Errorf("role policy: the %s bucket %q is not a bucket name", b.what, b.name)
		}
	}
	part := r.Partition
	if part == "" {
		part = "aws"
	}
	bucket := func(b string) string { return "arn:" + part + ":s3:::" + b }
	objects := func(b, prefix string) string { return bucket(b) + "/" + literal(prefix) + "*" }

	read := []string{"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging"}
	if r.Versions {
		read = append(read, "s3:GetObjectVersion", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging")
	}
	list := statement{Sid: "S3MigrateBatchListSource", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{bucket(r.SourceBucket)}}
	if p := literal(r.SourcePrefix); p != "" {
		// Listing lets S3 answer NoSuchKey rather than AccessDenied for a
		// key gone since the plan; scoped to the source prefix as the
		// origin-bucket grant is.
		list.Condition = map[string]map[string][]string{"StringLike": {"s3:prefix": {p, p + "*"}}}
	}
	// One manifest by its key; a prefix (ending in "/") covers several.
	manifest := objects(r.ManifestBucket, r.ManifestKey)
	if mk := r.ManifestKey; mk != "" && !strings.HasSuffix(mk, "/") && literal(mk) == mk {
		manifest = bucket(r.ManifestBucket) + "/" + mk
	}
	sts := []statement{
		{Sid: "S3MigrateBatchReadSource", Effect: "Allow", Action: read, Resource: []string{objects(r.SourceBucket, r.SourcePrefix)}},
		list,
		{Sid: "S3MigrateBatchWriteDestination", Effect: "Allow", Action: []string{"s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"},
			Resource: []string{objects(r.DestBucket, r.DestPrefix)}},
		{Sid: "S3MigrateBatchReadManifest", Effect: "Allow", Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{manifest}},
		{Sid: "S3MigrateBatchWriteReport", Effect: "Allow", Action: []string{"s3:PutObject"},
			Resource: []string{objects(r.ReportBucket, joinPrefix(strings.TrimSuffix(r.ReportPrefix, "/")))}},
		{Sid: "S3MigrateBatchBucketLocation", Effect: "Allow", Action: []string{"s3:GetBucketLocation"},
			Resource: uniq(bucket(r.ManifestBucket), bucket(r.ReportBucket))},
	}
	if len(r.KMSDecryptKeys) > 0 {
		sts = append(sts, statement{Sid: "S3MigrateBatchKMSDecrypt", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: uniq(r.KMSDecryptKeys...)})
	}
	if len(r.KMSEncryptKeys) > 0 {
		sts = append(sts, statement{Sid: "S3MigrateBatchKMSEncrypt", Effect: "Allow", Action: []string{"kms:Encrypt", "kms:GenerateDataKey"}, Resource: uniq(r.KMSEncryptKeys...)})
	}
	doc := render(policyDoc{Version: "2012-10-17", Statement: sts})
	if n := compactLen(doc); n > maxInlinePolicy {
		return "", fmt.Errorf("role policy: %d characters, above IAM's %d for a role's inline policies", n, maxInlinePolicy)
	}
	return doc, nil
}

// literal cuts p before the first '*', '?' or "${".
func literal(p string) string {
	for _, s := range []string{"*", "?", "${"} {
		if i := strings.Index(p, s); i >= 0 {
			p = p[:i]
		}
	}
	return p
}

func uniq(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func render(d policyDoc) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(d)
	return strings.TrimSuffix(b.String(), "\n")
}

func compact(doc string) (string, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		return "", err
	}
	return b.String(), nil
}

func compactLen(doc string) int {
	c, err := compact(doc)
	if err != nil {
		return len(doc)
	}
	return len(c)
}

// RoleAPI is what EnsureRole asks of IAM. *iam.Client implements it.
type RoleAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	PutRolePolicy(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
}

// RoleResult is what EnsureRole did.
type RoleResult struct {
	ARN     string
	Created bool // false: the role existed, only its inline policy was put
}

var roleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// EnsureRole makes sure the destination account has role name, trusted by
// S3 Batch Operations with trust (TrustPolicy) and allowed policy
// (RolePolicy) as its inline policy RolePolicyName. It creates the role
// when it is missing; an existing role keeps its trust policy (it must
// already trust S3 Batch Operations, or EnsureRole refuses to touch it) and
// gets the inline policy put again. The caller shows both documents and
// asks before calling it. identity names the caller in errors.
//
// IAM is eventually consistent: a role created a moment ago may not be
// usable by CreateJob for some seconds.
func EnsureRole(ctx context.Context, api RoleAPI, identity, name, trust, policy string) (RoleResult, error) {
	fail := func(op string, err error, hint string) error {
		return &s3err.OpError{Op: op + " IAM role " + name, Identity: identity, Err: err, Hint: hint}
	}
	if !roleName.MatchString(name) {
		return RoleResult{}, fail("create", fmt.Errorf("%q is not a role name", name), "1–64 letters, digits and +=,.@_-")
	}
	trustC, err := compact(trust)
	if err != nil {
		return RoleResult{}, fail("create", fmt.Errorf("trust policy: %w", err), "")
	}
	policyC, err := compact(policy)
	if err != nil {
		return RoleResult{}, fail("create", fmt.Errorf("role policy: %w", err), "")
	}
	if len(policyC) > maxInlinePolicy {
		return RoleResult{}, fail("create", fmt.Errorf("role policy of %d characters, above IAM's %d", len(policyC), maxInlinePolicy), "")
	}
	denied := "the destination identity needs iam:GetRole, iam:CreateRole and iam:PutRolePolicy (or pass --batch-role with an existing role)"
	var res RoleResult
	got, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	var nse *itypes.NoSuchEntityException
	switch {
	case err == nil && got.Role != nil:
		res.ARN = aws.ToString(got.Role.Arn)
		doc := aws.ToString(got.Role.AssumeRolePolicyDocument)
		if d, derr := url.QueryUnescape(doc); derr == nil {
			doc = d // IAM answers the document URL-encoded
		}
		if !TrustsBatchOperations(doc) {
			return res, fail("use existing", errors.New("the role does not trust "+ServicePrincipal),
				"choose another role name, or add that service to the role's trust policy yourself")
		}
	case errors.As(err, &nse):
		out, err := api.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 aws.String(name),
			AssumeRolePolicyDocument: aws.String(trustC),
			Description:              aws.String("s3migrate: the role of S3 Batch Operations copy jobs"),
			Tags:                     []itypes.Tag{{Key: aws.String("created-by"), Value: aws.String("s3migrate")}},
		})
		if err != nil {
			hint := ""
			if s3err.IsDenied(err) {
				hint = denied
			}
			return res, fail("create", err, hint)
		}
		res.ARN, res.Created = aws.ToString(out.Role.Arn), true
	default:
		if err == nil {
			err = errors.New("GetRole answered no role")
		}
		hint := ""
		if s3err.IsDenied(err) {
			hint = denied
		}
		return res, fail("look up", err, hint)
	}
	if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(name), PolicyName: aws.String(RolePolicyName), PolicyDocument: aws.String(policyC),
	}); err != nil {
		hint := ""
		if s3err.IsDenied(err) {
			hint = denied
		}
		return res, fail("put the inline policy "+RolePolicyName+" on", err, hint)
	}
	return res, nil
}

// TrustsBatchOperations reports whether a trust policy lets S3 Batch
// Operations assume the role: an Allow of sts:AssumeRole (or sts:*, *) to
// the service principal.
func TrustsBatchOperations(doc string) bool {
	var d struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return false
	}
	var list []json.RawMessage
	if json.Unmarshal(d.Statement, &list) != nil {
		list = []json.RawMessage{d.Statement}
	}
	for _, raw := range list {
		var st struct {
			Effect    string          `json:"Effect"`
			Principal json.RawMessage `json:"Principal"`
			Action    json.RawMessage `json:"Action"`
		}
		if json.Unmarshal(raw, &st) != nil || st.Effect != "Allow" {
			continue
		}
		var p struct {
			Service json.RawMessage `json:"Service"`
		}
		if json.Unmarshal(st.Principal, &p) != nil || !slices.Contains(stringOrList(p.Service), ServicePrincipal) {
			continue
		}
		for _, a := range stringOrList(st.Action) {
			if a == "sts:AssumeRole" || a == "sts:*" || a == "*" {
				return true
			}
		}
	}
	return false
}

func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}
