// Package backend is the TUI's Backend: the same awsauth, bucketpolicy, migration,
// transfer and journal code the commands use, behind the screen.Backend
// interface. Sessions are loaded once per profile and cached.
package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// Live is the real backend.
type Live struct {
	// MFAToken is asked for MFA codes (the TUI opens a modal input).
	MFAToken func(serial string) (string, error)
	// Log receives the SDK's log lines (the TUI's log file).
	Log io.Writer
	// Timeouts bound silent connections (zero: awsauth's defaults).
	Timeouts awsauth.Timeouts
	// Prices is the price table the Plan's estimate uses (tui --prices);
	// nil: the built-in one.
	Prices *estimate.Prices
	// RequesterPays makes every S3 request of the session accept the
	// charges of a Requester Pays source (s3migrate --request-payer
	// requester); the migrations it starts keep it in their journals.
	RequesterPays bool

	mu       sync.Mutex
	sessions map[string]*awsauth.Session
	// applied is what the Bucket tab applied before Start created the
	// migration's journal (bucketconfig.go), guarded by mu.
	applied map[string][]bucketconfig.Record
	// granted holds the read grants this session wrote into bucket
	// policies and has not revoked: bucket → grantee principals, guarded
	// by mu (see GrantsLeft).
	granted map[string][]string
}

var _ screen.Backend = (*Live)(nil)

// New returns a backend with no session loaded yet.
func New() *Live { return &Live{sessions: map[string]*awsauth.Session{}} }

func (b *Live) session(ctx context.Context, profile string) (*awsauth.Session, error) {
	b.mu.Lock()
	s, ok := b.sessions[profile]
	b.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := awsauth.Load(ctx, profile, b.sessionOptions())
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.sessions[profile] = s
	b.mu.Unlock()
	return s, nil
}

func (b *Live) sessionOptions() awsauth.Options {
	return awsauth.Options{MaxConns: 64, MFAToken: b.MFAToken, Log: b.Log, Timeouts: b.Timeouts, RequesterPays: b.RequesterPays}
}

// Profiles lists the profiles of the shared files (and the environment).
func (b *Live) Profiles() ([]awsauth.ProfileInfo, error) {
	cfg, creds := awsauth.DefaultFiles()
	ps, err := awsauth.ListProfiles(cfg, creds)
	if err != nil {
		return nil, err
	}
	if e, ok := awsauth.EnvProfile(); ok {
		ps = append([]awsauth.ProfileInfo{e}, ps...)
	}
	return ps, nil
}

// Identity resolves who a profile is, after checking that its endpoint
// answers at all (as `s3migrate profiles` does): an unreachable endpoint is
// shown as such, not as a profile that works.
func (b *Live) Identity(ctx context.Context, profile string) (awsauth.Identity, error) {
	s, err := b.session(ctx, profile)
	if err != nil {
		return awsauth.Identity{}, err
	}
	if err := s.CheckEndpoint(ctx); err != nil {
		return awsauth.Identity{}, err
	}
	return awsauth.ResolveIdentity(ctx, s)
}

// Buckets lists the buckets a profile can see.
func (b *Live) Buckets(ctx context.Context, profile string) ([]screen.Bucket, error) {
	s, err := b.session(ctx, profile)
	if err != nil {
		return nil, err
	}
	var out []screen.Bucket
	p := s3.NewListBucketsPaginator(s.S3(), &s3.ListBucketsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list buckets as %s: %s", s.Name(), transfer.ErrorSummary(err))
		}
		for _, bk := range page.Buckets {
			out = append(out, screen.Bucket{Name: aws.ToString(bk.Name), Region: aws.ToString(bk.BucketRegion), Created: aws.ToTime(bk.CreationDate)})
		}
	}
	return out, nil
}

// CreateBucket creates a bucket as the profile; with like.Bucket, like
// that bucket (its region, Object Lock, versioning and Object Ownership,
// read as like.Profile), through bucketconfig as the commands do.
func (b *Live) CreateBucket(ctx context.Context, profile, name string, like screen.BucketRef) (string, error) {
	if err := transfer.ValidateBucketName(name); err != nil {
		return "", err
	}
	s, err := b.session(ctx, profile)
	if err != nil {
		return "", err
	}
	if like.Bucket != "" {
		src, err := b.session(ctx, like.Profile)
		if err != nil {
			return "", err
		}
		sides := bucketconfig.Sides{Src: src, Dst: s, SrcBucket: like.Bucket, DstBucket: name}
		c, err := bucketconfig.LikeSource(ctx, sides)
		if err == nil {
			err = bucketconfig.Create(ctx, sides, c)
		}
		if err != nil {
			return "", err
		}
		b.rememberCreated(like, profile, name, c)
		return c.Summary() + " s3://" + like.Bucket, nil
	}
	_, err = s.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("create s3://%s as %s: %s", name, s.Name(), transfer.ErrorSummary(err))
	}
	return "", nil
}

// List returns one page of a delimiter listing under prefix.
func (b *Live) List(ctx context.Context, profile, bucket, prefix, next string) (screen.Page, error) {
	s, err := b.session(ctx, profile)
	if err != nil {
		return screen.Page{}, err
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1000)}
	if next != "" {
		in.ContinuationToken = aws.String(next)
	}
	out, err := s.BucketClient(ctx, bucket).ListObjectsV2(ctx, in)
	if err != nil {
		return screen.Page{}, &transfer.OpError{Op: "list", URL: "s3://" + bucket + "/" + prefix, Identity: s.Name(), Err: err}
	}
	var pg screen.Page
	for _, p := range out.CommonPrefixes {
		pg.Prefixes = append(pg.Prefixes, aws.ToString(p.Prefix))
	}
	for _, o := range out.Contents {
		pg.Objects = append(pg.Objects, transfer.Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size),
			ETag: strings.Trim(aws.ToString(o.ETag), `"`), LastModified: aws.ToTime(o.LastModified), StorageClass: string(o.StorageClass)})
	}
	if aws.ToBool(out.IsTruncated) {
		pg.Next = aws.ToString(out.NextContinuationToken)
	}
	return pg, nil
}

// Count totals the objects and bytes of the selected items.
func (b *Live) Count(ctx context.Context, profile, bucket string, items []string) (int64, int64, error) {
	s, err := b.session(ctx, profile)
	if err != nil {
		return 0, 0, err
	}
	var n, bytes int64
	for _, it := range migration.Selection(items) {
		for o, err := range transfer.List(ctx, s.BucketClient(ctx, bucket), transfer.Location{Bucket: bucket, Prefix: it}) {
			if err != nil {
				return n, bytes, err
			}
			if !strings.HasSuffix(it, "/") && o.Key != it {
				continue
			}
			n++
			bytes += o.Size
		}
	}
	return n, bytes, nil
}

// Walk streams every object under prefix in key order, without a
// delimiter: the browser's search below a prefix and its prefix sizes.
func (b *Live) Walk(ctx context.Context, profile, bucket, prefix string) iter.Seq2[transfer.Object, error] {
	return func(yield func(transfer.Object, error) bool) {
		s, err := b.session(ctx, profile)
		if err != nil {
			yield(transfer.Object{}, err)
			return
		}
		for o, err := range transfer.List(ctx, s.BucketClient(ctx, bucket), transfer.Location{Bucket: bucket, Prefix: prefix}) {
			var oe *transfer.OpError
			if errors.As(err, &oe) && oe.Identity == "" {
				oe.Identity = s.Name()
			}
			if !yield(o, err) || err != nil {
				return
			}
		}
	}
}

// Head describes one object for the browser's preview: its headers, user
// metadata and tags. Tags the identity may not read are reported in
// TagsErr, not as a failure of the whole preview.
func (b *Live) Head(ctx context.Context, profile, bucket, key string) (screen.ObjectDetail, error) {
	s, err := b.session(ctx, profile)
	if err != nil {
		return screen.ObjectDetail{}, err
	}
	c := s.BucketClient(ctx, bucket)
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return screen.ObjectDetail{}, &transfer.OpError{Op: "head", URL: "s3://" + bucket + "/" + key, Identity: s.Name(), Err: err}
	}
	d := screen.ObjectDetail{Object: transfer.ObjectFromHead(key, h),
		ContentType: aws.ToString(h.ContentType), ContentEncoding: aws.ToString(h.ContentEncoding),
		ContentDisposition: aws.ToString(h.ContentDisposition), ContentLanguage: aws.ToString(h.ContentLanguage),
		CacheControl: aws.ToString(h.CacheControl), Metadata: h.Metadata}
	if d.Object.StorageClass == "" {
		d.Object.StorageClass = "STANDARD" // HEAD leaves it out for STANDARD
	}
	d.Lock = lockText(h)
	t, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		d.TagsErr = transfer.ErrorSummary(err)
		return d, nil
	}
	for _, tg := range t.TagSet {
		d.Tags = append(d.Tags, screen.Tag{Key: aws.ToString(tg.Key), Value: aws.ToString(tg.Value)})
	}
	return d, nil
}

// lockText says how Object Lock protects an object, from its HEAD.
func lockText(h *s3.HeadObjectOutput) string {
	var parts []string
	if h.ObjectLockMode != "" {
		until := "?"
		if t := h.ObjectLockRetainUntilDate; t != nil {
			until = t.UTC().Format("2006-01-02 15:04 UTC")
		}
		parts = append(parts, string(h.ObjectLockMode)+" until "+until)
	}
	if h.ObjectLockLegalHoldStatus == types.ObjectLockLegalHoldStatusOn {
		parts = append(parts, "legal hold")
	}
	return strings.Join(parts, ", ")
}

// Peek reads at most the first n bytes of an object with a ranged GET, so
// a preview of a large object never downloads it.
func (b *Live) Peek(ctx context.Context, profile, bucket, key string, n int64) ([]byte, error) {
	s, err := b.session(ctx, profile)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, nil
	}
	out, err := s.BucketClient(ctx, bucket).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Range: aws.String(fmt.Sprintf("bytes=0-%d", n-1))})
	if err != nil {
		return nil, &transfer.OpError{Op: "read the start of", URL: "s3://" + bucket + "/" + key, Identity: s.Name(), Err: err}
	}
	defer out.Body.Close()
	// A server that ignores Range sends the whole object: read n bytes only.
	data, err := io.ReadAll(io.LimitReader(out.Body, n))
	if err != nil {
		return data, &transfer.OpError{Op: "read the start of", URL: "s3://" + bucket + "/" + key, Identity: s.Name(), Err: err}
	}
	return data, nil
}

func (b *Live) pair(ctx context.Context, m screen.Migration) (*migration.Pair, error) {
	cmp := transfer.CompareMode(m.Compare)
	if cmp == "" {
		cmp = transfer.CompareSizeETag
	}
	if _, err := b.session(ctx, m.SrcProfile); err != nil {
		return nil, err
	}
	src := migration.FolderOf(transfer.Location{Bucket: m.SrcBucket, Prefix: m.SrcPrefix})
	p, err := migration.Open(ctx, m.SrcProfile, m.DstProfile, src,
		transfer.Location{Bucket: m.DstBucket, Prefix: m.DstPrefix}, cmp, b.sessionOptions())
	if err != nil {
		return nil, err
	}
	p.Items = migration.Selection(m.Items)
	// The Options tab's filter narrows the diff and the verify as it
	// narrows the run (migration.New sets it again from the definition);
	// a journaled migration picked up again runs with its own rules.
	if m.Journal != "" {
		if p.Filter, err = journalFilter(m.Journal); err != nil {
			err = fmt.Errorf("the filter of journal %s: %w", m.Journal, err)
		}
	} else {
		p.Filter, err = NewFilter(m.Options.Filter)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// grantPrefixes are the policy prefixes of a selection (the source folder
// when nothing narrows it).
func grantPrefixes(m screen.Migration) []string {
	root := migration.FolderOf(transfer.Location{Prefix: m.SrcPrefix}).Prefix
	if len(m.Items) == 0 {
		return []string{root}
	}
	var out []string
	for _, it := range migration.Selection(m.Items) {
		out = append(out, root+it)
	}
	return out
}

// PolicyChange plans the origin bucket policy the migration needs: the
// destination identity's statements merged into the current policy (or, when
// one identity owns both sides, no grant, with NoGrant saying so). The change
// carries the policy as read, for ApplyPolicy's check.
func (b *Live) PolicyChange(ctx context.Context, m screen.Migration, broad bool) (bucketpolicy.Change, error) {
	owner, err := b.session(ctx, m.SrcProfile)
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	id, err := b.Identity(ctx, m.DstProfile)
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	stmts, err := bucketpolicy.MigrationStatements(bucketpolicy.GrantOptions{Bucket: m.SrcBucket, Prefixes: grantPrefixes(m), Principal: id.Principal, Broad: broad})
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	return bucketpolicy.PlanGrant(ctx, owner, m.SrcBucket, stmts)
}

// ApplyPolicy writes the change the Plan screen showed, as the origin
// bucket's owner. bucketpolicy.Apply reads the policy again first: if it
// is no longer the one c was computed from, nothing is written and the
// error matches bucketpolicy.ErrChanged, so the screen can show the new
// diff instead of overwriting what someone else added meanwhile.
func (b *Live) ApplyPolicy(ctx context.Context, m screen.Migration, c bucketpolicy.Change) error {
	if c.Bucket != m.SrcBucket {
		return fmt.Errorf("apply the bucket policy: the change is for s3://%s but the migration reads s3://%s; reload the Policy tab (b twice)", c.Bucket, m.SrcBucket)
	}
	owner, err := b.session(ctx, m.SrcProfile)
	if err != nil {
		return err
	}
	if err := bucketpolicy.Apply(ctx, owner, c); err != nil {
		return err
	}
	b.noteGrants(c)
	return nil
}

// noteGrants records the grantees an applied change added to, or removed
// from, a bucket policy.
func (b *Live) noteGrants(c bucketpolicy.Change) {
	before, after := bucketpolicy.Grantees(c.Before, c.Bucket), bucketpolicy.Grantees(c.After, c.Bucket)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.granted == nil {
		b.granted = map[string][]string{}
	}
	cur := b.granted[c.Bucket]
	for _, g := range after {
		if !slices.Contains(before, g) && !slices.Contains(cur, g) {
			cur = append(cur, g)
		}
	}
	cur = slices.DeleteFunc(cur, func(g string) bool { return !slices.Contains(after, g) })
	b.granted[c.Bucket] = cur
}

// GrantsLeft lists the read grants this session applied and has not
// revoked, "s3://bucket to principal", for the reminder on quit.
func (b *Live) GrantsLeft() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for bucket, gs := range b.granted {
		for _, g := range gs {
			out = append(out, "s3://"+bucket+" to "+g)
		}
	}
	slices.Sort(out)
	return out
}

// RevokeChange plans removing the migration's read grants from the origin
// bucket policy: the destination identity's statements and, when the
// migration's journal names a batch job's role, the role's; only those.
func (b *Live) RevokeChange(ctx context.Context, m screen.Migration) (bucketpolicy.Change, error) {
	owner, err := b.session(ctx, m.SrcProfile)
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	id, err := b.Identity(ctx, m.DstProfile)
	if err != nil {
		return bucketpolicy.Change{}, err
	}
	grantees := []string{id.Principal}
	if m.Journal != "" {
		jd, _, err := journal.ReadDefinition(m.Journal)
		if err != nil {
			return bucketpolicy.Change{}, err
		}
		def, err := migration.Decode(jd.Spec)
		if err != nil {
			return bucketpolicy.Change{}, err
		}
		if role := def.Options.BatchRole; role != "" && role != id.Principal {
			grantees = append(grantees, role)
		}
	}
	return bucketpolicy.PlanRevert(ctx, owner, m.SrcBucket, grantees...)
}

// Preflight runs the checks over the selected prefixes.
func (b *Live) Preflight(ctx context.Context, m screen.Migration, opt screen.RunOptions) ([]preflight.Check, error) {
	p, err := b.pair(ctx, m)
	if err != nil {
		return nil, err
	}
	return preflight.Run(ctx, preflight.Input{
		SrcBucket: m.SrcBucket, SrcPrefixes: grantPrefixes(m), DstBucket: m.DstBucket, DstPrefix: m.DstPrefix,
		Src: p.SrcSess, Dst: p.DstSess, ACL: opt.ACL, PolicyCommand: "apply the proposed policy on the Policy tab (a), or choose relay on the Options tab",
		SSE: opt.SSE, SSEKMSKeyID: opt.SSEKMSKeyID, SSEHow: "the Encryption row of the Options tab",
		BucketConfig: "the Bucket tab (5), which applies them after a confirmation",
		// Relay reads as the origin identity; auto relays when the grant
		// is missing, so a denied server-side read is only a warning.
		Relay:          opt.Mode == "relay" || !p.SrcSess.SameEndpoint(p.DstSess),
		CanFallBack:    opt.Mode == "" || opt.Mode == "auto",
		KeepObjectLock: opt.KeepObjectLock, KeepObjectLockHow: "the Object Lock row of the Options tab",
		RequesterPays: b.RequesterPays, RequesterPaysHow: "s3migrate --request-payer requester (start the TUI with it)",
	}), nil
}

// Diff streams the selection's diff into a plan store the drill-down
// pages through (planstore.go); the store is removed when ctx ends (the
// Plan screen was left), or when the screen closes it for a new diff.
func (b *Live) Diff(ctx context.Context, m screen.Migration) (screen.DiffSummary, error) {
	p, err := b.pair(ctx, m)
	if err != nil {
		return screen.DiffSummary{}, err
	}
	st, err := newPlanStore()
	if err != nil {
		return screen.DiffSummary{}, err
	}
	var sum screen.DiffSummary
	est := NewEstimates(EstimateSettings(m.Options, !p.SrcSess.SameEndpoint(p.DstSess),
		p.SrcClient.Options().Region != p.DstClient.Options().Region, len(p.Items)))
	if err := st.fill(ctx, est.Count(p.Diff(ctx)), &sum.Stats); err != nil {
		st.Close()
		return sum, err
	}
	est.Finish(&sum, b.Prices)
	sum.FilteredKeys, sum.FilteredBytes = p.Filtered()
	st.removeWith(ctx)
	sum.Plan = st
	return sum, nil
}

// Start runs the migration in the background through the same lifecycle
// as the commands: a new journaled migration, or — for a migration picked
// up again — its own journal, with the definition stored there.
func (b *Live) Start(ctx context.Context, m screen.Migration, opt screen.RunOptions) (screen.Run, error) {
	if m.Journal != "" && !opt.DryRun {
		mig, err := migration.Resume(ctx, m.Journal, b.sessionOptions())
		if err != nil {
			return nil, err
		}
		return startRun(ctx, mig, b, false), nil
	}
	if len(m.Items) == 0 && m.SrcPrefix == "" {
		return nil, ErrNoSelection
	}
	p, err := b.pair(ctx, m)
	if err != nil {
		return nil, err
	}
	def := definition(m, opt)
	def.Options.RequesterPays = b.RequesterPays
	mig, err := migration.New(p, def, "", opt.DryRun)
	if err != nil {
		return nil, err
	}
	if err := b.journalApplied(mig, m); err != nil {
		mig.Close()
		return nil, err
	}
	return startRun(ctx, mig, b, opt.DryRun), nil
}

// Resumable lists the journals of migrations that did not finish.
func (b *Live) Resumable() ([]screen.Resumable, error) {
	list, _, err := journal.ListDir()
	if err != nil {
		return nil, err
	}
	var out []screen.Resumable
	for _, s := range list {
		// Running journals belong to another process: not offered.
		if s.Err != nil || s.State == journal.StateDone || s.Held {
			continue
		}
		jd, _, err := journal.ReadDefinition(s.Path)
		if err != nil {
			continue
		}
		def, err := migration.Decode(jd.Spec)
		if err != nil {
			continue
		}
		out = append(out, screen.Resumable{ID: s.ID, State: string(s.State), Done: s.Done, Planned: s.Done + s.Pending + s.Failed,
			Migration: screen.Migration{SrcProfile: def.SrcProfile, DstProfile: def.DstProfile, SrcBucket: def.Src.Bucket,
				SrcPrefix: def.Src.Prefix, DstBucket: def.Dst.Bucket, DstPrefix: def.Dst.Prefix, Items: def.Items,
				Compare: string(def.Options.Compare), Journal: s.Path}})
	}
	return out, nil
}

// Verify checks the selection's copies against the source.
func (b *Live) Verify(ctx context.Context, m screen.Migration) (*transfer.VerifyResult, error) {
	p, err := b.pair(ctx, m)
	if err != nil {
		return nil, err
	}
	return p.Verify(ctx, transfer.VerifyOptions{})
}

// ErrNoSelection is returned when nothing is selected to copy.
var ErrNoSelection = errors.New("nothing selected: mark prefixes or objects with space")
