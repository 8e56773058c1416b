package cli_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

func item(t *testing.T, res *bucketconfig.Result, k bucketconfig.Kind) *bucketconfig.Item {
	t.Helper()
	for _, it := range res.Items {
		if it.Kind == k {
			return it
		}
	}
	t.Fatalf("no %s item", k)
	return nil
}

func recordedKinds(t *testing.T, path string) []string {
	t.Helper()
	recs, err := journal.ReadBucketConfigs(path)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.Kind)
	}
	return kinds
}

// TestTUIBucketConfigSandbox: the TUI backend's Bucket tab on the sandbox.
// The plan is bucket-config's; an apply writes a copy of it (the one on
// screen is left as shown) and the destination reads back as the source;
// what was applied before Start goes into the journal Start creates; a
// migration picked up again records into its own journal, and a
// configuration it applied that someone changed since is held back, not
// written over.
func TestTUIBucketConfigSandbox(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	ctx := context.Background()
	src, dst := newPair(t, "tui-bucket-config")
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	put(t, origin, src, "a.txt")
	cors := []types.CORSRule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"https://app.example.com"}}}
	if _, err := origin.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &src, CORSConfiguration: &types.CORSConfiguration{CORSRules: cors}}); err != nil {
		t.Fatal(err)
	}
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}
	if _, err := origin.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &src, Tagging: &types.Tagging{TagSet: tags}}); err != nil {
		t.Fatal(err)
	}
	b := backend.New()
	m := screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, SrcBucket: src, DstBucket: dst, Items: []string{"a.txt"}}

	plan, err := b.BucketConfig(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if st := item(t, plan, bucketconfig.CORS).State; st != bucketconfig.Change {
		t.Fatalf("cors %s, want change", st)
	}
	done, err := b.ApplyBucketConfig(ctx, m, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !item(t, done, bucketconfig.CORS).Applied || !item(t, done, bucketconfig.Tags).Applied || item(t, plan, bucketconfig.CORS).Applied {
		t.Fatal("the apply should mark its copy, and only its copy")
	}
	got, err := dest.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "CORS", got.CORSRules, cors)

	run, err := b.Start(ctx, m, screen.RunOptions{Concurrency: 4, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	res := <-run.Done()
	if res.Err != nil || res.Journal == "" {
		t.Fatalf("run: %+v", res)
	}
	if kinds := recordedKinds(t, res.Journal); !slices.Equal(kinds, []string{"cors", "tags"}) {
		t.Fatalf("journal records %v, want cors and tags (applied before Start)", kinds)
	}

	// Picked up again (R): their change to CORS is kept, and what is new
	// on the source is applied and recorded in the migration's journal.
	m.Journal = res.Journal
	theirs := []types.CORSRule{{AllowedMethods: []string{"HEAD"}, AllowedOrigins: []string{"https://theirs.example.com"}}}
	if _, err := dest.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &dst, CORSConfiguration: &types.CORSConfiguration{CORSRules: theirs}}); err != nil {
		t.Fatal(err)
	}
	site := &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}}
	if _, err := origin.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: &src, WebsiteConfiguration: site}); err != nil {
		t.Fatal(err)
	}
	plan, err = b.BucketConfig(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	c := item(t, plan, bucketconfig.CORS)
	if c.State != bucketconfig.HeldBack || len(c.Held) == 0 || !strings.Contains(c.Held[0].Why, "this migration applied it on") {
		t.Fatalf("cors changed after the migration applied it: %s %+v, want held back", c.State, c.Held)
	}
	if tg := item(t, plan, bucketconfig.Tags); tg.State != bucketconfig.Same || !slices.ContainsFunc(tg.Notes, func(n string) bool { return strings.HasPrefix(n, "applied by this migration on ") }) {
		t.Errorf("tags: %s %v, want the same, noted as applied by this migration", tg.State, tg.Notes)
	}
	done, err = b.ApplyBucketConfig(ctx, m, plan)
	if err != nil || !item(t, done, bucketconfig.Website).Applied || item(t, done, bucketconfig.CORS).Applied {
		t.Fatalf("second apply: %v", err)
	}
	cur, err := dest.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "CORS (theirs kept)", cur.CORSRules, theirs)
	if kinds := recordedKinds(t, res.Journal); !slices.Equal(kinds, []string{"cors", "tags", "website"}) {
		t.Errorf("journal records %v, want website added", kinds)
	}
}

// TestTUICreateBucketLikeSource: the buckets screen's "create destination
// bucket" takes the origin bucket's Object Ownership and Object Lock, read
// back with the SDK.
func TestTUICreateBucketLikeSource(t *testing.T) {
	needSandbox(t)
	useSandboxProfiles(t)
	ctx := context.Background()
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	src, dst := uniqueBucket("tui-like-src"), uniqueBucket("tui-like-dst")
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &src, ObjectLockEnabledForBucket: aws.Bool(true),
		ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}); err != nil {
		t.Fatal(err)
	}
	b := backend.New()
	how, err := b.CreateBucket(ctx, sandbox.DestProfile, dst, screen.BucketRef{Profile: sandbox.OriginProfile, Bucket: src})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(how, "in us-east-1, with Object Lock") || !strings.Contains(how, "like the source s3://"+src) {
		t.Errorf("how = %q", how)
	}
	lock, err := dest.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &dst})
	if err != nil || lock.ObjectLockConfiguration == nil || lock.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled {
		t.Errorf("object lock of the new bucket: %+v, %v", lock, err)
	}
	want, err := origin.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &src})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := dest.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &dst})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "ownership", oc.OwnershipControls.Rules, want.OwnershipControls.Rules)

	// The migration into it journals the creation, for its report.
	put(t, origin, src, "a.txt")
	run, err := b.Start(ctx, screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, SrcBucket: src, DstBucket: dst, Items: []string{"a.txt"}},
		screen.RunOptions{Concurrency: 2, Mode: "relay", Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	res := <-run.Done()
	if res.Err != nil || res.Result == nil || res.Result.Copied != 1 {
		t.Fatalf("run: %+v", res)
	}
	if kinds := recordedKinds(t, res.Journal); !slices.Equal(kinds, []string{"bucket"}) {
		t.Errorf("journal records %v, want the bucket's creation", kinds)
	}
}
