// Package bucketpolicy writes the least-privilege grant a cross-account
// migration needs into a bucket policy and takes it out again: statements
// owned by grantee (Sid tag plus exact content), merged into the policy the
// bucket already has, shown as a diff, re-read before anything is written,
// and reverted one grantee at a time.
package bucketpolicy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A statement is s3migrate's only when its Sid is one s3migrate generates
// for the statement's principal AND its content is exactly what s3migrate
// generates (see recognise). A Sid alone proves nothing: anyone can name a
// Deny "S3MigrateRead…", and deleting that Deny would open the bucket.
//
// Sids are a stem per kind of grant followed by GranteeTag(principal), so
// the grants of several destination accounts coexist in one policy and each
// is replaced or reverted on its own.
const (
	sidStemReadList     = "S3MigrateReadList"
	sidStemReadObjects  = "S3MigrateReadObjects"
	sidStemReadBroad    = "S3MigrateReadBroad"
	sidStemWrite        = "S3MigrateWrite"
	sidStemWriteTagging = "S3MigrateWriteTagging"
	sidStemKMS          = "S3MigrateKMSDecrypt"
	// sidStem starts every Sid above; a statement without it is never
	// examined further.
	sidStem = "S3Migrate"
)

// DefaultPolicyVersion is the policy language version used when the bucket
// has no policy yet; 2012-10-17 is the only one that supports everything the
// current IAM grammar allows.
const DefaultPolicyVersion = "2012-10-17"

// MaxBytes is the S3 limit on a bucket policy document (20 KB);
// it is checked on the compact form that Apply sends, before
// PutBucketPolicy, because S3's PolicyTooLarge says less.
const MaxBytes = 20 * 1024

// Partitions are the AWS partitions whose ARNs s3migrate writes. An ARN
// names its partition ("arn:aws-cn:…"); resources must name the same one as
// the identity, or the partition rejects the policy.
var Partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// DefaultPartition is assumed for a principal that is not an ARN: a bare
// account id, or an access key id on an S3-compatible server.
const DefaultPartition = "aws"

// PartitionOf returns the partition of principal: the second field of an
// ARN, DefaultPartition for anything else.
func PartitionOf(principal string) (string, error) {
	rest, ok := strings.CutPrefix(principal, "arn:")
	if !ok {
		return DefaultPartition, nil
	}
	part, _, ok := strings.Cut(rest, ":")
	if !ok || !slices.Contains(Partitions, part) {
		return "", fmt.Errorf("principal %q does not name a known AWS partition (%s); pass the principal ARN exactly as IAM shows it", principal, strings.Join(Partitions, ", "))
	}
	return part, nil
}

// arnPartition is PartitionOf for the statement constructors that cannot
// return an error: an unknown partition is written as given, and
// Merge then refuses the statement because it does not recognise it.
func arnPartition(principal string) string {
	if p, err := PartitionOf(principal); err == nil {
		return p
	}
	rest, _ := strings.CutPrefix(principal, "arn:")
	part, _, _ := strings.Cut(rest, ":")
	return part
}

// GranteeTag is the suffix of every Sid s3migrate writes for principal: ten
// hex digits of a SHA-256 of the principal, with an account id and that
// account's root ARN counting as one (S3 stores the first as the second).
// It is short, stable across runs and machines, and different per grantee.
func GranteeTag(principal string) string {
	sum := sha256.Sum256([]byte(canonicalPrincipal(principal)))
	return hex.EncodeToString(sum[:5])
}

// canonicalPrincipal folds the spellings that name one account: S3 accepts
// "123456789012" in a policy and stores "arn:aws:iam::123456789012:root".
func canonicalPrincipal(p string) string {
	if isAccountID(p) {
		return "account:" + p
	}
	if rest, ok := strings.CutPrefix(p, "arn:"); ok {
		f := strings.Split(rest, ":")
		if len(f) == 5 && f[1] == "iam" && f[2] == "" && isAccountID(f[3]) && f[4] == "root" {
			return "account:" + f[3]
		}
	}
	return p
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// SamePrincipal reports whether a and b name the same grantee in a bucket
// policy (an account id and its root ARN do).
func SamePrincipal(a, b string) bool { return canonicalPrincipal(a) == canonicalPrincipal(b) }

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
	// account id on AWS, an access key id on the sandbox gateway. An ARN's
	// partition is the partition of the resources.
	Principal string
	// Broad grants s3:Get* and s3:List* on the whole bucket instead of the
	// least-privilege statements; only for an operator who asks for it.
	Broad bool
}

// The exact actions of each kind of statement; recognise compares with them.
var (
	actionsList    = []string{"s3:ListBucket"}
	actionsObjects = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"}
	actionsBroad   = []string{"s3:Get*", "s3:List*"}
	actionsWrite   = []string{"s3:PutObject"}
	actionsTagging = []string{"s3:PutObjectTagging"}
	actionsKMS     = []string{"kms:Decrypt", "kms:DescribeKey"}
)

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
	partition, err := PartitionOf(o.Principal)
	if err != nil {
		return nil, err
	}
	tag := GranteeTag(o.Principal)
	principal := func() map[string][]string { return map[string][]string{"AWS": {o.Principal}} }
	bucketARN := "arn:" + partition + ":s3:::" + o.Bucket

	if o.Broad {
		return []Statement{{
			Sid:       sidStemReadBroad + tag,
			Effect:    "Allow",
			Principal: principal(),
			Action:    slices.Clone(actionsBroad),
			Resource:  []string{bucketARN, bucketARN + "/*"},
		}}, nil
	}

	prefixes := minimalPrefixes(o.Prefixes)
	list := Statement{
		Sid:       sidStemReadList + tag,
		Effect:    "Allow",
		Principal: principal(),
		Action:    slices.Clone(actionsList),
		Resource:  []string{bucketARN},
	}
	objects := Statement{
		Sid:       sidStemReadObjects + tag,
		Effect:    "Allow",
		Principal: principal(),
		Action:    slices.Clone(actionsObjects),
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

// grantKind is the kind of one of our statements.
type grantKind int

const (
	grantReadList grantKind = iota
	grantReadObjects
	grantReadBroad
	grantWrite
	grantWriteTagging
	grantKMS
)

// grantKinds is, per kind, the Sid stem and the exact actions.
var grantKinds = [...]struct {
	stem    string
	actions []string
}{
	grantReadList:     {sidStemReadList, actionsList},
	grantReadObjects:  {sidStemReadObjects, actionsObjects},
	grantReadBroad:    {sidStemReadBroad, actionsBroad},
	grantWrite:        {sidStemWrite, actionsWrite},
	grantWriteTagging: {sidStemWriteTagging, actionsTagging},
	grantKMS:          {sidStemKMS, actionsKMS},
}

// family groups the kinds that one grant writes together: a new read grant
// replaces the grantee's earlier read statements (scoped or broad) and
// leaves its write statements alone.
func (k grantKind) family() string {
	switch k {
	case grantReadList, grantReadObjects, grantReadBroad:
		return "read"
	case grantWrite, grantWriteTagging:
		return "write"
	}
	return "kms"
}

// grant is one of our statements, recognised in a policy.
type grant struct {
	kind      grantKind
	principal string
	// partition and bucket are the resources' ("" for a KMS statement).
	partition, bucket string
	// keys are the key parts of the object resources ("logs/*", "logs/").
	keys []string
}

// recognise reports whether raw is a statement s3migrate generates: only
// the members we write; a Sid equal to a stem plus the tag of its one
// principal (or the bare stem earlier versions wrote); Effect Allow; exactly
// the kind's actions; resources inside one bucket of one known partition,
// shaped as we write them; and exactly the kind's condition. The grammar's
// equivalent spellings (a string for a one-element list, another order of
// actions) are accepted, since S3 may store them so; anything else is
// foreign, and foreign statements are kept byte for byte.
func recognise(raw json.RawMessage) (grant, bool) {
	var g grant
	m, ok := strictObject(raw)
	if !ok {
		return g, false
	}
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "Action", "Resource", "Condition":
		default:
			return g, false
		}
	}
	sid, ok := jsonString(m["Sid"])
	if !ok || !strings.HasPrefix(sid, sidStem) {
		return g, false
	}
	if effect, ok := jsonString(m["Effect"]); !ok || effect != "Allow" {
		return g, false
	}
	pm, ok := strictObject(m["Principal"])
	if !ok || len(pm) != 1 {
		return g, false
	}
	ps, ok := jsonStrings(pm["AWS"])
	if !ok || len(ps) != 1 || checkPrincipal(ps[0]) != nil {
		return g, false
	}
	g.principal = ps[0]
	tag, found := GranteeTag(g.principal), false
	for k, spec := range grantKinds {
		if sid == spec.stem+tag || sid == spec.stem {
			g.kind, found = grantKind(k), true
			break
		}
	}
	if !found {
		return g, false
	}
	actions, ok := jsonStrings(m["Action"])
	if !ok || !sameSet(actions, grantKinds[g.kind].actions) {
		return g, false
	}
	resources, ok := jsonStrings(m["Resource"])
	if !ok || len(resources) == 0 || hasDuplicates(resources) {
		return g, false
	}
	cond, hasCond := m["Condition"]
	if g.kind == grantKMS {
		// In a key policy "*" is the key itself.
		return g, !hasCond && len(resources) == 1 && resources[0] == "*"
	}
	bucketOnly := 0
	for i, r := range resources {
		part, bucket, key, hasKey, ok := parseS3ARN(r)
		if !ok || (i > 0 && (part != g.partition || bucket != g.bucket)) {
			return g, false
		}
		g.partition, g.bucket = part, bucket
		if hasKey {
			g.keys = append(g.keys, key)
		} else {
			bucketOnly++
		}
	}
	if strings.HasPrefix(g.principal, "arn:") {
		if part, err := PartitionOf(g.principal); err != nil || part != g.partition {
			return g, false
		}
	}
	switch g.kind {
	case grantReadList:
		return g, len(resources) == 1 && bucketOnly == 1 && (!hasCond || prefixCondition(cond))
	case grantReadBroad:
		return g, !hasCond && bucketOnly == 1 && len(g.keys) == 1 && g.keys[0] == "*"
	case grantReadObjects:
		if hasCond || bucketOnly > 0 {
			return g, false
		}
		for _, k := range g.keys {
			if !generatedKey(k, true) {
				return g, false
			}
		}
		return g, true
	case grantWrite, grantWriteTagging:
		if len(g.keys) != 1 || bucketOnly > 0 || !generatedKey(g.keys[0], false) {
			return g, false
		}
		if g.kind == grantWriteTagging {
			return g, !hasCond
		}
		return g, hasCond && aclCondition(cond)
	}
	return g, false
}

// parseS3ARN splits "arn:PARTITION:s3:::bucket[/key]" for a known partition
// and a valid bucket name.
func parseS3ARN(r string) (partition, bucket, key string, hasKey, ok bool) {
	rest, ok := strings.CutPrefix(r, "arn:")
	if !ok {
		return "", "", "", false, false
	}
	partition, rest, ok = strings.Cut(rest, ":")
	if !ok || !slices.Contains(Partitions, partition) {
		return "", "", "", false, false
	}
	rest, ok = strings.CutPrefix(rest, "s3:::")
	if !ok {
		return "", "", "", false, false
	}
	bucket, key, hasKey = strings.Cut(rest, "/")
	if checkBucketName(bucket) != nil {
		return "", "", "", false, false
	}
	return partition, bucket, key, hasKey, true
}

// generatedKey reports whether k is an object-resource key we write: a
// literal prefix and '*', or (markers) a literal folder marker "p/".
func generatedKey(k string, markers bool) bool {
	if lit, ok := strings.CutSuffix(k, "*"); ok {
		return literalPrefix(lit) == lit
	}
	return markers && strings.HasSuffix(k, "/") && literalPrefix(k) == k
}

// prefixCondition reports whether raw is exactly the list statement's
// {"StringLike": {"s3:prefix": [p, p*, …]}} with literal, non-empty p.
func prefixCondition(raw json.RawMessage) bool {
	vals, ok := onlyCondition(raw, "StringLike", "s3:prefix")
	if !ok {
		return false
	}
	for _, v := range vals {
		lit, _ := strings.CutSuffix(v, "*")
		if lit == "" || literalPrefix(lit) != lit {
			return false
		}
	}
	return true
}

// aclCondition reports whether raw is exactly the reverse statement's
// {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}.
func aclCondition(raw json.RawMessage) bool {
	vals, ok := onlyCondition(raw, "StringEquals", "s3:x-amz-acl")
	return ok && len(vals) == 1 && vals[0] == "bucket-owner-full-control"
}

// onlyCondition returns the values of a condition block that holds one
// operator with one key, and nothing else.
func onlyCondition(raw json.RawMessage, operator, key string) ([]string, bool) {
	c, ok := strictObject(raw)
	if !ok || len(c) != 1 {
		return nil, false
	}
	op, ok := strictObject(c[operator])
	if !ok || len(op) != 1 {
		return nil, false
	}
	vals, ok := jsonStrings(op[key])
	return vals, ok && len(vals) > 0
}

// strictObject decodes a JSON object into its members and refuses
// duplicate names: {"Effect":"Deny","Effect":"Allow"} means different things
// to different readers, so such a statement can never be ours.
func strictObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if raw == nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		if _, dup := m[k]; dup {
			return nil, false
		}
		m[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	return m, true
}

// jsonString decodes a JSON string (and nothing else: not null, not a number).
func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// jsonStrings decodes the grammar's "string or list of strings".
func jsonStrings(raw json.RawMessage) ([]string, bool) {
	if s, ok := jsonString(raw); ok {
		return []string{s}, true
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := jsonString(it)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func sameSet(a, b []string) bool {
	if hasDuplicates(a) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func hasDuplicates(list []string) bool {
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
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
		return nil, fmt.Errorf("policy is not valid JSON: %w; fix or delete the bucket policy first", err)
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
			return nil, fmt.Errorf("policy cannot be read: %w; fix or delete the bucket policy first", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("policy cannot be read: %w; fix or delete the bucket policy first", err)
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
			return nil, fmt.Errorf("policy Statement cannot be read: %w; fix or delete the bucket policy first", err)
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
			return "", fmt.Errorf("policy member %s cannot be re-indented: %w; fix the bucket policy first", key, err)
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
			return "", fmt.Errorf("policy statement %d cannot be re-indented: %w; fix the bucket policy first", i+1, err)
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

// Merge returns existing (a bucket policy, or "" for none) with the
// grantee's earlier statements of the same kind (read, write or KMS)
// replaced by ours, in the place the first of them held. Everything else —
// other grantees' grants, and every statement that is not exactly one we
// generate, whatever its Sid — keeps its exact key order and values,
// because an operator must be able to trust that applying a migration grant
// changes nothing else in their policy.
func Merge(existing string, ours []Statement) (string, error) {
	if len(ours) == 0 {
		return "", errors.New("no statements to merge; to remove s3migrate's grant, revert the policy instead")
	}
	p, err := parsePolicy(existing)
	if err != nil {
		return "", err
	}
	var first grant
	families := map[string]bool{}
	seen := map[string]bool{}
	var add []json.RawMessage
	for i, s := range ours {
		raw, err := marshalStatement(s)
		if err != nil {
			return "", fmt.Errorf("statement %q cannot be encoded: %w; report this as a bug", s.Sid, err)
		}
		// A statement we would not recognise later could never be
		// replaced or reverted, so refuse it now.
		g, ok := recognise(raw)
		if !ok {
			return "", fmt.Errorf("statement %q is not one s3migrate generates (Allow, its own actions, one principal, resources inside one bucket of the principal's partition), so it could not be replaced or reverted later; use the statements this package generates", s.Sid)
		}
		if i == 0 {
			first = g
		} else if !SamePrincipal(g.principal, first.principal) || g.bucket != first.bucket {
			return "", errors.New("the statements name different grantees or buckets; merge one grantee's statements for one bucket at a time")
		}
		if seen[s.Sid] {
			return "", fmt.Errorf("two statements share the Sid %q; give each statement its own Sid", s.Sid)
		}
		seen[s.Sid] = true
		families[g.kind.family()] = true
		add = append(add, raw)
	}
	kept, at := p.stmts[:0:0], -1
	for _, s := range p.stmts {
		if g, ok := recognise(s); ok && families[g.kind.family()] && g.bucket == first.bucket && SamePrincipal(g.principal, first.principal) {
			if at < 0 {
				at = len(kept)
			}
			continue
		}
		if sid := statementSid(s); seen[sid] {
			// A foreign statement already carries one of our Sids (say a
			// Deny named like our grant): S3 refuses two statements with
			// one Sid, and ours must not take its place.
			return "", fmt.Errorf("the bucket policy already has a statement with the Sid %q that s3migrate did not write (it is kept as it is); rename or remove that statement, then run again", sid)
		}
		kept = append(kept, s)
	}
	if at < 0 {
		at = len(kept)
	}
	p.stmts = slices.Insert(kept, at, add...)
	return p.render()
}

// Revert removes the grantee's statements for bucket (read and
// write; bucket "" means a key policy, and its KMS statements) from
// existing and keeps everything else, byte for byte. When nothing is left,
// empty is true and policy is "": S3 rejects a policy without statements,
// so the caller must delete the bucket policy.
func Revert(existing, bucket, principal string) (policy string, empty bool, err error) {
	if err := checkPrincipal(principal); err != nil {
		return "", false, err
	}
	p, err := parsePolicy(existing)
	if err != nil {
		return "", false, err
	}
	kept := p.stmts[:0:0]
	for _, s := range p.stmts {
		if g, ok := recognise(s); ok && g.bucket == bucket && SamePrincipal(g.principal, principal) {
			continue
		}
		kept = append(kept, s)
	}
	p.stmts = kept
	if len(p.stmts) == 0 {
		return "", true, nil
	}
	out, err := p.render()
	if err != nil {
		return "", false, err
	}
	return out, false, nil
}

// Grantees lists the principals that s3migrate statements for bucket in doc
// grant something to, in the order they first appear; a revert without a
// grantee names them.
func Grantees(doc, bucket string) []string {
	p, err := parsePolicy(doc)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range p.stmts {
		g, ok := recognise(s)
		if !ok || g.bucket != bucket || slices.ContainsFunc(out, func(o string) bool { return SamePrincipal(o, g.principal) }) {
			continue
		}
		out = append(out, g.principal)
	}
	return out
}

// Format re-renders doc in Merge's layout without changing any
// statement, so a preview diff against the merged policy shows only what
// the merge changes and not the owner's formatting.
func Format(doc string) (string, error) {
	if strings.TrimSpace(doc) == "" {
		return "", nil
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return "", err
	}
	return p.render()
}

// Compact returns doc without insignificant white space: the form
// Apply sends and the size limit is checked on. The preview stays
// indented; every value, escape and member order is kept as it is.
func Compact(doc string) (string, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		return "", fmt.Errorf("policy is not valid JSON: %w; fix or delete the bucket policy first", err)
	}
	return b.String(), nil
}

// Validate checks doc before it is put on bucket: valid JSON with
// statements, at most MaxBytes in the compact form that is
// sent, and each statement of ours about this bucket (a KMS statement
// belongs in a key policy). Our statements are recognised only when their
// content is exactly what we generate, so no wildcard principal, no
// NotPrincipal and no resource outside the bucket's partition and name can
// pass as ours; the bucket owner's statements are theirs to decide.
func Validate(doc, bucket string) error {
	if err := checkBucketName(bucket); err != nil {
		return err
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
	sent, err := Compact(doc)
	if err != nil {
		return err
	}
	if len(sent) > MaxBytes {
		return fmt.Errorf("the policy for s3://%s is %d bytes (compact), over the %d-byte S3 bucket-policy limit; select fewer or shorter prefixes, or remove unused statements", bucket, len(sent), MaxBytes)
	}
	for _, raw := range p.stmts {
		g, ok := recognise(raw)
		switch {
		case !ok:
		case g.kind == grantKMS:
			return fmt.Errorf("statement %q is a KMS key-policy statement: a bucket policy cannot grant use of a key; put it in the key policy of the origin account's key", statementSid(raw))
		case g.bucket != bucket:
			return fmt.Errorf("statement %q grants access to bucket %q, not s3://%s; regenerate the statements for this bucket", statementSid(raw), g.bucket, bucket)
		}
	}
	return nil
}

// grantScope lists what principal may do in bucket through our statements
// in doc: the read prefixes ("" is the whole bucket), "broad" for the broad
// read grant, and "write:"+prefix for the reverse direction; sorted.
func grantScope(doc, bucket, principal string) []string {
	p, err := parsePolicy(doc)
	if err != nil {
		return nil
	}
	set := map[string]bool{}
	for _, s := range p.stmts {
		g, ok := recognise(s)
		if !ok || g.bucket != bucket || !SamePrincipal(g.principal, principal) {
			continue
		}
		switch g.kind {
		case grantReadObjects:
			for _, k := range g.keys {
				set[strings.TrimSuffix(k, "*")] = true
			}
		case grantReadBroad:
			set[scopeBroad] = true
		case grantWrite, grantWriteTagging:
			for _, k := range g.keys {
				set[scopeWrite+strings.TrimSuffix(k, "*")] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Scope entries that are not plain read prefixes.
const (
	scopeBroad = "broad"
	scopeWrite = "write:"
)

// ScopeLabel is how a scope entry reads in a preview.
func ScopeLabel(s string) string {
	switch {
	case s == scopeBroad:
		return "the whole bucket (broad: s3:Get*, s3:List*)"
	case s == "":
		return "the whole bucket"
	case strings.HasPrefix(s, scopeWrite):
		p := strings.TrimPrefix(s, scopeWrite)
		if p == "" {
			p = "the whole bucket"
		}
		return "write to " + p
	}
	return s
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
		Sid:       sidStemWrite + GranteeTag(principal),
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {principal}},
		Action:    slices.Clone(actionsWrite),
		Resource:  []string{reverseResource(destBucket, prefix, principal)},
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
		Sid:       sidStemWriteTagging + GranteeTag(principal),
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {principal}},
		Action:    slices.Clone(actionsTagging),
		Resource:  []string{reverseResource(destBucket, prefix, principal)},
	}
}

func reverseResource(bucket, prefix, principal string) string {
	return "arn:" + arnPartition(principal) + ":s3:::" + bucket + "/" + literalPrefix(prefix) + "*"
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
		Sid:       sidStemKMS + GranteeTag(principal),
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {principal}},
		Action:    slices.Clone(actionsKMS),
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
