// Package cli implements the s3migrate commands: it parses arguments, wires
// awsauth sessions into the transfer engine, and prints results. main.go only
// calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3migrate/s3migrate/awsauth"
)

// Exit codes, as documented in README.
const (
	ExitOK       = 0
	ExitFailures = 1 // some objects failed (they are listed)
	ExitUsage    = 2 // usage, configuration or access error
)

// Env is what a command may touch of the outside world.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	// IsTerminal reports whether Stderr is a terminal (for live progress).
	IsTerminal bool
	// StdinIsTerminal reports whether questions can be asked on Stdin.
	StdinIsTerminal bool
	// Timeouts bound silent connections (zero: awsauth's defaults); tests
	// shorten them.
	Timeouts awsauth.Timeouts
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) int
}

func commands() []command {
	return []command{
		{"demo", "walk through a migration on a freshly seeded embedded sandbox", runDemo},
		{"diff", "compare two locations: new, changed, identical, only-in-destination", runDiff},
		{"sync", "copy new and changed objects from SRC to DST", runSync},
		{"preflight", "check, as the real identities, everything the migration needs", runPreflight},
		{"profiles", "list AWS profiles with kind, account, region, endpoint and status", runProfiles},
		{"policy", "preview, apply or revert the origin bucket policy the migration needs", runPolicy},
		{"bucket-config", "move bucket configuration (lifecycle, CORS, encryption, notifications, …) to DST", runBucketConfig},
		{"jobs", "list journaled migrations with their state", runJobs},
		{"resume", "carry on a journaled migration (default: the newest that is not done)", runResume},
		{"report", "write a journaled migration's CSV report (S3 Batch Operations layout) without running it", runReport},
		{"verify", "check that every source object arrived intact: size, checksum/ETag, metadata, headers, tags", runVerify},
		{"sandbox", "run the embedded S3 sandbox and print the env lines to use it", runSandbox},
	}
}

// Main runs one command line and returns the process exit code.
func Main(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || (args[0] != "" && args[0][0] == '-' && args[0] != "-h" && args[0] != "--help") {
		if !env.IsTerminal {
			usage(env.Stderr)
			return ExitUsage
		}
		return runTUI(ctx, env, args)
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(env.Stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "s3migrate: unknown command %q: run `s3migrate help` for the list\n", args[0])
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "s3migrate: migrate S3 objects between buckets in different AWS accounts")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: s3migrate COMMAND [flags] [args]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `s3migrate COMMAND -h` for a command's flags.")
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments (`sync s3://a s3://b --dry-run`).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// fail prints a one-line error and returns the exit code for it.
func fail(env Env, code int, err error) int {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintf(env.Stderr, "s3migrate: %s\n", msg)
	return code
}

func newFlagSet(env Env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints an error, then the usage. A mistake gets one
	// line that says where the usage is; -h gets the usage.
	var msg strings.Builder
	fs.SetOutput(&msg)
	cmd := strings.TrimSpace("s3migrate " + name)
	fs.Usage = func() {
		if m := strings.TrimSpace(msg.String()); m != "" {
			msg.Reset()
			fmt.Fprintf(env.Stderr, "%s: %s: see `%s --help`\n", cmd, m, cmd)
			return
		}
		fmt.Fprintf(env.Stderr, "Usage: %s %s\n\nFlags:\n", cmd, args)
		fs.SetOutput(env.Stderr)
		fs.PrintDefaults()
		fs.SetOutput(&msg)
	}
	return fs
}

func flagErrCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitUsage
}

// DefaultEnv is the process's real terminal.
func DefaultEnv() Env {
	return Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, IsTerminal: isTerminal(os.Stderr), StdinIsTerminal: isTerminal(os.Stdin)}
}
