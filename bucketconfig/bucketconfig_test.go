package bucketconfig

// Pure tests: the mappings, the proposals and the canonical form, without a
// server. The commands' tests (internal/cli, bucketconfig_test.go and
// bucketconfig_moto_test.go) apply them on the sandbox and on moto.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
)

const (
	originAcct = "111111111111"
	destAcct   = "222222222222"
	thirdAcct  = "333333333333"
)

func testRewriter(t *testing.T, pairs ...string) *rewriter {
	t.Helper()
	var m Mapping
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := m.Add(pairs[i], pairs[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	return newRewriter(Sides{SrcBucket: "src-b", DstBucket: "dst-b",
		SrcID: awsauth.Identity{Account: originAcct, Principal: "arn:aws:iam::" + originAcct + ":root"},
		DstID: awsauth.Identity{Account: destAcct, Principal: "arn:aws:iam::" + destAcct + ":root"}}, m)
}

func TestMappingAdd(t *testing.T) {
	var m Mapping
	for _, c := range []struct{ flag, pair, err string }{
		{"map-kms", "abc", "want OLD=NEW"},
		{"map-kms", "=x", "want OLD=NEW"},
		{"map-bucket", "s3://a=b", "bucket names"},
		{"map-arn", "queue=arn:aws:sqs:us-east-1:1:q", "two ARNs"},
		{"map-bucket", "a-b=c-d", ""},
		{"map-bucket", "a-b=c-d", ""}, // the same pair twice is fine
		{"map-bucket", "a-b=e-f", "mapped twice"},
	} {
		err := m.Add(c.flag, c.pair)
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("Add(%s, %s) = %v, want %q", c.flag, c.pair, err, c.err)
		}
	}
	// A mapping onto the origin account is refused before anything runs.
	m = Mapping{}
	m.Add("map-arn", "arn:aws:sqs:us-east-1:"+originAcct+":a=arn:aws:sqs:us-east-1:"+originAcct+":b")
	sides := Sides{SrcID: awsauth.Identity{Account: originAcct}, DstID: awsauth.Identity{Account: destAcct}}
	if err := m.check(sides); err == nil || !strings.Contains(err.Error(), "belongs to the origin account") {
		t.Errorf("a mapping onto the origin account: %v", err)
	}
}

func TestParseKinds(t *testing.T) {
	ks, err := ParseKinds("cors, lifecycle,,policy")
	if err != nil || len(ks) != 3 || ks[2] != Policy {
		t.Errorf("ParseKinds = %v, %v", ks, err)
	}
	if _, err := ParseKinds("cors,lifecycles"); err == nil || !strings.Contains(err.Error(), `"lifecycles"`) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestRewriteARN(t *testing.T) {
	q := func(acct string) string { return "arn:aws:sqs:us-east-1:" + acct + ":events" }
	rw := testRewriter(t, "map-arn", q(originAcct)+"="+q(destAcct)+"x")
	for _, c := range []struct {
		name, in, out string
		held, note    bool
	}{
		{"mapped", q(originAcct), q(destAcct) + "x", false, false},
		{"destination's own", q(destAcct), q(destAcct), false, false},
		{"origin's, unmapped", "arn:aws:sns:us-east-1:" + originAcct + ":t", "", true, false},
		{"third account", q(thirdAcct), q(thirdAcct), false, true},
	} {
		out, _, h, note := rw.arn("f", c.in, "SQS queue")
		if out != c.out || (h != nil) != c.held || (note != "") != c.note {
			t.Errorf("%s: arn(%s) = %q held %v note %q", c.name, c.in, out, h, note)
		}
	}
	// Without STS (the sandbox) the origin account is unknown: anything not
	// of the destination's account is held back.
	rw.srcAccount, rw.dstAccount = "", ""
	if _, _, h, _ := rw.arn("f", q(thirdAcct), "SQS queue"); h == nil {
		t.Error("unknown accounts: an unmapped ARN must be held back")
	}
}

func TestRewriteKMS(t *testing.T) {
	key := "arn:aws:kms:us-east-1:" + originAcct + ":key/1234"
	rw := testRewriter(t, "map-kms", "1234=arn:aws:kms:us-east-1:"+destAcct+":key/9")
	if out, r, h, _ := rw.kms("k", key); h != nil || r == nil || out != "arn:aws:kms:us-east-1:"+destAcct+":key/9" {
		t.Errorf("mapped by key id: %q %v %v", out, r, h)
	}
	for _, held := range []string{"alias/data", "5678", "arn:aws:kms:us-east-1:" + originAcct + ":key/5678"} {
		if _, _, h, _ := rw.kms("k", held); h == nil || !strings.Contains(h.Fix, "--map-kms "+held+"=") {
			t.Errorf("%s: want held back with the --map-kms to pass, got %v", held, h)
		}
	}
	if out, _, h, _ := rw.kms("k", "arn:aws:kms:us-east-1:"+destAcct+":key/1"); h != nil || out == "" {
		t.Error("a key of the destination account is kept")
	}
}

func TestRewriteBucket(t *testing.T) {
	rw := testRewriter(t, "map-bucket", "logs-o=logs-d", "map-bucket", "central-logs=central-logs")
	for _, c := range []struct {
		in, out string
		held    bool
	}{{"src-b", "dst-b", false}, {"logs-o", "logs-d", false}, {"central-logs", "central-logs", false}, {"other", "", true}} {
		out, _, h := rw.bucket("f", c.in, "access log")
		if out != c.out || (h != nil) != c.held {
			t.Errorf("bucket(%s) = %q, %v", c.in, out, h)
		}
	}
	// Within one account (the same identity on both sides) its buckets
	// are the destination's too.
	rw.dstAccount = originAcct
	if out, _, h := rw.bucket("f", "other", "access log"); h != nil || out != "other" {
		t.Errorf("same account: bucket(other) = %q, %v", out, h)
	}
}

// The source's policy: its owner statements rewritten to the destination
// bucket and account, s3migrate's grant left out, the destination's own
// statement kept, a Sid clash held back.
func TestProposePolicy(t *testing.T) {
	rw := testRewriter(t)
	src := `{"Version":"2012-10-17","Statement":[
{"Sid":"Readers","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + originAcct + `:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::src-b/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + originAcct + `","s3:prefix":""}}},
{"Sid":"Keep","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::src-b","arn:aws:s3:::src-b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	stmts, err := bucketpolicy.MigrationStatements(bucketpolicy.GrantOptions{Bucket: "src-b", Principal: "arn:aws:iam::" + destAcct + ":root"})
	if err != nil {
		t.Fatal(err)
	}
	if src, err = bucketpolicy.Merge(src, stmts); err != nil {
		t.Fatal(err)
	}
	sv, _ := parseDoc(src)
	dst := `{"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + destAcct + `:root"},"Action":"s3:*","Resource":"arn:aws:s3:::dst-b"}]}`
	dv, _ := parseDoc(dst)
	p := proposePolicy(render(sv), render(dv), rw)
	doc := string(p.value.(policyDoc))
	var got struct{ Statement []map[string]any }
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Statement) != 2 || got.Statement[0]["Sid"] != "Keep" || got.Statement[1]["Sid"] != "Readers" {
		t.Fatalf("want the destination's Keep then the source's Readers:\n%s", doc)
	}
	for _, want := range []string{`"arn:aws:s3:::dst-b/*"`, `"arn:aws:iam::` + destAcct + `:role/reader"`, `"aws:PrincipalAccount": "` + destAcct + `"`, `"s3:prefix": ""`} {
		if !strings.Contains(doc, want) {
			t.Errorf("proposal lacks %s:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, originAcct) || strings.Contains(doc, "src-b") || strings.Contains(doc, "S3Migrate") {
		t.Errorf("proposal still names the origin, or carries the migration grant:\n%s", doc)
	}
	if len(p.held) != 1 || !strings.Contains(p.held[0].What, "Keep") {
		t.Errorf("the Sid clash must be held back: %+v", p.held)
	}
	if len(p.notes) == 0 || !strings.Contains(p.notes[0], "migration grants") {
		t.Errorf("notes: %v", p.notes)
	}
}

// Notifications: a mapped queue rewritten, an origin topic held back, a
// third account's function kept with a note, EventBridge copied, the
// destination's own configuration (another id) kept.
func TestProposeNotifications(t *testing.T) {
	oq, dq := "arn:aws:sqs:us-east-1:"+originAcct+":q", "arn:aws:sqs:us-east-1:"+destAcct+":q"
	rw := testRewriter(t, "map-arn", oq+"="+dq)
	src := &notificationValue{
		Queues:      []types.QueueConfiguration{{Id: aws.String("q"), QueueArn: aws.String(oq), Events: []types.Event{"s3:ObjectCreated:*"}}},
		Topics:      []types.TopicConfiguration{{Id: aws.String("t"), TopicArn: aws.String("arn:aws:sns:us-east-1:" + originAcct + ":t"), Events: []types.Event{"s3:ObjectRemoved:*"}}},
		Lambdas:     []types.LambdaFunctionConfiguration{{Id: aws.String("l"), LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:" + thirdAcct + ":function:f"), Events: []types.Event{"s3:ObjectCreated:*"}}},
		EventBridge: true,
	}
	dst := &notificationValue{Queues: []types.QueueConfiguration{{Id: aws.String("own"), QueueArn: aws.String(dq), Events: []types.Event{"s3:ObjectCreated:*"}}}}
	p := notificationsFamily.propose(src, dst, rw)
	out := p.value.(*notificationValue)
	if len(out.Queues) != 2 || aws.ToString(out.Queues[0].QueueArn) != dq || aws.ToString(out.Queues[1].Id) != "own" {
		t.Errorf("queues: %+v", out.Queues)
	}
	if len(out.Topics) != 0 || len(p.held) != 1 || !strings.Contains(p.held[0].What, "SNS topic") {
		t.Errorf("the origin's topic must be held back: topics %+v held %+v", out.Topics, p.held)
	}
	if len(out.Lambdas) != 1 || !out.EventBridge {
		t.Errorf("lambda of a third account and EventBridge kept: %+v", out)
	}
	if c := canonical(out); strings.Contains(c, originAcct) || !strings.Contains(c, `"EventBridge": true`) {
		t.Errorf("canonical:\n%s", c)
	}
}

// An inventory to a mapped bucket gets the destination account as owner;
// one to an unmapped bucket is held back and the destination's own under
// that id stays.
func TestProposeInventory(t *testing.T) {
	inv := func(id, bucket, acct string) types.InventoryConfiguration {
		return types.InventoryConfiguration{Id: aws.String(id), IsEnabled: aws.Bool(true),
			Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{Bucket: aws.String("arn:aws:s3:::" + bucket), AccountId: aws.String(acct), Format: types.InventoryFormatCsv}}}
	}
	rw := testRewriter(t, "map-bucket", "inv-o=inv-d")
	src := byID[types.InventoryConfiguration]{inv("a", "inv-o", originAcct), inv("b", "elsewhere", originAcct)}
	dst := byID[types.InventoryConfiguration]{inv("b", "dest-own", destAcct), inv("c", "dest-own", destAcct)}
	p := inventoryFamily.propose(src, dst, rw)
	got := canonical(p.value)
	want := canonical(byID[types.InventoryConfiguration]{inv("a", "inv-d", destAcct), inv("b", "dest-own", destAcct), inv("c", "dest-own", destAcct)})
	if got != want {
		t.Errorf("proposal:\n%s\nwant\n%s", got, want)
	}
	if len(p.held) != 1 || !strings.Contains(p.held[0].Fix, "--map-bucket elsewhere=") {
		t.Errorf("held: %+v", p.held)
	}
}

func TestCanonical(t *testing.T) {
	a := sortedTags([]types.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")}})
	b := sortedTags([]types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}})
	if canonical(a) != canonical(b) {
		t.Error("tag order counts as a difference")
	}
	if canonical(corsRules{{AllowedMethods: []string{"GET"}, AllowedHeaders: []string{}}}) != canonical(corsRules{{AllowedMethods: []string{"GET"}}}) {
		t.Error("an empty list and none differ")
	}
	if canonical(&types.WebsiteConfiguration{}) != "" || canonical(nil) != "" {
		t.Error("an empty configuration is not none")
	}
	sse := func(s *types.SSES3) string {
		return canonical(&types.InventoryEncryption{SSES3: s})
	}
	if sse(&types.SSES3{}) == sse(nil) {
		t.Error("an empty element that is a setting (SSES3) was dropped")
	}
}

// Versioning: Suspended onto a never-versioned bucket changes nothing;
// MFA delete is held back.
func TestProposeVersioning(t *testing.T) {
	p := versioningFamily.propose(&versioningValue{Status: types.BucketVersioningStatusSuspended}, nil, nil)
	if p.value != nil || len(p.held) != 0 {
		t.Errorf("suspended onto never versioned: %+v", p)
	}
	p = versioningFamily.propose(&versioningValue{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteStatusEnabled}, nil, nil)
	if v, ok := p.value.(*versioningValue); !ok || v.Status != types.BucketVersioningStatusEnabled || v.MFADelete != "" || len(p.held) != 1 {
		t.Errorf("MFA delete: %+v", p)
	}
}
