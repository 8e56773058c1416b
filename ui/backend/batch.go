package backend

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// A batch migration asks three things while it runs, as sync --engine
// batch asks them on the command line: the job's bucket, role and the
// origin grant to the role, before they are created; the job, created and waiting,
// before it runs; and, when the run is cancelled while the job runs,
// whether the job is cancelled too. The Running screen shows each
// question (Run.Question) and answers it (Run.Answer).

// errSetupRefused is the operator's no to the role and the grant.
var errSetupRefused = errors.New("the batch job's setup was not confirmed: nothing was created or changed")

// setUpBatch shows what a batch job needs (its bucket when missing, its
// role, the origin grant to the role) and, after a yes, creates and
// applies it; the grant is noted for the reminder on quit.
func (r *run) setUpBatch(ctx context.Context) error {
	s, err := r.m.PlanBatchSetup(ctx)
	if err != nil {
		return err
	}
	if !s.Needed() {
		return nil
	}
	q := screen.Question{
		Title: "Set up the batch job: create and grant what is shown?",
		Body:  strings.TrimRight(s.Describe(r.m.Def.Src.Bucket), "\n"),
		Yes:   "create and grant", No: "stop here",
	}
	if !r.ask(ctx, q) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errSetupRefused
	}
	if err := r.m.ApplyBatchSetup(ctx, s); err != nil {
		return err
	}
	if s.NoGrant == "" && !s.Grant.Unchanged() {
		r.b.noteGrants(s.Grant)
	}
	return nil
}

// confirmBatch asks before the created job runs (it waits Suspended).
func (r *run) confirmBatch(p migration.BatchPlan) bool {
	return r.ask(r.ctx, screen.Question{
		Title: fmt.Sprintf("Run S3 Batch Operations job %s?", p.JobID),
		Body:  p.Describe() + ".\nA no cancels the job before it copies anything.",
		Yes:   "run the job", No: "cancel the job",
	})
}

// cancelBatch asks, once the run was cancelled while its job runs, whether
// the job is cancelled too. The run's context is done by then: the
// question waits for its answer regardless.
func (r *run) cancelBatch(id string) bool {
	return r.ask(context.WithoutCancel(r.ctx), screen.Question{
		Title: fmt.Sprintf("Cancel S3 Batch Operations job %s too?", id),
		Body:  "The job runs in the destination account, apart from this program. Cancelled, the tasks it ran stay copied and a resume plans what is left; left running, it goes on and a resume (the Jobs screen) reattaches to it.",
		Yes:   "cancel the job", No: "leave it running",
	})
}
