package backend

import (
	"context"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The Plan screen's Bucket tab: the bucket-config command's plan and
// apply, and the journal that keeps what was applied. A migration picked up
// again has a journal: an apply takes its lock (refused while a run holds
// it) and records there. A new migration has none until Start: what is
// applied before is kept here and recorded into the journal Start creates.

// sides loads both identities of a migration, as bucket-config does.
func (b *Live) sides(ctx context.Context, m screen.Migration) (bucketconfig.Sides, error) {
	s := bucketconfig.Sides{SrcBucket: m.SrcBucket, DstBucket: m.DstBucket}
	var err error
	if s.Src, err = b.session(ctx, m.SrcProfile); err != nil {
		return s, err
	}
	if s.Dst, err = b.session(ctx, m.DstProfile); err != nil {
		return s, err
	}
	if s.SrcID, err = awsauth.ResolveIdentity(ctx, s.Src); err != nil {
		return s, err
	}
	s.DstID, err = awsauth.ResolveIdentity(ctx, s.Dst)
	return s, err
}

// BucketConfig plans the destination bucket's configuration, with what
// this migration applied before taken into account.
func (b *Live) BucketConfig(ctx context.Context, m screen.Migration) (*bucketconfig.Result, error) {
	sides, err := b.sides(ctx, m)
	if err != nil {
		return nil, err
	}
	res, err := bucketconfig.Plan(ctx, sides, bucketconfig.Options{})
	if err != nil {
		return nil, err
	}
	recs, err := b.appliedBefore(m)
	if err != nil {
		return nil, err
	}
	res.Recorded(recs)
	return res, nil
}

// ApplyBucketConfig applies a copy of plan and records what was written.
func (b *Live) ApplyBucketConfig(ctx context.Context, m screen.Migration, plan *bucketconfig.Result) (*bucketconfig.Result, error) {
	var j *journal.Journal
	if m.Journal != "" {
		// Taken before anything is written: a run holding the journal
		// refuses the apply instead of leaving it unrecorded.
		var err error
		if j, err = journal.Open(m.Journal); err != nil {
			return nil, err
		}
		defer j.Close()
	}
	res := plan.Clone()
	err := bucketconfig.Apply(ctx, res)
	recs := appliedRecords(res)
	if j == nil {
		b.remember(m, recs...)
		return res, err
	}
	for _, r := range recs {
		if rerr := j.RecordBucketConfig(r.Kind, r.Value); rerr != nil && err == nil {
			err = rerr
		}
	}
	return res, err
}

// remember keeps what was applied for a migration without a journal yet.
func (b *Live) remember(m screen.Migration, recs ...bucketconfig.Record) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.applied == nil {
		b.applied = map[string][]bucketconfig.Record{}
	}
	b.applied[appliedKey(m)] = append(b.applied[appliedKey(m)], recs...)
}

// rememberCreated keeps a bucket created like like.Bucket: the migration
// between the two, once started, journals (and reports) the creation.
func (b *Live) rememberCreated(like screen.BucketRef, profile, name string, c *bucketconfig.Creation) {
	b.remember(screen.Migration{SrcProfile: like.Profile, SrcBucket: like.Bucket, DstProfile: profile, DstBucket: name},
		bucketconfig.Record{Kind: bucketconfig.KindBucket, Value: c.Summary(), At: time.Now()})
}

// journalApplied records into a new migration's journal what the Bucket
// tab applied before Start, so its report lists it and a resume knows.
func (b *Live) journalApplied(mig *migration.Migration, m screen.Migration) error {
	j := mig.Journal()
	if j == nil { // a dry run: kept for the real one
		return nil
	}
	b.mu.Lock()
	recs := b.applied[appliedKey(m)]
	delete(b.applied, appliedKey(m))
	b.mu.Unlock()
	for _, r := range recs {
		if err := j.RecordBucketConfig(r.Kind, r.Value); err != nil {
			return err
		}
	}
	return nil
}

// appliedBefore is what this migration applied: its journal's records, or
// those kept for the journal Start will create.
func (b *Live) appliedBefore(m screen.Migration) ([]bucketconfig.Record, error) {
	if m.Journal == "" {
		b.mu.Lock()
		defer b.mu.Unlock()
		return append([]bucketconfig.Record(nil), b.applied[appliedKey(m)]...), nil
	}
	rows, err := journal.ReadBucketConfigs(m.Journal)
	if err != nil {
		return nil, err
	}
	out := make([]bucketconfig.Record, len(rows))
	for i, r := range rows {
		out[i] = bucketconfig.Record{Kind: r.Kind, Value: r.Applied, At: r.At}
	}
	return out, nil
}

// appliedRecords are the records of what Apply wrote.
func appliedRecords(res *bucketconfig.Result) []bucketconfig.Record {
	var out []bucketconfig.Record
	now := time.Now()
	if c := res.Create; c != nil && c.Created {
		out = append(out, bucketconfig.Record{Kind: bucketconfig.KindBucket, Value: c.Summary(), At: now})
	}
	for _, it := range res.Items {
		if it.Applied {
			out = append(out, bucketconfig.Record{Kind: string(it.Kind), Value: it.Proposed, At: now})
		}
	}
	return out
}

// appliedKey names a migration that has no journal yet.
func appliedKey(m screen.Migration) string {
	return m.SrcProfile + "\x00" + m.SrcBucket + "\x00" + m.DstProfile + "\x00" + m.DstBucket
}
