package backend

import (
	"slices"
	"testing"

	"github.com/s3migrate/s3migrate/bucketpolicy"
)

// TestGrantsLeft: a grant this session applies is remembered until a
// change that removes it is applied; someone else's grant already in the
// policy is not this session's.
func TestGrantsLeft(t *testing.T) {
	const bucket, grantee, other = "origin-data", "arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root"
	merge := func(doc, principal string) string {
		stmts, err := bucketpolicy.MigrationStatements(bucketpolicy.GrantOptions{Bucket: bucket, Prefixes: []string{"logs/"}, Principal: principal})
		if err != nil {
			t.Fatal(err)
		}
		out, err := bucketpolicy.Merge(doc, stmts)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	theirs := merge("", other)
	ours := merge(theirs, grantee)
	b := New()
	b.noteGrants(bucketpolicy.Change{Bucket: bucket, Before: theirs, After: ours})
	if got, want := b.GrantsLeft(), []string{"s3://origin-data to " + grantee}; !slices.Equal(got, want) {
		t.Fatalf("after the grant: %q, want %q", got, want)
	}
	b.noteGrants(bucketpolicy.Change{Bucket: bucket, Before: ours, After: theirs})
	if got := b.GrantsLeft(); len(got) != 0 {
		t.Errorf("after the revoke: %q, want none", got)
	}
}
