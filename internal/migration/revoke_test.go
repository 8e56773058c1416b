package migration

import (
	"context"
	"errors"
	"testing"

	"github.com/s3migrate/s3migrate/transfer"
)

// TestFullyVerified: the grant may go only after a run that finished with
// no failure and every copy checked and intact.
func TestFullyVerified(t *testing.T) {
	copied := &transfer.Result{Copied: 3}
	intact := &VerifyReport{Checked: 3, Verified: 3}
	for name, c := range map[string]struct {
		o    Outcome
		want bool
	}{
		"verified":             {Outcome{Result: copied, Verify: intact}, true},
		"nothing to copy":      {Outcome{Result: &transfer.Result{}}, true},
		"interrupted":          {Outcome{Result: copied, Verify: intact, Err: context.Canceled}, false},
		"failed run":           {Outcome{Result: copied, Err: errors.New("listing denied")}, false},
		"a failed object":      {Outcome{Result: &transfer.Result{Copied: 2, Failures: []transfer.Failure{{Key: "k"}}}, Verify: &VerifyReport{Checked: 2, Verified: 2}}, false},
		"not verified":         {Outcome{Result: copied}, false},
		"a difference":         {Outcome{Result: copied, Verify: &VerifyReport{Checked: 3, Verified: 2, Mismatches: []transfer.Mismatch{{Rel: "k"}}}}, false},
		"could not be checked": {Outcome{Result: copied, Verify: &VerifyReport{Checked: 3, Verified: 2, Unchecked: 1}}, false},
		"no result":            {Outcome{}, false},
	} {
		if got, why := c.o.FullyVerified(); got != c.want || (!got && why == "") {
			t.Errorf("%s: %v (%q), want %v with a reason when false", name, got, why, c.want)
		}
	}
}
