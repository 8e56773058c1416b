package bucketconfig

// The destination's bucket policy: the source's statements, with the
// origin bucket and account rewritten to the destination's, are added to
// the destination's own policy (which is kept whole). s3migrate's own
// migration grants on the source are left out. The proposal is shown; it is
// written only when asked for by name (--only policy), because a policy
// decides who may read the data.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/bucketpolicy"
)

// policyDoc is a policy document as indented JSON with sorted keys: a
// policy is compared and shown as it is, without canonical's pruning (an
// empty string in a condition means something).
type policyDoc string

// policyMaxBytes is S3's limit on a bucket policy, in the compact form that
// is sent.
const policyMaxBytes = 20480

func parseDoc(doc string) (map[string]any, error) {
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("the bucket policy is not valid JSON: %w", err)
	}
	return m, nil
}

func render(m map[string]any) policyDoc {
	b, _ := json.MarshalIndent(m, "", "  ")
	return policyDoc(b)
}

func statements(m map[string]any) []any {
	switch s := m["Statement"].(type) {
	case []any:
		return s
	case map[string]any:
		return []any{s}
	}
	return nil
}

var policyFamily = family{
	kind: Policy, api: "%sBucketPolicy",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[policyDoc](nil, err)
		}
		doc := aws.ToString(out.Policy)
		if strings.TrimSpace(doc) == "" {
			return nil, nil
		}
		m, err := parseDoc(doc)
		if err != nil {
			return nil, err
		}
		return render(m), nil
	},
	propose: proposePolicy,
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(v.(policyDoc))); err != nil {
			return err
		}
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b(bucket), Policy: aws.String(buf.String())})
		return err
	},
}

var s3ARN = regexp.MustCompile(`^arn:([^:]+):s3:::([^/]+)(/.*)?$`)

func proposePolicy(src, dst any, rw *rewriter) proposal {
	var p proposal
	doc := string(src.(policyDoc))
	// s3migrate's own read grants on the source are the migration's, not
	// the bucket's: they are not carried over.
	if gs := bucketpolicy.Grantees(doc, rw.srcBucket); len(gs) > 0 {
		for _, g := range gs {
			rest, empty, err := bucketpolicy.Revert(doc, rw.srcBucket, g)
			if err != nil {
				break
			}
			if empty {
				doc = ""
				break
			}
			doc = rest
		}
		p.notes = append(p.notes, "s3migrate's migration grants on the source ("+strings.Join(gs, ", ")+") are left out")
	}
	if doc == "" {
		if dst != nil {
			p.value = dst
		}
		return p
	}
	sm, err := parseDoc(doc)
	if err != nil {
		p.held = append(p.held, Held{What: "bucket policy", Why: err.Error()})
		return p
	}
	out := map[string]any{"Version": "2012-10-17"}
	var existing []any
	if d, ok := dst.(policyDoc); ok && d != "" {
		dm, err := parseDoc(string(d))
		if err != nil {
			p.held = append(p.held, Held{What: "bucket policy", Why: "the destination's: " + err.Error()})
			return p
		}
		out = dm
		existing = statements(dm)
	} else if v, ok := sm["Version"]; ok {
		out["Version"] = v
	}
	seen := map[string]bool{}
	merged := slices.Clone(existing)
	for _, st := range statements(sm) {
		rewritten := rw.policyValue(st, &p, seen)
		sid, _ := rewritten.(map[string]any)["Sid"].(string)
		key := stmtKey(rewritten)
		clash := false
		dup := false
		for _, e := range existing {
			if stmtKey(e) == key {
				dup = true
				break
			}
			if esid, _ := e.(map[string]any)["Sid"].(string); sid != "" && esid == sid {
				clash = true
			}
		}
		switch {
		case dup:
		case clash:
			p.held = append(p.held, Held{What: "policy statement " + sid, Why: "the destination's policy has another statement with this Sid",
				Fix: "rename one of them, then run again"})
		default:
			merged = append(merged, rewritten)
		}
	}
	if n := strings.Join(unmappedOrigin(merged, rw), ", "); n != "" {
		p.notes = append(p.notes, "still naming resources outside the destination: "+n+" (check before applying)")
	}
	out["Statement"] = merged
	doc2 := render(out)
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(doc2)) == nil && buf.Len() > policyMaxBytes {
		p.held = append(p.held, Held{What: "bucket policy", Why: fmt.Sprintf("the merged policy is %d bytes, above S3's %d", buf.Len(), policyMaxBytes)})
		return p
	}
	p.value = doc2
	return p
}

func stmtKey(st any) string {
	b, _ := json.Marshal(st)
	return string(b)
}

// policyValue rewrites every string of a statement: bucket ARNs of mapped
// buckets (the source bucket becomes the destination), --map-arn ARNs, the
// origin account id in ARNs and as a bare id, and the origin identity's
// principal (an access key id where there is no STS).
func (r *rewriter) policyValue(v any, p *proposal, seen map[string]bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = r.policyValue(e, p, seen)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.policyValue(e, p, seen)
		}
		return out
	case string:
		n, why := r.policyString(x)
		if n != x && !seen[x] {
			seen[x] = true
			p.rewrites = append(p.rewrites, Rewrite{Field: "Statement", From: x, To: n, Why: why})
		}
		return n
	}
	return v
}

func (r *rewriter) policyString(s string) (string, string) {
	if n, ok := r.m.ARN[s]; ok {
		return n, "--map-arn"
	}
	if m := s3ARN.FindStringSubmatch(s); m != nil {
		if n, ok := r.m.Bucket[m[2]]; ok {
			return "arn:" + m[1] + ":s3:::" + n + m[3], "--map-bucket"
		}
		if m[2] == r.srcBucket {
			return "arn:" + m[1] + ":s3:::" + r.dstBucket + m[3], "the source bucket: the destination bucket"
		}
		return s, ""
	}
	if r.srcPrincipal != "" && r.dstPrincipal != "" && s == r.srcPrincipal {
		return r.dstPrincipal, "the origin identity: the destination identity"
	}
	if r.srcAccount != "" && r.dstAccount != "" {
		if s == r.srcAccount {
			return r.dstAccount, "the origin account: the destination account"
		}
		if arnAccount(s) == r.srcAccount {
			f := strings.SplitN(s, ":", 6)
			f[4] = r.dstAccount
			return strings.Join(f, ":"), "the origin account: the destination account (the principal or resource must exist there)"
		}
	}
	return s, ""
}

// unmappedOrigin lists strings of the merged statements that still name
// another bucket or the origin account (a statement of the destination's own
// is left as it is, and so is one the mapping did not cover).
func unmappedOrigin(stmts []any, r *rewriter) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if m := s3ARN.FindStringSubmatch(x); m != nil && m[2] != r.dstBucket && !slices.Contains(out, x) {
				out = append(out, x)
			}
			if r.srcAccount != "" && (x == r.srcAccount || arnAccount(x) == r.srcAccount) && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	walk(stmts)
	return out
}
