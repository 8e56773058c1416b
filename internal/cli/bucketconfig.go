package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/internal/printable"
	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/transfer"
)

const bucketConfigArgs = "s3://SRC s3://DST [--only a,b] [--skip a,b] [--map-kms OLD=NEW]... [--map-bucket OLD=NEW]... [--map-arn OLD=NEW]... [--create-like-source] [--apply [--yes]] [--json]"

func runBucketConfig(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "bucket-config", bucketConfigArgs)
	def := awsauth.DefaultProfile()
	srcProfile := fs.String("source-profile", def, "AWS profile of the origin identity (reads the source bucket's configuration)")
	dstProfile := fs.String("dest-profile", def, "AWS profile of the destination identity (reads and writes the destination's)")
	only := fs.String("only", "", "only these configurations (comma-separated; naming policy also applies the bucket policy): "+kindList())
	skip := fs.String("skip", "", "leave out these configurations (comma-separated)")
	var opt bucketconfig.Options
	for _, f := range []struct{ name, usage string }{
		{"map-kms", "default encryption and inventory: use KMS key NEW (of the destination account) where the source uses OLD; repeatable"},
		{"map-bucket", "logging, inventory, analytics and policy: use bucket NEW where the source names bucket OLD (OLD=OLD keeps a bucket another account owns); repeatable"},
		{"map-arn", "notifications and policy: use ARN NEW (SNS topic, SQS queue, Lambda function of the destination account) for OLD; repeatable"},
	} {
		fs.Func(f.name, f.usage, func(s string) error { return opt.Map.Add(f.name, s) })
	}
	fs.BoolVar(&opt.CreateLikeSource, "create-like-source", false, "when DST does not exist, --apply creates it first like the source: its region, Object Lock and Object Ownership")
	apply := fs.Bool("apply", false, "write the proposed configurations to the destination (asks first)")
	yes := fs.Bool("yes", false, "with --apply: do not ask (scripts)")
	asJSON := fs.Bool("json", false, "print the plan (and, with --apply, the outcome) as one JSON object on stdout")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if opt.Only, err = bucketconfig.ParseKinds(*only); err != nil {
		return fail(env, ExitUsage, fmt.Errorf("--only: %w", err))
	}
	if opt.Skip, err = bucketconfig.ParseKinds(*skip); err != nil {
		return fail(env, ExitUsage, fmt.Errorf("--skip: %w", err))
	}
	src, dst, err := bucketLocations(pos)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	// Refused before anything is read: the answer could not be asked for.
	if *apply && !*yes && (env.Stdin == nil || !env.StdinIsTerminal) {
		return fail(env, ExitUsage, errors.New("--apply asks before writing bucket configuration, and there is no terminal to ask on: add --yes to confirm in advance"))
	}

	sides := bucketconfig.Sides{SrcBucket: src, DstBucket: dst}
	if sides.Src, err = awsauth.Load(ctx, *srcProfile, env.sessionOptions(4)); err != nil {
		return fail(env, ExitUsage, err)
	}
	sides.Dst = sides.Src
	if *dstProfile != *srcProfile {
		if sides.Dst, err = awsauth.Load(ctx, *dstProfile, env.sessionOptions(4)); err != nil {
			return fail(env, ExitUsage, err)
		}
	}
	if sides.SrcID, err = awsauth.ResolveIdentity(ctx, sides.Src); err != nil {
		return fail(env, ExitUsage, err)
	}
	if sides.DstID, err = awsauth.ResolveIdentity(ctx, sides.Dst); err != nil {
		return fail(env, ExitUsage, err)
	}
	res, err := bucketconfig.Plan(ctx, sides, opt)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if sides.SrcID.Account == "" || sides.DstID.Account == "" {
		fmt.Fprintln(env.Stderr, "note: no account id for one side (no STS at the endpoint): every ARN not mapped is held back, as it may be the origin account's")
	}

	human := env.Stdout
	if *asJSON {
		human = env.Stderr
	}
	printPlan(human, res, *asJSON)
	pending := res.Pending()
	applied := false
	switch {
	case !*apply:
		if pending > 0 && !*asJSON {
			fmt.Fprintf(human, "\nnothing applied: add --apply to write %s to s3://%s\n", plural(int64(pending), "configuration"), dst)
		}
		policyHint(human, res)
	case pending == 0:
		fmt.Fprintf(human, "\nnothing to apply\n")
	default:
		ok := *yes
		if !ok {
			ok, err = confirm(env, fmt.Sprintf("Write %s to s3://%s as %s?", plural(int64(pending), "configuration"), dst, sides.Dst.Name()), "")
			if err != nil {
				return fail(env, ExitUsage, err)
			}
		}
		if !ok {
			fmt.Fprintln(human, "not applied")
			break
		}
		applied = true
		if err := bucketconfig.Apply(ctx, res); err != nil {
			return fail(env, ExitUsage, err)
		}
		printApplied(human, res)
		policyHint(human, res)
	}
	code := bucketConfigExit(res, applied)
	if *asJSON {
		writeBucketConfigJSON(env.Stdout, res, applied, code)
	}
	return code
}

// bucketLocations reads SRC and DST: whole buckets, two different ones.
func bucketLocations(pos []string) (src, dst string, err error) {
	if len(pos) != 2 {
		return "", "", &transfer.UsageError{Msg: fmt.Sprintf("want two buckets, SRC and DST (s3://bucket), got %d", len(pos))}
	}
	var names [2]string
	for i, p := range pos {
		side := [2]string{"SRC", "DST"}[i]
		loc, err := transfer.ParseLocation(p)
		if err != nil {
			return "", "", &transfer.UsageError{Msg: side + ": " + err.Error()}
		}
		if strings.Trim(loc.Prefix, "/") != "" {
			return "", "", &transfer.UsageError{Msg: fmt.Sprintf("%s: bucket configuration belongs to the whole bucket: give s3://%s, without /%s", side, loc.Bucket, loc.Prefix)}
		}
		names[i] = loc.Bucket
	}
	if names[0] == names[1] {
		return "", "", &transfer.UsageError{Msg: "SRC and DST are the same bucket: nothing to move"}
	}
	return names[0], names[1], nil
}

func kindList() string {
	var s []string
	for _, k := range bucketconfig.Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func printPlan(w io.Writer, res *bucketconfig.Result, brief bool) {
	res.WriteText(w, bucketconfig.TextOptions{ApplyHow: "--apply", AskHow: "with --only policy", Brief: brief})
}

// policyHint says how to apply a bucket policy that was only shown.
func policyHint(w io.Writer, res *bucketconfig.Result) {
	for _, it := range res.Items {
		if it.State == bucketconfig.Ask && !res.AskPolicy {
			fmt.Fprintln(w, "the bucket policy is shown only: run again with --only policy --apply to write it")
		}
	}
}

func printApplied(w io.Writer, res *bucketconfig.Result) {
	fmt.Fprintln(w)
	if c := res.Create; c != nil && c.Created {
		fmt.Fprintf(w, "created: s3://%s, %s\n", res.Sides.DstBucket, c.Summary())
	}
	for _, it := range res.Items {
		switch {
		case it.Applied:
			fmt.Fprintf(w, "applied: %s\n", it.Kind)
		case it.Pending(res.AskPolicy) && it.Err != nil:
			fmt.Fprintf(w, "failed: %s: %s\n", it.Kind, printable.String(s3err.Summary(it.Err)))
		}
	}
}

// bucketConfigExit follows diff(1) for the preview: 0 when the destination
// already has everything movable, 1 when something differs (to apply,
// shown, held back); after --apply, 1 when a write failed or something is
// still held back. A configuration that could not be read makes it 2.
func bucketConfigExit(res *bucketconfig.Result, applied bool) int {
	code := ExitOK
	if !applied && res.Create != nil {
		code = ExitFailures
	}
	for _, it := range res.Items {
		switch {
		case it.State == bucketconfig.Unreadable:
			return ExitUsage
		case it.State == bucketconfig.HeldBack || len(it.Held) > 0 && it.State != bucketconfig.Reported:
			code = ExitFailures
		case !applied && (it.State == bucketconfig.Change || it.State == bucketconfig.Ask):
			code = ExitFailures
		case applied && it.Pending(res.AskPolicy) && !it.Applied:
			code = ExitFailures
		}
	}
	return code
}

// bucketConfigItemJSON is one configuration in --json output.
type bucketConfigItemJSON struct {
	Kind     string                 `json:"kind"`
	State    string                 `json:"state"`
	Source   json.RawMessage        `json:"source,omitempty"`
	Current  json.RawMessage        `json:"current,omitempty"`
	Proposed json.RawMessage        `json:"proposed,omitempty"`
	Rewrites []bucketconfig.Rewrite `json:"rewrites,omitempty"`
	Held     []bucketconfig.Held    `json:"held,omitempty"`
	Notes    []string               `json:"notes,omitempty"`
	Error    string                 `json:"error,omitempty"`
	Applied  bool                   `json:"applied,omitempty"`
}

func writeBucketConfigJSON(w io.Writer, res *bucketconfig.Result, applied bool, code int) {
	raw := func(s string) json.RawMessage {
		if s == "" {
			return nil
		}
		return json.RawMessage(s)
	}
	out := struct {
		Source      string                 `json:"source"`
		Destination string                 `json:"destination"`
		Items       []bucketConfigItemJSON `json:"items"`
		Create      *bucketconfig.Creation `json:"create,omitempty"`
		Pending     int                    `json:"pending"`
		Applied     bool                   `json:"applied"`
		Exit        int                    `json:"exit"`
	}{Source: "s3://" + res.Sides.SrcBucket, Destination: "s3://" + res.Sides.DstBucket, Create: res.Create, Pending: res.Pending(), Applied: applied, Exit: code}
	for _, it := range res.Items {
		j := bucketConfigItemJSON{Kind: string(it.Kind), State: string(it.State), Source: raw(it.Source), Current: raw(it.Current),
			Proposed: raw(it.Proposed), Rewrites: it.Rewrites, Held: it.Held, Notes: it.Notes, Applied: it.Applied}
		if it.Err != nil {
			j.Error = s3err.Summary(it.Err)
		}
		out.Items = append(out.Items, j)
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}
