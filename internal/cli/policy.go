package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/transfer"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runPolicy(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "policy", "s3://SRC[/prefix] (--grantee-profile P | --grantee PRINCIPAL) [--prefix P]... [--broad] [--apply [--yes]] [--revert] [--reverse] [--kms-key ARN]")
	srcProfile := fs.String("source-profile", awsauth.DefaultProfile(), "AWS profile of the origin bucket's owner (reads and writes its policy)")
	granteeProfile := fs.String("grantee-profile", "", "profile of the destination identity to grant read access to (or, with --revert, to revoke it from)")
	grantee := fs.String("grantee", "", "principal to grant instead (account root ARN, role/user ARN, or on S3-compatible servers an access key id)")
	var prefixes multiFlag
	fs.Var(&prefixes, "prefix", "another prefix to grant (repeatable)")
	broad := fs.Bool("broad", false, "grant s3:Get* and s3:List* on the whole bucket instead of least privilege")
	apply := fs.Bool("apply", false, "put the merged policy on the bucket (asks first)")
	yes := fs.Bool("yes", false, "with --apply or --revert: do not ask")
	revert := fs.Bool("revert", false, "remove the grantee's s3migrate statements from the bucket policy (asks first); other grantees' and the owner's stay")
	reverse := fs.Bool("reverse", false, "the reverse direction: the location is the DESTINATION bucket and the grantee (the origin identity) may write into it")
	kmsKey := fs.String("kms-key", "", "print the key-policy statement that lets the grantee decrypt objects encrypted with this KMS key (ARN), and stop")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagErrCode(err)
	}
	if len(pos) != 1 {
		return fail(env, ExitUsage, fmt.Errorf("want one location, the origin s3://bucket/prefix, got %d", len(pos)))
	}
	loc, err := transfer.ParseLocation(pos[0])
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if *granteeProfile != "" && *grantee != "" {
		return fail(env, ExitUsage, errors.New("name the destination identity with --grantee-profile P or --grantee PRINCIPAL, not both"))
	}
	if *granteeProfile == "" && *grantee == "" && !*revert {
		return fail(env, ExitUsage, errors.New("name the destination identity with --grantee-profile P or --grantee PRINCIPAL (one of them)"))
	}
	principalOf := func() (string, error) {
		if *grantee != "" {
			return *grantee, nil
		}
		sess, err := awsauth.Load(ctx, *granteeProfile, env.sessionOptions(4))
		if err != nil {
			return "", err
		}
		id, err := awsauth.ResolveIdentity(ctx, sess)
		if err != nil {
			return "", err
		}
		if id.Note != "" {
			fmt.Fprintf(env.Stderr, "note: %s\n", id.Note)
		}
		return id.Principal, nil
	}
	if *kmsKey != "" {
		principal, err := principalOf()
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		b, _ := json.MarshalIndent(bucketpolicy.KMSKeyStatement(principal), "", "  ")
		fmt.Fprintf(env.Stdout, "%s\n\n%s\n", b, bucketpolicy.KMSExplanation(*kmsKey))
		return ExitOK
	}
	owner, err := awsauth.Load(ctx, *srcProfile, env.sessionOptions(4))
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if *revert && *granteeProfile == "" && *grantee == "" {
		return fail(env, ExitUsage, revertWhom(ctx, owner, loc.Bucket))
	}
	principal, err := principalOf()
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	var change bucketpolicy.Change
	if *revert {
		change, err = bucketpolicy.PlanRevert(ctx, owner, loc.Bucket, principal)
	} else {
		var stmts []bucketpolicy.Statement
		if *reverse {
			stmts = []bucketpolicy.Statement{bucketpolicy.ReverseStatement(loc.Bucket, loc.Prefix, principal), bucketpolicy.ReverseTaggingStatement(loc.Bucket, loc.Prefix, principal)}
			fmt.Fprintf(env.Stdout, "%s\n\n", bucketpolicy.ReverseExplanation())
		} else if stmts, err = bucketpolicy.MigrationStatements(bucketpolicy.GrantOptions{
			Bucket: loc.Bucket, Prefixes: append([]string{loc.Prefix}, prefixes...), Principal: principal, Broad: *broad,
		}); err != nil {
			return fail(env, ExitUsage, err)
		}
		change, err = bucketpolicy.PlanGrant(ctx, owner, loc.Bucket, stmts)
	}
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	switch {
	case change.NoGrant != "":
		fmt.Fprintf(env.Stdout, "s3://%s: %s\n", loc.Bucket, change.NoGrant)
		return ExitOK
	case change.Unchanged() && *revert:
		fmt.Fprintf(env.Stdout, "s3://%s: the bucket policy has no s3migrate statements for %s; nothing to revert\n", loc.Bucket, principal)
		return ExitOK
	case change.Unchanged():
		fmt.Fprintf(env.Stdout, "s3://%s: the bucket policy already is what the migration needs; nothing to change\n", loc.Bucket)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "bucket policy of s3://%s, current → proposed (- removed, + added):\n", loc.Bucket)
	if s := change.ScopeSummary(); s != "" {
		fmt.Fprintln(env.Stdout, s)
	}
	if change.Delete {
		fmt.Fprintln(env.Stdout, "(no statements left: the bucket policy will be deleted)")
	}
	fmt.Fprint(env.Stdout, bucketpolicy.FormatDiff(change.Diff()))
	if !*apply && !*revert {
		fmt.Fprintf(env.Stdout, "\nnothing applied: add --apply to put it on s3://%s\n", loc.Bucket)
		return ExitOK
	}
	if !*yes {
		ok, err := confirm(env, fmt.Sprintf("Put this policy on s3://%s as %s?", loc.Bucket, owner.Name()),
			"refusing to change the bucket policy without confirmation: no terminal to ask on; add --yes to apply anyway")
		if err != nil {
			return fail(env, ExitUsage, err)
		}
		if !ok {
			fmt.Fprintln(env.Stdout, "not applied")
			return ExitOK
		}
	}
	// ApplyPolicy reads the policy again and writes nothing if it is not
	// the one shown: the answer may have come minutes after the preview.
	if err := bucketpolicy.Apply(ctx, owner, change); err != nil {
		return fail(env, ExitUsage, err)
	}
	if *revert {
		fmt.Fprintf(env.Stdout, "reverted: the s3migrate statements for %s removed from s3://%s\n", principal, loc.Bucket)
		return ExitOK
	}
	who := "--grantee-profile " + *granteeProfile
	if *grantee != "" {
		who = "--grantee " + *grantee
	}
	if owner.Profile != "" {
		who += " --source-profile " + owner.Profile
	}
	access := "read"
	if *reverse {
		access = "write"
	}
	fmt.Fprintf(env.Stdout, "applied: s3://%s now grants the migration %s access; revert later with `s3migrate policy s3://%s --revert %s`\n",
		loc.Bucket, access, loc.Bucket, who)
	return ExitOK
}

// revertWhom is the error for a revert without a grantee: revert removes
// one grantee's statements, so it names the grantees the policy has.
func revertWhom(ctx context.Context, owner *awsauth.Session, bucket string) error {
	const ask = "--revert removes one grantee's statements: name it with --grantee-profile P or --grantee PRINCIPAL"
	doc, err := bucketpolicy.Read(ctx, owner, bucket)
	if err != nil {
		return fmt.Errorf("%s (%w)", ask, err)
	}
	gs := bucketpolicy.Grantees(doc, bucket)
	if len(gs) == 0 {
		return fmt.Errorf("%s; the policy of s3://%s has no s3migrate statements", ask, bucket)
	}
	return fmt.Errorf("%s; the policy of s3://%s has s3migrate statements for: %s", ask, bucket, strings.Join(gs, ", "))
}

// confirm asks a yes/no question on the terminal. Without a terminal to ask
// on, it refuses rather than guess.
func confirm(env Env, question, refusal string) (bool, error) {
	if env.Stdin == nil || !env.StdinIsTerminal {
		if refusal == "" {
			refusal = "refusing without confirmation: no terminal to ask on; add --yes"
		}
		return false, errors.New(refusal)
	}
	fmt.Fprintf(env.Stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "y" || ans == "yes", nil
}
