package flow

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The Options tab's filter on the live backend and the sandbox: the plan's
// diff counts only what it keeps and says what it left out, the estimate
// prices what is kept, and the run copies exactly that.
func TestLiveFilterDiffEstimateAndRun(t *testing.T) {
	useSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// docs/ holds a 3,000-byte PDF and four small text files (120, 64, 10
	// and 0 bytes): the PDF is excluded, the two smallest are under 50 B.
	opt := screen.RunOptions{Mode: "relay", Concurrency: 4, Verify: true, Compare: "size-etag",
		Filter: screen.Filter{Exclude: []string{"*.pdf"}, MinSize: 50}}
	m := screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile,
		SrcBucket: sandbox.OriginBucket, DstBucket: sandbox.DestBucket, Items: []string{"docs/"},
		DstPrefix: "filtered-" + time.Now().Format("150405.000000") + "/", Compare: "size-etag", Options: opt}
	b := backend.New()
	sum, err := b.Diff(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Plan != nil {
		defer sum.Plan.Close()
	}
	if n := sum.Stats.Count[transfer.ClassNew]; n != 2 {
		t.Errorf("the filtered diff has %d new keys, want 2", n)
	}
	if sum.FilteredKeys != 3 || sum.FilteredBytes != 3010 {
		t.Errorf("left out %d keys, %d bytes; want 3, 3010", sum.FilteredKeys, sum.FilteredBytes)
	}
	e := sum.Estimate
	if e == nil || e.Objects != 2 || e.Bytes != 184 || !e.Settings().Relay || e.RelayBytes != 184 || e.Settings().Concurrency != 4 {
		t.Fatalf("estimate %+v", e)
	}
	if sum.Batch == nil || sum.Prices.Source == "" {
		t.Errorf("no batch estimate or price table: %+v", sum)
	}

	r, err := b.Start(ctx, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	var res screen.RunResult
	select {
	case res = <-r.Done():
	case <-ctx.Done():
		t.Fatal("the run did not end")
	}
	if res.Err != nil || res.Result == nil || res.Result.Copied != 2 {
		t.Fatalf("run: %+v", res)
	}
	var got []string
	dest := sb.Client(sb.Dest)
	for o, err := range transfer.List(ctx, dest, transfer.Location{Bucket: sandbox.DestBucket, Prefix: m.DstPrefix}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.Key[len(m.DstPrefix):])
		// The other tests count the destination bucket's objects.
		t.Cleanup(func() {
			if _, err := dest.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(sandbox.DestBucket), Key: aws.String(o.Key)}); err != nil {
				t.Errorf("clean up %s: %v", o.Key, err)
			}
		})
	}
	if want := []string{"docs/résumé – ünïcødé.txt", "docs/日本語/ファイル.txt"}; !slices.Equal(got, want) {
		t.Errorf("the run copied %q, want %q", got, want)
	}
}
