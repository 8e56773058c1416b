// Package migration resolves one SRC → DST migration — both identities,
// both buckets, clients per region — and offers what the commands and the
// interactive browser do with it: the diff stream, the engine's endpoints,
// verification. It holds no state beyond the pair; both front ends use it.
package migration

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/transfer"
)

// Pair is a resolved SRC → DST migration: locations, sessions, and clients
// routed to each bucket's region.
type Pair struct {
	// Src and Dst are the two folders (see location.go): a source key
	// Src.Prefix+rel is copied to Dst.Prefix+rel.
	Src, Dst transfer.Location
	// Items narrow the source to hand-picked keys and folders relative to
	// Src.Prefix ("a/" a folder, "a.txt" one object); nil means all of it.
	Items []string
	// Filter drops keys by --include/--exclude (nil: none dropped).
	Filter           *Filter
	SrcSess, DstSess *awsauth.Session
	Compare          transfer.CompareMode
	// SrcClient is the origin identity on the source bucket, DstClient the
	// destination identity on the destination bucket, and SrcViaDst the
	// destination identity on the source bucket (server-side reads).
	SrcClient, DstClient, SrcViaDst *s3.Client
	// Copies recalls what earlier runs of the migration copied (its
	// journal), so a re-run's plan knows its own copies without a request
	// where ETags cannot be compared; nil for a plan without a journal.
	Copies transfer.CopyLog

	// filtered is what the last diff to finish left out by Filter (keys,
	// bytes): each diff counts on its own and publishes at its end, so two
	// diffs of one pair at once do not mix their counts.
	filtered atomic.Pointer[[2]int64]
}

// Filtered returns how many keys (and their bytes) the filters left out of
// the last diff to finish, so a plan can say what they removed.
func (p *Pair) Filtered() (keys, bytes int64) {
	if f := p.filtered.Load(); f != nil {
		return f[0], f[1]
	}
	return 0, 0
}

// Open loads both profiles (the same session when they are one profile),
// checks that both buckets exist, routes a client to each bucket's region,
// and resolves what the source names (a folder or one object, see
// location.go). Every error is one line that says what to do.
func Open(ctx context.Context, srcProfile, dstProfile string, src, dst transfer.Location, compare transfer.CompareMode, opt awsauth.Options) (*Pair, error) {
	if err := checkOverlap(FolderOf(src), FolderOf(dst)); err != nil {
		return nil, err
	}
	srcSess, dstSess, err := LoadSessions(ctx, srcProfile, dstProfile, opt)
	if err != nil {
		return nil, err
	}
	return OpenSessions(ctx, srcSess, dstSess, src, dst, compare)
}

// LoadSessions loads both profiles: one session when they are the same
// profile.
func LoadSessions(ctx context.Context, srcProfile, dstProfile string, opt awsauth.Options) (src, dst *awsauth.Session, err error) {
	if src, err = awsauth.Load(ctx, srcProfile, opt); err != nil {
		return nil, nil, err
	}
	if dstProfile == srcProfile {
		return src, src, nil
	}
	if dst, err = awsauth.Load(ctx, dstProfile, opt); err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}

// OpenSessions is Open with the sessions already loaded (sync
// --create-like-source creates the destination bucket with them first).
func OpenSessions(ctx context.Context, srcSess, dstSess *awsauth.Session, src, dst transfer.Location, compare transfer.CompareMode) (*Pair, error) {
	dst = FolderOf(dst)
	if err := checkOverlap(FolderOf(src), dst); err != nil {
		return nil, err
	}
	p := &Pair{Src: src, Dst: dst, Compare: compare, SrcSess: srcSess, DstSess: dstSess}
	if err := checkBucket(ctx, p.SrcSess, src.Bucket, "--source-profile"); err != nil {
		return nil, err
	}
	if err := checkBucket(ctx, p.DstSess, dst.Bucket, "--dest-profile"); err != nil {
		return nil, err
	}
	p.SrcClient = p.SrcSess.BucketClient(ctx, src.Bucket)
	p.DstClient = p.DstSess.BucketClient(ctx, dst.Bucket)
	p.SrcViaDst = p.DstSess.BucketClient(ctx, src.Bucket)
	root, items, err := ResolveSource(ctx, p.SrcClient, src)
	if err != nil {
		return nil, p.explainListError(err)
	}
	p.Src, p.Items = root, items
	if err := checkOverlap(p.Src, p.Dst); err != nil {
		return nil, err
	}
	return p, nil
}

func checkOverlap(src, dst transfer.Location) error {
	if transfer.Overlaps(src, dst) {
		return &transfer.UsageError{Msg: fmt.Sprintf("%s and %s overlap: the destination folder must not be inside the source folder (or the other way round) in the same bucket", src, dst)}
	}
	return nil
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
		var silent *awsauth.NoAnswerError
		if !errors.As(err, &silent) { // that error says it already
			oe.Hint = "the endpoint did not answer: check endpoint_url / the network"
		}
	}
	return oe
}

// PolicyHint is the command that grants the destination identity read
// access, complete: it runs as printed (the origin profile owns the bucket).
func (p *Pair) PolicyHint() string {
	return fmt.Sprintf("s3migrate policy %s --source-profile %s --grantee-profile %s --apply", p.Src, p.SrcSess.Profile, p.DstSess.Profile)
}

func (p *Pair) Endpoints() transfer.Endpoints {
	return transfer.Endpoints{
		Src: p.SrcClient, Dst: p.DstClient, SrcViaDst: p.SrcViaDst,
		SrcName: p.SrcSess.Name(), DstName: p.DstSess.Name(),
		ServerSide: p.SrcSess.SameEndpoint(p.DstSess),
		PolicyHint: p.PolicyHint(),
	}
}

// Diff streams the comparison of the two sides (the selected items, or
// everything under Src): the source listed by the origin identity, the
// destination by the destination identity.
func (p *Pair) Diff(ctx context.Context) iter.Seq2[transfer.Entry, error] {
	return p.DiffItems(ctx, p.Items)
}

// explainListError adds the fix to a listing denied by a bucket policy.
func (p *Pair) explainListError(err error) error {
	var oe *transfer.OpError
	if !errors.As(err, &oe) {
		return err
	}
	flagName, who := "--dest-profile", p.DstSess
	if strings.HasPrefix(oe.URL, p.Src.String()) {
		flagName, who = "--source-profile", p.SrcSess
	}
	oe.Identity = who.Name()
	if transfer.IsCredentialError(err) {
		oe.Hint = "the credentials were rejected: check or refresh them (" + flagName + ")"
		return oe
	}
	if !transfer.IsAccessDenied(err) {
		return err
	}
	if strings.HasPrefix(oe.URL, p.Src.String()) {
		oe.Identity = p.SrcSess.Name()
		oe.Hint = "this identity may not list the origin bucket: check --source-profile"
		if p.SrcSess == p.DstSess {
			oe.Hint = "the origin bucket policy does not grant s3:ListBucket to this identity: run `" + p.PolicyHint() + "`"
		}
	} else {
		oe.Identity = p.DstSess.Name()
		oe.Hint = "this identity may not list the destination bucket: check --dest-profile"
	}
	return oe
}

// Verify checks every source key against the destination.
func (p *Pair) Verify(ctx context.Context, opt transfer.VerifyOptions) (*transfer.VerifyResult, error) {
	return transfer.Verify(ctx, p.Endpoints(), p.Src, p.Dst, p.Diff(ctx), opt)
}
