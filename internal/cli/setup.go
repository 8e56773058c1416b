package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/units"
	"github.com/s3migrate/s3migrate/transfer"
)

// pairFlags are the flags every SRC/DST command shares.
type pairFlags struct {
	srcProfile, dstProfile string
	compare                string
	// filter holds --include and --exclude in the order given: the last
	// rule that matches a key decides.
	filter []migration.Rule
	// window is --min-size, --max-size, --newer-than and --older-than.
	window migration.Window
	// requestPayer is --request-payer: "requester" accepts the charges of
	// reading a Requester Pays source.
	requestPayer string
	// beforeOpen, when set, runs once both sessions are loaded and before
	// the buckets are opened (sync --create-like-source).
	beforeOpen func(ctx context.Context, src, dst *awsauth.Session, srcLoc, dstLoc transfer.Location) error
}

func (p *pairFlags) register(fs *flag.FlagSet) {
	def := awsauth.DefaultProfile()
	fs.StringVar(&p.srcProfile, "source-profile", def, "AWS profile of the origin identity (lists and, for relays, reads the source)")
	fs.StringVar(&p.dstProfile, "dest-profile", def, "AWS profile of the destination identity (writes, and reads the source server-side)")
	fs.StringVar(&p.compare, "compare", string(transfer.CompareSizeETag), "when a key on both sides counts as changed: size-etag, size, size-mtime, checksum")
	fs.StringVar(&p.requestPayer, "request-payer", "", "requester: accept the charges of reading a Requester Pays source (every S3 request says so; other buckets ignore it)")
	fs.Func("exclude", "leave out keys matching this pattern (relative to SRC; * matches across /, as in the aws CLI); repeatable", func(s string) error {
		p.filter = append(p.filter, migration.Rule{Pattern: s})
		return nil
	})
	fs.Func("include", "take part again: keys matching this pattern, after an --exclude; the last matching rule wins; repeatable", func(s string) error {
		p.filter = append(p.filter, migration.Rule{Include: true, Pattern: s})
		return nil
	})
	size := func(dst *int64) func(string) error {
		return func(s string) (err error) { *dst, err = units.ParseSize(s); return err }
	}
	when := func(dst *time.Time) func(string) error {
		return func(s string) (err error) { *dst, err = units.ParseWhen(s, time.Now()); return err }
	}
	fs.Func("min-size", "only objects of at least this size (64MiB, 1G, 500KB, bytes)", size(&p.window.MinSize))
	fs.Func("max-size", "only objects of at most this size", size(&p.window.MaxSize))
	fs.Func("newer-than", "only objects modified since: an age (7d, 36h, 2w) or a time (2025-01-31, RFC 3339)", when(&p.window.NewerThan))
	fs.Func("older-than", "only objects modified before: an age (30d) or a time", when(&p.window.OlderThan))
}

// resolvePair parses the two URLs and the compare mode, then opens the pair.
func resolvePair(ctx context.Context, env Env, pf pairFlags, args []string, maxConns int) (*migration.Pair, error) {
	if len(args) != 2 {
		return nil, &transfer.UsageError{Msg: fmt.Sprintf("want two locations, SRC and DST (s3://bucket/prefix), got %d", len(args))}
	}
	src, err := transfer.ParseLocation(args[0])
	if err != nil {
		return nil, &transfer.UsageError{Msg: "SRC: " + err.Error()}
	}
	dst, err := transfer.ParseLocation(args[1])
	if err != nil {
		return nil, &transfer.UsageError{Msg: "DST: " + err.Error()}
	}
	cmp, err := transfer.ParseCompareMode(pf.compare)
	if err != nil {
		return nil, err
	}
	filter, err := migration.NewFilter(pf.filter, pf.window)
	if err != nil {
		return nil, &transfer.UsageError{Msg: err.Error()}
	}
	if pf.requestPayer != "" && pf.requestPayer != "requester" {
		return nil, &transfer.UsageError{Msg: fmt.Sprintf("--request-payer %s: the only value is requester (as in the aws CLI)", pf.requestPayer)}
	}
	opts := env.sessionOptions(maxConns)
	opts.RequesterPays = pf.requestPayer == "requester"
	srcSess, dstSess, err := migration.LoadSessions(ctx, pf.srcProfile, pf.dstProfile, opts)
	if err != nil {
		return nil, err
	}
	if pf.beforeOpen != nil {
		if err := pf.beforeOpen(ctx, srcSess, dstSess, src, dst); err != nil {
			return nil, err
		}
	}
	p, err := migration.OpenSessions(ctx, srcSess, dstSess, src, dst, cmp)
	if err != nil {
		return nil, err
	}
	p.Filter = filter
	return p, nil
}

// sessionOptions are the awsauth options of a command: connection pool
// sized to the concurrency, and an MFA prompt when there is a terminal.
func (env Env) sessionOptions(maxConns int) awsauth.Options {
	o := awsauth.Options{MaxConns: maxConns, Timeouts: env.Timeouts}
	if env.StdinIsTerminal && env.Stdin != nil {
		in := bufio.NewReader(env.Stdin)
		o.MFAToken = func(serial string) (string, error) {
			fmt.Fprintf(env.Stderr, "MFA code for %s: ", serial)
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("no MFA code entered for %s", serial)
			}
			return strings.TrimSpace(line), nil
		}
	}
	return o
}

// sizeFlag is a byte count flag that also takes a size with a unit, as the
// size filters do: 64MiB, 1G, 500KB. Its default shows in bytes.
type sizeFlag struct{ p *int64 }

func (f sizeFlag) String() string {
	if f.p == nil {
		return "0"
	}
	return strconv.FormatInt(*f.p, 10)
}

func (f sizeFlag) Set(s string) error {
	n, err := units.ParseSize(s)
	if err != nil {
		return err
	}
	*f.p = n
	return nil
}
