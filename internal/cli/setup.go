package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/transfer"
)

// pairFlags are the flags every SRC/DST command shares.
type pairFlags struct {
	srcProfile, dstProfile string
	compare                string
}

func (p *pairFlags) register(fs *flag.FlagSet) {
	def := awsauth.DefaultProfile()
	fs.StringVar(&p.srcProfile, "source-profile", def, "AWS profile of the origin identity (lists and, for relays, reads the source)")
	fs.StringVar(&p.dstProfile, "dest-profile", def, "AWS profile of the destination identity (writes, and reads the source server-side)")
	fs.StringVar(&p.compare, "compare", string(transfer.CompareSizeETag), "when a key on both sides counts as changed: size-etag, size, size-mtime, checksum")
}

// pair is a resolved SRC → DST migration: locations, sessions, endpoints.
type pair struct {
	src, dst         transfer.Location
	srcSess, dstSess *awsauth.Session
	compare          transfer.CompareMode
	// Clients routed to each bucket's region: the origin identity on the
	// source, the destination identity on the destination and (for
	// server-side reads) on the source.
	srcClient, dstClient, srcViaDst *s3.Client
}

// resolvePair parses the two URLs, loads both profiles and checks that both
// buckets exist. Every error is a one-line message with what to do.
func resolvePair(ctx context.Context, env Env, pf pairFlags, args []string, maxConns int) (*pair, error) {
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
	if transfer.Overlaps(src, dst) {
		return nil, &transfer.UsageError{Msg: fmt.Sprintf("%s and %s overlap: the destination prefix must not be inside the source prefix (or the other way round) in the same bucket", src, dst)}
	}
	cmp, err := transfer.ParseCompareMode(pf.compare)
	if err != nil {
		return nil, err
	}
	p := &pair{src: src, dst: dst, compare: cmp}
	opt := env.sessionOptions(maxConns)
	if p.srcSess, err = awsauth.Load(ctx, pf.srcProfile, opt); err != nil {
		return nil, err
	}
	if pf.dstProfile == pf.srcProfile {
		p.dstSess = p.srcSess
	} else if p.dstSess, err = awsauth.Load(ctx, pf.dstProfile, opt); err != nil {
		return nil, err
	}
	if err := checkBucket(ctx, p.srcSess, src.Bucket, "--source-profile"); err != nil {
		return nil, err
	}
	if err := checkBucket(ctx, p.dstSess, dst.Bucket, "--dest-profile"); err != nil {
		return nil, err
	}
	p.srcClient = p.srcSess.BucketClient(ctx, src.Bucket)
	p.dstClient = p.dstSess.BucketClient(ctx, dst.Bucket)
	p.srcViaDst = p.dstSess.BucketClient(ctx, src.Bucket)
	return p, nil
}

// checkBucket turns a missing bucket or bad credentials into a clear error
// before any listing starts.
func checkBucket(ctx context.Context, sess *awsauth.Session, bucket, flagName string) error {
	_, err := sess.BucketClient(ctx, bucket).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return nil
	}
	oe := &transfer.OpError{Op: "open bucket", URL: "s3://" + bucket, Identity: sess.Name(), Err: err}
	switch {
	case transfer.ErrorCode(err) == "NoSuchBucket" || transfer.HTTPStatus(err) == 404:
		oe.Err = errors.New("NoSuchBucket")
		oe.Hint = "the bucket does not exist: check its name (and the endpoint/region of the profile)"
	case transfer.IsCredentialError(err):
		oe.Hint = "the credentials were rejected: check or refresh them (" + flagName + ")"
	case transfer.HTTPStatus(err) != 0:
		// A HEAD answer has no body to explain a 403 or 400 (a grant scoped
		// to a prefix may deny HeadBucket and still allow the migration):
		// the listing that follows reports the real error code.
		return nil
	default:
		oe.Hint = "the endpoint did not answer: check endpoint_url / the network"
	}
	return oe
}

// policyHint is the command that grants the destination identity read access.
func (p *pair) policyHint() string {
	return fmt.Sprintf("s3migrate policy %s --grantee-profile %s --apply", p.src, p.dstSess.Profile)
}

func (p *pair) endpoints() transfer.Endpoints {
	return transfer.Endpoints{
		Src: p.srcClient, Dst: p.dstClient, SrcViaDst: p.srcViaDst,
		SrcName: p.srcSess.Name(), DstName: p.dstSess.Name(),
		ServerSide: p.srcSess.SameEndpoint(p.dstSess),
		PolicyHint: p.policyHint(),
	}
}

// diff streams the comparison of the two sides: the source listed by the
// origin identity, the destination by the destination identity.
func (p *pair) diff(ctx context.Context) func(func(transfer.Entry, error) bool) {
	srcList := transfer.List(ctx, p.srcClient, p.src)
	dstList := transfer.List(ctx, p.dstClient, p.dst)
	opt := transfer.DiffOptions{SrcPrefix: p.src.Prefix, DstPrefix: p.dst.Prefix, Mode: p.compare}
	if p.compare == transfer.CompareChecksum {
		opt.SrcSums = transfer.NewHeadChecksums(p.srcClient, p.src.Bucket)
		opt.DstSums = transfer.NewHeadChecksums(p.dstClient, p.dst.Bucket)
	}
	return func(yield func(transfer.Entry, error) bool) {
		for e, err := range transfer.Diff(ctx, srcList, dstList, opt) {
			if err != nil {
				err = p.explainListError(err)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// explainListError adds the fix to a listing denied by a bucket policy.
func (p *pair) explainListError(err error) error {
	var oe *transfer.OpError
	if !errors.As(err, &oe) {
		return err
	}
	flagName, who := "--dest-profile", p.dstSess
	if oe.URL == p.src.String() {
		flagName, who = "--source-profile", p.srcSess
	}
	oe.Identity = who.Name()
	if transfer.IsCredentialError(err) {
		oe.Hint = "the credentials were rejected: check or refresh them (" + flagName + ")"
		return oe
	}
	if !transfer.IsAccessDenied(err) {
		return err
	}
	if oe.URL == p.src.String() {
		oe.Identity = p.srcSess.Name()
		oe.Hint = "this identity may not list the origin bucket: check --source-profile"
		if p.srcSess == p.dstSess {
			oe.Hint = "the origin bucket policy does not grant s3:ListBucket to this identity: run `" + p.policyHint() + "`"
		}
	} else {
		oe.Identity = p.dstSess.Name()
		oe.Hint = "this identity may not list the destination bucket: check --dest-profile"
	}
	return oe
}

// sessionOptions are the awsauth options of a command: connection pool
// sized to the concurrency, and an MFA prompt when there is a terminal.
func (env Env) sessionOptions(maxConns int) awsauth.Options {
	o := awsauth.Options{MaxConns: maxConns}
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
