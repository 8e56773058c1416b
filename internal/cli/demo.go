package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/ui/flow"
)

// runDemo walks through a whole migration on a freshly seeded sandbox:
// diff, a server-side copy denied by the missing bucket policy, the policy
// preview and apply, the copy, a re-run that copies nothing, and the revert.
func runDemo(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "demo", "[--headless] [--log-file F]")
	headless := fs.Bool("headless", false, "print the walk-through instead of opening the interactive browser")
	logFile := fs.String("log-file", "", "write logs to this file (interactive mode)")
	dir := fs.String("dir", "", "keep the sandbox's data and AWS config pair in this directory (default: a temporary one, removed on exit)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagErrCode(err)
	}
	// The sandbox changes the working directory: resolve paths first.
	for _, p := range []*string{logFile, dir} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		*p = abs
	}
	saveDir, _ := os.Getwd()
	if !*headless && (!env.IsTerminal || !env.StdinIsTerminal) {
		fmt.Fprintln(env.Stderr, "s3migrate: no terminal for the interactive demo: running the walk-through (--headless)")
		*headless = true
	}
	step := func(n int, title string) {
		fmt.Fprintf(env.Stdout, "\n\x1b[1m== %d. %s\x1b[0m\n", n, title)
	}
	if !env.IsTerminal {
		step = func(n int, title string) { fmt.Fprintf(env.Stdout, "\n== %d. %s\n", n, title) }
	}
	fmt.Fprintln(env.Stdout, "starting the embedded S3 sandbox and seeding s3://"+sandbox.OriginBucket+" …")
	sb, err := sandbox.Start(ctx, sandbox.Options{Dir: *dir, Seed: sandbox.SeedFull})
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	// The sandbox is seeded afresh, so journals of an earlier demo in the
	// same --dir describe buckets that no longer hold what they say:
	// offering to resume them would copy into an emptied destination.
	if err := os.RemoveAll(filepath.Join(sb.Dir, "state")); err != nil {
		return fail(env, ExitUsage, fmt.Errorf("demo: clear old journals: %w", err))
	}
	defer sb.Close()
	// This process owns the sandbox; point the AWS profiles at it.
	// Journals of a throw-away sandbox go with it.
	for k, v := range map[string]string{"AWS_CONFIG_FILE": sb.ConfigFile, "AWS_SHARED_CREDENTIALS_FILE": sb.CredentialsFile, "AWS_PROFILE": "",
		"XDG_STATE_HOME": filepath.Join(sb.Dir, "state")} {
		os.Setenv(k, v)
	}
	fmt.Fprintf(env.Stdout, "sandbox on %s: profile %s owns s3://%s, profile %s owns s3://%s (empty)\n",
		sb.Endpoint, sandbox.OriginProfile, sandbox.OriginBucket, sandbox.DestProfile, sandbox.DestBucket)
	if !*headless {
		return openTUI(ctx, env, flow.Options{SaveDir: saveDir}, *logFile)
	}

	src, dst := "s3://"+sandbox.OriginBucket+"/", "s3://"+sandbox.DestBucket+"/"
	pf := []string{"--source-profile", sandbox.OriginProfile, "--dest-profile", sandbox.DestProfile}
	quiet := Env{Stdout: env.Stdout, Stderr: env.Stdout, IsTerminal: env.IsTerminal}

	step(1, "diff: what would move")
	runDiff(ctx, quiet, append([]string{src, dst, "--list", "none"}, pf...))

	step(2, "server-side copy as the destination identity, before any bucket policy")
	fmt.Fprintln(env.Stdout, "$ s3migrate sync "+src+"reports/ "+dst+"reports/ --mode server-side")
	runSync(ctx, quiet, append([]string{src + "reports/", dst + "reports/", "--mode", "server-side", "--progress", "none"}, pf...))

	step(3, "the least-privilege policy for reports/, images/, backups/ and docs/, merged into the existing one")
	pol := []string{src + "reports/", "--prefix", "images/", "--prefix", "backups/", "--prefix", "docs/", "--grantee-profile", sandbox.DestProfile, "--source-profile", sandbox.OriginProfile}
	if code := runPolicy(ctx, quiet, append(pol, "--apply", "--yes")); code != ExitOK {
		return code
	}

	step(4, "sync the three prefixes, server-side")
	for _, p := range []string{"reports/", "images/", "backups/"} {
		fmt.Fprintf(env.Stdout, "$ s3migrate sync %s%s %s%s\n", src, p, dst, p)
		if code := runSync(ctx, Env{Stdout: env.Stdout, Stderr: env.Stderr, IsTerminal: env.IsTerminal},
			append([]string{src + p, dst + p}, pf...)); code != ExitOK {
			return code
		}
	}

	step(5, "run it again: nothing left to copy")
	runSync(ctx, quiet, append([]string{src + "images/", dst + "images/", "--progress", "none"}, pf...))

	step(6, "hand docs/ to an S3 Batch Operations job (the sandbox emulates the job API)")
	batch := []string{src + "docs/", dst + "docs/", "--engine", "batch", "--batch-bucket", dst + ".s3migrate-batch/",
		"--batch-role", "arn:aws:iam::" + sb.Dest.AccessKey + ":role/s3migrate-batch", "--yes", "--progress", "none"}
	fmt.Fprintln(env.Stdout, "$ s3migrate sync "+strings.Join(batch, " "))
	if code := runSync(ctx, quiet, append(batch, pf...)); code != ExitOK {
		return code
	}

	step(7, "revert: remove s3migrate's statements, keep the owner's")
	runPolicy(ctx, quiet, []string{src, "--revert", "--yes", "--source-profile", sandbox.OriginProfile, "--grantee-profile", sandbox.DestProfile})

	fmt.Fprintln(env.Stdout, "\ndone. Keep a sandbox running to try the commands yourself: s3migrate sandbox")
	return ExitOK
}
