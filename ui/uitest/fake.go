// Package uitest is a deterministic in-memory Backend for the TUI's unit
// and golden tests: fixed profiles, buckets and keys, so a view renders the
// same bytes every time. Integration tests use the real backend on the
// sandbox instead.
package uitest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// Fake is the test backend. Its fields may be changed before use.
type Fake struct {
	mu sync.Mutex
	// Objects of the origin bucket, by key.
	Objects map[string]transfer.Object
	// PreflightFails makes the "read sample object" check fail.
	PreflightFails bool
	// KMS makes the encryption check find SSE-KMS objects.
	KMS bool
	// Applied records ApplyPolicy calls.
	Applied int
	// Revoked makes RevokeChange find nothing left to revoke.
	Revoked bool
	// Grants is what GrantsLeft reports.
	Grants []string
	// Started records Start calls.
	Started []screen.Migration
	// Run is what Start returns; nil means a FakeRun that finishes at once.
	Run *FakeRun
	// Unfinished are the journaled migrations Resumable reports.
	Unfinished []screen.Resumable
	// VerifyMismatch are the differences Verify reports.
	VerifyMismatch []transfer.Mismatch
	// Details are the headers, metadata and tags Head reports per key
	// (absent keys get the listing's fields only); Content is what Peek
	// reads, and Peeks records each Peek as "key:n".
	Details map[string]screen.ObjectDetail
	Content map[string][]byte
	Peeks   []string
	// JobList is what Jobs returns (see jobs.go); Failures are the failed
	// objects per journal path; Forgotten records Forget calls, and
	// Reports JobReport's (journal path, directory).
	JobList   []screen.Job
	Failures  map[string][]screen.JobFailure
	Forgotten []string
	Reports   []string
	// BucketApplied records the configurations ApplyBucketConfig wrote
	// (see bucketconfig.go; later plans show them as the same on both);
	// BucketApplyErr fails the next apply, writing nothing.
	BucketApplied  []string
	BucketApplyErr error
	// DiffEntries, when set, is what Diff finds (any order); Plans are
	// the plans Diff returned, oldest first.
	DiffEntries []transfer.Entry
	Plans       []*MemPlan
	// DiffHold and WalkHold, when set, make Diff and Walk wait until their
	// context ends, as a long listing would (see Hold).
	DiffHold, WalkHold *Hold
}

// Hold makes a call wait until its context ends: Started is closed when it
// begins to wait, and Ended receives the context's error when it gives up.
type Hold struct {
	Started chan struct{}
	Ended   chan error
}

// NewHold is a Hold whose channels are ready.
func NewHold() *Hold { return &Hold{Started: make(chan struct{}), Ended: make(chan error, 1)} }

// wait blocks until ctx ends and reports it.
func (h *Hold) wait(ctx context.Context) error {
	close(h.Started)
	<-ctx.Done()
	h.Ended <- ctx.Err()
	return ctx.Err()
}

// Epoch is the fixed time of every fake object and bucket.
var Epoch = time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)

// New returns a fake with a small tree of objects.
func New() *Fake {
	f := &Fake{Objects: map[string]transfer.Object{}}
	add := func(k string, size int64) {
		f.Objects[k] = transfer.Object{Key: k, Size: size, ETag: fmt.Sprintf("%032x", len(k)*7919+int(size)), LastModified: Epoch, StorageClass: "STANDARD"}
	}
	for m := 1; m <= 3; m++ {
		for d := 1; d <= 4; d++ {
			add(fmt.Sprintf("logs/2026/%02d/%02d/events.json", m, d), int64(1000*m+d))
		}
	}
	for i := 0; i < 12; i++ {
		add(fmt.Sprintf("images/cats/img-%03d.jpg", i), int64(40_000+i))
	}
	add("reports/", 0)
	add("reports/2025/q1.csv", 4096)
	add("reports/2025/q2.csv", 5120)
	add("backups/2026-11-01/db-dump.tar", 80<<20)
	add("README.txt", 321)
	f.Details = map[string]screen.ObjectDetail{
		"README.txt": {ContentType: "text/plain; charset=utf-8", CacheControl: "no-cache",
			Metadata: map[string]string{"owner": "data-team"}, Tags: []screen.Tag{{Key: "team", Value: "data"}}},
		"images/cats/img-000.jpg": {ContentType: "image/jpeg", CacheControl: "public, max-age=86400",
			Metadata: map[string]string{"album": "cats"}, Lock: "GOVERNANCE until 2027-01-01 00:00 UTC, legal hold"},
	}
	readme := "Origin data for the s3migrate demo.\r\nSee logs/ and reports/.\n\tindented \x1b[31mred\n" + strings.Repeat("filler line\n", 30)
	f.Content = map[string][]byte{"README.txt": []byte(readme[:321])}
	return f
}

var _ screen.Backend = (*Fake)(nil)

// Profiles are two sandbox-like profiles and a broken one.
func (f *Fake) Profiles() ([]awsauth.ProfileInfo, error) {
	return []awsauth.ProfileInfo{
		{Name: "prod-archive", Kind: awsauth.KindSSO, Region: "eu-west-1"},
		{Name: "prod-origin", Kind: awsauth.KindStatic, Region: "us-east-1"},
		{Name: "stale-role", Kind: awsauth.KindAssumeRole, Region: "us-east-1", Problem: `source_profile "gone" does not exist`},
	}, nil
}

// Identity gives fixed accounts.
func (f *Fake) Identity(_ context.Context, profile string) (awsauth.Identity, error) {
	switch profile {
	case "prod-origin":
		return awsauth.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/migrator", Principal: "arn:aws:iam::111122223333:root"}, nil
	case "prod-archive":
		return awsauth.Identity{Account: "444455556666", ARN: "arn:aws:sts::444455556666:assumed-role/Archive/s", Principal: "arn:aws:iam::444455556666:root"}, nil
	}
	return awsauth.Identity{}, errors.New("the SSO session has expired: run `aws sso login --profile " + profile + "`")
}

// Buckets returns fixed buckets per profile.
func (f *Fake) Buckets(_ context.Context, profile string) ([]screen.Bucket, error) {
	if profile == "prod-origin" {
		return []screen.Bucket{{Name: "origin-data", Region: "us-east-1", Created: Epoch}, {Name: "origin-logs", Region: "us-east-1", Created: Epoch.AddDate(0, -2, 0)}}, nil
	}
	return []screen.Bucket{{Name: "dest-archive", Region: "eu-west-1", Created: Epoch}}, nil
}

// CreateBucket accepts valid names; like a bucket, it says it took the
// fake origin's region and ownership.
func (f *Fake) CreateBucket(_ context.Context, _, name string, like screen.BucketRef) (string, error) {
	if err := transfer.ValidateBucketName(name); err != nil {
		return "", err
	}
	if like.Bucket == "" {
		return "", nil
	}
	return "in us-east-1, Object Ownership BucketOwnerEnforced, like the source s3://" + like.Bucket, nil
}

// List is a delimiter listing of Objects (one page).
func (f *Fake) List(_ context.Context, _, _, prefix, _ string) (screen.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[string]bool{}
	var pg screen.Page
	var keys []string
	for k := range f.Objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || rest == "" {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			if p := prefix + rest[:i+1]; !seen[p] {
				seen[p] = true
				pg.Prefixes = append(pg.Prefixes, p)
			}
			continue
		}
		pg.Objects = append(pg.Objects, f.Objects[k])
	}
	return pg, nil
}

// Walk streams the objects under prefix in key order, stopping when ctx
// ends; with WalkHold set it waits for ctx to end first.
func (f *Fake) Walk(ctx context.Context, _, _, prefix string) iter.Seq2[transfer.Object, error] {
	return func(yield func(transfer.Object, error) bool) {
		if f.WalkHold != nil {
			yield(transfer.Object{}, f.WalkHold.wait(ctx))
			return
		}
		f.mu.Lock()
		var objs []transfer.Object
		for k, o := range f.Objects {
			if strings.HasPrefix(k, prefix) {
				objs = append(objs, o)
			}
		}
		f.mu.Unlock()
		sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
		for _, o := range objs {
			if err := ctx.Err(); err != nil {
				yield(transfer.Object{}, err)
				return
			}
			if !yield(o, nil) {
				return
			}
		}
	}
}

// Head returns the listing's fields of key with Details[key].
func (f *Fake) Head(_ context.Context, _, bucket, key string) (screen.ObjectDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.Objects[key]
	if !ok {
		return screen.ObjectDetail{}, fmt.Errorf("head s3://%s/%s: NotFound", bucket, key)
	}
	d := f.Details[key]
	d.Object = o
	return d, nil
}

// Peek returns at most the first n bytes of Content[key] and records the
// call.
func (f *Fake) Peek(_ context.Context, _, _, key string, n int64) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Peeks = append(f.Peeks, fmt.Sprintf("%s:%d", key, n))
	c := f.Content[key]
	return c[:min(int64(len(c)), n)], nil
}

// Count totals the selected items.
func (f *Fake) Count(_ context.Context, _, _ string, items []string) (int64, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n, b int64
	for k, o := range f.Objects {
		for _, it := range items {
			if k == it || (strings.HasSuffix(it, "/") && strings.HasPrefix(k, it)) {
				n++
				b += o.Size
				break
			}
		}
	}
	return n, b, nil
}

// PolicyBefore is the fake origin bucket's current policy.
const PolicyBefore = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnerFullAccess",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::origin-data", "arn:aws:s3:::origin-data/*"]
    }
  ]
}`

// PolicyChange merges the real statements into PolicyBefore.
func (f *Fake) PolicyChange(_ context.Context, m screen.Migration, broad bool) (bucketpolicy.Change, error) {
	prefixes := m.Items
	if len(prefixes) == 0 {
		prefixes = []string{""}
	}
	stmts, err := bucketpolicy.MigrationStatements(bucketpolicy.GrantOptions{Bucket: m.SrcBucket, Prefixes: prefixes, Principal: "arn:aws:iam::444455556666:root", Broad: broad})
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	after, err := bucketpolicy.Merge(PolicyBefore, stmts)
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	before, _ := bucketpolicy.Format(PolicyBefore)
	return bucketpolicy.Change{Bucket: m.SrcBucket, Before: before, After: after}, nil
}

// GrantsLeft reports Grants.
func (f *Fake) GrantsLeft() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.Grants)
}

// RevokeChange plans removing the fake grant: the policy goes back to
// PolicyBefore, unless Revoked says it already has.
func (f *Fake) RevokeChange(ctx context.Context, m screen.Migration) (bucketpolicy.Change, error) {
	granted, err := f.PolicyChange(ctx, m, false)
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := bucketpolicy.Change{Bucket: m.SrcBucket, Before: granted.After, After: granted.Before, Grantee: "arn:aws:iam::444455556666:root", Withdrawn: []string{"logs/"}}
	if f.Revoked {
		c.Before = c.After
	}
	return c, nil
}

// ApplyPolicy counts the call and clears a failing preflight.
func (f *Fake) ApplyPolicy(context.Context, screen.Migration, bucketpolicy.Change) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Applied++
	f.PreflightFails = false
	return nil
}

// Preflight returns a fixed set of checks.
func (f *Fake) Preflight(context.Context, screen.Migration, screen.RunOptions) ([]preflight.Check, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	read := preflight.Check{Name: "read sample object", Status: preflight.StatusPass, Reason: "destination identity can read s3://origin-data/logs/2026/01/01/events.json"}
	if f.PreflightFails {
		read = preflight.Check{Name: "read sample object", Status: preflight.StatusFail, Reason: "destination identity cannot read s3://origin-data/logs/2026/01/01/events.json: AccessDenied",
			Fix: "apply the proposed policy (Policy tab)"}
	}
	enc := preflight.Check{Name: "source encryption", Status: preflight.StatusPass, Reason: "20 sampled objects: 20 none"}
	if f.KMS {
		enc = preflight.Check{Name: "source encryption", Status: preflight.StatusWarn, Reason: "3 of 20 sampled objects use SSE-KMS keys arn:aws:kms:us-east-1:111122223333:key/k1"}
	}
	return []preflight.Check{
		{Name: "list source", Status: preflight.StatusPass, Reason: "origin identity can list s3://origin-data/"},
		read, enc,
		{Name: "destination object ownership", Status: preflight.StatusPass, Reason: "s3://dest-archive is BucketOwnerEnforced"},
		{Name: "bucket configuration not copied", Status: preflight.StatusWarn, Reason: "s3://origin-data has lifecycle rules: copying objects does not move them", Fix: "move them with the Bucket tab (5), which applies them after a confirmation"},
	}, nil
}

// Diff treats every selected object as new, except README.txt (identical)
// and reports/2025/q2.csv (changed), with one extra key; with DiffEntries
// set it diffs to those instead; with DiffHold set it waits for its
// context. The plan is a MemPlan, closed when ctx ends.
func (f *Fake) Diff(ctx context.Context, m screen.Migration) (screen.DiffSummary, error) {
	if f.DiffHold != nil {
		return screen.DiffSummary{}, f.DiffHold.wait(ctx)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var sum screen.DiffSummary
	entries := f.DiffEntries
	if entries == nil {
		entries = f.diffEntries(m)
	}
	entries, err := filterAndEstimate(entries, m, &sum)
	if err != nil {
		return screen.DiffSummary{}, err
	}
	for _, e := range entries {
		sum.Stats.Add(e)
	}
	p := NewMemPlan(entries)
	f.Plans = append(f.Plans, p)
	context.AfterFunc(ctx, func() { p.Close() })
	sum.Plan = p
	return sum, nil
}

// DiffEntriesOf is what Diff finds for m (without DiffEntries set).
func (f *Fake) DiffEntriesOf(m screen.Migration) []transfer.Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.diffEntries(m)
}

// diffEntries is the fake's diff of the selection (f.mu held).
func (f *Fake) diffEntries(m screen.Migration) []transfer.Entry {
	var keys []string
	for k := range f.Objects {
		for _, it := range m.Items {
			if k == it || (strings.HasSuffix(it, "/") && strings.HasPrefix(k, it)) {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.Strings(keys)
	var out []transfer.Entry
	for _, k := range keys {
		o := f.Objects[k]
		e := transfer.Entry{Rel: k, Class: transfer.ClassNew, Src: o}
		switch {
		case k == "README.txt":
			e.Class, e.Dst = transfer.ClassIdentical, o
		case strings.HasSuffix(k, "q2.csv"):
			e.Class, e.Dst, e.Reason = transfer.ClassChanged, transfer.Object{Key: k, Size: 4000}, "size 3.9 KiB → 5.0 KiB"
		}
		out = append(out, e)
	}
	return append(out, transfer.Entry{Rel: "old/stale.bin", Class: transfer.ClassExtra, Dst: transfer.Object{Key: "old/stale.bin", Size: 2048}})
}

// Resumable returns f.Unfinished.
func (f *Fake) Resumable() ([]screen.Resumable, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Unfinished, nil
}

// Verify reports every selected object verified, or VerifyMismatch.
func (f *Fake) Verify(_ context.Context, m screen.Migration) (*transfer.VerifyResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res := &transfer.VerifyResult{}
	for k := range f.Objects {
		for _, it := range m.Items {
			if k == it || (strings.HasSuffix(it, "/") && strings.HasPrefix(k, it)) {
				res.Checked++
				res.Verified++
				break
			}
		}
	}
	res.Mismatches = append(res.Mismatches, f.VerifyMismatch...)
	res.Verified -= int64(len(f.VerifyMismatch))
	return res, nil
}

// Start records the call and returns f.Run (or a run that is already done).
func (f *Fake) Start(_ context.Context, m screen.Migration, _ screen.RunOptions) (screen.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Started = append(f.Started, m)
	if f.Run != nil {
		return f.Run, nil
	}
	r := NewRun(FixedSnapshot(true))
	r.Finish(screen.RunResult{Result: &transfer.Result{Copied: 3, Bytes: 3000, Elapsed: 2 * time.Second}})
	return r, nil
}
