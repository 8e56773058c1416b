package migration

import (
	"context"
	"fmt"
	"strings"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
)

// FullyVerified reports whether a run left nothing unproven: no error or
// interruption, no failed object, and every object it copied checked and
// found intact. Only then may the read grant go (see RevokeGrant).
func (o *Outcome) FullyVerified() (ok bool, why string) {
	switch {
	case o.Err != nil:
		return false, "the run did not finish"
	case o.Result == nil:
		return false, "nothing ran"
	case len(o.Result.Failures) > 0:
		return false, fmt.Sprintf("%d objects failed", len(o.Result.Failures))
	case o.Verify == nil && o.Result.Copied > 0:
		return false, "the copies were not verified (--no-verify)"
	case o.Verify == nil:
		return true, "" // nothing was copied: every key was already identical
	case len(o.Verify.Mismatches) > 0:
		return false, fmt.Sprintf("%d objects differ", len(o.Verify.Mismatches))
	case o.Verify.Unchecked > 0:
		return false, fmt.Sprintf("%d objects could not be checked", o.Verify.Unchecked)
	case o.Verify.Verified != o.Verify.Checked:
		return false, fmt.Sprintf("%d of %d copies verified", o.Verify.Verified, o.Verify.Checked)
	}
	return true, ""
}

// RevokeGrant plans removing the migration's read grants from the origin
// bucket policy: the destination identity's s3migrate statements and, for
// a batch migration, its job role's; only those (the owner's and other
// grantees' stay). Nothing is written; apply the change with
// bucketpolicy.Apply, which re-reads the policy first. It returns the
// grantees named.
func (m *Migration) RevokeGrant(ctx context.Context) (bucketpolicy.Change, string, error) {
	id, err := awsauth.ResolveIdentity(ctx, m.Pair.DstSess)
	if err != nil {
		return bucketpolicy.Change{}, "", err
	}
	grantees := []string{id.Principal}
	if role := m.Def.Options.BatchRole; role != "" && role != id.Principal {
		grantees = append(grantees, role)
	}
	c, err := bucketpolicy.PlanRevert(ctx, m.Pair.SrcSess, m.Def.Src.Bucket, grantees...)
	return c, strings.Join(grantees, " and "), err
}
