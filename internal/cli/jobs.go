package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
)

func runJobs(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "jobs", "[--json]")
	asJSON := fs.Bool("json", false, "print the migrations as one JSON object on stdout")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagErrCode(err)
	}
	list, dir, err := journal.ListDir()
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if *asJSON {
		out := jobsJSON{Dir: dir, Jobs: []jobJSON{}}
		for _, s := range list {
			out.Jobs = append(out.Jobs, jobOf(s))
		}
		printJSON(env.Stdout, out)
		return ExitOK
	}
	if len(list) == 0 {
		fmt.Fprintf(env.Stdout, "no migrations journaled in %s\n", dir)
		return ExitOK
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tFROM → TO\tDONE\tFAILED\tPENDING\tUPDATED")
	for _, s := range list {
		if s.Err != nil {
			fmt.Fprintf(tw, "%s\tunreadable\t%s\t\t\t\t\n", s.Path, oneLine(s.Err.Error()))
			continue
		}
		state := string(s.State)
		if s.Held {
			// Only a held lock means running: a killed run's state is
			// reported by List as interrupted.
			state = fmt.Sprintf("running (pid %d on %s)", s.HolderPID, s.HolderHost)
		}
		if job, ok, err := journal.ReadBatchJob(s.Path); err == nil && ok {
			// A batch migration: the job the copy was handed to.
			state += fmt.Sprintf(" (batch job %s: %s)", job.ID, job.State)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%d/%d\t%d\t%d\t%s\n", s.ID, state, s.Src, s.Dst, s.Done, s.Done+s.Pending+s.Failed,
			s.Failed, s.Pending, s.Updated.Local().Format(time.DateTime))
	}
	tw.Flush()
	return ExitOK
}

// runResume carries on a journaled migration: the same definition (folders,
// selection, key mapping, options), the same journal, through the same
// lifecycle as sync. Objects already copied are identical now and are
// skipped; recorded multipart uploads continue from their parts.
func runResume(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "resume", "[ID] [--progress P] [--report FILE] [--yes]\n\nWithout ID, the newest migration that was interrupted or failed.")
	var rf runFlags
	rf.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if len(pos) > 1 {
		return fail(env, ExitUsage, fmt.Errorf("resume takes at most one migration id, got %d", len(pos)))
	}
	if err := rf.check(env); err != nil {
		return fail(env, ExitUsage, err)
	}
	id := ""
	if len(pos) == 1 {
		id = pos[0]
	}
	pick, err := findJournal(id, func(s journal.Summary) bool {
		return !s.Held && (s.State == journal.StateInterrupted || s.State == journal.StateFailed)
	}, "nothing to resume in %s: no journaled migration was interrupted or failed (`s3migrate jobs` lists them)")
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	m, err := migration.Resume(ctx, pick.Path, env.sessionOptions(0))
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	defer m.Close()
	if err := checkCanConfirm(env, m.Def.Options.Delete, rf.yes); err != nil {
		return fail(env, ExitUsage, err)
	}
	if m.Def.Options.Engine == migration.EngineBatch && !rf.yes && (env.Stdin == nil || !env.StdinIsTerminal) {
		return fail(env, ExitUsage, errors.New("this migration hands its copy to S3 Batch Operations, which asks before a new job runs, and there is no terminal to ask on: add --yes"))
	}
	fmt.Fprintf(env.Stderr, "resuming %s (%s, %d of %d done)\n", pick.ID, pick.State, pick.Done, pick.Done+pick.Pending+pick.Failed)
	return runMigration(ctx, env, m, rf, false)
}

// findJournal returns the journaled migration named id or, without id,
// the newest one newest accepts; when there is none, the error names the
// journal directory (through none, a format with one %s, without id).
func findJournal(id string, newest func(journal.Summary) bool, none string) (*journal.Summary, error) {
	list, dir, err := journal.ListDir()
	if err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Updated.After(list[j].Updated) })
	for i, s := range list {
		if s.Err == nil && ((id != "" && s.ID == id) || (id == "" && newest(s))) {
			return &list[i], nil
		}
	}
	if id != "" {
		return nil, fmt.Errorf("no migration %q in %s: `s3migrate jobs` lists them", id, dir)
	}
	return nil, fmt.Errorf(none, dir)
}
