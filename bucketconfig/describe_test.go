package bucketconfig

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestRecorded: what a migration applied before reads as such; a value it
// applied that the destination no longer has is held back, not written
// again; a different proposal (the source changed) is still applied.
func TestRecorded(t *testing.T) {
	at := time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC)
	res := &Result{Items: []*Item{
		{Kind: CORS, State: Change, Current: `{"theirs":1}`, Proposed: `{"ours":1}`},
		{Kind: Tags, State: Same, Current: `{"t":1}`, Proposed: `{"t":1}`},
		{Kind: Website, State: Change, Proposed: `{"new":1}`},
		{Kind: Lifecycle, State: Change, Proposed: `{"l":1}`},
	}}
	res.Recorded([]Record{{Kind: "cors", Value: `{"ours":1}`, At: at}, {Kind: "tags", Value: `{"t":1}`, At: at},
		{Kind: "website", Value: `{"old":1}`, At: at}, {Kind: KindBucket, Value: "in us-east-1", At: at}})
	if c := res.Items[0]; c.State != HeldBack || c.Pending(true) || !strings.Contains(c.Held[0].Why, "applied it on 2026-11-29 08:30 UTC and the destination has changed since") {
		t.Errorf("cors: %s %+v", c.State, c.Held)
	}
	if tg := res.Items[1]; tg.State != Same || len(tg.Notes) != 1 || tg.Notes[0] != "applied by this migration on 2026-11-29 08:30 UTC" {
		t.Errorf("tags: %s %v", tg.State, tg.Notes)
	}
	if w := res.Items[2]; w.State != Change || len(w.Held) != 0 {
		t.Errorf("website, whose source changed since: %s %v", w.State, w.Held)
	}
	if res.Pending() != 2 {
		t.Errorf("pending %d, want website and lifecycle", res.Pending())
	}
}

// TestCloneIsApart: marking a clone leaves the original as shown.
func TestCloneIsApart(t *testing.T) {
	res := &Result{Items: []*Item{{Kind: CORS, State: Change, Held: []Held{{What: "a"}}}}, Create: &Creation{Region: "eu-west-1"}}
	c := res.Clone()
	c.Items[0].Applied, c.Items[0].Held[0].What, c.Create.Created = true, "b", true
	if res.Items[0].Applied || res.Items[0].Held[0].What != "a" || res.Create.Created {
		t.Error("the clone shares state with the original")
	}
}

// TestCreationSummary: versioning is named unless Object Lock implies it.
func TestCreationSummary(t *testing.T) {
	for _, tc := range []struct {
		c    Creation
		want string
	}{
		{Creation{Region: "us-east-1"}, "in us-east-1, like the source"},
		{Creation{Region: "eu-west-1", Versioning: types.BucketVersioningStatusEnabled, Ownership: types.ObjectOwnershipBucketOwnerEnforced},
			"in eu-west-1, versioning Enabled, Object Ownership BucketOwnerEnforced, like the source"},
		{Creation{Region: "us-east-1", ObjectLock: true, Versioning: types.BucketVersioningStatusEnabled},
			"in us-east-1, with Object Lock (as the source; it cannot be turned off), like the source"},
	} {
		if got := tc.c.Summary(); got != tc.want {
			t.Errorf("Summary() = %q, want %q", got, tc.want)
		}
	}
}

// TestWriteTextWithoutSessions: the text a front end shows names what to
// press, and needs no session (the TUI's fake plans without one).
func TestWriteTextWithoutSessions(t *testing.T) {
	res := &Result{Sides: Sides{SrcBucket: "a", DstBucket: "b"}, Create: &Creation{Region: "us-east-1"}, Items: []*Item{
		{Kind: Policy, State: Ask, Proposed: "{\n  \"x\": 1\n}"},
		{Kind: Website, State: Absent},
	}}
	var buf bytes.Buffer
	res.WriteText(&buf, TextOptions{ApplyHow: "a", AskHow: "with p"})
	for _, want := range []string{"bucket configuration: s3://a → s3://b\n", "s3://b does not exist: a creates it first, in us-east-1",
		"policy               shown only: applied when asked for with p\n", "    +   \"x\": 1\n", "none on the source (nothing to move): website\n",
		"summary: 1 shown only, 1 none on the source\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, buf.String())
		}
	}
}
