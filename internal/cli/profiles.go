package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/s3migrate/s3migrate/awsauth"
)

// profileRow is one resolved line of `s3migrate profiles`.
type profileRow struct {
	info   awsauth.ProfileInfo
	id     awsauth.Identity
	status string
	// ok: the profile resolved to an identity (checked: it was tried).
	ok, checked bool
}

func runProfiles(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "profiles", "[--no-resolve] [--json]")
	noResolve := fs.Bool("no-resolve", false, "do not call STS: list the files' contents only")
	asJSON := fs.Bool("json", false, "print the profiles as one JSON object on stdout")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagErrCode(err)
	}
	cfgFile, credFile := awsauth.DefaultFiles()
	infos, err := awsauth.ListProfiles(cfgFile, credFile)
	if err != nil {
		return fail(env, ExitUsage, err)
	}
	if e, ok := awsauth.EnvProfile(); ok {
		infos = append([]awsauth.ProfileInfo{e}, infos...)
	}
	if len(infos) == 0 {
		fmt.Fprintf(env.Stderr, "no profiles in %s or %s, and no AWS_ACCESS_KEY_ID: run `aws configure` (or `s3migrate sandbox` to try the tool)\n", cfgFile, credFile)
		return ExitUsage
	}
	rows := make([]profileRow, len(infos))
	var wg sync.WaitGroup
	for i, info := range infos {
		rows[i] = profileRow{info: info, status: "not checked"}
		if *noResolve {
			continue
		}
		rows[i].checked = true
		if info.Problem != "" {
			rows[i].status = info.Problem + ": " + info.Hint()
			continue
		}
		wg.Add(1)
		go func(r *profileRow) {
			defer wg.Done()
			r.id, r.status, r.ok = resolveRow(ctx, r.info, env.Timeouts)
		}(&rows[i])
	}
	wg.Wait()
	if *asJSON {
		printJSON(env.Stdout, profilesOf(rows))
		return ExitOK
	}

	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tKIND\tACCOUNT\tARN / PRINCIPAL\tREGION\tENDPOINT\tSTATUS")
	for _, r := range rows {
		arn := r.id.ARN
		if arn == "" {
			arn = r.id.Principal
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.info.Name, r.info.Kind, dash(r.id.Account), dash(arn),
			dash(r.info.Region), dash(r.info.EndpointURL), r.status)
	}
	tw.Flush()
	return ExitOK
}

// resolveRow loads one profile and asks who it is; failures become the
// status column, with the profile kind's hint.
func resolveRow(ctx context.Context, info awsauth.ProfileInfo, timeouts awsauth.Timeouts) (awsauth.Identity, string, bool) {
	name := info.Name
	if info.Kind == awsauth.KindEnv {
		name = ""
	}
	sess, err := awsauth.Load(ctx, name, awsauth.Options{MaxAttempts: 1, Timeouts: timeouts})
	if err != nil {
		return awsauth.Identity{}, oneLine(err.Error()), false
	}
	// First whether the endpoint answers at all: without STS, the identity
	// check below cannot tell a refused or silent endpoint from a working
	// one and would say "ok".
	if err := sess.CheckEndpoint(ctx); err != nil {
		var ue *awsauth.UnreachableError
		if errors.As(err, &ue) {
			return awsauth.Identity{}, "unreachable: " + oneLine(err.Error()), false
		}
		return awsauth.Identity{}, oneLine(err.Error()) + "; " + info.Hint(), false
	}
	id, err := awsauth.ResolveIdentity(ctx, sess)
	if err != nil {
		return awsauth.Identity{}, oneLine(err.Error()) + "; " + info.Hint(), false
	}
	if id.Note != "" {
		return id, "ok (" + id.Note + ")", true
	}
	return id, "ok", true
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
