// Command s3migrate migrates S3 objects between buckets in different AWS
// accounts: an interactive browser, and headless commands for scripts.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/s3migrate/s3migrate/internal/cli"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.DefaultEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}

// tuneGC: a copy allocates mostly short-lived SDK request objects, so the
// collector runs a third as often as Go's default (measured with
// bench/sync.sh: ~15% less client CPU on 30,000 small objects, for ~15 MiB
// more peak RSS); a soft limit of 512 MiB brings it back to collecting
// often when relays hold large buffers. GOGC and GOMEMLIMIT still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
}
