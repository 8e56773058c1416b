package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/transfer"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runPolicy(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "policy", "s3://SRC[/prefix] (--grantee-profile P | --grantee PRINCIPAL) [--apply [--yes]] [--revert]")
	srcProfile := fs.String("source-profile", awsauth.DefaultProfile(), "AWS profile of the origin bucket's owner (reads and writes its policy)")
	granteeProfile := fs.String("grantee-profile", "", "profile of the destination identity to grant read access to")
	grantee := fs.String("grantee", "", "principal to grant instead (account root ARN, role/user ARN, or on S3-compatible servers an access key id)")
	var prefixes multiFlag
	fs.Var(&prefixes, "prefix", "another prefix to grant (repeatable)")
	broad := fs.Bool("broad", false, "grant s3:Get* and s3:List* on the whole bucket instead of least privilege")
	apply := fs.Bool("apply", false, "put the merged policy on the bucket (asks first)")
	yes := fs.Bool("yes", false, "with --apply or --revert: do not ask")
	revert := fs.Bool("revert", false, "remove s3migrate's statements from the bucket policy (asks first)")
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
	if !*revert && (*granteeProfile == "") == (*grantee == "") {
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
		b, _ := json.MarshalIndent(awsauth.KMSKeyStatement(principal), "", "  ")
		fmt.Fprintf(env.Stdout, "%s\n\n%s\n", b, awsauth.KMSExplanation(*kmsKey))
		return ExitOK
	}
	owner, err := awsauth.Load(ctx, *srcProfile, env.sessionOptions(4))
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	var change awsauth.PolicyChange
	if *revert {
		change, err = awsauth.PlanRevert(ctx, owner, loc.Bucket)
	} else {
		var principal string
		if principal, err = principalOf(); err != nil {
			return fail(env, ExitUsage, err)
		}
		var stmts []awsauth.Statement
		if *reverse {
			stmts = []awsauth.Statement{awsauth.ReverseStatement(loc.Bucket, loc.Prefix, principal), awsauth.ReverseTaggingStatement(loc.Bucket, loc.Prefix, principal)}
			fmt.Fprintf(env.Stdout, "%s\n\n", awsauth.ReverseExplanation())
		} else if stmts, err = awsauth.MigrationStatements(awsauth.GrantOptions{
			Bucket: loc.Bucket, Prefixes: append([]string{loc.Prefix}, prefixes...), Principal: principal, Broad: *broad,
		}); err != nil {
			return fail(env, ExitUsage, err)
		}
		change, err = awsauth.PlanGrant(ctx, owner, loc.Bucket, stmts)
	}
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if change.Unchanged() {
		fmt.Fprintf(env.Stdout, "s3://%s: the bucket policy already is what the migration needs; nothing to change\n", loc.Bucket)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "bucket policy of s3://%s, current → proposed (- removed, + added):\n", loc.Bucket)
	if change.Delete {
		fmt.Fprintln(env.Stdout, "(no statements left: the bucket policy will be deleted)")
	}
	fmt.Fprint(env.Stdout, awsauth.FormatDiff(change.Diff()))
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
	if err := awsauth.ApplyPolicy(ctx, owner, change); err != nil {
		return fail(env, ExitUsage, err)
	}
	if *revert {
		fmt.Fprintf(env.Stdout, "reverted: s3migrate's statements removed from s3://%s\n", loc.Bucket)
	} else {
		fmt.Fprintf(env.Stdout, "applied: s3://%s now grants the migration read access; revert later with `s3migrate policy s3://%s --revert --source-profile %s`\n", loc.Bucket, loc.Bucket, owner.Profile)
	}
	return ExitOK
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
