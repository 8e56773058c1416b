package bucketpolicy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goldenfile "github.com/s3migrate/s3migrate/internal/golden"
)

const (
	testBucket     = "origin-bucket"
	testPrincipal  = "arn:aws:iam::123456789012:root"
	otherPrincipal = "arn:aws:iam::210987654321:role/Archive"
)

// golden compares got with testdata/name (golden.Check), showing a
// difference as a line diff.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got, func(want, got string) string { return FormatDiff(LineDiff(want, got)) })
}

func readInput(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func statementsJSON(t *testing.T, ss []Statement) string {
	t.Helper()
	b, err := json.MarshalIndent(ss, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func mustStatements(t *testing.T, o GrantOptions) []Statement {
	t.Helper()
	ss, err := MigrationStatements(o)
	if err != nil {
		t.Fatalf("MigrationStatements(%+v): %v", o, err)
	}
	return ss
}

// rawStatements returns the statements of a policy, compacted, so two
// policies can be compared statement by statement regardless of indentation.
func rawStatements(t *testing.T, doc string) []string {
	t.Helper()
	var p struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("policy does not parse: %v\n%s", err, doc)
	}
	list, err := parseStatements(p.Statement)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range list {
		var b bytes.Buffer
		if err := json.Compact(&b, s); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.String())
	}
	return out
}

func sids(t *testing.T, doc string) []string {
	t.Helper()
	var out []string
	for _, s := range rawStatements(t, doc) {
		out = append(out, statementSid(json.RawMessage(s)))
	}
	return out
}

func TestPolicyScopedSinglePrefix(t *testing.T) {
	ss := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal})
	golden(t, "scoped_single.json", statementsJSON(t, ss))
}

func TestPolicyScopedSeveralPrefixes(t *testing.T) {
	ss := mustStatements(t, GrantOptions{
		Bucket:    testBucket,
		Prefixes:  []string{"media/", "logs/2026/", "logs/", "media/", "data/raw", "data/raw-archive/"},
		Principal: testPrincipal,
	})
	golden(t, "scoped_several.json", statementsJSON(t, ss))
	want := []string{"arn:aws:s3:::origin-bucket/data/raw*", "arn:aws:s3:::origin-bucket/logs/", "arn:aws:s3:::origin-bucket/logs/*",
		"arn:aws:s3:::origin-bucket/media/", "arn:aws:s3:::origin-bucket/media/*"}
	if !slices.Equal(ss[1].Resource, want) {
		t.Errorf("object resources = %q, want %q (duplicate and covered prefixes dropped)", ss[1].Resource, want)
	}
}

func TestPolicyWildcardPrefixIsCut(t *testing.T) {
	ss := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"a*b/", "q?/x", "v${aws:username}/"}, Principal: testPrincipal})
	want := []string{"arn:aws:s3:::origin-bucket/a*", "arn:aws:s3:::origin-bucket/q*", "arn:aws:s3:::origin-bucket/v*"}
	if !slices.Equal(ss[1].Resource, want) {
		t.Errorf("object resources = %q, want %q", ss[1].Resource, want)
	}
	ss = mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"*"}, Principal: testPrincipal})
	if ss[0].Condition != nil || !slices.Equal(ss[1].Resource, []string{"arn:aws:s3:::origin-bucket/*"}) {
		t.Errorf("prefix \"*\" should mean the whole bucket, got %+v", ss)
	}
}

func TestPolicyWholeBucket(t *testing.T) {
	none := mustStatements(t, GrantOptions{Bucket: testBucket, Principal: testPrincipal})
	golden(t, "whole_bucket.json", statementsJSON(t, none))
	withEmpty := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/", ""}, Principal: testPrincipal})
	if a, b := statementsJSON(t, none), statementsJSON(t, withEmpty); a != b {
		t.Errorf("a \"\" prefix should mean the whole bucket:\n%s", FormatDiff(LineDiff(a, b)))
	}
}

func TestPolicyBroad(t *testing.T) {
	ss := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal, Broad: true})
	golden(t, "broad.json", statementsJSON(t, ss))
}

func TestPolicySandboxPrincipal(t *testing.T) {
	ss := mustStatements(t, GrantOptions{Bucket: "origin", Prefixes: []string{"photos/"}, Principal: "DESTACCESSKEY0001"})
	for _, s := range ss {
		if !slices.Equal(s.Principal["AWS"], []string{"DESTACCESSKEY0001"}) {
			t.Errorf("%s principal = %v, want the access key id as given", s.Sid, s.Principal)
		}
	}
}

func TestPolicyGrantRejects(t *testing.T) {
	cases := []struct {
		name string
		o    GrantOptions
		want string
	}{
		{"empty principal", GrantOptions{Bucket: testBucket}, "no principal"},
		{"star principal", GrantOptions{Bucket: testBucket, Principal: "*"}, "wildcard"},
		{"wildcard account", GrantOptions{Bucket: testBucket, Principal: "arn:aws:iam::*:root"}, "wildcard"},
		{"spaces", GrantOptions{Bucket: testBucket, Principal: " arn:aws:iam::123456789012:root"}, "spaces"},
		{"empty bucket", GrantOptions{Principal: testPrincipal}, "no bucket name"},
		{"s3 url", GrantOptions{Bucket: "s3://origin-bucket", Principal: testPrincipal}, "not a valid S3 bucket name"},
		{"bucket with prefix", GrantOptions{Bucket: "origin-bucket/logs", Principal: testPrincipal}, "not a valid S3 bucket name"},
		{"too short", GrantOptions{Bucket: "ab", Principal: testPrincipal}, "not a valid S3 bucket name"},
		{"starts with dot", GrantOptions{Bucket: ".origin", Principal: testPrincipal}, "not a valid S3 bucket name"},
		{"wildcard bucket", GrantOptions{Bucket: "origin*", Principal: testPrincipal}, "not a valid S3 bucket name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ss, err := MigrationStatements(c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("MigrationStatements(%+v) = %v, %v; want an error containing %q", c.o, ss, err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	// Legacy us-east-1 names are real buckets and must keep working.
	if _, err := MigrationStatements(GrantOptions{Bucket: "Legacy_Bucket.2015", Principal: testPrincipal}); err != nil {
		t.Errorf("legacy bucket name rejected: %v", err)
	}
}

func TestPolicyMergeForeign(t *testing.T) {
	existing := readInput(t, "input_foreign.json")
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal})
	got, err := Merge(existing, ours)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "merge_foreign.json", got)

	before, after := rawStatements(t, existing), rawStatements(t, got)
	if len(after) != len(before)+len(ours) {
		t.Fatalf("merged policy has %d statements, want %d foreign + %d ours", len(after), len(before), len(ours))
	}
	for i, s := range before {
		if after[i] != s {
			t.Errorf("foreign statement %d changed:\n was %s\n now %s", i+1, s, after[i])
		}
	}
	var top struct{ Version, Id string }
	if err := json.Unmarshal([]byte(got), &top); err != nil {
		t.Fatal(err)
	}
	if top.Version != "2012-10-17" || top.Id != "OriginBucketPolicy" {
		t.Errorf("Version, Id = %q, %q; want the existing ones kept", top.Version, top.Id)
	}
	if err := Validate(got, testBucket); err != nil {
		t.Errorf("merged policy does not validate: %v", err)
	}
	again, err := Merge(got, ours)
	if err != nil {
		t.Fatal(err)
	}
	if again != got {
		t.Errorf("merging twice changed the policy:\n%s", FormatDiff(LineDiff(got, again)))
	}
}

func TestPolicyMergeReplacesOurs(t *testing.T) {
	existing := readInput(t, "input_with_ours.json")
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"new/"}, Principal: testPrincipal})
	got, err := Merge(existing, ours)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "merge_replace.json", got)
	// The fixture's statements carry the Sids earlier versions wrote
	// (no grantee tag): with exactly our content they are ours, and the
	// new grant takes their place.
	tag := GranteeTag(testPrincipal)
	want := []string{"OwnerManagesPolicy", "S3MigrateReadList" + tag, "S3MigrateReadObjects" + tag, "AnalyticsList"}
	if s := sids(t, got); !slices.Equal(s, want) {
		t.Errorf("Sids = %q, want %q", s, want)
	}
	if strings.Contains(got, "old/") {
		t.Errorf("the earlier grant on old/ survived the merge:\n%s", got)
	}
	before, err := Format(existing)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rawStatements(t, before), rawStatements(t, existing)) {
		t.Errorf("Format changed a statement:\n%s", before)
	}
	golden(t, "merge_replace.diff", FormatDiff(LineDiff(before, got)))
	if s, err := Format(""); s != "" || err != nil {
		t.Errorf("Format(\"\") = %q, %v", s, err)
	}
}

func TestPolicyMergeIntoNoPolicy(t *testing.T) {
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal})
	got, err := Merge("", ours)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "merge_empty.json", got)
	if !strings.HasPrefix(got, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [") {
		t.Errorf("new policy should start with the default Version, got:\n%s", got)
	}
}

func TestPolicyMergeSingleStatementObject(t *testing.T) {
	existing := `{"Version":"2008-10-17","Statement":{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"arn:aws:s3:::origin-bucket/*"}}`
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Principal: testPrincipal})
	got, err := Merge(existing, ours)
	if err != nil {
		t.Fatal(err)
	}
	if s := sids(t, got); !slices.Equal(s, []string{"Owner", "S3MigrateReadList" + GranteeTag(testPrincipal), "S3MigrateReadObjects" + GranteeTag(testPrincipal)}) {
		t.Errorf("Sids = %q", s)
	}
	if !strings.Contains(got, `"Version": "2008-10-17"`) {
		t.Errorf("existing Version not kept:\n%s", got)
	}
	if want := `{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"arn:aws:s3:::origin-bucket/*"}`; rawStatements(t, got)[0] != want {
		t.Errorf("single statement changed: %s", rawStatements(t, got)[0])
	}
}

func TestPolicyMergeRejects(t *testing.T) {
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Principal: testPrincipal})
	cases := []struct {
		name, existing string
		ours           []Statement
		want           string
	}{
		{"truncated", `{"Version":"2012-10-17","Statement":[`, ours, "not valid JSON"},
		{"not an object", `[{"Effect":"Allow"}]`, ours, "not a JSON object"},
		{"no Statement", `{"Version":"2012-10-17"}`, ours, `no "Statement"`},
		{"Statement is a number", `{"Statement":3}`, ours, "neither an object nor a list"},
		{"statement is a string", `{"Statement":["Allow"]}`, ours, "statement 1 is not a JSON object"},
		{"duplicate member", `{"Statement":[],"Statement":[]}`, ours, "twice"},
		{"nothing to merge", `{"Statement":[]}`, nil, "no statements to merge"},
		{"foreign Sid", ``, []Statement{{Sid: "Mine", Effect: "Allow"}}, "could not be replaced or reverted"},
		{"our Sid, not our content", ``, []Statement{{Sid: ours[0].Sid, Effect: "Deny", Principal: ours[0].Principal, Action: ours[0].Action, Resource: ours[0].Resource}}, "not one s3migrate generates"},
		{"two grantees at once", ``, append(slices.Clone(ours), mustStatements(t, GrantOptions{Bucket: testBucket, Principal: otherPrincipal})...), "different grantees"},
		{"duplicate Sid", ``, []Statement{ours[0], ours[0]}, "share the Sid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Merge(c.existing, c.ours)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Merge = %q, %v; want an error containing %q", got, err, c.want)
			}
		})
	}
}

func TestPolicyRevert(t *testing.T) {
	existing := readInput(t, "input_with_ours.json")
	got, empty, err := Revert(existing, testBucket, testPrincipal)
	if err != nil || empty {
		t.Fatalf("Revert = empty %v, err %v", empty, err)
	}
	golden(t, "revert.json", got)
	if s := sids(t, got); !slices.Equal(s, []string{"OwnerManagesPolicy", "AnalyticsList"}) {
		t.Errorf("Sids after revert = %q", s)
	}
	before := rawStatements(t, existing)
	after := rawStatements(t, got)
	if after[0] != before[0] || after[1] != before[3] {
		t.Errorf("foreign statements changed by revert:\n%q\n%q", before, after)
	}

	// Merge then revert gives back the foreign statements unchanged.
	foreign := readInput(t, "input_foreign.json")
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Principal: testPrincipal})
	merged, err := Merge(foreign, ours)
	if err != nil {
		t.Fatal(err)
	}
	reverted, empty, err := Revert(merged, testBucket, testPrincipal)
	if err != nil || empty {
		t.Fatalf("Revert = empty %v, err %v", empty, err)
	}
	if !slices.Equal(rawStatements(t, reverted), rawStatements(t, foreign)) {
		t.Errorf("merge then revert did not restore the foreign statements:\n%s", reverted)
	}
}

func TestPolicyRevertToEmpty(t *testing.T) {
	// One grantee reads logs/ and (the other direction) writes in/ of the
	// same bucket: revert removes both, and nothing is left.
	ours := mustStatements(t, GrantOptions{Bucket: testBucket, Prefixes: []string{"logs/"}, Principal: testPrincipal})
	merged, err := Merge("", ours)
	if err != nil {
		t.Fatal(err)
	}
	merged, err = Merge(merged, []Statement{ReverseStatement(testBucket, "in/", testPrincipal), ReverseTaggingStatement(testBucket, "in/", testPrincipal)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rawStatements(t, merged)); n != 4 {
		t.Fatalf("the write grant replaced the read grant: %d statements\n%s", n, merged)
	}
	for _, in := range []string{merged, "", "  \n"} {
		got, empty, err := Revert(in, testBucket, testPrincipal)
		if err != nil || !empty || got != "" {
			t.Errorf("Revert(%.40q) = %q, %v, %v; want \"\", true, nil", in, got, empty, err)
		}
	}
	if _, _, err := Revert(`{"Statement":`, testBucket, testPrincipal); err == nil {
		t.Error("Revert accepted malformed JSON")
	}
	if _, _, err := Revert(merged, testBucket, "*"); err == nil {
		t.Error("Revert accepted a wildcard grantee")
	}
}

func TestPolicyValidate(t *testing.T) {
	ok, err := Merge(readInput(t, "input_foreign.json"), mustStatements(t, GrantOptions{Bucket: testBucket, Principal: testPrincipal}))
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(ok, testBucket); err != nil {
		t.Fatalf("valid policy rejected: %v", err)
	}
	// The owner's own Principal "*" Deny statement is theirs to decide.
	if !strings.Contains(ok, `"Principal": "*"`) {
		t.Fatal("fixture lost its foreign Principal \"*\" statement")
	}
	cases := []struct {
		name, doc, want string
	}{
		{"malformed", `{"Version":"2012-10-17","Statement":[{]}`, "not valid JSON"},
		{"empty", "", "policy is empty"},
		{"no statements", `{"Version":"2012-10-17","Statement":[]}`, "no statements"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.doc, testBucket)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate = %v; want an error containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	if err := Validate(ok, "bad/bucket"); err == nil || !strings.Contains(err.Error(), "not a valid S3 bucket name") {
		t.Errorf("Validate with a bad bucket = %v", err)
	}
	// Our statements for another bucket do not belong on this one.
	if err := Validate(ok, "other-bucket"); err == nil || !strings.Contains(err.Error(), `grants access to bucket "origin-bucket"`) {
		t.Errorf("Validate on another bucket = %v", err)
	}
	// The KMS statement belongs in a key policy; in a bucket policy it
	// must be caught.
	kms, err := Merge("", []Statement{KMSKeyStatement(testPrincipal)})
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(kms, testBucket); err == nil || !strings.Contains(err.Error(), "KMS key-policy statement") {
		t.Errorf("KMS statement in a bucket policy: %v", err)
	}
}

func TestPolicyReverse(t *testing.T) {
	ss := []Statement{
		ReverseStatement("dest-bucket", "incoming/", testPrincipal),
		ReverseTaggingStatement("dest-bucket", "incoming/", testPrincipal),
	}
	golden(t, "reverse.json", statementsJSON(t, ss))
	merged, err := Merge("", ss)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(merged, "dest-bucket"); err != nil {
		t.Errorf("reverse statements do not validate for the destination bucket: %v", err)
	}
	if got := ReverseStatement("dest-bucket", "", testPrincipal).Resource; !slices.Equal(got, []string{"arn:aws:s3:::dest-bucket/*"}) {
		t.Errorf("empty prefix resource = %q", got)
	}
	exp := ReverseExplanation()
	for _, w := range []string{"BucketOwnerEnforced", "BucketOwnerPreferred", "bucket-owner-full-control", "owns"} {
		if !strings.Contains(exp, w) {
			t.Errorf("ReverseExplanation lacks %q: %s", w, exp)
		}
	}
	if n := strings.Count(exp, ". "); n < 1 || n > 2 {
		t.Errorf("ReverseExplanation should be 2-3 sentences, got %d breaks: %s", n+1, exp)
	}
}

func TestPolicyKMS(t *testing.T) {
	golden(t, "kms.json", statementsJSON(t, []Statement{KMSKeyStatement(testPrincipal)}))
	arn := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	exp := KMSExplanation(arn)
	for _, w := range []string{arn, "key policy", "origin account", "kms:Decrypt"} {
		if !strings.Contains(exp, w) {
			t.Errorf("KMSExplanation lacks %q: %s", w, exp)
		}
	}
}

func TestPolicyLineDiff(t *testing.T) {
	cases := []struct {
		name, before, after string
		want                []DiffLine
	}{
		{"both empty", "", "", []DiffLine{}},
		{"empty before", "", "a\nb\n", []DiffLine{{'+', "a"}, {'+', "b"}}},
		{"empty after", "a\nb", "", []DiffLine{{'-', "a"}, {'-', "b"}}},
		{"same", "a\nb\n", "a\nb", []DiffLine{{' ', "a"}, {' ', "b"}}},
		{"changed middle", "a\nb\nc", "a\nB\nc", []DiffLine{{' ', "a"}, {'-', "b"}, {'+', "B"}, {' ', "c"}}},
		{"insert and delete", "a\nb\nc\nd", "b\nc\nx\nd\ne", []DiffLine{{'-', "a"}, {' ', "b"}, {' ', "c"}, {'+', "x"}, {' ', "d"}, {'+', "e"}}},
		{"blank lines", "a\n\nb", "a\nb", []DiffLine{{' ', "a"}, {'-', ""}, {' ', "b"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := LineDiff(c.before, c.after)
			if !slices.Equal(got, c.want) {
				t.Errorf("LineDiff(%q, %q) =\n%q\nwant\n%q", c.before, c.after, got, c.want)
			}
		})
	}
	got := FormatDiff([]DiffLine{{' ', "{"}, {'-', `  "a": 1`}, {'+', `  "a": 2`}, {'+', ""}, {' ', "}"}})
	want := "  {\n-   \"a\": 1\n+   \"a\": 2\n+\n  }\n"
	if got != want {
		t.Errorf("FormatDiff = %q, want %q", got, want)
	}
}
