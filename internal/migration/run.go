package migration

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"sync"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/transfer"
)

// The lifecycle every front end calls (the TUI, sync, resume, sync
// --journal):
//
//	lock the journal → plan (list + diff into the journal, running ahead of
//	the copy) → copy (the engine takes pending rows) → delete (when asked,
//	confirmed, and every copy succeeded) → verify (what this run copied) →
//	settle the state → the caller writes the report.
//
// Resuming is opening the journal and running again: the definition in the
// journal gives the same key mapping and options.

// Migration is one migration opened for a run.
type Migration struct {
	Def  Definition
	Pair *Pair

	j   *journal.Journal // nil in a dry run
	eng *transfer.Engine

	frontier *frontier  // which plan rows the copy has settled (for the trailing check)
	batch    batchState // the S3 Batch Operations job in progress, if any

	runMu sync.Mutex // one Run at a time
	defMu sync.Mutex // guards Def.Options.Concurrency
}

// New prepares a migration of p with the options of def (its Src, Dst and
// Items are taken from p). Unless dryRun, it creates and locks a journal at
// journalPath ("" for a new file in journal.Dir()); an existing file at
// journalPath is opened instead and must describe the same migration.
func New(p *Pair, def Definition, journalPath string, dryRun bool) (*Migration, error) {
	def.Src, def.Dst, def.Items = p.Src, p.Dst, Selection(p.Items)
	if def.Options.Mode == "" {
		def.Options.Mode = transfer.ModeAuto
	}
	if def.Options.Compare == "" {
		def.Options.Compare = p.Compare
	}
	if def.Options.Engine == EngineBatch {
		// A mapping no job can express: refused before a journal exists.
		if _, err := batchjob.CheckMapping(def.Src.Prefix, def.Dst.Prefix); err != nil {
			return nil, err
		}
	}
	m := &Migration{Def: def, Pair: p}
	if !dryRun {
		j, err := createOrOpen(journalPath, def)
		if err != nil {
			return nil, err
		}
		m.j = j
		if existing, err := Decode(j.Definition().Spec); err == nil {
			// Re-running an existing journal keeps its definition: the
			// same mapping and options from every front end.
			m.Def = existing
		}
	}
	f, err := NewFilter(m.Def.Options.Filter, m.Def.Options.Window)
	if err != nil {
		m.Close()
		return nil, err
	}
	p.Filter = f
	m.newEngine(dryRun)
	return m, nil
}

func createOrOpen(path string, def Definition) (*journal.Journal, error) {
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			j, err := journal.Open(path)
			if err != nil {
				return nil, err
			}
			stored, err := Decode(j.Definition().Spec)
			if err == nil && (stored.Src != def.Src || stored.Dst != def.Dst || !sameItems(stored.Items, def.Items)) {
				err = fmt.Errorf("journal %s belongs to %s, not %s: pick another --journal", path, stored.Mapping(), def.Mapping())
			}
			if err != nil {
				j.Close()
				return nil, err
			}
			return j, nil
		}
	}
	return CreateJournal(path, def)
}

// CreateJournal journals def as a new migration at path (a new file of the
// journal directory when ""), without opening its buckets: Resume picks it
// up, and the Jobs screen and `jobs` list it.
func CreateJournal(path string, def Definition) (*journal.Journal, error) {
	jd, err := def.journalDefinition()
	if err != nil {
		return nil, err
	}
	return journal.Create(path, jd)
}

func sameItems(a, b []string) bool {
	a, b = Selection(a), Selection(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Resume opens a journaled migration to run it again: it locks the journal
// (failing at once, naming the holder, when another process has it), reads
// its definition and resolves both identities again.
func Resume(ctx context.Context, journalPath string, opt awsauth.Options) (*Migration, error) {
	j, err := journal.Open(journalPath)
	if err != nil {
		return nil, err
	}
	def, err := Decode(j.Definition().Spec)
	if err != nil {
		j.Close()
		return nil, fmt.Errorf("journal %s: %w", journalPath, err)
	}
	if opt.MaxConns == 0 {
		opt.MaxConns = def.Options.Concurrency
	}
	opt.RequesterPays = opt.RequesterPays || def.Options.RequesterPays
	p, err := Open(ctx, def.SrcProfile, def.DstProfile, def.Src, def.Dst, def.Options.Compare, opt)
	if err != nil {
		j.Close()
		return nil, err
	}
	p.Items = def.Items
	if p.Filter, err = NewFilter(def.Options.Filter, def.Options.Window); err != nil {
		j.Close()
		return nil, err
	}
	m := &Migration{Def: def, Pair: p, j: j}
	m.newEngine(false)
	return m, nil
}

func (m *Migration) newEngine(dryRun bool) {
	eo := m.Def.engineOptions()
	eo.DryRun = dryRun
	if m.j != nil {
		// The plan recognises what earlier runs copied (see Pair.Copies).
		m.Pair.Copies = m.j
		m.frontier = newFrontier()
		eo.Recorder = trackingRecorder{Recorder: m.j, f: m.frontier}
	}
	m.eng = transfer.New(eo, m.Pair.Endpoints())
}

// ID is the journal's migration id ("" in a dry run).
func (m *Migration) ID() string {
	if m.j == nil {
		return ""
	}
	return m.j.Definition().ID
}

// JournalPath is the journal's file ("" in a dry run).
func (m *Migration) JournalPath() string {
	if m.j == nil {
		return ""
	}
	return m.j.Path()
}

// Journal gives read access to the journal for reports (nil in a dry run).
func (m *Migration) Journal() *journal.Journal { return m.j }

// Snapshot is the progress of the run: what every display shows.
func (m *Migration) Snapshot() transfer.Snapshot { return m.batchSnapshot(m.eng.Snapshot()) }

// Pause and Unpause steer a running copy.
func (m *Migration) Pause()   { m.eng.Pause() }
func (m *Migration) Unpause() { m.eng.Resume() }

// SetConcurrency changes the objects in flight now, and for later runs of
// this migration (the journal keeps it).
func (m *Migration) SetConcurrency(n int) {
	m.eng.SetConcurrency(n)
	if m.j == nil {
		return
	}
	m.defMu.Lock()
	defer m.defMu.Unlock()
	m.Def.Options.Concurrency = m.eng.Snapshot().Concurrency
	if spec, err := m.Def.Encode(); err == nil {
		_ = m.j.SetSpec(spec) // a write error is sticky: the run stops on it
	}
}

// SetLimits changes the pace limits while running (0: none) and keeps them
// for the next run, as SetConcurrency does.
func (m *Migration) SetLimits(objectsPerSec float64, bytesPerSec int64) {
	m.eng.SetLimits(objectsPerSec, bytesPerSec)
	if m.j == nil {
		return
	}
	m.defMu.Lock()
	defer m.defMu.Unlock()
	m.Def.Options.MaxObjectsPerSec, m.Def.Options.MaxBytesPerSec = max(0, objectsPerSec), max(0, bytesPerSec)
	if spec, err := m.Def.Encode(); err == nil {
		_ = m.j.SetSpec(spec) // a write error is sticky: the run stops on it
	}
}

// Close releases the journal (and its lock).
func (m *Migration) Close() error {
	if m.j == nil {
		return nil
	}
	return m.j.Close()
}

// RunOptions are how one run behaves, beyond the migration's definition.
type RunOptions struct {
	// Yes confirms deletes in advance (--yes, or a confirmation the TUI
	// showed with the delete scope).
	Yes bool
	// ConfirmDelete is asked before anything is deleted when Yes is not
	// set; nil refuses.
	ConfirmDelete func(DeletePlan) bool
	// Planned is called once when the plan is complete (totals final),
	// before any delete: front ends print the plan line here.
	Planned func(transfer.DiffStats)
	// ConfirmBatch is asked, when Yes is not set, before a created batch
	// job may run (it waits Suspended until then); nil refuses.
	ConfirmBatch func(BatchPlan) bool
	// CancelBatch is asked when the run is interrupted while a batch job
	// runs: true cancels the job, false leaves it running for a resume to
	// reattach to; nil leaves it running.
	CancelBatch func(jobID string) bool
}

// DeletePlan is what a delete phase would remove.
type DeletePlan struct {
	Count, Bytes int64
	// Scope is the destination folder (or the selected items' folders).
	Scope []string
}

// ErrDeleteRefused wraps every reason a delete phase did not run: an
// empty source, --max-delete, no confirmation.
var ErrDeleteRefused = errors.New("delete refused")

// Outcome is what a run did.
type Outcome struct {
	// Plan counts and bytes per class.
	Plan transfer.DiffStats
	// Result is what the engine did (copies and deletes).
	Result *transfer.Result
	// DeletesSkipped says why the delete phase did not run although asked
	// (copies failed), or "".
	DeletesSkipped string
	// Verify is the check after the copy, nil when it did not run.
	Verify *VerifyReport
	State  journal.State
	// Err stops the run: a listing error, a denied identity, a journal
	// that cannot be written, a refused delete, or the interruption itself
	// (context.Canceled).
	Err error
}

// Interrupted reports whether the run was cut off (signal, q, cancel).
func (o *Outcome) Interrupted() bool { return errors.Is(o.Err, context.Canceled) }

// Run runs the migration once. It holds the journal for its whole length.
func (m *Migration) Run(ctx context.Context, ro RunOptions) *Outcome {
	m.runMu.Lock()
	defer m.runMu.Unlock()
	out := &Outcome{}
	if m.j == nil {
		// A dry run plans and counts; it changes nothing.
		m.eng.StartPlanning()
		m.eng.SetPhase(transfer.PhaseListing)
		out.Result, out.Err = m.eng.Run(ctx, m.Pair.Diff(ctx))
		out.Plan = m.eng.Snapshot().Plan
		if out.Err == nil && ro.Planned != nil {
			ro.Planned(out.Plan)
		}
		out.State = journal.StateDone
		return out
	}
	m.frontier.reset()
	failed, err := m.failedBefore()
	if err == nil {
		_, err = m.j.BeginRun()
	}
	if err == nil {
		err = m.j.SetState(journal.StateRunning)
	}
	if err != nil {
		out.Err, out.State = err, journal.StateFailed
		return out
	}

	// Plan: runs ahead of the copy, into the journal.
	m.eng.StartPlanning()
	m.eng.SetPhase(transfer.PhaseListing)
	planCtx, cancelPlan := context.WithCancel(ctx)
	defer cancelPlan()
	pl := &planner{done: make(chan struct{})}
	go pl.run(planCtx, m, failed, ro.Planned)

	// Copy: the engine takes pending rows as the plan commits them, and the
	// check of the copies trails it (see verify.go).
	var v *verifier
	var trailErr error
	stopTrail, trailDone := make(chan struct{}), make(chan struct{})
	batch := m.Def.Options.Engine == EngineBatch
	switch {
	case m.Def.Options.NoVerify:
		close(trailDone)
	case batch:
		// A job copies in no order this run sees: everything is checked
		// once it is over.
		v = m.newVerifier(ctx)
		close(trailDone)
	default:
		v = m.newVerifier(ctx)
		go func() {
			defer close(trailDone)
			trailErr = v.trail(ctx, m.frontier, stopTrail)
		}()
	}
	if batch {
		out.Result, out.Err = m.runBatch(ctx, pl, ro)
	} else {
		out.Result, out.Err = m.eng.Settle(ctx, m.rows(ctx, journal.StatusPending, pl))
	}
	close(stopTrail)
	<-trailDone
	cancelPlan()
	<-pl.done
	out.Plan = m.eng.Snapshot().Plan
	if out.Err == nil && pl.err != nil {
		out.Err = pl.err
	}
	if out.Err == nil && ctx.Err() != nil {
		out.Err = ctx.Err()
	}

	// Verify the rest of what this run copied. A mismatch is recorded as a
	// failure: the report lists it, and the next run copies it again even
	// where size and ETag look equal.
	if v != nil {
		if out.Err == nil && trailErr != nil {
			out.Err = trailErr
		}
		if out.Err == nil {
			m.eng.SetPhase(transfer.PhaseVerifying)
			out.Err = v.upTo(ctx, "", false, true)
		}
		rep := v.finish()
		if out.Err == nil && out.Result != nil && out.Result.Copied > 0 {
			out.Verify = rep
			for _, mm := range rep.Mismatches {
				m.j.Finished(transfer.Entry{Rel: mm.Rel, Class: transfer.ClassChanged, Src: transfer.Object{Key: m.Def.Src.Prefix + mm.Rel}}, "verify", 0, &transfer.MismatchError{Mismatch: mm})
			}
		}
	}

	// Delete, once every copy succeeded and checked out.
	if out.Err == nil && m.Def.Options.Delete && out.Plan.Count[transfer.ClassExtra] > 0 {
		switch {
		case len(out.Result.Failures) > 0:
			out.DeletesSkipped = fmt.Sprintf("%d objects failed to copy: nothing is deleted until every copy succeeded", len(out.Result.Failures))
		case out.Verify != nil && (len(out.Verify.Mismatches) > 0 || out.Verify.Unchecked > 0):
			out.DeletesSkipped = "the check of the copies found differences or could not read some: nothing is deleted until every copy checks out"
		default:
			if err := m.checkDelete(out.Plan, ro); err != nil {
				out.Err = err
			} else {
				m.eng.SetPhase(transfer.PhaseDeleting)
				out.Result, out.Err = m.eng.Settle(ctx, m.rows(ctx, journal.StatusExtra, nil))
			}
		}
	}
	m.eng.SetPhase(transfer.PhaseDone)
	out.State = m.settle(ctx, out)
	return out
}

// settle records the final state and aborts the multipart uploads the
// journal still lists (they belong to objects finished or given up).
func (m *Migration) settle(ctx context.Context, out *Outcome) journal.State {
	state := journal.StateDone
	switch {
	case out.Interrupted():
		state = journal.StateInterrupted
	case out.Err != nil, out.DeletesSkipped != "":
		state = journal.StateFailed
	case out.Result != nil && len(out.Result.Failures) > 0:
		state = journal.StateFailed
	case out.Verify != nil && (len(out.Verify.Mismatches) > 0 || out.Verify.Unchecked > 0):
		state = journal.StateFailed
	}
	if state != journal.StateInterrupted {
		m.abortLeftovers(context.WithoutCancel(ctx))
	}
	if err := m.j.SetState(state); err != nil && out.Err == nil {
		out.Err = err
	}
	return state
}

// checkDelete applies the delete safety rules before anything is deleted.
func (m *Migration) checkDelete(plan transfer.DiffStats, ro RunOptions) error {
	o := m.Def.Options
	n := plan.Count[transfer.ClassExtra]
	scope := m.deleteScope()
	if src := plan.Count[transfer.ClassNew] + plan.Count[transfer.ClassChanged] + plan.Count[transfer.ClassIdentical]; src == 0 && !o.AllowEmptySource {
		return fmt.Errorf("%w: the source lists no objects: check the location (%s); --allow-empty-source deletes the %d objects of %s anyway",
			ErrDeleteRefused, m.Def.Src, n, scope[0])
	}
	if o.MaxDelete >= 0 && n > o.MaxDelete {
		return fmt.Errorf("%w: %d objects would be deleted, more than --max-delete %d: nothing was deleted", ErrDeleteRefused, n, o.MaxDelete)
	}
	if ro.Yes {
		return nil
	}
	if ro.ConfirmDelete == nil || !ro.ConfirmDelete(DeletePlan{Count: n, Bytes: plan.Bytes[transfer.ClassExtra], Scope: scope}) {
		return fmt.Errorf("%w: deleting %d objects of %s was not confirmed (answer y, or pass --yes): nothing was deleted", ErrDeleteRefused, n, scope[0])
	}
	return nil
}

// deleteScope names the destination folders deletes stay inside.
func (m *Migration) deleteScope() []string {
	if len(m.Def.Items) == 0 {
		return []string{m.Def.Dst.String()}
	}
	var out []string
	for _, it := range m.Def.Items {
		out = append(out, m.Def.Dst.URL(m.Def.Dst.Prefix+it))
	}
	return out
}

// failedBefore returns the keys the journal records as failed (by copy or
// by verification): the next plan copies them again even where size and
// ETag look identical. Failures are few; a run with millions of them would
// have stopped long before.
func (m *Migration) failedBefore() (map[string]bool, error) {
	keys := map[string]bool{}
	after := ""
	for {
		rows, err := m.j.Rows(journal.StatusFailed, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			keys[r.Rel] = true
		}
		if len(rows) < 1000 {
			return keys, nil
		}
		after = rows[len(rows)-1].Rel
	}
}

// planner lists and diffs both sides into the journal.
type planner struct {
	done chan struct{} // closed when the plan is complete (or failed)
	err  error         // read after done
}

func (pl *planner) run(ctx context.Context, m *Migration, failed map[string]bool, planned func(transfer.DiffStats)) {
	defer close(pl.done)
	for e, err := range m.Pair.Diff(ctx) {
		if err != nil {
			pl.err = err
			return
		}
		if e.Class == transfer.ClassIdentical && failed[e.Rel] {
			e.Class, e.Reason = transfer.ClassChanged, "failed in an earlier run"
		}
		m.j.Planned(e)
		m.eng.Plan(e)
	}
	// Every row is committed before the plan is called complete, so the
	// copy's last page read sees all of them.
	if pl.err = m.j.Flush(); pl.err != nil {
		return
	}
	m.eng.PlanDone()
	if planned != nil {
		planned(m.eng.Snapshot().Plan)
	}
}

// pageRows is how many plan rows the engine reads per query.
const pageRows = 512

// rows streams the journal's rows of one status in key order. With a
// planner, it follows the plan as it is committed: when it has caught up,
// it asks for a commit, then waits for more rows or for the plan's end.
func (m *Migration) rows(ctx context.Context, status string, pl *planner) iter.Seq2[transfer.Entry, error] {
	return func(yield func(transfer.Entry, error) bool) {
		var cur journal.Cursor
		planDone := pl == nil
		first := true
		wait := 5 * time.Millisecond
		// A journal that cannot be written stops the run at the next
		// object: copying on untracked would make the journal lie.
		journalOK := func() bool {
			if err := m.j.Err(); err != nil {
				yield(transfer.Entry{}, fmt.Errorf("%w: the run stops and stays resumable once the journal can be written (disk full or read-only?)", err))
				return false
			}
			return true
		}
		for {
			if !journalOK() {
				return
			}
			rows, err := m.j.RowsAfter(cur, status, 0, pageRows)
			if err != nil {
				yield(transfer.Entry{}, err)
				return
			}
			for _, r := range rows {
				if !journalOK() {
					return
				}
				if first && status == journal.StatusPending {
					m.eng.SetPhase(transfer.PhaseCopying)
					first = false
				}
				if status == journal.StatusPending {
					m.frontier.dispatched(r.Rel)
				}
				if !yield(r.Entry(m.Def.Src, m.Def.Dst), nil) {
					return
				}
				cur.Next(r.Rel)
			}
			if len(rows) == pageRows {
				continue
			}
			if planDone {
				return
			}
			select {
			case <-pl.done:
				if pl.err != nil {
					yield(transfer.Entry{}, pl.err)
					return
				}
				planDone = true // read once more: the last rows were committed before done
			case <-ctx.Done():
				return
			case <-time.After(wait):
				// Until the first copy starts, look often: every
				// millisecond the copy waits for its first row is lost.
				if !first {
					wait = 50 * time.Millisecond
				}
				if err := m.j.Flush(); err != nil {
					yield(transfer.Entry{}, err)
					return
				}
			}
		}
	}
}

// abortLeftovers aborts multipart uploads the journal still lists once a
// run is over: they would only be billed.
func (m *Migration) abortLeftovers(ctx context.Context) {
	if err := m.j.Flush(); err != nil {
		return
	}
	ups, err := m.j.OpenUploads()
	if err != nil {
		return
	}
	p := m.Pair
	for _, u := range ups {
		err := transfer.AbortUpload(ctx, p.DstClient, p.Dst.Bucket, p.Dst.Prefix+u.Rel, u.ID)
		if err == nil {
			m.j.UploadEnded(u.Rel)
		} else {
			m.eng.Notice("could not abort the leftover upload %s of %s: %s", u.ID, p.Dst.URL(p.Dst.Prefix+u.Rel), transfer.ErrorSummary(err))
		}
	}
}
