package batchjob_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/motoserver"

	goldenfile "github.com/s3migrate/s3migrate/internal/golden"
)

// testdata is this package's testdata directory, found before TestMain
// starts the sandbox: the gateway's posix backend changes the process's
// working directory to its data directory.
var testdata = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "testdata")
}()

// golden compares got with testdata/name (golden.Check).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join(testdata, name), got, nil)
}

var roleSpec = batchjob.RoleSpec{
	SourceBucket: "origin-data", SourcePrefix: "photos/",
	DestBucket: "dest-archive", DestPrefix: "archive/photos/",
	ManifestBucket: "dest-batch", ManifestKey: "s3migrate/manifests/run-1.csv",
	ReportBucket: "dest-batch", ReportPrefix: "s3migrate/reports",
}

func TestRoleDocuments(t *testing.T) {
	golden(t, "trust.json", batchjob.TrustPolicy("222222222222")+"\n")
	// Without a 12-digit account (the sandbox's access key id) there is no
	// aws:SourceAccount condition.
	golden(t, "trust-no-account.json", batchjob.TrustPolicy("AKIASANDBOXDEST")+"\n")

	pol, err := batchjob.RolePolicy(roleSpec)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "policy.json", pol+"\n")

	whole := batchjob.RoleSpec{
		Partition:    "aws-cn",
		SourceBucket: "origin-data", DestBucket: "dest-archive",
		ManifestBucket: "dest-archive", ManifestKey: "batch/manifests/",
		ReportBucket: "dest-archive", ReportPrefix: "batch/reports/",
		Versions:       true,
		KMSDecryptKeys: []string{"arn:aws-cn:kms:cn-north-1:111111111111:key/src"},
		KMSEncryptKeys: []string{"arn:aws-cn:kms:cn-north-1:222222222222:key/dst"},
	}
	pol, err = batchjob.RolePolicy(whole)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "policy-whole-bucket.json", pol+"\n")

	// What the documents promise, beyond their bytes.
	for _, doc := range []string{batchjob.TrustPolicy("222222222222"), pol} {
		if !json.Valid([]byte(doc)) {
			t.Errorf("not JSON: %s", doc)
		}
	}
	if !batchjob.TrustsBatchOperations(batchjob.TrustPolicy("")) {
		t.Error("TrustPolicy does not trust S3 Batch Operations by TrustsBatchOperations' reading")
	}
	// A wildcard in a prefix is cut, never passed to IAM.
	wild := roleSpec
	wild.SourcePrefix = "photos/*/raw/"
	wild.DestPrefix = "x/${aws:username}/"
	pol, err = batchjob.RolePolicy(wild)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pol, "photos/*/raw") || strings.Contains(pol, "${") || !strings.Contains(pol, `"arn:aws:s3:::origin-data/photos/*"`) {
		t.Errorf("wildcards not cut:\n%s", pol)
	}
	if _, err := batchjob.RolePolicy(batchjob.RoleSpec{SourceBucket: "a", DestBucket: "b/c", ManifestBucket: "m", ReportBucket: "r"}); err == nil {
		t.Error("a bucket name with '/' was accepted")
	}
}

func TestTrustsBatchOperations(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"Statement":{"Effect":"Allow","Principal":{"Service":"batchoperations.s3.amazonaws.com"},"Action":"sts:AssumeRole"}}`:                  true,
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","batchoperations.s3.amazonaws.com"]},"Action":["sts:*"]}]}`: true,
		`{"Statement":[{"Effect":"Deny","Principal":{"Service":"batchoperations.s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`:                 false,
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`:                               false,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}`:                                 false,
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":"batchoperations.s3.amazonaws.com"},"Action":"sts:TagSession"}]}`:                false,
		`not json`: false,
	} {
		if got := batchjob.TrustsBatchOperations(doc); got != want {
			t.Errorf("TrustsBatchOperations(%s) = %v", doc, got)
		}
	}
}

// TestEnsureRoleOnMoto: the role is created with the documents, found the
// second time (its policy put again), and an existing role that does not
// trust S3 Batch Operations is left alone.
func TestEnsureRoleOnMoto(t *testing.T) {
	m := motoserver.Need(t)
	client := iam.New(iam.Options{
		Region:       motoserver.Region,
		BaseEndpoint: aws.String(m.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(m.Dest.AccessKey, m.Dest.SecretKey, ""),
		HTTPClient:   awshttp.NewBuildableClient(),
	})
	ctx := context.Background()
	trust := batchjob.TrustPolicy(m.Dest.ID)
	pol, err := batchjob.RolePolicy(roleSpec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := batchjob.EnsureRole(ctx, client, "profile dest", "s3migrate-batch", trust, pol)
	if err != nil {
		t.Fatalf("EnsureRole: %v", err)
	}
	if !res.Created || res.ARN != "arn:aws:iam::"+m.Dest.ID+":role/s3migrate-batch" {
		t.Errorf("first EnsureRole: %+v", res)
	}
	sameJSON := func(what, got, want string) {
		t.Helper()
		if d, err := url.QueryUnescape(got); err == nil {
			got = d
		}
		var g, w any
		if err := json.Unmarshal([]byte(got), &g); err != nil {
			t.Fatalf("%s: %v: %s", what, err, got)
		}
		_ = json.Unmarshal([]byte(want), &w)
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if string(gb) != string(wb) {
			t.Errorf("%s on IAM:\n%s\nwant:\n%s", what, gb, wb)
		}
	}
	role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("s3migrate-batch")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON("trust policy", aws.ToString(role.Role.AssumeRolePolicyDocument), trust)
	rp, err := client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("s3migrate-batch"), PolicyName: aws.String(batchjob.RolePolicyName)})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON("role policy", aws.ToString(rp.PolicyDocument), pol)

	// Again, with a changed policy: found, not created, policy replaced.
	spec := roleSpec
	spec.DestPrefix = "other/"
	pol2, _ := batchjob.RolePolicy(spec)
	res, err = batchjob.EnsureRole(ctx, client, "profile dest", "s3migrate-batch", trust, pol2)
	if err != nil || res.Created || res.ARN != "arn:aws:iam::"+m.Dest.ID+":role/s3migrate-batch" {
		t.Fatalf("second EnsureRole: %+v, %v", res, err)
	}
	rp, err = client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("s3migrate-batch"), PolicyName: aws.String(batchjob.RolePolicyName)})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON("replaced role policy", aws.ToString(rp.PolicyDocument), pol2)

	// A role of that name for something else: refused, untouched.
	ec2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("someone-elses"), AssumeRolePolicyDocument: aws.String(ec2)}); err != nil {
		t.Fatal(err)
	}
	_, err = batchjob.EnsureRole(ctx, client, "profile dest", "someone-elses", trust, pol)
	if oe := opError(t, err); !strings.Contains(oe.Error(), "does not trust batchoperations.s3.amazonaws.com") || oe.Hint == "" || oe.Identity != "profile dest" {
		t.Errorf("existing foreign role: %v", err)
	}
	if _, err := client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("someone-elses"), PolicyName: aws.String(batchjob.RolePolicyName)}); err == nil {
		t.Error("EnsureRole put its policy on a role it refused")
	}
	// A bad name is refused before any call.
	if _, err := batchjob.EnsureRole(ctx, client, "profile dest", "no spaces", trust, pol); err == nil {
		t.Error("a role name with a space was accepted")
	}
}
