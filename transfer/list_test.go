package transfer

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// pagedLister serves n keys in pages of 1000 and counts the requests: the
// listing's own paging logic, apart from any server.
type pagedLister struct {
	n     int
	calls atomic.Int32
}

func (l *pagedLister) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	l.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := 0
	if in.ContinuationToken != nil {
		fmt.Sscan(*in.ContinuationToken, &start)
	}
	out := &s3.ListObjectsV2Output{}
	for i := start; i < min(start+1000, l.n); i++ {
		out.Contents = append(out.Contents, types.Object{Key: aws.String(fmt.Sprintf("k%06d", i)), Size: aws.Int64(1)})
	}
	if start+1000 < l.n {
		out.IsTruncated, out.NextContinuationToken = aws.Bool(true), aws.String(fmt.Sprint(start+1000))
	}
	return out, nil
}

// TestListFetchesAhead: the next page is asked for while the caller works
// through the current one; every key comes once, in order; stopping early
// ends the request in flight.
func TestListFetchesAhead(t *testing.T) {
	l := &pagedLister{n: 2500}
	i := 0
	for o, err := range List(context.Background(), l, Location{Bucket: "b"}) {
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("k%06d", i); o.Key != want {
			t.Fatalf("key %d is %s, want %s", i, o.Key, want)
		}
		if i == 0 {
			// Still on the first object: the second page is on its way.
			deadline := time.Now().Add(5 * time.Second)
			for l.calls.Load() < 2 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if l.calls.Load() < 2 {
				t.Error("the second page was not asked for while the first was being read")
			}
		}
		i++
	}
	if i != 2500 || l.calls.Load() != 3 {
		t.Errorf("%d keys in %d requests, want 2500 in 3", i, l.calls.Load())
	}
	stop := &pagedLister{n: 5000}
	for range List(context.Background(), stop, Location{Bucket: "b"}) {
		break
	}
	if n := stop.calls.Load(); n > 2 {
		t.Errorf("a listing stopped at its first key sent %d requests", n)
	}
}
