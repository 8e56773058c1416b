package cli_test

// The moto lane (issue 10 point 6): the real commands, run through run(),
// on moto's server with two 12-digit accounts (internal/motoserver). moto's
// limits met here, so nobody mistakes them for s3migrate's:
//   - a bucket policy statement is evaluated only when its Principal is "*":
//     the ARN grant is checked in the stored JSON, not by a denial before it
//     (the sandbox shows the denial);
//   - object tags are kept per requesting account (no tag assertions here);
//   - not moto's but the SDK's: on its own it sends an assume-role profile's
//     AssumeRole to the public STS endpoint, not to the profile's
//     endpoint_url; awsauth sends it where the aws CLI does (and
//     AWS_ENDPOINT_URL_STS still wins);
//   - without awscrt, moto stores a CRC32 labelled CRC64NVME (see
//     motoserver.Server.CRC64NVME): an object copied with a CRC64NVME
//     checksum fails the SDK's checksum check when read back, so verify
//     --deep may report exactly that error, and only that one, there;
//   - an access key moto does not know is the default account 123456789012.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/motoserver"
)

var motoProfiles = []string{"--source-profile", motoserver.OriginProfile, "--dest-profile", motoserver.DestProfile}

// needMoto starts (once per test binary) moto's server and points the
// test's AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE at its profiles, before
// run() would set the sandbox's.
func needMoto(t *testing.T) *motoserver.Server {
	t.Helper()
	s := motoserver.Need(t)
	s.Use(t)
	return s
}

// motoClient is an S3 client of one moto profile (path-style: the endpoint
// is an IP address).
func motoClient(t *testing.T, profile string) *s3.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile(profile))
	if err != nil {
		t.Fatal(err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

var motoBucketSeq atomic.Int64

// motoBucket creates a bucket as the client's account; the server lives as
// long as the test binary, so names are unique per call.
func motoBucket(t *testing.T, c *s3.Client, name string) string {
	t.Helper()
	name = fmt.Sprintf("%s-%d-%d", name, time.Now().UnixNano()%1e9, motoBucketSeq.Add(1))
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	return name
}

func motoPut(t *testing.T, c *s3.Client, bucket, key string, body []byte) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		Metadata: map[string]string{"origin": "moto"}, ContentType: aws.String("text/plain")}); err != nil {
		t.Fatal(err)
	}
}

// TestMotoProfiles: each static profile resolves to its own 12-digit
// account and its IAM user's ARN; the assume-role profile is listed as one.
func TestMotoProfiles(t *testing.T) {
	s := needMoto(t)
	r := run(t, "profiles")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	line := func(profile string) string {
		for _, l := range strings.Split(r.stdout, "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] == profile {
				return l
			}
		}
		return "(no line for " + profile + " in:\n" + r.stdout + ")"
	}
	for _, c := range []struct {
		profile string
		a       motoserver.Account
	}{{motoserver.OriginProfile, s.Origin}, {motoserver.DestProfile, s.Dest}} {
		l := line(c.profile)
		if !strings.Contains(l, " static ") || !strings.Contains(l, " "+c.a.ID+" ") || !strings.Contains(l, c.a.UserARN) || !strings.HasSuffix(strings.TrimSpace(l), " ok") {
			t.Errorf("%s: want static, account %s, %s, ok:\n%s", c.profile, c.a.ID, c.a.UserARN, l)
		}
	}
	l := line(motoserver.RoleProfile)
	if !strings.Contains(l, "assume-role") {
		t.Errorf("%s is not listed as assume-role:\n%s", motoserver.RoleProfile, l)
	}
	// The profile's endpoint_url takes AssumeRole to moto's STS, as the aws
	// CLI sends it (the SDK alone would call the public STS).
	if !strings.Contains(l, " "+s.Dest.ID+" ") || !strings.Contains(l, "assumed-role/s3migrate-dest/") || !strings.HasSuffix(strings.TrimSpace(l), " ok") {
		t.Errorf("%s: want the role in %s resolved through endpoint_url:\n%s", motoserver.RoleProfile, s.Dest.ID, l)
	}

	// With STS's endpoint given the SDK's way, the role resolves to the
	// destination account.
	t.Run("AWS_ENDPOINT_URL_STS", func(t *testing.T) {
		t.Setenv("AWS_ENDPOINT_URL_STS", s.URL)
		r = run(t, "profiles")
		if l := line(motoserver.RoleProfile); !strings.Contains(l, " "+s.Dest.ID+" ") || !strings.Contains(l, "assumed-role/s3migrate-dest/") || !strings.HasSuffix(strings.TrimSpace(l), " ok") {
			t.Errorf("%s with AWS_ENDPOINT_URL_STS: want account %s, the assumed role, ok:\n%s", motoserver.RoleProfile, s.Dest.ID, l)
		}
	})

	// The other ways the aws CLI is told where STS is: a [services]
	// section named by the profile, and AWS_ENDPOINT_URL for every
	// service. Each role profile must resolve to the destination account.
	base, err := os.ReadFile(os.Getenv("AWS_CONFIG_FILE"))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ section, env string }{
		"role-services": {section: fmt.Sprintf("services = moto\n\n[services moto]\ns3 =\n  endpoint_url = %s\nsts =\n  endpoint_url = %s\n", s.URL, s.URL)},
		"role-env":      {env: s.URL},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := fmt.Sprintf("%s\n[profile %s]\nregion = %s\nrole_arn = %s\nsource_profile = %s\n%s",
				base, name, motoserver.Region, s.DestRole, motoserver.OriginProfile, c.section)
			path := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("AWS_CONFIG_FILE", path)
			if c.env != "" {
				t.Setenv("AWS_ENDPOINT_URL", c.env)
			}
			r = run(t, "profiles")
			if l := line(name); !strings.Contains(l, " "+s.Dest.ID+" ") || !strings.Contains(l, "assumed-role/s3migrate-dest/") || !strings.HasSuffix(strings.TrimSpace(l), " ok") {
				t.Errorf("%s: want account %s, the assumed role, ok:\n%s", name, s.Dest.ID, l)
			}
		})
	}
}

// TestMotoMigration: policy (ARN principal, stored JSON), preflight, diff,
// server-side and relay sync (a multipart object too), verify --deep (and
// a changed destination object found by it), sync --delete --yes, across
// two accounts.
func TestMotoMigration(t *testing.T) {
	s := needMoto(t)
	ctx := context.Background()
	oc, dc := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, oc, "moto-src"), motoBucket(t, dc, "moto-dst")
	motoPut(t, oc, src, "a/1.txt", []byte("one\n"))
	motoPut(t, oc, src, "a/2.txt", []byte("two\n"))
	motoPut(t, oc, src, "b/3.txt", []byte("three\n"))
	big := bytes.Repeat([]byte("0123456789abcdef"), (6<<20)/16) // 6 MiB: a multipart copy above a 5 MiB threshold
	motoPut(t, oc, src, "c/big.bin", big)
	S, D := "s3://"+src, "s3://"+dst

	// policy: the grant to the destination account's ARN, applied. moto
	// does not evaluate it (only Principal "*" statements), so the stored
	// JSON is what is checked.
	r := run(t, "policy", S, "--grantee-profile", motoserver.DestProfile, "--source-profile", motoserver.OriginProfile, "--apply", "--yes")
	principal := "arn:aws:iam::" + s.Dest.ID + ":root"
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "for "+principal+": adds the whole bucket") {
		t.Fatalf("policy --apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	pol, err := oc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(src)})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Sid, Effect string
			Principal   struct{ AWS []string }
			Action      []string
			Resource    []string
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
		t.Fatalf("stored policy %q: %v", aws.ToString(pol.Policy), err)
	}
	var actions, resources []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" || !slices.Equal(st.Principal.AWS, []string{principal}) || !strings.HasPrefix(st.Sid, "S3MigrateRead") {
			t.Errorf("stored statement %+v: want Allow to %s, Sid S3MigrateRead…", st, principal)
		}
		actions, resources = append(actions, st.Action...), append(resources, st.Resource...)
	}
	slices.Sort(actions)
	slices.Sort(resources)
	if doc.Version != "2012-10-17" || !slices.Equal(actions, []string{"s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:ListBucket"}) ||
		!slices.Equal(resources, []string{"arn:aws:s3:::" + src, "arn:aws:s3:::" + src + "/*"}) {
		t.Errorf("stored policy: version %q, actions %q, resources %q", doc.Version, actions, resources)
	}

	if r := run(t, append([]string{"preflight", S, D}, motoProfiles...)...); r.code != cli.ExitOK || !strings.Contains(r.stdout, "no customer-managed KMS key involved") {
		t.Errorf("preflight: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, append([]string{"diff", S, D}, motoProfiles...)...)
	if r.code != cli.ExitFailures || countPrefixed(r.stdout, "new ") != 4 || !strings.Contains(r.stdout, "c/big.bin") {
		t.Errorf("diff before: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	sync := func(want string, args ...string) {
		t.Helper()
		r := run(t, append(append([]string{"sync"}, args...), append(motoProfiles, "--progress", "none")...)...)
		if r.code != cli.ExitOK || !strings.Contains(r.stdout+r.stderr, want) {
			t.Fatalf("sync %q: exit %d, want %q\n%s%s", args, r.code, want, r.stdout, r.stderr)
		}
	}
	sync("[2 server-side, 0 relayed]", S+"/a/", D+"/a/", "--mode", "server-side")
	sync("[0 server-side, 1 relayed]", S+"/b/", D+"/b/", "--mode", "relay")
	sync("[1 server-side, 0 relayed]", S+"/c/", D+"/c/", "--mode", "server-side", "--multipart-threshold", "5242880", "--part-size", "5242880")

	for _, key := range []string{"a/1.txt", "b/3.txt", "c/big.bin"} {
		h, err := dc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if h.Metadata["origin"] != "moto" || aws.ToString(h.ContentType) != "text/plain" {
			t.Errorf("%s arrived with metadata %v, content type %q", key, h.Metadata, aws.ToString(h.ContentType))
		}
	}
	got, err := dc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(dst), Key: aws.String("c/big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(b, big) {
		t.Errorf("the multipart copy has %d bytes, not the source's %d", len(b), len(big))
	}

	if r := run(t, append([]string{"diff", S, D}, motoProfiles...)...); r.code != cli.ExitOK {
		t.Errorf("diff after: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, append([]string{"verify", "--deep", S, D}, motoProfiles...)...); r.code != cli.ExitOK || !strings.Contains(r.stdout, "verified 4 of 4 objects: all match") {
		if s.CRC64NVME || !onlyMotoCRC64Errors(r.stdout+r.stderr) {
			t.Errorf("verify --deep: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		} else {
			t.Logf("moto without awscrt: its CRC64NVME checksums are CRC32s, so the deep read of copies made with one fails:\n%s", r.stdout+r.stderr)
		}
	}
	// Same size, other bytes: only reading the content finds it.
	motoPut(t, dc, dst, "a/1.txt", []byte("ONE\n"))
	if r := run(t, append([]string{"verify", "--deep", S, D}, motoProfiles...)...); r.code != cli.ExitFailures || !strings.Contains(r.stdout, ": 1 difference") || !strings.Contains(r.stderr, "  a/1.txt: ") {
		t.Errorf("verify --deep of a changed object: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	motoPut(t, oc, src, "a/1.txt", []byte("one\n")) // a new write: the source is newer again

	// --delete --yes: the extra object goes, the copies stay.
	motoPut(t, dc, dst, "extra.txt", []byte("x"))
	sync("deleted 1", S, D, "--delete", "--yes")
	keys := listKeys(t, dc, dst)
	if !slices.Equal(keys, []string{"a/1.txt", "a/2.txt", "b/3.txt", "c/big.bin"}) {
		t.Errorf("destination after sync --delete: %q", keys)
	}
}

// countPrefixed counts the lines of s that start with p.
func countPrefixed(s, p string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, p) {
			n++
		}
	}
	return n
}

// onlyMotoCRC64Errors: every object verify could not check failed on
// moto's bogus CRC64NVME (a 4-byte CRC32 under that name), nothing else.
func onlyMotoCRC64Errors(out string) bool {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  ") && strings.Contains(l, ": ") {
			if !strings.Contains(l, "checksum did not match: algorithm CRC64NVME") {
				return false
			}
			n++
		}
	}
	return n > 0 && strings.Contains(out, "no difference found")
}

// TestMotoKMSSource: SSE-KMS source objects with a stored CRC32 copy
// server-side and by relay, single-part and multipart, verify by content,
// diff as identical, and arrive with the source's CRC32; preflight names
// the KMS key. moto limit:
// its KMS objects have MD5 ETags and it does not check the key exists, so
// this does not show AWS's non-MD5 ETags (unit tests with recorded AWS
// answers must).
func TestMotoKMSSource(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	oc, dc := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, oc, "kms-src"), motoBucket(t, dc, "kms-dst")
	const key = "arn:aws:kms:us-east-1:111111111111:key/5a1e0000-0000-4000-8000-00000000kms1"
	sums := map[string]string{}
	big := bytes.Repeat([]byte("large KMS object "), (6<<20)/17)
	for _, k := range []string{"s/k1.bin", "r/k2.bin", "m/big.bin", "q/big.bin"} {
		body := []byte("secret data of " + k)
		if strings.HasSuffix(k, "big.bin") {
			body = big // above the 5 MiB threshold below: a multipart copy
		}
		out, err := oc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: bytes.NewReader(body),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(key), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatal(err)
		}
		sums[k] = aws.ToString(out.ChecksumCRC32)
	}
	if r := run(t, "policy", "s3://"+src, "--grantee-profile", motoserver.DestProfile, "--source-profile", motoserver.OriginProfile, "--apply", "--yes"); r.code != cli.ExitOK {
		t.Fatalf("policy: exit %d: %s", r.code, r.stderr)
	}
	r := run(t, append([]string{"preflight", "s3://" + src, "s3://" + dst}, motoProfiles...)...)
	if !regexp.MustCompile(`\d+ of \d+ sampled objects use SSE-KMS keys ` + regexp.QuoteMeta(key)).MatchString(r.stdout) {
		t.Errorf("preflight does not name the KMS key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, c := range [][]string{
		{"sync", "s3://" + src + "/s/", "s3://" + dst + "/s/", "--mode", "server-side", "--progress", "none"},
		{"sync", "s3://" + src + "/r/", "s3://" + dst + "/r/", "--mode", "relay", "--progress", "none"},
		{"sync", "s3://" + src + "/m/", "s3://" + dst + "/m/", "--mode", "server-side", "--progress", "none", "--multipart-threshold", "5242880", "--part-size", "5242880"},
		{"sync", "s3://" + src + "/q/", "s3://" + dst + "/q/", "--mode", "relay", "--progress", "none", "--multipart-threshold", "5242880", "--part-size", "5242880"},
		{"diff", "s3://" + src, "s3://" + dst},
		{"verify", "--deep", "s3://" + src, "s3://" + dst},
	} {
		r := run(t, append(c, motoProfiles...)...)
		if r.code != cli.ExitOK {
			t.Errorf("%q: exit %d\n%s%s", c, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "does not compute the checksums of copied parts") {
			t.Errorf("%q: moto computes the parts' checksums, yet the engine gave up carrying the algorithm:\n%s%s", c, r.stdout, r.stderr)
		}
	}
	for k, want := range sums {
		h, err := dc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String(k), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if got := aws.ToString(h.ChecksumCRC32); want == "" || got != want {
			t.Errorf("%s arrived with CRC32 %q, the source has %q", k, got, want)
		}
	}
}
