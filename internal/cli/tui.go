package cli

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/s3migrate/s3migrate/ui/flow"
)

// runTUI opens the interactive browser. Logs go to --log-file (or nowhere),
// never to the terminal the TUI draws on.
func runTUI(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "", "[--log-file F]")
	logFile := fs.String("log-file", "", "write logs to this file")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagErrCode(err)
	}
	wd, _ := os.Getwd()
	return openTUI(ctx, env, *logFile, wd)
}

// openTUI runs the browser; saveDir is where it writes files the user asks
// for (the demo resolves it before the sandbox moves the working directory).
func openTUI(ctx context.Context, env Env, logFile, saveDir string) int {
	if !env.IsTerminal || !env.StdinIsTerminal {
		fmt.Fprintln(env.Stderr, "s3migrate: the interactive browser needs a terminal; for scripts use the commands (s3migrate help)")
		return ExitUsage
	}
	var logw io.Writer = io.Discard
	if logFile != "" {
		f, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return fail(env, ExitUsage, fmt.Errorf("--log-file: %w", err))
		}
		defer f.Close()
		logw = f
	}
	log.SetOutput(logw)
	defer log.SetOutput(os.Stderr)
	if err := flow.Run(ctx, flow.Options{Log: logw, SaveDir: saveDir}, nil, nil); err != nil {
		return fail(env, ExitUsage, err)
	}
	return ExitOK
}
