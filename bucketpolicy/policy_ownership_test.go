package bucketpolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/s3migrate/s3migrate/awsauth"
)

// mustMerge merges ours into existing or fails the test.
func mustMerge(t *testing.T, existing string, ours []Statement) string {
	t.Helper()
	got, err := Merge(existing, ours)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	return got
}

// mustRevert reverts principal's statements for testBucket or fails.
func mustRevert(t *testing.T, existing, principal string) string {
	t.Helper()
	got, _, err := Revert(existing, testBucket, principal)
	if err != nil {
		t.Fatalf("Revert: %v", err)
	}
	return got
}

// containsStatement reports whether doc holds stmt (compact JSON) exactly.
func containsStatement(t *testing.T, doc, stmt string) bool {
	t.Helper()
	return slices.Contains(rawStatements(t, doc), stmt)
}

// withStatements is a policy of the owner statement plus extra, compact.
func withStatements(extra ...string) string {
	owner := `{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":["arn:aws:s3:::origin-bucket","arn:aws:s3:::origin-bucket/*"]}`
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(append([]string{owner}, extra...), ",") + `]}`
}

// TestPolicyRecognise: a statement is ours only with one of our Sids for
// its principal and exactly our content; every near miss is foreign.
func TestPolicyRecognise(t *testing.T) {
	tag := GranteeTag(testPrincipal)
	p := `{"AWS":["` + testPrincipal + `"]}`
	objects := func(sid, effect, principal, actions, resource, extra string) string {
		return `{"Sid":"` + sid + `","Effect":"` + effect + `","Principal":` + principal + `,"Action":` + actions + `,"Resource":` + resource + extra + `}`
	}
	objActions := `["s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging"]`
	objRes := `["arn:aws:s3:::origin-bucket/logs/","arn:aws:s3:::origin-bucket/logs/*"]`
	sid := "S3MigrateReadObjects" + tag
	cases := []struct {
		name string
		stmt string
		ours bool
	}{
		{"generated", objects(sid, "Allow", p, objActions, objRes, ""), true},
		{"as S3 stores it (strings, other order)", `{"Resource":"arn:aws:s3:::origin-bucket/logs/*","Action":["s3:GetObjectTagging","s3:GetObject","s3:GetObjectVersion"],"Principal":{"AWS":"` + testPrincipal + `"},"Effect":"Allow","Sid":"` + sid + `"}`, true},
		{"account id for the root ARN", objects(sid, "Allow", `{"AWS":"123456789012"}`, objActions, objRes, ""), true},
		{"legacy Sid", objects("S3MigrateReadObjects", "Allow", p, objActions, objRes, ""), true},
		{"Deny", objects(sid, "Deny", p, objActions, objRes, ""), false},
		{"Deny, legacy Sid", objects("S3MigrateReadObjects", "Deny", p, objActions, objRes, ""), false},
		{"lower-case allow", objects(sid, "allow", p, objActions, objRes, ""), false},
		{"Sid of another grantee", objects("S3MigrateReadObjects"+GranteeTag(otherPrincipal), "Allow", p, objActions, objRes, ""), false},
		{"Sid merely starting like ours", objects("S3MigrateReadObjectsSecrets", "Allow", p, objActions, objRes, ""), false},
		{"another kind's Sid", objects("S3MigrateReadList"+tag, "Allow", p, objActions, objRes, ""), false},
		{"extra action", objects(sid, "Allow", p, `["s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging","s3:PutObject"]`, objRes, ""), false},
		{"missing action", objects(sid, "Allow", p, `["s3:GetObject"]`, objRes, ""), false},
		{"duplicate action", objects(sid, "Allow", p, `["s3:GetObject","s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging"]`, objRes, ""), false},
		{"two principals", objects(sid, "Allow", `{"AWS":["`+testPrincipal+`","`+otherPrincipal+`"]}`, objActions, objRes, ""), false},
		{"Principal star", objects(sid, "Allow", `"*"`, objActions, objRes, ""), false},
		{"AWS star", objects(sid, "Allow", `{"AWS":"*"}`, objActions, objRes, ""), false},
		{"service principal", objects(sid, "Allow", `{"Service":"`+testPrincipal+`"}`, objActions, objRes, ""), false},
		{"condition added", objects(sid, "Allow", p, objActions, objRes, `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}`), false},
		{"NotResource", `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + p + `,"Action":` + objActions + `,"NotResource":` + objRes + `}`, false},
		{"NotPrincipal", `{"Sid":"` + sid + `","Effect":"Allow","NotPrincipal":` + p + `,"Action":` + objActions + `,"Resource":` + objRes + `}`, false},
		{"duplicate Effect", `{"Sid":"` + sid + `","Effect":"Deny","Effect":"Allow","Principal":` + p + `,"Action":` + objActions + `,"Resource":` + objRes + `}`, false},
		{"two buckets", objects(sid, "Allow", p, objActions, `["arn:aws:s3:::origin-bucket/a/*","arn:aws:s3:::other-bucket/a/*"]`, ""), false},
		{"wildcard inside the key", objects(sid, "Allow", p, objActions, `["arn:aws:s3:::origin-bucket/logs/*/secret*"]`, ""), false},
		{"bucket wildcard", objects(sid, "Allow", p, objActions, `["arn:aws:s3:::origin-*/logs/*"]`, ""), false},
		{"everything", objects(sid, "Allow", p, objActions, `"*"`, ""), false},
		{"unknown partition", objects(sid, "Allow", p, objActions, `["arn:evil:s3:::origin-bucket/logs/*"]`, ""), false},
		{"principal and resource partitions differ", objects(sid, "Allow", p, objActions, `["arn:aws-cn:s3:::origin-bucket/logs/*"]`, ""), false},
		{"null Sid", `{"Sid":null,"Effect":"Allow","Principal":` + p + `,"Action":` + objActions + `,"Resource":` + objRes + `}`, false},
		{"list without condition", `{"Sid":"S3MigrateReadList` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::origin-bucket"}`, true},
		{"list with our condition", `{"Sid":"S3MigrateReadList` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::origin-bucket","Condition":{"StringLike":{"s3:prefix":["logs/","logs/*"]}}}`, true},
		{"list with a wider condition", `{"Sid":"S3MigrateReadList` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::origin-bucket","Condition":{"StringLike":{"s3:prefix":["*"]}}}`, false},
		{"list with a second condition", `{"Sid":"S3MigrateReadList` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::origin-bucket","Condition":{"StringLike":{"s3:prefix":["logs/"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, false},
		{"write without the ACL condition", `{"Sid":"S3MigrateWrite` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:PutObject","Resource":"arn:aws:s3:::origin-bucket/in/*"}`, false},
		{"write with the ACL condition", `{"Sid":"S3MigrateWrite` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:PutObject","Resource":"arn:aws:s3:::origin-bucket/in/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}`, true},
		{"write with another ACL", `{"Sid":"S3MigrateWrite` + tag + `","Effect":"Allow","Principal":` + p + `,"Action":"s3:PutObject","Resource":"arn:aws:s3:::origin-bucket/in/*","Condition":{"StringEquals":{"s3:x-amz-acl":"public-read"}}}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !json.Valid([]byte(c.stmt)) {
				t.Fatalf("test statement is not JSON: %s", c.stmt)
			}
			g, got := recognise(json.RawMessage(c.stmt))
			if got != c.ours {
				t.Errorf("recognise = %v, want %v:\n%s", got, c.ours, c.stmt)
			}
			// What is not ours survives a grant and a revert byte for
			// byte; what is ours is replaced (by a grant of its kind) and
			// reverted.
			doc := withStatements(c.stmt)
			compact, err := Compact(c.stmt)
			if err != nil {
				t.Fatal(err)
			}
			merged, err := Merge(doc, mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"images/"}, Principal: testPrincipal}))
			switch {
			case err != nil && (c.ours || !strings.Contains(err.Error(), "did not write")):
				t.Errorf("Merge: %v", err)
			case err == nil:
				wantKept := !c.ours || g.kind.family() != "read"
				if kept := containsStatement(t, merged, compact); kept != wantKept {
					t.Errorf("after a read grant the statement is kept=%v, want %v:\n%s", kept, wantKept, merged)
				}
			}
			reverted := mustRevert(t, doc, testPrincipal)
			if kept := reverted != "" && containsStatement(t, reverted, compact); kept == c.ours {
				t.Errorf("after a revert the statement is kept=%v, want %v:\n%s", kept, !c.ours, reverted)
			}
		})
	}
}

// TestPolicyForeignDenyNamedLikeOurs: a Deny whose Sid starts like ours,
// or is the Sid earlier versions wrote, is kept by a grant and a revert; one
// with exactly the Sid the grant needs is never replaced: the grant is
// refused and says why.
func TestPolicyForeignDenyNamedLikeOurs(t *testing.T) {
	deny := func(sid string) string {
		return `{"Sid":"` + sid + `","Effect":"Deny","Principal":{"AWS":["` + testPrincipal + `"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::origin-bucket/logs/secret*"]}`
	}
	grant := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal})
	for _, sid := range []string{"S3MigrateReadDenySecrets", "S3MigrateReadList", "S3MigrateReadObjects", "S3MigrateWriteX"} {
		doc := withStatements(deny(sid))
		merged := mustMerge(t, doc, grant)
		if !containsStatement(t, merged, deny(sid)) {
			t.Errorf("grant dropped the foreign Deny %s:\n%s", sid, merged)
		}
		if n := len(rawStatements(t, merged)); n != 4 {
			t.Errorf("grant with Deny %s: %d statements, want owner + Deny + 2 ours", sid, n)
		}
		reverted := mustRevert(t, merged, testPrincipal)
		if !slices.Equal(rawStatements(t, reverted), rawStatements(t, doc)) {
			t.Errorf("revert did not give back the owner's policy with Deny %s:\n%s", sid, reverted)
		}
	}
	clash := deny(grant[1].Sid)
	_, err := Merge(withStatements(clash), grant)
	if err == nil || !strings.Contains(err.Error(), "did not write") {
		t.Fatalf("grant over a Deny with our exact Sid: %v; want a refusal", err)
	}
	if reverted := mustRevert(t, withStatements(clash), testPrincipal); !containsStatement(t, reverted, clash) {
		t.Errorf("revert removed a Deny with our exact Sid:\n%s", reverted)
	}
}

// TestPolicyTwoGrantees: grants to two accounts coexist; a new selection
// for one replaces only its statements; revert removes one grantee only.
func TestPolicyTwoGrantees(t *testing.T) {
	foreign := readInput(t, "input_foreign.json")
	a := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal})
	b := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/", "media/"}, Principal: otherPrincipal})
	if a[0].Sid == b[0].Sid || a[1].Sid == b[1].Sid {
		t.Fatalf("two grantees share Sids: %s %s", a[0].Sid, b[0].Sid)
	}
	both := mustMerge(t, mustMerge(t, foreign, a), b)
	if got := Grantees(both, testBucket); !slices.Equal(got, []string{testPrincipal, otherPrincipal}) {
		t.Fatalf("Grantees = %q, want both\n%s", got, both)
	}
	if n, want := len(rawStatements(t, both)), len(rawStatements(t, foreign))+4; n != want {
		t.Fatalf("%d statements, want %d (foreign + 2 per grantee)", n, want)
	}

	// A new selection for A: B's statements are untouched, and the scope
	// change says what A gains and loses.
	a2 := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"images/", "media/"}, Principal: testPrincipal})
	changed := mustMerge(t, both, a2)
	bStatements := func(doc string) []string {
		var out []string
		for _, s := range rawStatements(t, doc) {
			if strings.Contains(s, otherPrincipal) {
				out = append(out, s)
			}
		}
		return out
	}
	if !slices.Equal(bStatements(changed), bStatements(both)) || len(bStatements(both)) != 2 {
		t.Errorf("A's new selection changed B's statements:\n%s", changed)
	}
	added, withdrawn := scopeDiff(grantScope(both, testBucket, testPrincipal), grantScope(changed, testBucket, testPrincipal))
	if !slices.Equal(added, []string{"images/", "media/"}) || !slices.Equal(withdrawn, []string{"logs/"}) {
		t.Errorf("scope change of A = +%q -%q, want +[images/ media/] -[logs/]", added, withdrawn)
	}
	c := Change{Grantee: testPrincipal, Added: added, Withdrawn: withdrawn}
	if got, want := c.ScopeSummary(), "for "+testPrincipal+": adds images/, media/; withdraws logs/"; got != want {
		t.Errorf("ScopeSummary = %q, want %q", got, want)
	}

	// Revert A: B and the foreign statements stay.
	onlyB := mustRevert(t, changed, testPrincipal)
	if want := mustMerge(t, foreign, b); onlyB != want {
		t.Errorf("revert of A is not the policy with B's grant alone:\n%s", FormatDiff(LineDiff(want, onlyB)))
	}
	if got := mustRevert(t, onlyB, otherPrincipal); !slices.Equal(rawStatements(t, got), rawStatements(t, foreign)) {
		t.Errorf("revert of B did not restore the foreign policy:\n%s", got)
	}
	// The account id names the same grantee as its root ARN.
	if got := mustRevert(t, changed, "123456789012"); got != onlyB {
		t.Errorf("revert by account id differs from revert by root ARN:\n%s", FormatDiff(LineDiff(onlyB, got)))
	}
}

// TestPolicyBroadReplacesScoped: switching a grantee to broad replaces its
// scoped statements (one family), and the scope change says so.
func TestPolicyBroadReplacesScoped(t *testing.T) {
	scoped := mustMerge(t, "", mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal}))
	broad := mustMerge(t, scoped, mustStatements(t, GrantOptions{Bucket: testBucket, Principal: testPrincipal, Broad: true}))
	if s := sids(t, broad); !slices.Equal(s, []string{"S3MigrateReadBroad" + GranteeTag(testPrincipal)}) {
		t.Errorf("Sids = %q, want the broad statement alone", s)
	}
	added, withdrawn := scopeDiff(grantScope(scoped, testBucket, testPrincipal), grantScope(broad, testBucket, testPrincipal))
	if !slices.Equal(added, []string{"broad"}) || !slices.Equal(withdrawn, []string{"logs/"}) {
		t.Errorf("scope change = +%q -%q", added, withdrawn)
	}
	if got := ScopeLabel(added[0]); !strings.Contains(got, "whole bucket") {
		t.Errorf("ScopeLabel(broad) = %q", got)
	}
}

// TestPolicyPartitions: resources follow the principal's partition, in
// generation and in recognition.
func TestPolicyPartitions(t *testing.T) {
	for _, part := range []string{"aws-cn", "aws-us-gov"} {
		principal := "arn:" + part + ":iam::123456789012:root"
		ss := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: principal})
		want := []string{"arn:" + part + ":s3:::origin-bucket/logs/", "arn:" + part + ":s3:::origin-bucket/logs/*"}
		if !slices.Equal(ss[0].Resource, []string{"arn:" + part + ":s3:::origin-bucket"}) || !slices.Equal(ss[1].Resource, want) {
			t.Errorf("%s resources = %q %q", part, ss[0].Resource, ss[1].Resource)
		}
		merged := mustMerge(t, "", ss)
		if strings.Contains(merged, "arn:aws:") {
			t.Errorf("%s policy names the aws partition:\n%s", part, merged)
		}
		if err := Validate(merged, testBucket); err != nil {
			t.Errorf("%s policy does not validate: %v", part, err)
		}
		if got := mustRevert(t, merged, principal); got != "" {
			t.Errorf("%s grant not reverted:\n%s", part, got)
		}
		broad := mustStatements(t, GrantOptions{Bucket: testBucket, Principal: principal, Broad: true})
		if !slices.Equal(broad[0].Resource, []string{"arn:" + part + ":s3:::origin-bucket", "arn:" + part + ":s3:::origin-bucket/*"}) {
			t.Errorf("%s broad resources = %q", part, broad[0].Resource)
		}
		if r := ReverseStatement("dest-bucket", "in/", principal).Resource; !slices.Equal(r, []string{"arn:" + part + ":s3:::dest-bucket/in/*"}) {
			t.Errorf("%s reverse resource = %q", part, r)
		}
		if r := ReverseTaggingStatement("dest-bucket", "in/", principal).Resource; !slices.Equal(r, []string{"arn:" + part + ":s3:::dest-bucket/in/*"}) {
			t.Errorf("%s reverse tagging resource = %q", part, r)
		}
		if _, err := Merge("", []Statement{ReverseStatement("dest-bucket", "in/", principal), ReverseTaggingStatement("dest-bucket", "in/", principal)}); err != nil {
			t.Errorf("%s reverse statements are not recognised as ours: %v", part, err)
		}
	}
	// A principal that is no ARN (an access key id, an account id) is in
	// the default partition.
	if p, err := PartitionOf("DESTACCESSKEY0001"); p != "aws" || err != nil {
		t.Errorf("PartitionOf(access key) = %q, %v", p, err)
	}
	if _, err := MigrationStatements(GrantOptions{Bucket: testBucket, Principal: "arn:evil:iam::123456789012:root"}); err == nil || !strings.Contains(err.Error(), "partition") {
		t.Errorf("unknown partition: %v", err)
	}
	// Our statement with its resources in the wrong partition is refused,
	// not merged.
	wrong := mustStatements(t, GrantOptions{Bucket: testBucket, Principal: "arn:aws-cn:iam::123456789012:root"})
	wrong[1].Principal = map[string][]string{"AWS": {testPrincipal}}
	wrong[1].Sid = "S3MigrateReadObjects" + GranteeTag(testPrincipal)
	if _, err := Merge("", wrong[1:]); err == nil || !strings.Contains(err.Error(), "partition") {
		t.Errorf("statement with aws principal and aws-cn resources: %v", err)
	}
	// The owner's partition decides where STS told us.
	cnOwner := awsauth.Identity{ARN: "arn:aws-cn:iam::111122223333:user/ops", Principal: "arn:aws-cn:iam::111122223333:root"}
	if err := samePartition(cnOwner, mustStatements(t, GrantOptions{Bucket: testBucket, Principal: "123456789012"}), testBucket); err == nil || !strings.Contains(err.Error(), "aws-cn") {
		t.Errorf("aws resources for an aws-cn owner: %v", err)
	}
	if err := samePartition(cnOwner, mustStatements(t, GrantOptions{Bucket: testBucket, Principal: "arn:aws-cn:iam::123456789012:root"}), testBucket); err != nil {
		t.Errorf("aws-cn resources for an aws-cn owner: %v", err)
	}
}

// TestPolicySizeIsCheckedOnWhatIsSent: a ~15 KB foreign policy plus our
// grant is accepted (its compact form is under 20 KB even though the
// indented preview is over), what is sent is compact, and revert is
// checked too.
func TestPolicySizeIsCheckedOnWhatIsSent(t *testing.T) {
	foreign := bigForeignPolicy(t, 15*1024)
	merged := mustMerge(t, foreign, mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/", "media/"}, Principal: testPrincipal}))
	if len(merged) <= MaxBytes {
		t.Fatalf("the indented preview is %d bytes: the test needs one over the limit to tell the two forms apart", len(merged))
	}
	if err := Validate(merged, testBucket); err != nil {
		t.Fatalf("15 KB foreign policy plus our grant refused: %v", err)
	}
	sent, err := Compact(merged)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) > MaxBytes || strings.Contains(sent, "\n") {
		t.Errorf("the compact form is %d bytes / has newlines", len(sent))
	}
	if !slices.Equal(rawStatements(t, sent), rawStatements(t, merged)) {
		t.Error("compacting changed a statement")
	}
	reverted := mustRevert(t, merged, testPrincipal)
	if err := Validate(reverted, testBucket); err != nil {
		t.Errorf("revert of a large policy refused: %v", err)
	}
	if c, _ := Compact(reverted); len(c) > len(foreign) {
		t.Errorf("revert grew the policy from %d to %d bytes (compact)", len(foreign), len(c))
	}

	// The limit itself: exactly 20,480 bytes compact passes, one more fails.
	for _, n := range []int{MaxBytes, MaxBytes + 1} {
		doc := policyOfCompactSize(t, n)
		err := Validate(doc, testBucket)
		if n <= MaxBytes && err != nil {
			t.Errorf("%d bytes refused: %v", n, err)
		}
		if n > MaxBytes && (err == nil || !strings.Contains(err.Error(), "over the 20480-byte")) {
			t.Errorf("%d bytes: %v; want the size refusal", n, err)
		}
	}
}

// bigForeignPolicy is a policy of the owner's statements, about size bytes
// compact, with many short lines once indented.
func bigForeignPolicy(t *testing.T, size int) string {
	t.Helper()
	var stmts []string
	for i := 0; ; i++ {
		var res []string
		for j := 0; j < 8; j++ {
			res = append(res, fmt.Sprintf(`"arn:aws:s3:::origin-bucket/team%02d/p%d/*"`, i, j))
		}
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"Team%02d","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/team%02d"]},"Action":["s3:GetObject","s3:PutObject"],"Resource":[%s]}`, i, i, strings.Join(res, ",")))
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		if len(doc) >= size {
			return doc
		}
	}
}

// policyOfCompactSize is a valid foreign policy exactly n bytes compact.
func policyOfCompactSize(t *testing.T, n int) string {
	t.Helper()
	head := `{"Version":"2012-10-17","Statement":[{"Sid":"Pad","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::origin-bucket","Condition":{"StringEquals":{"aws:PrincipalTag/pad":"`
	tail := `"}}}]}`
	doc := head + strings.Repeat("x", n-len(head)-len(tail)) + tail
	if len(doc) != n || !json.Valid([]byte(doc)) {
		t.Fatalf("padding policy is %d bytes", len(doc))
	}
	return doc
}

// TestPolicyNoGrantForTheOwner: one identity on both sides needs no grant.
func TestPolicyNoGrantForTheOwner(t *testing.T) {
	owner := awsauth.Identity{Account: "123456789012", ARN: "arn:aws:iam::123456789012:user/ops", Principal: testPrincipal}
	for _, grantee := range []string{testPrincipal, "123456789012"} {
		if NoGrantNeeded(owner, grantee) == "" {
			t.Errorf("grantee %s is the owner's account: a grant is proposed", grantee)
		}
	}
	if r := NoGrantNeeded(owner, otherPrincipal); r != "" {
		t.Errorf("another account needs a grant, got %q", r)
	}
	sandbox := awsauth.Identity{Principal: "ORIGINKEY01"}
	if NoGrantNeeded(sandbox, "ORIGINKEY01") == "" || NoGrantNeeded(sandbox, "DESTKEY01") != "" {
		t.Error("sandbox principals (access key ids) are not compared")
	}
	if NoGrantNeeded(awsauth.Identity{}, "") != "" {
		t.Error("an unknown owner matched an empty grantee")
	}
}

// TestPolicyChangedError: the stale-preview error reads as the command
// line prints it and is recognisable with errors.Is.
func TestPolicyChangedError(t *testing.T) {
	var err error = fmt.Errorf("apply: %w", &ChangedError{Bucket: "origin-data"})
	if !errors.Is(err, ErrChanged) {
		t.Error("errors.Is(…, ErrChanged) is false")
	}
	if want := "the bucket policy of s3://origin-data changed since the preview: run again"; !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error = %q, want it to end with %q", err, want)
	}
}

// TestPolicyGranteeTag: stable, short, alphanumeric, one per grantee.
func TestPolicyGranteeTag(t *testing.T) {
	tag := GranteeTag(testPrincipal)
	if tag != GranteeTag("123456789012") || tag == GranteeTag(otherPrincipal) || tag == GranteeTag("arn:aws:iam::123456789012:role/x") {
		t.Error("tags do not follow the grantee")
	}
	if len(tag) != 10 || strings.Trim(tag, "0123456789abcdef") != "" {
		t.Errorf("tag %q is not 10 hex digits", tag)
	}
	// Pinned: a changed tag would orphan every grant already applied.
	if tag != "931c9f8b45" {
		t.Errorf("GranteeTag(%s) = %q; it must never change", testPrincipal, tag)
	}
}
