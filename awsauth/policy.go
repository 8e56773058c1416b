package awsauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SidPrefix starts the Sid of every statement s3migrate adds to an origin
// bucket policy: it is how MergePolicy and RevertPolicy recognise their own
// statements among the ones the bucket owner wrote, so it must never change.
const SidPrefix = "S3MigrateRead"

// WriteSidPrefix starts the Sids of the reverse-direction statements (origin
// identity writing into the destination bucket). They are ours too, so
// re-applying replaces them and reverting removes them.
const WriteSidPrefix = "S3MigrateWrite"

// KMSSid is the Sid of the key-policy statement from KMSKeyStatement; it is
// recognised as ours so the same merge and revert work on a key policy.
const KMSSid = "S3MigrateKMSDecrypt"

// DefaultPolicyVersion is the policy language version used when the bucket
// has no policy yet; 2012-10-17 is the only one that supports everything the
// current IAM grammar allows.
const DefaultPolicyVersion = "2012-10-17"

// MaxBucketPolicyBytes is the S3 limit on a bucket policy document; checking
// it before PutBucketPolicy gives a clearer error than S3's PolicyTooLarge.
const MaxBucketPolicyBytes = 20 * 1024

// Statement is one IAM policy statement in the shape S3 and KMS read.
// Principal, Action and Resource are always lists so callers never have to
// handle the string-or-list ambiguity of the policy grammar.
type Statement struct {
	Sid       string                         `json:"Sid,omitempty"`
	Effect    string                         `json:"Effect"`
	Principal map[string][]string            `json:"Principal,omitempty"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// GrantOptions selects what the destination identity may read in the
// origin bucket.
type GrantOptions struct {
	// Bucket is the origin bucket name (no s3:// and no prefix).
	Bucket string
	// Prefixes are the key prefixes being migrated; empty, or any "", means
	// the whole bucket. A '*', '?' or "${" in a prefix would be read by IAM
	// as a wildcard or a policy variable, so the grant is cut just before
	// it: slightly wider, still inside the bucket, and never too narrow.
	Prefixes []string
	// Principal is the destination identity: an IAM ARN or a 12-digit
	// account id on AWS, an access key id on the sandbox gateway.
	Principal string
	// Broad grants s3:Get* and s3:List* on the whole bucket instead of the
	// least-privilege statements; only for an operator who asks for it.
	Broad bool
}

// MigrationStatements returns the origin-bucket statements that let the
// destination identity list and read what the migration copies, and
// nothing more unless o.Broad is set.
func MigrationStatements(o GrantOptions) ([]Statement, error) {
	if err := checkBucketName(o.Bucket); err != nil {
		return nil, err
	}
	if err := checkPrincipal(o.Principal); err != nil {
		return nil, err
	}
	principal := map[string][]string{"AWS": {o.Principal}}
	bucketARN := "arn:aws:s3:::" + o.Bucket

	if o.Broad {
		return []Statement{{
			Sid:       SidPrefix + "Broad",
			Effect:    "Allow",
			Principal: principal,
			Action:    []string{"s3:Get*", "s3:List*"},
			Resource:  []string{bucketARN, bucketARN + "/*"},
		}}, nil
	}

	prefixes := minimalPrefixes(o.Prefixes)
	list := Statement{
		Sid:       SidPrefix + "List",
		Effect:    "Allow",
		Principal: principal,
		Action:    []string{"s3:ListBucket"},
		Resource:  []string{bucketARN},
	}
	objects := Statement{
		Sid:       SidPrefix + "Objects",
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {o.Principal}},
		Action:    []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"},
	}
	if len(prefixes) == 0 {
		objects.Resource = []string{bucketARN + "/*"}
		return []Statement{list, objects}, nil
	}
	var like []string
	for _, p := range prefixes {
		// p alone lets ListObjectsV2 ask for the prefix itself (the
		// browser's delimiter listing); p* covers every deeper listing.
		like = append(like, p, p+"*")
		if strings.HasSuffix(p, "/") {
			// The folder marker itself ("reports/"). On S3, p* already
			// matches it; S3-compatible servers that store markers as
			// directories (Versity's posix backend) match it as "reports"
			// and need it named.
			objects.Resource = append(objects.Resource, bucketARN+"/"+p)
		}
		objects.Resource = append(objects.Resource, bucketARN+"/"+p+"*")
	}
	list.Condition = map[string]map[string][]string{"StringLike": {"s3:prefix": like}}
	return []Statement{list, objects}, nil
}

// minimalPrefixes returns the sorted prefixes none of which covers another,
// or nil when one of them is the whole bucket.
func minimalPrefixes(in []string) []string {
	var ps []string
	for _, p := range in {
		p = literalPrefix(p)
		if p == "" {
			return nil
		}
		ps = append(ps, p)
	}
	slices.Sort(ps)
	ps = slices.Compact(ps)
	var out []string
	for _, p := range ps {
		// Sorted order puts a covering prefix before everything it covers,
		// so comparing with the last kept one is enough.
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// literalPrefix cuts p before the first character IAM would not read
// literally in a Resource or StringLike value.
func literalPrefix(p string) string {
	cut := len(p)
	for _, special := range []string{"*", "?", "${"} {
		if i := strings.Index(p, special); i >= 0 && i < cut {
			cut = i
		}
	}
	return p[:cut]
}

// checkBucketName accepts current S3 names and the legacy us-east-1 ones
// (upper case, underscores, up to 255 bytes) that still exist, while
// refusing anything that would change the meaning of an ARN.
func checkBucketName(b string) error {
	if b == "" {
		return errors.New("no bucket name given; pass the origin bucket name, e.g. my-bucket")
	}
	bad := len(b) < 3 || len(b) > 255 || !isAlnum(b[0]) || !isAlnum(b[len(b)-1])
	for i := 0; i < len(b) && !bad; i++ {
		c := b[i]
		bad = !(isAlnum(c) || c == '.' || c == '-' || c == '_')
	}
	if bad {
		return fmt.Errorf("%q is not a valid S3 bucket name; pass the bucket name alone, without s3:// or a key prefix", b)
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// checkPrincipal refuses principals that would open the bucket to more
// than the destination identity.
func checkPrincipal(p string) error {
	if p == "" {
		return errors.New("no principal to grant access to; pass the destination principal ARN (e.g. arn:aws:iam::123456789012:root) or, on the sandbox, its access key id")
	}
	if strings.ContainsAny(p, "*?") {
		return fmt.Errorf("principal %q is a wildcard and would grant access to other accounts; pass the destination principal ARN", p)
	}
	for _, r := range p {
		if r <= ' ' || r == 0x7f {
			return fmt.Errorf("principal %q contains spaces or control characters; pass the ARN or access key id exactly", p)
		}
	}
	return nil
}

// isOurs reports whether a statement Sid was written by s3migrate.
func isOurs(sid string) bool {
	return strings.HasPrefix(sid, SidPrefix) || strings.HasPrefix(sid, WriteSidPrefix) || sid == KMSSid
}

// policyDoc is a parsed policy that still holds every value as the raw
// bytes it was read from, so foreign statements survive a rewrite intact.
type policyDoc struct {
	version json.RawMessage // nil: absent
	id      json.RawMessage // nil: absent
	extra   []policyField   // unknown top-level members, in input order
	stmts   []json.RawMessage
}

type policyField struct {
	key   string
	value json.RawMessage
}

// parsePolicy reads a policy document; "" (or only white space) is no
// policy. Members are matched by exact name, unlike encoding/json's
// case-insensitive struct matching, because IAM's names are exact.
func parsePolicy(doc string) (*policyDoc, error) {
	if strings.TrimSpace(doc) == "" {
		return &policyDoc{}, nil
	}
	var probe any
	if err := json.Unmarshal([]byte(doc), &probe); err != nil {
		return nil, fmt.Errorf("policy is not valid JSON (%v); fix or delete the bucket policy first", err)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return nil, errors.New("policy is not a JSON object; fix or delete the bucket policy first")
	}
	p := &policyDoc{}
	seen := map[string]bool{}
	haveStatement := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("policy cannot be read (%v); fix or delete the bucket policy first", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("policy cannot be read (%v); fix or delete the bucket policy first", err)
		}
		if seen[key] {
			return nil, fmt.Errorf("policy has %q twice, so its meaning is ambiguous; fix the bucket policy first", key)
		}
		seen[key] = true
		switch key {
		case "Version":
			p.version = raw
		case "Id":
			p.id = raw
		case "Statement":
			haveStatement = true
			if p.stmts, err = parseStatements(raw); err != nil {
				return nil, err
			}
		default:
			p.extra = append(p.extra, policyField{key, raw})
		}
	}
	if !haveStatement {
		return nil, errors.New(`policy has no "Statement"; fix or delete the bucket policy first`)
	}
	return p, nil
}

// parseStatements accepts both forms of the grammar: a list of statements
// or a single statement object.
func parseStatements(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	var list []json.RawMessage
	switch {
	case len(raw) > 0 && raw[0] == '{':
		list = []json.RawMessage{raw}
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("policy Statement cannot be read (%v); fix or delete the bucket policy first", err)
		}
	default:
		return nil, errors.New(`policy "Statement" is neither an object nor a list; fix or delete the bucket policy first`)
	}
	for i, s := range list {
		s = bytes.TrimSpace(s)
		if len(s) == 0 || s[0] != '{' {
			return nil, fmt.Errorf("policy statement %d is not a JSON object; fix or delete the bucket policy first", i+1)
		}
		list[i] = s
	}
	return list, nil
}

// statementSid returns the statement's Sid, or "" when it has none or it
// is not a string (such a statement can only be foreign).
func statementSid(raw json.RawMessage) string {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return ""
	}
	var sid string
	if json.Unmarshal(members["Sid"], &sid) != nil {
		return ""
	}
	return sid
}

// withoutOurs drops our statements and reports how many were dropped.
func (p *policyDoc) withoutOurs() int {
	kept := p.stmts[:0]
	for _, s := range p.stmts {
		if !isOurs(statementSid(s)) {
			kept = append(kept, s)
		}
	}
	n := len(p.stmts) - len(kept)
	p.stmts = kept
	return n
}

// render writes the document with 2-space indentation and a fixed member
// order (Version, Id, others, Statement), so the same input always gives
// the same bytes and a re-apply shows an empty diff.
func (p *policyDoc) render() (string, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	version := p.version
	if version == nil {
		version, _ = json.Marshal(DefaultPolicyVersion)
	}
	fields := []policyField{{"Version", version}}
	if p.id != nil {
		fields = append(fields, policyField{"Id", p.id})
	}
	fields = append(fields, p.extra...)
	for _, f := range fields {
		key, _ := json.Marshal(f.key)
		b.WriteString("  ")
		b.Write(key)
		b.WriteString(": ")
		if err := json.Indent(&b, bytes.TrimSpace(f.value), "  ", "  "); err != nil {
			return "", fmt.Errorf("policy member %s cannot be re-indented (%v); fix the bucket policy first", key, err)
		}
		b.WriteString(",\n")
	}
	b.WriteString(`  "Statement": [`)
	for i, s := range p.stmts {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		if err := json.Indent(&b, s, "    ", "  "); err != nil {
			return "", fmt.Errorf("policy statement %d cannot be re-indented (%v); fix the bucket policy first", i+1, err)
		}
	}
	if len(p.stmts) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}")
	return b.String(), nil
}

// marshalStatement encodes s without HTML escaping so ARNs and conditions
// read in the preview exactly as the operator typed them.
func marshalStatement(s Statement) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b.Bytes()), nil
}

// MergePolicy returns existing (a bucket policy, or "" for none) with our
// statements replaced by ours. Foreign statements keep their exact key
// order and values, because an operator must be able to trust that
// applying a migration grant changes nothing else in their policy.
func MergePolicy(existing string, ours []Statement) (string, error) {
	if len(ours) == 0 {
		return "", errors.New("no statements to merge; to remove s3migrate's grant, revert the policy instead")
	}
	p, err := parsePolicy(existing)
	if err != nil {
		return "", err
	}
	seen := map[string]bool{}
	var add []json.RawMessage
	for _, s := range ours {
		// A statement we could not recognise later could never be
		// replaced or reverted, so refuse it now.
		if !isOurs(s.Sid) {
			return "", fmt.Errorf("statement Sid %q does not start with %s or %s, so it could not be reverted later; use the statements this package generates", s.Sid, SidPrefix, WriteSidPrefix)
		}
		if seen[s.Sid] {
			return "", fmt.Errorf("two statements share the Sid %q; give each statement its own Sid", s.Sid)
		}
		seen[s.Sid] = true
		raw, err := marshalStatement(s)
		if err != nil {
			return "", fmt.Errorf("statement %q cannot be encoded (%v); report this as a bug", s.Sid, err)
		}
		add = append(add, raw)
	}
	p.withoutOurs()
	p.stmts = append(p.stmts, add...)
	return p.render()
}

// RevertPolicy removes our statements from existing and keeps everything
// else. When nothing is left, empty is true and policy is "": S3 rejects a
// policy without statements, so the caller must delete the bucket policy.
func RevertPolicy(existing string) (policy string, empty bool, err error) {
	p, err := parsePolicy(existing)
	if err != nil {
		return "", false, err
	}
	p.withoutOurs()
	if len(p.stmts) == 0 {
		return "", true, nil
	}
	out, err := p.render()
	if err != nil {
		return "", false, err
	}
	return out, false, nil
}

// FormatPolicy re-renders doc in MergePolicy's layout without changing any
// statement, so a preview diff against the merged policy shows only what
// the merge changes and not the owner's formatting.
func FormatPolicy(doc string) (string, error) {
	if strings.TrimSpace(doc) == "" {
		return "", nil
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return "", err
	}
	return p.render()
}

// ValidatePolicy checks doc before it is put on bucket: S3's own checks
// come back as terse errors after a round trip, and S3 would happily accept
// a grant to everyone. Only our statements are judged on content; the
// bucket owner's statements are theirs to decide.
func ValidatePolicy(doc, bucket string) error {
	if err := checkBucketName(bucket); err != nil {
		return err
	}
	if len(doc) > MaxBucketPolicyBytes {
		return fmt.Errorf("policy is %d bytes, over the %d-byte S3 bucket-policy limit; select fewer or shorter prefixes, or remove unused statements", len(doc), MaxBucketPolicyBytes)
	}
	if strings.TrimSpace(doc) == "" {
		return errors.New("policy is empty; delete the bucket policy instead of putting an empty one")
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return err
	}
	if len(p.stmts) == 0 {
		return errors.New("policy has no statements; delete the bucket policy instead of putting an empty one")
	}
	for _, raw := range p.stmts {
		sid := statementSid(raw)
		if !isOurs(sid) {
			continue
		}
		if err := checkOurStatement(sid, raw, bucket); err != nil {
			return err
		}
	}
	return nil
}

// checkOurStatement applies ValidatePolicy's content rules to one of our
// statements.
func checkOurStatement(sid string, raw json.RawMessage, bucket string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("statement %q cannot be read (%v); regenerate the policy", sid, err)
	}
	if _, ok := m["NotPrincipal"]; ok {
		return fmt.Errorf("statement %q uses NotPrincipal, which grants everyone not listed; use Principal with the destination principal", sid)
	}
	principals, err := principalValues(m["Principal"])
	if err != nil {
		return fmt.Errorf("statement %q: %v", sid, err)
	}
	for _, pr := range principals {
		if pr == "*" {
			return fmt.Errorf("statement %q grants access to everyone (Principal \"*\"); name the destination principal instead", sid)
		}
		if pr == "" {
			return fmt.Errorf("statement %q has an empty principal; name the destination principal", sid)
		}
	}
	if _, ok := m["NotResource"]; ok {
		return fmt.Errorf("statement %q uses NotResource, which reaches outside bucket %q; list the bucket's resources instead", sid, bucket)
	}
	resources, err := stringOrList(m["Resource"])
	if err != nil || len(resources) == 0 {
		return fmt.Errorf("statement %q has no readable Resource; regenerate the statements for bucket %q", sid, bucket)
	}
	bucketARN := "arn:aws:s3:::" + bucket
	for _, r := range resources {
		if r != bucketARN && !strings.HasPrefix(r, bucketARN+"/") {
			return fmt.Errorf("statement %q names resource %q outside bucket %q; regenerate the statements for this bucket", sid, r, bucket)
		}
	}
	return nil
}

// principalValues flattens the Principal element ("*", or an object whose
// values are a string or a list) into its values.
func principalValues(raw json.RawMessage) ([]string, error) {
	if raw == nil {
		return nil, errors.New("no Principal; name the destination principal")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errors.New("Principal is neither \"*\" nor an object; name the destination principal as {\"AWS\": [...]}")
	}
	var out []string
	for _, v := range m {
		vs, err := stringOrList(v)
		if err != nil {
			return nil, errors.New("Principal values must be strings; name the destination principal as {\"AWS\": [...]}")
		}
		out = append(out, vs...)
	}
	if len(out) == 0 {
		return nil, errors.New("Principal names nobody; name the destination principal")
	}
	return out, nil
}

// stringOrList decodes the grammar's "value or list of values" form.
func stringOrList(raw json.RawMessage) ([]string, error) {
	if raw == nil {
		return nil, errors.New("missing")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}, nil
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, err
	}
	return l, nil
}

// ReverseStatement is the destination-bucket statement for the reverse
// direction, where the origin identity writes: PutObject under prefix,
// only with the bucket-owner-full-control ACL so the destination owner is
// never locked out of objects written into its bucket.
//
// S3 evaluates UploadPart as s3:PutObject but the request carries no ACL
// header, so this condition denies the parts of a multipart upload
// (aws/aws-cli#1674): on a BucketOwnerEnforced bucket, where the ACL is
// moot, prefer a statement without the condition for multipart writes.
// s3:PutObjectTagging is in ReverseTaggingStatement because s3:x-amz-acl
// does not apply to it and S3 rejects a statement mixing the two.
func ReverseStatement(destBucket, prefix, principal string) Statement {
	return Statement{
		Sid:       WriteSidPrefix,
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {principal}},
		Action:    []string{"s3:PutObject"},
		Resource:  []string{reverseResource(destBucket, prefix)},
		Condition: map[string]map[string][]string{
			"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}},
		},
	}
}

// ReverseTaggingStatement lets the origin identity set tags on the objects
// it writes under prefix (S3 checks s3:PutObjectTagging for a PutObject
// that carries tags, and for PutObjectTagging itself).
func ReverseTaggingStatement(destBucket, prefix, principal string) Statement {
	return Statement{
		Sid:       WriteSidPrefix + "Tagging",
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {principal}},
		Action:    []string{"s3:PutObjectTagging"},
		Resource:  []string{reverseResource(destBucket, prefix)},
	}
}

func reverseResource(bucket, prefix string) string {
	return "arn:aws:s3:::" + bucket + "/" + literalPrefix(prefix) + "*"
}

// ReverseExplanation tells the operator who will own objects written by
// the origin identity, the question cross-account writes always raise.
func ReverseExplanation() string {
	return "These statements let the origin identity write into the destination bucket, and only with the bucket-owner-full-control ACL. " +
		"With Object Ownership BucketOwnerEnforced (the default for new buckets) the destination bucket owner owns every object, whoever wrote it. " +
		"Otherwise the writing (origin) account owns the objects, unless the bucket uses BucketOwnerPreferred and the object was written with bucket-owner-full-control."
}

// KMSKeyStatement is the statement for the key policy of the customer-
// managed KMS key that encrypts SSE-KMS origin objects: without
// kms:Decrypt on the key, reading those objects fails even though the
// bucket policy allows s3:GetObject. In a key policy Resource "*" means
// the key the policy is attached to.
func KMSKeyStatement(principal string) Statement {
	return Statement{
		Sid:       KMSSid,
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {principal}},
		Action:    []string{"kms:Decrypt", "kms:DescribeKey"},
		Resource:  []string{"*"},
	}
}

// KMSExplanation tells the operator where the KMS statement goes, since
// putting it in the bucket policy would be rejected or do nothing.
func KMSExplanation(keyARN string) string {
	return fmt.Sprintf("Add this statement to the key policy of %s, in the origin account; a bucket policy cannot grant use of a KMS key. "+
		"The destination identity's own IAM policy must also allow kms:Decrypt on that key ARN, as every cross-account KMS use needs both. "+
		"Objects encrypted with the AWS managed key aws/s3 cannot be shared across accounts this way.", keyARN)
}
