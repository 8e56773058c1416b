package migration

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/transfer"
)

// The engines a migration copies with.
const (
	// EngineLocal copies from this machine (server-side or relayed).
	EngineLocal = "local"
	// EngineBatch hands the copy to an S3 Batch Operations job in the
	// destination account; objects above 5 GB, and failed tasks when few,
	// are copied by the local engine.
	EngineBatch = "batch"
)

// BatchPlan is what the operator confirms before a batch job runs: the job
// was created and waits, Suspended, for this answer.
type BatchPlan struct {
	JobID, Role, Manifest string
	// Count and Bytes are what the job copies; Local what the local engine
	// copies beside it (objects above the job's 5 GB limit).
	Count, Bytes, Local int64
	// Target is the destination folder the copies go to.
	Target string
}

// ErrBatchRefused is a batch job the operator did not confirm: it was
// cancelled before it ran.
var ErrBatchRefused = errors.New("batch job not confirmed")

// maxLocalRetries bounds the failed tasks the local engine copies again
// after a job; more than that are left failed for a resume to plan again.
const maxLocalRetries = 1000

// batchFollowEvery is how often a running job is described.
var batchFollowEvery = 2 * time.Second

// batchState is the job in progress, merged into Snapshot.
type batchState struct {
	mu     sync.Mutex
	status batchjob.Status
	active bool
	// started is when the run began following a job: the local engine's
	// clock stands still while only the job copies.
	started time.Time
}

// runBatch hands the pending rows of this run's plan to an S3 Batch
// Operations job and settles them from its completion report. It waits
// for the whole plan: a manifest lists it at once.
func (m *Migration) runBatch(ctx context.Context, pl *planner, ro RunOptions) (*transfer.Result, error) {
	if !ro.Yes && ro.ConfirmBatch == nil {
		// Nothing runs unseen, and a job created only to be cancelled
		// costs its fee: refuse before anything is written.
		return nil, fmt.Errorf("%w: this front end cannot ask before an S3 Batch Operations job runs: use `s3migrate resume %s` (or sync --engine batch)", ErrBatchRefused, m.ID())
	}
	select {
	case <-pl.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if pl.err != nil {
		return nil, pl.err
	}
	m.eng.SetPhase(transfer.PhaseCopying)
	target, err := batchjob.CheckMapping(m.Def.Src.Prefix, m.Def.Dst.Prefix)
	if err != nil {
		return nil, err
	}
	where, err := transfer.ParseLocation(m.Def.Options.BatchBucket)
	if err != nil {
		return nil, fmt.Errorf("--batch-bucket: %w", err)
	}
	c, err := m.batchClient(ctx, where.Bucket)
	if err != nil {
		return nil, err
	}
	res := &transfer.Result{}
	started := time.Now()
	defer func() { res.Elapsed = time.Since(started) }()
	var retry []transfer.Entry

	// A job an earlier run created and did not finish reading: follow it
	// to its end and settle what it copied, rather than start a second one.
	if old, ok, err := m.j.LastBatchJob(); err != nil {
		return nil, err
	} else if ok && !old.Read {
		// An earlier run created it and ended before the operator's answer
		// reached it (killed while asking): it still waits, and is asked
		// about again, as a new job would be.
		if st, err := m.awaitConfirmation(ctx, c, old.ID); err != nil {
			return res, err
		} else if st.AwaitingConfirmation {
			plan := BatchPlan{JobID: old.ID, Role: m.Def.Options.BatchRole, Count: old.Count, Target: m.Def.Dst.String(),
				Manifest: c.BucketARN(old.ManifestBucket) + "/" + old.ManifestKey}
			if !ro.Yes && (ro.ConfirmBatch == nil || !ro.ConfirmBatch(plan)) {
				_ = c.Cancel(context.WithoutCancel(ctx), old.ID, "not confirmed by the operator")
				old.State, old.Read = batchjob.StateCancelled, true
				_ = m.j.SetBatchJob(old)
				return res, fmt.Errorf("%w: job %s was cancelled before it ran; nothing was copied by it", ErrBatchRefused, old.ID)
			}
			if err := c.Confirm(ctx, old.ID); err != nil {
				return res, err
			}
		}
		m.eng.Notice("reattaching to S3 Batch Operations job %s of an earlier run", old.ID)
		more, err := m.finishJob(ctx, c, old, ro, res)
		retry = append(retry, more...)
		if err != nil {
			return res, err
		}
	}

	// The manifest: this run's pending rows up to the job's limit; the
	// larger ones go to the local engine.
	var local []transfer.Entry
	items := func(yield func(batchjob.Item, error) bool) {
		for e, err := range m.rows(ctx, journal.StatusPending, nil) {
			if err != nil {
				yield(batchjob.Item{}, err)
				return
			}
			if e.Class != transfer.ClassNew && e.Class != transfer.ClassChanged {
				continue
			}
			if !yield(batchjob.Item{Bucket: m.Def.Src.Bucket, Key: e.Src.Key, Size: e.Src.Size}, nil) {
				return
			}
		}
	}
	byKey := map[string]transfer.Entry{} // only the oversize ones
	ref, err := c.WriteManifest(ctx, where.Bucket, batchjob.ManifestKey(where.Prefix, fmt.Sprintf("%s-run%d", m.ID(), m.j.Run())), items, batchjob.ManifestOptions{
		Oversize: func(it batchjob.Item) error {
			rel := strings.TrimPrefix(it.Key, m.Def.Src.Prefix)
			row, ok, err := m.j.Row(rel)
			if err != nil || !ok {
				return fmt.Errorf("journal row of %s: %v", rel, err)
			}
			byKey[rel] = row.Entry(m.Def.Src, m.Def.Dst)
			return nil
		},
	})
	if err != nil {
		return res, err
	}
	for _, e := range byKey {
		local = append(local, e)
	}
	if ref.Count > 0 {
		spec := batchjob.Spec{
			RoleARN: m.Def.Options.BatchRole, Manifest: ref, TargetBucket: m.Def.Dst.Bucket, TargetKeyPrefix: target,
			StorageClass: m.Def.Options.StorageClass, ACL: m.Def.Options.ACL, SSEKMSKeyID: m.Def.Options.SSEKMSKeyID,
			ReportBucket: where.Bucket, ReportPrefix: batchjob.ReportsPrefix(where.Prefix),
			Description: "s3migrate " + m.ID() + ": " + m.Def.Mapping(),
		}
		id, err := c.Create(ctx, spec)
		if err != nil {
			return res, err
		}
		job := journal.BatchJob{Run: m.j.Run(), ID: id, ManifestBucket: ref.Bucket, ManifestKey: ref.Key, ManifestETag: ref.ETag,
			Count: ref.Count, ReportBucket: where.Bucket, ReportPrefix: spec.ReportPrefix, Token: spec.Token(), State: batchjob.StateSuspended}
		if err := m.j.SetBatchJob(job); err != nil {
			return res, err
		}
		// The job reads its manifest first (New, Preparing); only then does
		// it wait, Suspended, for the confirmation.
		st, err := m.awaitConfirmation(ctx, c, id)
		if err != nil {
			return res, err
		}
		if st.Done() {
			job.State, job.Read = st.State, true
			_ = m.j.SetBatchJob(job)
			return res, fmt.Errorf("batch job %s ended %s before it was confirmed: %s", id, st.State, strings.Join(st.FailureReasons, "; "))
		}
		plan := BatchPlan{JobID: id, Role: spec.RoleARN, Manifest: ref.ARN, Count: ref.Count, Bytes: ref.Bytes, Local: int64(len(local)),
			Target: m.Def.Dst.String()}
		if !ro.Yes && (ro.ConfirmBatch == nil || !ro.ConfirmBatch(plan)) {
			_ = c.Cancel(context.WithoutCancel(ctx), id, "not confirmed by the operator")
			job.State, job.Read = batchjob.StateCancelled, true
			_ = m.j.SetBatchJob(job)
			return res, fmt.Errorf("%w: job %s was cancelled before it ran; nothing was copied by it", ErrBatchRefused, id)
		}
		if err := c.Confirm(ctx, id); err != nil {
			return res, err
		}
		// The objects above the job's limit, by the local engine at the
		// same time.
		var localRes *transfer.Result
		var localErr error
		localDone := make(chan struct{})
		go func() {
			defer close(localDone)
			if len(local) > 0 {
				localRes, localErr = m.eng.Settle(ctx, entriesOf(local))
			}
		}()
		more, err := m.finishJob(ctx, c, job, ro, res)
		<-localDone
		retry = append(retry, more...)
		mergeResult(res, localRes)
		if err == nil {
			err = localErr
		}
		if err != nil {
			return res, err
		}
	} else if len(local) > 0 {
		r, err := m.eng.Settle(ctx, entriesOf(local))
		mergeResult(res, r)
		if err != nil {
			return res, err
		}
	}
	if len(retry) > 0 {
		m.eng.Notice("copying with the local engine what the batch job could not: %d objects", len(retry))
		r, err := m.eng.Settle(ctx, entriesOf(retry))
		mergeResult(res, r)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// finishJob follows a job to its end, then settles its tasks into the
// journal from the completion report. It returns the entries worth copying
// again locally (objects above the limit, throttled or failed server side),
// when few. Interrupted while following, it asks whether to cancel the job;
// otherwise the job goes on and a resume reattaches to it.
func (m *Migration) finishJob(ctx context.Context, c *batchjob.Client, job journal.BatchJob, ro RunOptions, res *transfer.Result) ([]transfer.Entry, error) {
	m.batch.mu.Lock()
	m.batch.active, m.batch.status = true, batchjob.Status{JobID: job.ID, State: job.State, Total: job.Count}
	if m.batch.started.IsZero() {
		m.batch.started = time.Now()
	}
	m.batch.mu.Unlock()
	defer func() {
		m.batch.mu.Lock()
		m.batch.active = false
		m.batch.mu.Unlock()
	}()
	st, err := c.Follow(ctx, job.ID, batchFollowEvery, func(st batchjob.Status) {
		m.batch.mu.Lock()
		m.batch.status = st
		m.batch.mu.Unlock()
	})
	if err != nil {
		if ctx.Err() != nil && ro.CancelBatch != nil && ro.CancelBatch(job.ID) {
			if cerr := c.Cancel(context.WithoutCancel(ctx), job.ID, "cancelled by the operator"); cerr != nil {
				return nil, fmt.Errorf("%w (and cancelling job %s failed: %v)", err, job.ID, cerr)
			}
			m.eng.Notice("batch job %s cancelled; the tasks it ran stay copied", job.ID)
			if now, derr := c.Describe(context.WithoutCancel(ctx), job.ID); derr == nil {
				st = now // Cancelling or Cancelled, as the account says
			}
		} else if ctx.Err() != nil {
			m.eng.Notice("batch job %s goes on in the destination account; `s3migrate resume %s` reattaches to it", job.ID, m.ID())
		}
		job.State = st.State
		_ = m.j.SetBatchJob(job)
		return nil, err
	}
	job.State = st.State
	if err := m.j.SetBatchJob(job); err != nil {
		return nil, err
	}
	if st.State == batchjob.StateFailed {
		return nil, fmt.Errorf("batch job %s failed: %s: fix the cause and resume (a new job is created for what is left)", job.ID, strings.Join(st.FailureReasons, "; "))
	}
	var retry []transfer.Entry
	settled := int64(0)
	for r, err := range c.ReadReport(ctx, job.ReportBucket, job.ReportPrefix, job.ID) {
		if err != nil {
			var line *batchjob.ReportLineError
			if errors.As(err, &line) {
				m.eng.Notice("completion report of job %s: %v", job.ID, err)
				continue
			}
			if st.State == batchjob.StateCancelled && settled == 0 {
				break // cancelled before any task ran: no report
			}
			return retry, err
		}
		rel := strings.TrimPrefix(r.Key, m.Def.Src.Prefix)
		row, ok, err := m.j.Row(rel)
		if err != nil {
			return retry, err
		}
		if !ok || row.Status != journal.StatusPending {
			continue // not this plan's (or already settled)
		}
		e := row.Entry(m.Def.Src, m.Def.Dst)
		settled++
		switch {
		case r.Succeeded():
			// The report does not say what ETag the copy got: record none
			// (the plan's destination ETag is the object it replaced), so a
			// later plan compares this key the ordinary way.
			e.Dst = transfer.Object{}
			m.j.Finished(e, "batch", 1, nil)
			res.Copied++
			res.Bytes += e.Src.Size
		case r.TooLarge() || r.HTTPStatus >= 500 || r.ErrorCode == "SlowDown":
			retry = append(retry, e)
		default:
			taskErr := &s3err.OpError{Op: "batch copy", URL: m.Def.Src.URL(e.Src.Key) + " → " + m.Def.Dst.URL(m.Def.Dst.Prefix+rel),
				Identity: "job " + job.ID, Err: &smithy.GenericAPIError{Code: r.ErrorCode, Message: r.Message}}
			m.j.Finished(e, "batch", 1, taskErr)
			res.Failures = append(res.Failures, transfer.Failure{Key: m.Def.Dst.Prefix + rel, Op: "copy", Err: taskErr, Attempts: 1})
		}
	}
	if len(retry) > maxLocalRetries {
		m.eng.Notice("%d tasks of job %s failed to copy and are left for a resume: more than the %d the local engine retries", len(retry), job.ID, maxLocalRetries)
		retry = nil
	}
	if err := m.j.Flush(); err != nil {
		return retry, err
	}
	job.Read = true
	return retry, m.j.SetBatchJob(job)
}

// awaitConfirmation follows a job while it reads its manifest (New,
// Preparing): then a new job waits for its confirmation, or has ended (a
// manifest it cannot read fails it); an earlier run's job may also be
// running or done already.
func (m *Migration) awaitConfirmation(ctx context.Context, c *batchjob.Client, id string) (batchjob.Status, error) {
	every := min(batchFollowEvery, 500*time.Millisecond)
	for {
		st, err := c.Describe(ctx, id)
		if err != nil {
			return st, err
		}
		if st.State != batchjob.StateNew && st.State != batchjob.StatePreparing {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(every):
		}
	}
}

// batchClient is the destination account's batch job client.
func (m *Migration) batchClient(ctx context.Context, bucket string) (*batchjob.Client, error) {
	s := m.Pair.DstSess
	id, err := awsauth.ResolveIdentity(ctx, s)
	if err != nil {
		return nil, err
	}
	account := id.Account
	if account == "" {
		account = id.Principal // no STS (the sandbox): the access key id stands for it
	}
	part, _, _ := strings.Cut(strings.TrimPrefix(id.ARN, "arn:"), ":")
	return &batchjob.Client{S3: s.BucketClient(ctx, bucket), Control: batchjob.NewControlClient(s.Config, s.Endpoint),
		AccountID: account, Partition: part, Identity: s.Name()}, nil
}

// batchSnapshot adds a running job's tasks to the local engine's snapshot.
func (m *Migration) batchSnapshot(s transfer.Snapshot) transfer.Snapshot {
	m.batch.mu.Lock()
	st, active, started := m.batch.status, m.batch.active, m.batch.started
	m.batch.mu.Unlock()
	if st.JobID == "" {
		return s
	}
	if active {
		s.Elapsed = max(s.Elapsed, time.Since(started))
	}
	s.Copied += st.Succeeded
	s.Batch += st.Succeeded
	s.Failed += st.Failed
	if done := st.Succeeded + st.Failed; done > 0 && st.Elapsed > 0 {
		s.ObjectsPerSec = float64(done) / st.Elapsed.Seconds()
	}
	if eta := st.ETA(); active && eta > 0 {
		s.ETA = eta
	}
	if !active {
		return s
	}
	s.Job = transfer.JobProgress{ID: st.JobID, State: st.State, Done: st.Succeeded, Failed: st.Failed, Total: st.Total}
	s.Notices = append(s.Notices, fmt.Sprintf("batch job %s: %s, %d of %d tasks done, %d failed", st.JobID, st.State, st.Succeeded, st.Total, st.Failed))
	return s
}

func entriesOf(es []transfer.Entry) iter.Seq2[transfer.Entry, error] {
	return func(yield func(transfer.Entry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// mergeResult adds what a local run did to the batch run's result.
func mergeResult(into, r *transfer.Result) {
	if r == nil {
		return
	}
	into.Copied += r.Copied
	into.Bytes += r.Bytes
	into.Failures = append(into.Failures, r.Failures...)
	into.Notices = append(into.Notices, r.Notices...)
	into.Elapsed = max(into.Elapsed, r.Elapsed)
}
