package cli

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/s3migrate/s3migrate/internal/journal"
)

func runJobs(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "jobs", "")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagErrCode(err)
	}
	dir, err := journal.Dir()
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	list, err := journal.List(dir)
	if err != nil {
		return fail(env, ExitUsage, err)
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
		fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%d/%d\t%d\t%d\t%s\n", s.ID, s.State, s.Src, s.Dst, s.Done, s.Done+s.Pending+s.Failed,
			s.Failed, s.Pending, s.Updated.Local().Format(time.DateTime))
	}
	tw.Flush()
	return ExitOK
}

// runResume carries on a journaled migration: the same locations, profiles
// and options, the same journal. Objects already copied are identical now
// and are skipped; recorded multipart uploads continue from their parts.
func runResume(ctx context.Context, env Env, args []string) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(env.Stderr, "Usage: s3migrate resume [ID] [sync flags such as --progress or --report]\n\nWithout ID, the newest migration that is not done.")
		return ExitOK
	}
	var id string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		id, args = args[0], args[1:]
	}
	dir, err := journal.Dir()
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	list, err := journal.List(dir)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Updated.After(list[j].Updated) })
	var pick *journal.Summary
	for i, s := range list {
		if s.Err != nil {
			continue
		}
		if (id != "" && s.ID == id) || (id == "" && s.State != journal.StateDone) {
			pick = &list[i]
			break
		}
	}
	if pick == nil {
		if id != "" {
			return fail(env, ExitUsage, fmt.Errorf("no migration %q in %s: `s3migrate jobs` lists them", id, dir))
		}
		return fail(env, ExitUsage, fmt.Errorf("nothing to resume in %s: every journaled migration is done", dir))
	}
	j, err := journal.Open(pick.Path)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	def := j.Definition()
	j.Close()
	syncArgs := []string{def.Src.String(), def.Dst.String(), "--source-profile", def.SrcProfile, "--dest-profile", def.DstProfile}
	for _, name := range journaledFlags {
		if v, ok := def.Options[name]; ok {
			syncArgs = append(syncArgs, "--"+name+"="+v)
		}
	}
	syncArgs = append(syncArgs, "--journal", pick.Path)
	fmt.Fprintf(env.Stderr, "resuming %s: %s → %s (%d of %d done)\n", def.ID, def.Src, def.Dst, pick.Done, pick.Done+pick.Pending+pick.Failed)
	return runSync(ctx, env, append(syncArgs, args...))
}
