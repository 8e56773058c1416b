package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/motoserver"
	"github.com/s3migrate/s3migrate/internal/sandbox"
)

// TestSyncCreateLikeSourceSandbox: sync --create-like-source on a
// destination that does not exist: a dry run says what it would create and
// creates nothing; a run creates it like the source (its Object Ownership,
// read back with the SDK), copies into it, journals the creation and lists
// it in the report; the same command again uses the bucket as it is.
func TestSyncCreateLikeSourceSandbox(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	src, dst := uniqueBucket("sync-like-src"), uniqueBucket("sync-like-dst")
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &src}); err != nil {
		t.Fatal(err)
	}
	if _, err := origin.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: &src,
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}}); err != nil {
		t.Fatal(err)
	}
	put(t, origin, src, "a/1.txt", "a/2.txt", "b.txt")
	exists := func() bool {
		_, err := dest.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &dst})
		return err == nil
	}
	args := withProfiles("sync", "s3://"+src, "s3://"+dst+"/copy/", "--create-like-source")

	r := run(t, withProfiles("sync", "s3://"+src, "s3://"+dst)...)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "NoSuchBucket") {
		t.Fatalf("without the flag: want exit 2 NoSuchBucket, got %d %q", r.code, r.stderr)
	}
	r = run(t, append(args, "--dry-run")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stderr, "dry run: s3://"+dst+" does not exist: a run creates it as profile "+sandbox.DestProfile+", in us-east-1, Object Ownership BucketOwnerPreferred, like the source") {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if exists() {
		t.Fatal("the dry run created the bucket")
	}

	report := filepath.Join(t.TempDir(), "report.csv")
	r = run(t, append(args, "--report", report)...)
	if r.code != cli.ExitOK || !strings.Contains(r.stderr, "created s3://"+dst+" as profile "+sandbox.DestProfile+", in us-east-1, Object Ownership BucketOwnerPreferred, like the source") {
		t.Fatalf("run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := listKeys(t, dest, dst); strings.Join(got, ",") != "copy/a/1.txt,copy/a/2.txt,copy/b.txt" {
		t.Errorf("destination keys %v", got)
	}
	oc, err := dest.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "ownership", oc.OwnershipControls.Rules, []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}})
	csv, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(csv), dst+`,,,succeeded,,200,"bucket s3://`+dst+" created at ") ||
		!strings.Contains(string(csv), `in us-east-1, Object Ownership BucketOwnerPreferred, like the source",0,bucket-config,1`) {
		t.Errorf("the report does not list the creation:\n%s", csv)
	}

	r = run(t, args...)
	if r.code != cli.ExitOK || !strings.Contains(r.stderr, "s3://"+dst+" exists: used as it is") || strings.Contains(r.stderr, "created") {
		t.Fatalf("again: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestSyncCreateLikeSourceMoto: on moto the destination is created in the
// source's region (not the destination profile's) with its versioning
// enabled, and the objects are copied into it.
func TestSyncCreateLikeSourceMoto(t *testing.T) {
	needMoto(t)
	ctx := context.Background()
	origin, dest := motoClient(t, motoserver.OriginProfile), motoClient(t, motoserver.DestProfile)
	const region = "eu-central-1"
	inRegion := func(o *s3.Options) { o.Region = region }
	src := motoBucket(t, origin, "sync-like-src") + "-eu"
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &src,
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: region}}, inRegion); err != nil {
		t.Fatal(err)
	}
	if _, err := origin.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &src,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}, inRegion); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"x/1.txt", "x/2.txt"} {
		if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: &src, Key: aws.String(k), Body: strings.NewReader(k)}, inRegion); err != nil {
			t.Fatal(err)
		}
	}
	dst := strings.Replace(src, "sync-like-src", "sync-like-dst", 1)
	r := run(t, append([]string{"sync", "s3://" + src, "s3://" + dst, "--create-like-source", "--mode", "relay"}, motoProfiles...)...)
	if r.code != cli.ExitOK || !strings.Contains(r.stderr, "created s3://"+dst+" as profile "+motoserver.DestProfile+", in "+region+", versioning Enabled") {
		t.Fatalf("run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	loc, err := dest.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &dst})
	if err != nil || loc.LocationConstraint != region {
		t.Errorf("created in %q (%v), want %s", loc.LocationConstraint, err, region)
	}
	v, err := dest.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &dst}, inRegion)
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Errorf("versioning: %q %v", v.Status, err)
	}
	out, err := dest.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &dst}, inRegion)
	if err != nil || aws.ToInt32(out.KeyCount) != 2 {
		t.Errorf("destination lists %v keys (%v), want 2", aws.ToInt32(out.KeyCount), err)
	}
}

// TestPreflightPointsAtBucketConfig: configuration that copying does not
// move is a warning whose fix is the bucket-config command, complete.
func TestPreflightPointsAtBucketConfig(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst := newPair(t, "preflight-bc")
	put(t, sb.Client(sb.Origin), src, "a.txt")
	if _, err := sb.Client(sb.Origin).PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"https://a.example.com"}}}}}); err != nil {
		t.Fatal(err)
	}
	r := run(t, withProfiles("preflight", "s3://"+src, "s3://"+dst)...)
	want := "move them with s3migrate bucket-config s3://" + src + " s3://" + dst + " --source-profile " + sandbox.OriginProfile + " --dest-profile " + sandbox.DestProfile + " (add --apply)"
	if !strings.Contains(r.stdout, "has CORS: copying objects does not move them") || !strings.Contains(r.stdout, want) {
		t.Errorf("preflight should point at bucket-config (%q):\n%s%s", want, r.stdout, r.stderr)
	}
}
