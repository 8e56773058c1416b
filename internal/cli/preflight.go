package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/transfer"
)

func runPreflight(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "preflight", "s3://SRC[/prefix] s3://DST[/prefix] [flags]")
	var pf pairFlags
	pf.register(fs)
	mode := fs.String("mode", string(transfer.ModeAuto), "the copy mode to check for: auto and server-side check reads as the destination identity, relay as the origin identity")
	acl := fs.String("acl", "", "the canned ACL the copy will use")
	sse := fs.String("sse", "", "the encryption the copy will ask for: AES256 or aws:kms (default: the bucket's)")
	kmsKey := fs.String("sse-kms-key-id", "", "the KMS key the copy will ask for (implies --sse aws:kms)")
	asJSON := fs.Bool("json", false, "print the checks as one JSON object on stdout")
	keepLock := fs.Bool("keep-object-lock", false, "check for a copy that keeps each object's Object Lock retention and legal hold")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	m, err := transfer.ParseMode(*mode)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	switch {
	case *sse != "" && *sse != "AES256" && *sse != "aws:kms":
		return fail(env, ExitUsage, fmt.Errorf("--sse %s: want AES256 or aws:kms", *sse))
	case *kmsKey != "" && *sse == "AES256":
		return fail(env, ExitUsage, errors.New("--sse-kms-key-id goes with --sse aws:kms, not AES256: drop one"))
	case *kmsKey != "":
		*sse = "aws:kms"
	}
	p, err := resolvePair(ctx, env, pf, pos, 8)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	checks := preflight.Run(ctx, preflight.Input{
		SrcBucket: p.Src.Bucket, SrcPrefix: p.Src.Prefix, DstBucket: p.Dst.Bucket, DstPrefix: p.Dst.Prefix,
		Src: p.SrcSess, Dst: p.DstSess, ACL: *acl, SSE: *sse, SSEKMSKeyID: *kmsKey, PolicyCommand: p.PolicyHint(),
		BucketConfig: fmt.Sprintf("s3migrate bucket-config s3://%s s3://%s --source-profile %s --dest-profile %s (add --apply)", p.Src.Bucket, p.Dst.Bucket, p.SrcSess.Profile, p.DstSess.Profile),
		Relay:        m == transfer.ModeRelay || !p.SrcSess.SameEndpoint(p.DstSess),
		CanFallBack:  m == transfer.ModeAuto, KeepObjectLock: *keepLock, RequesterPays: pf.requestPayer == "requester",
	})
	if *asJSON {
		out := preflightOf(checks)
		printJSON(env.Stdout, out)
		if out.Failed > 0 {
			return ExitFailures
		}
		return ExitOK
	}
	failed := 0
	for _, c := range checks {
		mark := map[preflight.Status]string{preflight.StatusPass: "pass", preflight.StatusWarn: "WARN", preflight.StatusFail: "FAIL"}[c.Status]
		fmt.Fprintf(env.Stdout, "%-4s  %-32s %s\n", mark, c.Name, c.Reason)
		if c.Fix != "" && c.Status != preflight.StatusPass {
			fmt.Fprintf(env.Stdout, "      %-32s fix: %s\n", "", c.Fix)
		}
		if c.Status == preflight.StatusFail {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "s3migrate: %d preflight checks failed\n", failed)
		return ExitFailures
	}
	return ExitOK
}
