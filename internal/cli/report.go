package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/report"
)

// runReport writes a journaled migration's report — the file `sync
// --report` writes, and the Jobs screen's — without running anything. It
// reads the journal without its lock, so a running migration can be
// reported on (what it settled so far).
func runReport(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "report", "[ID] [--out FILE]\n\nWithout ID, the newest journaled migration; without --out, the report goes to stdout.")
	out := fs.String("out", "-", "write the CSV report to this file (- for stdout)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if len(pos) > 1 {
		return fail(env, ExitUsage, fmt.Errorf("report takes at most one migration id, got %d", len(pos)))
	}
	id := ""
	if len(pos) == 1 {
		id = pos[0]
	}
	pick, err := findJournal(id, func(journal.Summary) bool { return true }, "no migrations journaled in %s")
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	var w io.Writer = env.Stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.OpenFile(*out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); err != nil {
			return fail(env, ExitUsage, fmt.Errorf("--out: %w", err))
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	c, err := report.FromJournal(bw, pick.Path)
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	where := ""
	if f != nil {
		where = " in " + *out
	}
	fmt.Fprintf(env.Stderr, "report of %s (%s)%s: %d succeeded, %d failed\n", pick.ID, pick.State, where, c.Succeeded, c.Failed)
	return ExitOK
}
