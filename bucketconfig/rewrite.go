package bucketconfig

// Rewrites: account-specific values (KMS keys, bucket names, ARNs) are
// changed on the way to the destination only through an explicit mapping
// (--map-kms, --map-bucket, --map-arn OLD=NEW), with one implicit one: the
// source bucket becomes the destination bucket. A value that belongs to the
// origin account and has no mapping is held back and named; nothing is ever
// written pointing at the origin account's resources.

import (
	"fmt"
	"regexp"
	"strings"
)

// Mapping holds the --map-kms, --map-bucket and --map-arn pairs.
type Mapping struct {
	KMS, Bucket, ARN map[string]string
}

// Add records one OLD=NEW pair of the given flag ("map-kms", "map-bucket"
// or "map-arn").
func (m *Mapping) Add(flagName, pair string) error {
	oldV, newV, ok := strings.Cut(pair, "=")
	oldV, newV = strings.TrimSpace(oldV), strings.TrimSpace(newV)
	if !ok || oldV == "" || newV == "" {
		return fmt.Errorf("--%s %q: want OLD=NEW", flagName, pair)
	}
	var dst *map[string]string
	switch flagName {
	case "map-kms":
		dst = &m.KMS
	case "map-bucket":
		if !bucketName.MatchString(oldV) || !bucketName.MatchString(newV) {
			return fmt.Errorf("--map-bucket %q: want OLD=NEW bucket names (not s3:// URLs or ARNs)", pair)
		}
		dst = &m.Bucket
	case "map-arn":
		if !strings.HasPrefix(oldV, "arn:") || !strings.HasPrefix(newV, "arn:") {
			return fmt.Errorf("--map-arn %q: want OLD=NEW, two ARNs", pair)
		}
		dst = &m.ARN
	default:
		return fmt.Errorf("unknown mapping flag --%s", flagName)
	}
	if *dst == nil {
		*dst = map[string]string{}
	}
	if prev, dup := (*dst)[oldV]; dup && prev != newV {
		return fmt.Errorf("--%s %s is mapped twice (to %s and %s)", flagName, oldV, prev, newV)
	}
	(*dst)[oldV] = newV
	return nil
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-_]{1,254}$`)

// check refuses a mapping whose target is a resource of the origin
// account: it would write exactly what must never be written.
func (m Mapping) check(s Sides) error {
	src := s.SrcID.Account
	if src == "" || src == s.DstID.Account {
		return nil
	}
	for _, pairs := range []struct {
		flag string
		m    map[string]string
	}{{"map-kms", m.KMS}, {"map-arn", m.ARN}} {
		for o, n := range pairs.m {
			if arnAccount(n) == src {
				return fmt.Errorf("--%s %s=%s: %s belongs to the origin account %s; map to a resource of the destination account", pairs.flag, o, n, n, src)
			}
		}
	}
	return nil
}

// rewriter applies the mapping for one pair of buckets.
type rewriter struct {
	m                          Mapping
	srcBucket, dstBucket       string
	srcAccount, dstAccount     string // "" where unknown (no STS)
	srcPrincipal, dstPrincipal string
}

func newRewriter(s Sides, m Mapping) *rewriter {
	return &rewriter{m: m, srcBucket: s.SrcBucket, dstBucket: s.DstBucket,
		srcAccount: s.SrcID.Account, dstAccount: s.DstID.Account,
		srcPrincipal: s.SrcID.Principal, dstPrincipal: s.DstID.Principal}
}

// arnAccount is the account field of an ARN, "" when it has none (S3
// bucket ARNs) or is not an ARN.
func arnAccount(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

// ofOrigin reports whether an account id is (or may be) the origin's:
// where the origin account is unknown, anything not the destination's
// counts as the origin's.
func (r *rewriter) ofOrigin(account string) bool {
	if r.srcAccount != "" {
		return account == r.srcAccount
	}
	return r.dstAccount == "" || account != r.dstAccount
}

// arn maps a notification target (SNS topic, SQS queue, Lambda function).
// ok false: held back, with h saying why and what to do.
func (r *rewriter) arn(field, a, what string) (out string, rw *Rewrite, h *Held, note string) {
	if n, ok := r.m.ARN[a]; ok {
		return n, &Rewrite{Field: field, From: a, To: n, Why: "--map-arn"}, nil, ""
	}
	acct := arnAccount(a)
	switch {
	case acct != "" && acct == r.dstAccount:
		return a, nil, nil, ""
	case r.ofOrigin(acct):
		who := "the origin account"
		if r.srcAccount == "" {
			who = "the origin account (or one this endpoint cannot tell apart from it)"
		}
		return "", nil, &Held{What: what + " " + a,
			Why: "it belongs to " + who + ": the destination bucket must not point at it",
			Fix: "create the " + what + " in the destination account and pass --map-arn " + a + "=NEW_ARN"}, ""
	}
	return a, nil, nil, what + " " + a + " is in account " + acct + " (neither origin nor destination): kept as it is; its policy must allow the destination bucket"
}

// bucket maps a bucket named by a configuration (a log or inventory
// target).
func (r *rewriter) bucket(field, name, what string) (out string, rw *Rewrite, h *Held) {
	if n, ok := r.m.Bucket[name]; ok {
		if n == name {
			return name, nil, nil
		}
		return n, &Rewrite{Field: field, From: name, To: n, Why: "--map-bucket"}, nil
	}
	if name == r.srcBucket {
		return r.dstBucket, &Rewrite{Field: field, From: name, To: r.dstBucket, Why: "the source bucket itself: the destination bucket takes its place"}, nil
	}
	if r.srcAccount != "" && r.srcAccount == r.dstAccount {
		// One account on both sides: its buckets serve the destination too.
		return name, nil, nil
	}
	return "", nil, &Held{What: what + " bucket " + name,
		Why: "a bucket name does not say which account owns it, and a bucket of the origin account must not receive the destination's " + what,
		Fix: "pass --map-bucket " + name + "=NEW_BUCKET (a bucket of the destination account), or --map-bucket " + name + "=" + name + " to keep a bucket another account owns"}
}

// kms maps the KMS key of default encryption.
func (r *rewriter) kms(field, key string) (out string, rw *Rewrite, h *Held, note string) {
	for o, n := range r.m.KMS {
		if o == key || strings.HasSuffix(key, ":key/"+o) || strings.HasSuffix(key, ":"+o) {
			return n, &Rewrite{Field: field, From: key, To: n, Why: "--map-kms"}, nil, ""
		}
	}
	acct := arnAccount(key)
	switch {
	case acct == "":
		// A bare key id or alias names a key of the bucket owner's
		// account: the origin's.
		return "", nil, &Held{What: "KMS key " + key,
			Why: "a key id or alias names a key of the origin account, which the destination cannot use for its default encryption",
			Fix: "pass --map-kms " + key + "=KEY_ARN (a key of the destination account)"}, ""
	case acct == r.dstAccount:
		return key, nil, nil, ""
	case r.ofOrigin(acct):
		return "", nil, &Held{What: "KMS key " + key,
			Why: "it belongs to the origin account: the destination bucket must not encrypt with it",
			Fix: "pass --map-kms " + key + "=KEY_ARN (a key of the destination account)"}, ""
	}
	return key, nil, nil, "KMS key " + key + " is in account " + acct + " (neither origin nor destination): kept; its key policy must let the destination use it"
}
