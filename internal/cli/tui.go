package cli

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/ui/flow"
)

// runTUI opens the interactive browser. Logs go to --log-file (or nowhere),
// never to the terminal the TUI draws on.
func runTUI(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "", "[--log-file F] [--prices FILE] [--request-payer requester]")
	logFile := fs.String("log-file", "", "write logs to this file")
	pricesPath := fs.String("prices", "", "a price table (JSON, as diff --estimate --prices takes) for the Plan's estimate instead of the built-in one")
	payer := fs.String("request-payer", "", "requester: accept the charges of reading Requester Pays buckets (every S3 request says so)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagErrCode(err)
	}
	var prices *estimate.Prices
	if *pricesPath != "" {
		p, err := estimate.LoadPrices(*pricesPath)
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		prices = &p
	}
	if *payer != "" && *payer != "requester" {
		return fail(env, ExitUsage, fmt.Errorf("--request-payer %s: the only value is requester (as in the aws CLI)", *payer))
	}
	wd, _ := os.Getwd()
	return openTUI(ctx, env, flow.Options{SaveDir: wd, Prices: prices, RequesterPays: *payer == "requester"}, *logFile)
}

// openTUI runs the browser; o.SaveDir is where it writes files the user
// asks for (the demo resolves it before the sandbox moves the working
// directory).
func openTUI(ctx context.Context, env Env, o flow.Options, logFile string) int {
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
	o.Log = logw
	if err := flow.Run(ctx, o, nil, nil); err != nil {
		return fail(env, ExitUsage, err)
	}
	return ExitOK
}
