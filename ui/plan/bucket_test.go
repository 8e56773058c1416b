package plan

import (
	"errors"

	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestBucketTabReadOnFirstSight: the bucket configuration is not read
// with the other tabs, only when its tab is first shown; then it shows the
// command's text, with the configurations to apply marked in the tab bar.
func TestBucketTabReadOnFirstSight(t *testing.T) {
	h := started(t, nil)
	if h.model().bucket.loaded || h.model().bucket.loading {
		t.Fatal("the bucket configuration was read before its tab was shown")
	}
	h.press("5")
	if !h.model().bucket.loaded {
		t.Fatal("showing the Bucket tab did not read the configuration")
	}
	v, text := h.view(), bucketText(h)
	for _, want := range []string{"▸ 5 Bucket •", "versioning           to apply", "+   \"Status\": \"Enabled\"",
		"held back items need a mapping: $ s3migrate bucket-config s3://origin-data s3://dest-archive"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Bucket tab shows no %q:\n%s", want, v)
		}
	}
	for _, want := range []string{"rewritten: LoggingEnabled.TargetBucket: origin-data → dest-archive", "encryption           held back",
		"held back: KMS key arn:aws:kms:us-east-1:111122223333:key/k1", "policy               shown only: applied when asked for with p",
		"reported only: not moved", "none on the source (nothing to move): website", "summary: 3 to apply, 1 shown only, 2 held back"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Bucket tab's text lacks %q:\n%s", want, text)
		}
	}
}

// TestBucketApplyAsksThenWrites: a asks first, n writes nothing; y writes
// what was shown (the policy only after p), says so, and reads the
// buckets again: what was applied now reads as the same on both.
func TestBucketApplyAsksThenWrites(t *testing.T) {
	h := started(t, nil)
	h.press("5", "a")
	if len(h.model().dialogs) != 1 || !strings.Contains(h.view(), "Write 3 configurations to s3://dest-archive as prod-archive?") {
		t.Fatalf("a should ask first:\n%s", h.view())
	}
	h.press("n")
	if len(h.b.BucketApplied) != 0 || len(h.model().dialogs) != 0 {
		t.Fatalf("n wrote %v", h.b.BucketApplied)
	}
	h.press("a", "y")
	if got := h.b.BucketApplied; !slices.Equal(got, []string{"versioning", "cors", "logging"}) {
		t.Fatalf("applied %v, want versioning, cors and logging (the policy only when asked for)", got)
	}
	if v := h.view(); !strings.Contains(v, "✓ applied: versioning, cors, logging") || !strings.Contains(bucketText(h), "same on both: ownership, versioning, tags, cors, logging") {
		t.Errorf("after the apply:\n%s", v)
	}
	h.press("a")
	if len(h.model().dialogs) != 0 || !strings.Contains(h.view(), "nothing to apply: the destination has everything that can move (p includes the bucket policy)") {
		t.Errorf("a with nothing pending should say so, not ask:\n%s", h.view())
	}
	h.press("p", "a")
	if !strings.Contains(h.view(), "Write 1 configuration to s3://dest-archive") {
		t.Fatalf("p then a should offer the policy:\n%s", h.view())
	}
	h.press("y")
	if got := h.b.BucketApplied; !slices.Equal(got, []string{"versioning", "cors", "logging", "policy"}) {
		t.Fatalf("applied %v after p", got)
	}
}

// TestBucketDialogWritesWhatItShowed: the dialog carries the plan it
// asked about; a p pressed before it was opened counts, one pressed
// after it is answered does not reach the write.
func TestBucketDialogWritesWhatItShowed(t *testing.T) {
	h := started(t, nil)
	h.press("5", "p", "a")
	if !strings.Contains(h.view(), "versioning, cors, logging, policy") {
		t.Fatalf("the dialog should list the policy:\n%s", h.view())
	}
	shown := h.model().dialogs[0].bucket
	h.model().bucket.res.AskPolicy = false // the tab's plan changing under the dialog
	h.press("y")
	if !shown.AskPolicy || !slices.Contains(h.b.BucketApplied, "policy") {
		t.Errorf("the write should follow the dialog's plan: applied %v", h.b.BucketApplied)
	}
}

// TestBucketApplyFailure: a failed apply says why and keeps the plan.
func TestBucketApplyFailure(t *testing.T) {
	h := started(t, func(r *recorder) { r.BucketApplyErr = errors.New("open journal j.db: in use by pid 42 on host h") })
	h.press("5", "a", "y")
	v := h.view()
	if !strings.Contains(v, "✗ apply failed: open journal j.db: in use by pid 42 on host h") || !strings.Contains(v, "versioning           to apply") {
		t.Errorf("a failed apply should say why and keep the plan:\n%s", v)
	}
}

// TestBucketScroll: the plan scrolls within the tab at a small height.
func TestBucketScroll(t *testing.T) {
	h := started(t, nil)
	h.press("5")
	h.s.Update(h.state, tea.WindowSizeMsg{Width: 120, Height: 24})
	first := h.view()
	h.press("pgdown")
	if h.model().bucket.scroll == 0 || h.view() == first {
		t.Fatalf("pgdown did not scroll the plan: scroll %d", h.model().bucket.scroll)
	}
	if !strings.Contains(h.view(), "lines ") {
		t.Error("no position line")
	}
}

// bucketText is the whole text of the Bucket tab, scrolled or not.
func bucketText(h *harness) string { return strings.Join(h.model().bucket.lines, "\n") }
