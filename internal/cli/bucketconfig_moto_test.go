package cli_test

// bucket-config on moto (the AWS-like peer, two 12-digit accounts): the
// configurations the sandbox does not implement, and the rewrites across
// accounts. Each test reads the destination back with the SDK and compares
// it with the source's. moto's gaps met here (not s3migrate's):
//   - GetBucketRequestPayment, the metrics, analytics and
//     intelligent-tiering APIs are not routed: moto answers them with a
//     ListObjects result, which reads as "none on the source";
//   - it stores a notification, KMS key or log target without checking
//     that the queue or key exists or lets S3 use it (AWS checks), so the
//     rewritten ARNs are checked by value;
//   - logging: the target bucket must be in the writer's account and allow
//     the log delivery service (as on AWS), checked by moto at write time;
//   - GetObjectLockConfiguration answers <Years>0</Years> next to <Days>;
//   - PutObjectLockConfiguration refuses a bucket that holds objects
//     (BucketNeedsToBeNew), which AWS no longer does.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/motoserver"
)

func bucketConfigMoto(args ...string) []string {
	return append(append([]string{"bucket-config"}, args...), motoProfiles...)
}

// TestBucketConfigMotoCopied: the configurations copied as they are,
// applied across accounts and read back equal; a second preview finds
// nothing to do.
func TestBucketConfigMotoCopied(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, origin, "bc-copied-src"), motoBucket(t, dest, "bc-copied-dst")

	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(origin.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &src, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}))
	rules := []types.LifecycleRule{
		{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)}},
		{ID: aws.String("old-versions"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(30)}},
	}
	must(origin.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &src, LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}}))
	pab := &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false)}
	must(origin.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &src, PublicAccessBlockConfiguration: pab}))
	cors := []types.CORSRule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"https://app.example.com"}, MaxAgeSeconds: aws.Int32(300)}}
	must(origin.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: cors}}))
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}
	must(origin.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &src, Tagging: &types.Tagging{TagSet: tags}}))
	must(origin.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: &src, WebsiteConfiguration: &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}}}))
	must(origin.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: &src, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}}))
	must(origin.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: &src, AccelerateConfiguration: &types.AccelerateConfiguration{Status: types.BucketAccelerateStatusEnabled}}))
	must(origin.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &src, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}}}}))

	args := bucketConfigMoto("s3://"+src, "s3://"+dst)
	r := run(t, args...)
	if r.code != cli.ExitFailures {
		t.Fatalf("preview: want exit 1, got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, k := range []string{"versioning", "lifecycle", "public-access-block", "cors", "tags", "website", "ownership", "accelerate", "encryption"} {
		if !strings.Contains(r.stdout, "applied: "+k+"\n") {
			t.Errorf("not applied: %s\n%s", k, r.stdout)
		}
	}

	// Read both sides back with the SDK.
	both := func(read func(c *s3.Client, b string) (any, error)) (any, any) {
		t.Helper()
		s, err := read(origin, src)
		if err != nil {
			t.Fatal(err)
		}
		d, err := read(dest, dst)
		if err != nil {
			t.Fatal(err)
		}
		return s, d
	}
	for name, read := range map[string]func(c *s3.Client, b string) (any, error){
		"versioning": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &b})
			return o.Status, err
		},
		"lifecycle": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &b})
			return o.Rules, err
		},
		"public access block": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &b})
			return o.PublicAccessBlockConfiguration, err
		},
		"cors": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &b})
			return o.CORSRules, err
		},
		"tags": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &b})
			return o.TagSet, err
		},
		"website": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: &b})
			return []any{o.IndexDocument, o.ErrorDocument, o.RoutingRules, o.RedirectAllRequestsTo}, err
		},
		"ownership": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &b})
			return o.OwnershipControls, err
		},
		"accelerate": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: &b})
			return o.Status, err
		},
		"encryption": func(c *s3.Client, b string) (any, error) {
			o, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &b})
			return o.ServerSideEncryptionConfiguration, err
		},
	} {
		s, d := both(read)
		sameJSON(t, name, d, s)
	}

	r = run(t, append(args, "--skip", "policy")...)
	if r.code != cli.ExitOK {
		t.Errorf("second preview: want exit 0, got %d\n%s", r.code, r.stdout)
	}
}

// TestBucketConfigMotoKMS: a default encryption with a key of the origin
// account is held back and named (nothing written) without --map-kms, and
// rewritten to the destination's key with it.
func TestBucketConfigMotoKMS(t *testing.T) {
	s := needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, origin, "bc-kms-src"), motoBucket(t, dest, "bc-kms-dst")
	oldKey := "arn:aws:kms:us-east-1:" + s.Origin.ID + ":key/1111aaaa-0000-0000-0000-000000000001"
	newKey := "arn:aws:kms:us-east-1:" + s.Dest.ID + ":key/2222bbbb-0000-0000-0000-000000000002"
	enc := func(key string) *types.ServerSideEncryptionConfiguration {
		return &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{BucketKeyEnabled: aws.Bool(true),
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)}}}}
	}
	if _, err := origin.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &src, ServerSideEncryptionConfiguration: enc(oldKey)}); err != nil {
		t.Fatal(err)
	}
	destEnc := func() *types.ServerSideEncryptionConfiguration {
		o, err := dest.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &dst})
		if err != nil {
			return nil
		}
		return o.ServerSideEncryptionConfiguration
	}
	before := destEnc()

	args := bucketConfigMoto("s3://"+src, "s3://"+dst, "--only", "encryption")
	r := run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "encryption           held back") ||
		!strings.Contains(r.stdout, "held back: KMS key "+oldKey+": it belongs to the origin account") ||
		!strings.Contains(r.stdout, "--map-kms "+oldKey+"=KEY_ARN") || strings.Contains(r.stdout, "applied:") {
		t.Fatalf("unmapped key: want held back, named, exit 1, nothing applied; got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	sameJSON(t, "encryption (unmapped: unchanged)", destEnc(), before)

	// A mapping onto another key of the origin account is refused outright.
	r = run(t, append(args, "--map-kms", oldKey+"="+strings.Replace(newKey, s.Dest.ID, s.Origin.ID, 1))...)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "belongs to the origin account") {
		t.Errorf("mapping onto the origin account: want exit 2, got %d %q", r.code, r.stderr)
	}

	r = run(t, append(args, "--map-kms", oldKey+"="+newKey, "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "rewritten: ApplyServerSideEncryptionByDefault.KMSMasterKeyID: "+oldKey+" → "+newKey+" (--map-kms)") {
		t.Fatalf("mapped key: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	sameJSON(t, "encryption", destEnc(), enc(newKey))
	if r := run(t, append(args, "--map-kms", oldKey+"="+newKey)...); r.code != cli.ExitOK {
		t.Errorf("after apply: want exit 0 and nothing to do, got %d\n%s", r.code, r.stdout)
	}
}

// motoSQS creates a queue in an account through moto's SQS query API (the
// module has no SQS client) and returns its ARN.
func motoSQS(t *testing.T, s *motoserver.Server, a motoserver.Account, name string) string {
	t.Helper()
	form := url.Values{"Action": {"CreateQueue"}, "QueueName": {name}, "Version": {"2012-11-05"}}
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	creds := aws.Credentials{AccessKeyID: a.AccessKey, SecretAccessKey: a.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payloadHash(body), "sqs", motoserver.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto SQS CreateQueue %s: %s", name, resp.Status)
	}
	return "arn:aws:sqs:" + motoserver.Region + ":" + a.ID + ":" + name
}

// TestBucketConfigMotoNotifications: a notification to an SQS queue of the
// origin account is held back and named, never written; with --map-arn it
// points at the destination's queue. EventBridge delivery is copied.
func TestBucketConfigMotoNotifications(t *testing.T) {
	s := needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, origin, "bc-notif-src"), motoBucket(t, dest, "bc-notif-dst")
	oldQ := motoSQS(t, s, s.Origin, "uploads-"+src)
	newQ := motoSQS(t, s, s.Dest, "uploads-"+dst)
	conf := func(q string) *types.NotificationConfiguration {
		return &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{Id: aws.String("uploads"), QueueArn: aws.String(q),
			Events: []types.Event{"s3:ObjectCreated:*"},
			Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{{Name: types.FilterRuleNameSuffix, Value: aws.String(".csv")}}}}}}}
	}
	if _, err := origin.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: &src, NotificationConfiguration: conf(oldQ)}); err != nil {
		t.Fatal(err)
	}
	read := func(c *s3.Client, b string) any {
		o, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &b})
		if err != nil {
			t.Fatal(err)
		}
		return []any{o.QueueConfigurations, o.TopicConfigurations, o.LambdaFunctionConfigurations, o.EventBridgeConfiguration}
	}
	empty := read(dest, dst)

	args := bucketConfigMoto("s3://"+src, "s3://"+dst, "--only", "notifications")
	r := run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "notifications        held back") ||
		!strings.Contains(r.stdout, "held back: SQS queue "+oldQ+": it belongs to the origin account") ||
		!strings.Contains(r.stdout, "create the SQS queue in the destination account and pass --map-arn "+oldQ+"=NEW_ARN") ||
		strings.Contains(r.stdout, "applied:") {
		t.Fatalf("unmapped queue: want held back and named, exit 1; got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	sameJSON(t, "notifications (unmapped: nothing written)", read(dest, dst), empty)

	r = run(t, append(args, "--map-arn", oldQ+"="+newQ, "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "→ "+newQ+" (--map-arn)") {
		t.Fatalf("mapped queue: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := read(origin, src)
	b, _ := json.Marshal(want)
	json.Unmarshal([]byte(strings.ReplaceAll(string(b), oldQ, newQ)), &want)
	got := read(dest, dst)
	gb, _ := json.Marshal(got)
	json.Unmarshal(gb, &got)
	sameJSON(t, "notifications", got, want)
	if strings.Contains(string(gb), s.Origin.ID) {
		t.Errorf("the destination points at the origin account: %s", gb)
	}
	if r := run(t, append(args, "--map-arn", oldQ+"="+newQ)...); r.code != cli.ExitOK || !strings.Contains(r.stdout, "same on both: notifications") {
		t.Errorf("after apply: want exit 0 and nothing to do, got %d\n%s", r.code, r.stdout)
	}
}

// TestBucketConfigMotoLoggingInventory: access logs and an inventory
// delivered to buckets of the origin account are held back without
// --map-bucket and rewritten with it (the inventory's account too).
func TestBucketConfigMotoLoggingInventory(t *testing.T) {
	s := needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src, dst := motoBucket(t, origin, "bc-log-src"), motoBucket(t, dest, "bc-log-dst")
	srcLogs, dstLogs := motoBucket(t, origin, "bc-logs-o"), motoBucket(t, dest, "bc-logs-d")
	srcInv, dstInv := motoBucket(t, origin, "bc-inv-o"), motoBucket(t, dest, "bc-inv-d")
	logPolicy := func(bucket string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"S3ServerAccessLogsPolicy","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
	}
	for _, c := range []struct {
		c *s3.Client
		b string
	}{{origin, srcLogs}, {dest, dstLogs}} {
		if _, err := c.c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(c.b), Policy: aws.String(logPolicy(c.b))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := origin.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: &src, BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String(srcLogs), TargetPrefix: aws.String("access/")}}}); err != nil {
		t.Fatal(err)
	}
	inv := func(bucket, account string) *types.InventoryConfiguration {
		return &types.InventoryConfiguration{Id: aws.String("weekly"), IsEnabled: aws.Bool(true), IncludedObjectVersions: types.InventoryIncludedObjectVersionsCurrent,
			Schedule: &types.InventorySchedule{Frequency: types.InventoryFrequencyWeekly}, OptionalFields: []types.InventoryOptionalField{types.InventoryOptionalFieldSize},
			Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{Bucket: aws.String("arn:aws:s3:::" + bucket),
				AccountId: aws.String(account), Format: types.InventoryFormatCsv, Prefix: aws.String("inv")}}}
	}
	if _, err := origin.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{Bucket: &src, Id: aws.String("weekly"), InventoryConfiguration: inv(srcInv, s.Origin.ID)}); err != nil {
		t.Fatal(err)
	}
	readLog := func(c *s3.Client, b string) *types.LoggingEnabled {
		o, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: &b})
		if err != nil {
			t.Fatal(err)
		}
		return o.LoggingEnabled
	}
	readInv := func(c *s3.Client, b string) []types.InventoryConfiguration {
		o, err := c.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: &b})
		if err != nil {
			t.Fatal(err)
		}
		return o.InventoryConfigurationList
	}

	args := bucketConfigMoto("s3://"+src, "s3://"+dst, "--only", "logging,inventory")
	r := run(t, append(args, "--apply", "--yes")...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "logging              held back") || !strings.Contains(r.stdout, "inventory            held back") ||
		!strings.Contains(r.stdout, "--map-bucket "+srcLogs+"=NEW_BUCKET") || !strings.Contains(r.stdout, "--map-bucket "+srcInv+"=NEW_BUCKET") ||
		strings.Contains(r.stdout, "applied:") {
		t.Fatalf("unmapped buckets: want both held back and named, exit 1; got %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if l := readLog(dest, dst); l != nil || len(readInv(dest, dst)) != 0 {
		t.Fatalf("written although held back: %+v %+v", l, readInv(dest, dst))
	}

	r = run(t, append(args, "--map-bucket", srcLogs+"="+dstLogs, "--map-bucket", srcInv+"="+dstInv, "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "applied: logging") || !strings.Contains(r.stdout, "applied: inventory") ||
		!strings.Contains(r.stdout, "rewritten: inventory weekly Destination.AccountId: "+s.Origin.ID+" → "+s.Dest.ID) {
		t.Fatalf("mapped: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	wantLog := readLog(origin, src)
	wantLog.TargetBucket = aws.String(dstLogs)
	sameJSON(t, "logging", readLog(dest, dst), wantLog)
	sameJSON(t, "inventory", readInv(dest, dst), readInvRewritten(readInv(origin, src), "arn:aws:s3:::"+dstInv, s.Dest.ID))
	if r := run(t, append(args, "--map-bucket", srcLogs+"="+dstLogs, "--map-bucket", srcInv+"="+dstInv)...); r.code != cli.ExitOK {
		t.Errorf("after apply: want exit 0 and nothing to do, got %d\n%s", r.code, r.stdout)
	}
}

func readInvRewritten(l []types.InventoryConfiguration, bucketARN, account string) []types.InventoryConfiguration {
	for i := range l {
		d := *l[i].Destination.S3BucketDestination
		d.Bucket, d.AccountId = aws.String(bucketARN), aws.String(account)
		l[i].Destination = &types.InventoryDestination{S3BucketDestination: &d}
	}
	return l
}

func payloadHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// TestBucketConfigMotoCreateLikeSource: the destination is created in the
// source's region (not the profile's) with its versioning and ownership.
func TestBucketConfigMotoCreateLikeSource(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	const region = "eu-west-1"
	src := motoBucket(t, origin, "bc-like-src") + "-eu"
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &src, ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred,
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: region}}, func(o *s3.Options) { o.Region = region }); err != nil {
		t.Fatal(err)
	}
	if _, err := origin.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &src, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}},
		func(o *s3.Options) { o.Region = region }); err != nil {
		t.Fatal(err)
	}
	dst := strings.Replace(src, "bc-like-src", "bc-like-dst", 1)
	r := run(t, bucketConfigMoto("s3://"+src, "s3://"+dst, "--create-like-source", "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "created: s3://"+dst+", in "+region) {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	loc, err := dest.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	if loc.LocationConstraint != region {
		t.Errorf("created in %q, want %s", loc.LocationConstraint, region)
	}
	v, err := dest.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &dst}, func(o *s3.Options) { o.Region = region })
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Errorf("versioning: %v %v", v.Status, err)
	}
	oc, err := dest.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &dst}, func(o *s3.Options) { o.Region = region })
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "ownership", oc.OwnershipControls.Rules, []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}})
}

// TestBucketConfigMotoObjectLock: Object Lock moves onto an existing
// destination that has none, because versioning is applied before it (S3,
// and moto, enable Object Lock on an existing bucket only while its
// versioning is Enabled). moto also refuses it on a bucket that holds
// objects (BucketNeedsToBeNew; AWS no longer does): the destination is empty.
func TestBucketConfigMotoObjectLock(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	src := motoBucket(t, origin, "bc-lock-src") + "-l"
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &src, ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	lock := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(3)}}}
	if _, err := origin.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &src, ObjectLockConfiguration: lock}); err != nil {
		t.Fatal(err)
	}
	dst := motoBucket(t, dest, "bc-lock-dst")
	r := run(t, bucketConfigMoto("s3://"+src, "s3://"+dst, "--only", "versioning,object-lock")...)
	if r.code != cli.ExitFailures || !strings.Contains(r.stdout, "applying enables it, which cannot be undone") {
		t.Fatalf("preview: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, bucketConfigMoto("s3://"+src, "s3://"+dst, "--only", "versioning,object-lock", "--apply", "--yes")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "applied: versioning\napplied: object-lock\n") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// moto answers <Years>0</Years> next to <Days> (AWS sends one of
	// them): the destination is compared with the source as moto reads it.
	read := func(c *s3.Client, b string) *types.ObjectLockConfiguration {
		out, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
		if err != nil {
			t.Fatal(err)
		}
		return out.ObjectLockConfiguration
	}
	got, want := read(dest, dst), read(origin, src)
	sameJSON(t, "object lock", got, want)
	if r := got.Rule.DefaultRetention; aws.ToInt32(r.Days) != 3 || r.Mode != types.ObjectLockRetentionModeGovernance {
		t.Errorf("default retention: %+v", r)
	}
}
