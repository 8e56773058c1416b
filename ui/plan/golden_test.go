package plan

import "testing"

func TestGoldenPolicy(t *testing.T) {
	h := started(t, nil)
	golden(t, "policy", h.view())
}

func TestGoldenPolicyDialog(t *testing.T) {
	h := started(t, nil)
	h.press("a")
	golden(t, "policy_dialog", h.view())
}

func TestGoldenPreflight(t *testing.T) {
	h := started(t, func(r *recorder) { r.PreflightFails = true })
	h.press("2")
	golden(t, "preflight", h.view())
}

func TestGoldenDiff(t *testing.T) {
	h := started(t, nil)
	h.press("3")
	golden(t, "diff", h.view())
}

func TestGoldenDiffDrillDown(t *testing.T) {
	h := started(t, nil)
	h.press("3", "enter")
	golden(t, "diff_new", h.view())
}

func TestGoldenOptions(t *testing.T) {
	h := started(t, nil)
	h.press("4", "down", "down", "down", "space")
	golden(t, "options", h.view())
}

func TestGoldenBucket(t *testing.T) {
	h := started(t, nil)
	h.press("5")
	golden(t, "bucket", h.view())
}

func TestGoldenBucketDialog(t *testing.T) {
	h := started(t, nil)
	h.press("5", "p", "a")
	golden(t, "bucket_dialog", h.view())
}
