package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/s3migrate/s3migrate/internal/sandbox"
)

func runSandbox(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "sandbox", "[--dir D] [--addr A]")
	dir := fs.String("dir", "", "directory for data, IAM and the AWS config pair (default: a temporary one, removed on exit)")
	addr := fs.String("addr", "", "loopback address to listen on, e.g. 127.0.0.1:7070 (default: a free port)")
	seed := fs.String("seed", "full", "sample data in the origin bucket: full, small or none")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if len(pos) > 0 {
		return fail(env, ExitUsage, fmt.Errorf("sandbox takes no arguments, got %q", strings.Join(pos, " ")))
	}
	size, ok := map[string]sandbox.SeedSize{"full": sandbox.SeedFull, "small": sandbox.SeedSmall, "none": sandbox.SeedNone}[*seed]
	if !ok {
		return fail(env, ExitUsage, fmt.Errorf("--seed %s: want full, small or none", *seed))
	}
	if *dir != "" {
		// The gateway changes the working directory: resolve first.
		if *dir, err = filepath.Abs(*dir); err != nil {
			return fail(env, ExitUsage, err)
		}
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Dir: *dir, Addr: *addr, Seed: size})
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	defer sb.Close()
	fmt.Fprintf(env.Stderr, "sandbox S3 server on %s (data in %s)\n", sb.Endpoint, sb.Dir)
	fmt.Fprintf(env.Stderr, "profiles %s (owns s3://%s) and %s (owns s3://%s); Ctrl-C stops it\n",
		sandbox.OriginProfile, sandbox.OriginBucket, sandbox.DestProfile, sandbox.DestBucket)
	fmt.Fprintln(env.Stderr, "use it from another shell with:")
	for _, l := range sb.Env() {
		fmt.Fprintf(env.Stdout, "export %s\n", l)
	}
	<-ctx.Done()
	fmt.Fprintln(env.Stderr, "sandbox stopped")
	return ExitOK
}
