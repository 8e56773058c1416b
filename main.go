// Command s3migrate migrates S3 objects between buckets in different AWS
// accounts: an interactive browser, and headless commands for scripts.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/s3migrate/s3migrate/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.DefaultEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
