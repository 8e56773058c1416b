package preflight

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// listed feeds a sampler n keys in pages of size page and returns the keys
// it picks.
func listed(n, page, want int) []string {
	var ps prefixSampler
	ps.offer(types.Object{Key: aws.String("p/"), Size: aws.Int64(0)}, true) // the folder marker
	for i := 0; i < n; i++ {
		ps.offer(types.Object{Key: aws.String(fmt.Sprintf("p/%06d", i)), Size: aws.Int64(1)}, (i+1)%page == 0)
	}
	var keys []string
	for _, o := range ps.pick(want) {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// TestSampleSpreadsOverTheListing: the sample holds the first key, keys
// from pages spread over the whole listing, and the last key; never the
// folder marker; and stays bounded for any listing length.
func TestSampleSpreadsOverTheListing(t *testing.T) {
	if got := listed(3, 1000, 8); !slices.Equal(got, []string{"p/000000", "p/000001", "p/000002"}) {
		t.Errorf("3 keys: %q", got)
	}
	got := listed(100_000, 1000, 8)
	if len(got) != 8 || got[0] != "p/000000" || got[7] != "p/099999" {
		t.Fatalf("100,000 keys: %q; want 8 from p/000000 to the last key p/099999", got)
	}
	// Spread: every tenth of the listing between the first and the last
	// pick has no gap larger than a quarter of it.
	prev := -1
	for _, k := range got {
		var i int
		fmt.Sscanf(k, "p/%d", &i)
		if i <= prev || i-prev > 25_000 {
			t.Errorf("picks %q: %d after %d is out of order or too far", got, i, prev)
		}
		prev = i
	}
	var ps prefixSampler
	for i := 0; i < 1_000_000; i++ {
		ps.offer(types.Object{Key: aws.String("k"), Size: aws.Int64(1)}, true)
	}
	if len(ps.pages) > samplePages || len(ps.head) > sampleHead {
		t.Errorf("a million pages keep %d page candidates", len(ps.pages))
	}
	if got := listed(0, 1000, 8); len(got) != 0 {
		t.Errorf("only a marker: %q", got)
	}
}

// TestSampleShare: many prefixes share the budget, each gets at least one.
func TestSampleShare(t *testing.T) {
	for k, want := range map[int]int{0: samplePerPrefix, 1: samplePerPrefix, 25: 8, 50: 4, 200: 1, 5000: 1} {
		if got := perPrefix(k); got != want {
			t.Errorf("perPrefix(%d) = %d, want %d", k, got, want)
		}
	}
	if got := spread([]int{1, 2, 3, 4, 5}, 1); !slices.Equal(got, []int{1}) {
		t.Errorf("spread 1: %v", got)
	}
	if got := spread([]int{1, 2, 3, 4, 5}, 3); !slices.Equal(got, []int{1, 3, 5}) {
		t.Errorf("spread 3: %v", got)
	}
}
