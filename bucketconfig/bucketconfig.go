// Package bucketconfig moves the part of a bucket that copying objects
// leaves behind: versioning, lifecycle, CORS, tags, encryption defaults,
// notifications and the rest. Plan reads every configuration of the source
// bucket (as the origin identity) and of the destination (as the
// destination identity) and proposes, for each, the value the destination
// should get: copied as it is, rewritten where it names account-specific
// resources (only through an explicit mapping, never pointing back at the
// origin account), or held back with the reason and what to do. Apply
// writes the proposals as the destination identity. Nothing is written by
// Plan.
//
// One file per family: simple.go (copied as they are), lists.go
// (configurations kept by id: metrics, analytics, intelligent-tiering,
// inventory), encryption.go, logging.go, notifications.go, policy.go,
// reported.go (replication, access points); rewrite.go holds the mappings,
// create.go the bucket created like the source, text.go and describe.go
// how a plan reads (the command and the TUI's Bucket tab) and what a
// migration applied before.
package bucketconfig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/s3err"
)

// Kind names one configuration of a bucket, as --only and --skip spell it.
type Kind string

// The configurations, in the order they are shown and applied: ownership
// and the public access block before a policy that depends on them,
// versioning before object lock and lifecycle rules on noncurrent
// versions, the policy last.
const (
	Ownership          Kind = "ownership"
	PublicAccessBlock  Kind = "public-access-block"
	Versioning         Kind = "versioning"
	ObjectLock         Kind = "object-lock"
	Encryption         Kind = "encryption"
	RequestPayment     Kind = "request-payment"
	Accelerate         Kind = "accelerate"
	Tags               Kind = "tags"
	CORS               Kind = "cors"
	Website            Kind = "website"
	Lifecycle          Kind = "lifecycle"
	Logging            Kind = "logging"
	Inventory          Kind = "inventory"
	Metrics            Kind = "metrics"
	Analytics          Kind = "analytics"
	IntelligentTiering Kind = "intelligent-tiering"
	Notifications      Kind = "notifications"
	Replication        Kind = "replication"
	AccessPoints       Kind = "access-points"
	Policy             Kind = "policy"
)

// Kinds returns every configuration, in apply order.
func Kinds() []Kind {
	out := make([]Kind, len(families))
	for i, f := range families {
		out[i] = f.kind
	}
	return out
}

// ParseKinds reads a comma-separated --only/--skip list.
func ParseKinds(s string) ([]Kind, error) {
	var out []Kind
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !slices.Contains(Kinds(), Kind(part)) {
			names := make([]string, 0, len(families))
			for _, k := range Kinds() {
				names = append(names, string(k))
			}
			return nil, fmt.Errorf("unknown configuration %q: want some of %s", part, strings.Join(names, ", "))
		}
		out = append(out, Kind(part))
	}
	return out, nil
}

// State is what Plan found for one configuration.
type State string

const (
	// Absent: the source has none, so there is nothing to move (the
	// destination's own, if any, is left alone).
	Absent State = "absent"
	// Same: the destination already has the proposed value.
	Same State = "same"
	// Change: Apply writes Proposed.
	Change State = "change"
	// Ask: a proposal that is shown but written only when asked for by
	// name (--only policy): the bucket policy.
	Ask State = "ask"
	// HeldBack: the source has a value, none of which can be written
	// (see Held).
	HeldBack State = "held"
	// Reported: configurations that are account-specific by nature
	// (replication, access points): described, never written.
	Reported State = "reported"
	// Unreadable: a read failed (denied, …): Err says why. The other
	// configurations are not affected.
	Unreadable State = "unreadable"
	// Unsupported: the server does not implement the configuration.
	Unsupported State = "unsupported"
)

// Rewrite is one value changed on the way to the destination, and why.
type Rewrite struct {
	Field    string `json:"field"`
	From, To string
	Why      string `json:"why"`
}

// MarshalJSON keeps the field names lower case like the rest.
func (r Rewrite) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"field": r.Field, "from": r.From, "to": r.To, "why": r.Why})
}

// Held is one part of a configuration that is not written, and what to do
// about it.
type Held struct {
	What string `json:"what"`
	Why  string `json:"why"`
	Fix  string `json:"fix,omitempty"`
}

// Item is one configuration: the source's value, the destination's, what
// would be written, and everything the operator must know about it.
type Item struct {
	Kind  Kind
	State State
	// Source, Current and Proposed are the source's value, the
	// destination's current value and the value Apply writes, as
	// canonical indented JSON ("" for none).
	Source, Current, Proposed string
	Rewrites                  []Rewrite
	Held                      []Held
	// Notes are facts worth knowing that change nothing (a KMS key of a
	// third account kept, destination-only tags kept, …).
	Notes []string
	// Err is the read error of an Unreadable item, or the write error
	// after Apply.
	Err error
	// Applied is set by Apply once written.
	Applied bool

	fam       *family
	proposed  any // the value to write
	currentRV any // the destination's value as read, for the re-read check
}

// Pending reports whether Apply would write the item (with ask, when the
// operator asked for the policy by name).
func (it *Item) Pending(ask bool) bool {
	return it.State == Change || (ask && it.State == Ask)
}

// Sides are the two buckets and the identities that read and write them.
type Sides struct {
	Src, Dst             *awsauth.Session
	SrcBucket, DstBucket string
	// SrcID and DstID are the identities of the two sessions
	// (awsauth.ResolveIdentity): their accounts decide which ARNs belong to
	// the origin account. An empty Account (no STS) means unknown: every
	// ARN not of the destination account is then held back unless mapped.
	SrcID, DstID awsauth.Identity
}

// Options choose the configurations and carry the mappings.
type Options struct {
	Only, Skip []Kind
	Map        Mapping
	// CreateLikeSource: a destination bucket that does not exist is
	// planned as an empty one, and Apply creates it first like the source
	// (region, Object Lock, versioning, Object Ownership: see create.go).
	CreateLikeSource bool
}

// Creation is the destination bucket Apply creates before writing its
// configuration.
type Creation struct {
	// Region is the source's region ("us-east-1" where it reports none).
	Region string `json:"region"`
	// ObjectLock is set when the source has Object Lock: it can only be
	// chosen freely when a bucket is created.
	ObjectLock bool `json:"object_lock"`
	// Ownership is the source's Object Ownership ("" if it has none).
	Ownership types.ObjectOwnership `json:"ownership,omitempty"`
	// Versioning is Enabled when the source's is (implied by Object
	// Lock): configurations such as noncurrent-version lifecycle rules and
	// replication need it.
	Versioning types.BucketVersioningStatus `json:"versioning,omitempty"`
	// Created is set by Apply once the bucket exists.
	Created bool `json:"created"`
}

// ErrNoSuchBucket is matched (errors.Is) by Plan's error for a bucket
// that does not exist.
var ErrNoSuchBucket = errors.New("NoSuchBucket")

func (o Options) wants(k Kind) bool {
	if len(o.Only) > 0 && !slices.Contains(o.Only, k) {
		return false
	}
	return !slices.Contains(o.Skip, k)
}

// Result is a plan: one item per configuration chosen.
type Result struct {
	Sides Sides
	Items []*Item
	// AskPolicy is set when --only names the policy: then it is applied.
	AskPolicy bool
	// Create is the destination bucket to create first (with
	// CreateLikeSource, when it does not exist); nil otherwise.
	Create *Creation
}

// Pending counts the items Apply would write (and the bucket it would
// create).
func (r *Result) Pending() int {
	n := 0
	if r.Create != nil && !r.Create.Created {
		n++
	}
	for _, it := range r.Items {
		if it.Pending(r.AskPolicy) {
			n++
		}
	}
	return n
}

// Plan reads both buckets and proposes the destination's configuration.
// A read that fails marks its item Unreadable; only a bucket that cannot be
// opened at all fails Plan.
func Plan(ctx context.Context, sides Sides, opt Options) (*Result, error) {
	if err := opt.Map.check(sides); err != nil {
		return nil, err
	}
	if err := openBucket(ctx, sides.Src, sides.SrcBucket, "--source-profile"); err != nil {
		return nil, err
	}
	res := &Result{Sides: sides, AskPolicy: slices.Contains(opt.Only, Policy)}
	src := sides.Src.BucketClient(ctx, sides.SrcBucket)
	if err := openBucket(ctx, sides.Dst, sides.DstBucket, "--dest-profile"); err != nil {
		if !opt.CreateLikeSource || !errors.Is(err, ErrNoSuchBucket) {
			return nil, err
		}
		if res.Create, err = likeSource(ctx, src, sides); err != nil {
			return nil, err
		}
	}
	var dst *s3.Client
	if res.Create == nil {
		dst = sides.Dst.BucketClient(ctx, sides.DstBucket)
	}
	rw := newRewriter(sides, opt.Map)
	for i := range families {
		f := &families[i]
		if !opt.wants(f.kind) {
			continue
		}
		res.Items = append(res.Items, planOne(ctx, f, sides, src, dst, rw))
	}
	return res, nil
}

// openBucket fails on a bucket that does not exist or credentials that are
// rejected; any other answer (a 403 to HEAD, say) leaves it to the reads,
// each of which reports its own error.
func openBucket(ctx context.Context, sess *awsauth.Session, bucket, flagName string) error {
	_, err := sess.BucketClient(ctx, bucket).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b(bucket)})
	if err == nil {
		return nil
	}
	oe := &s3err.OpError{Op: "open bucket", URL: "s3://" + bucket, Identity: sess.Name(), Err: err}
	switch {
	case s3err.Code(err) == "NoSuchBucket" || s3err.Status(err) == 404:
		oe.Err = ErrNoSuchBucket
		oe.Hint = "the bucket does not exist: check its name (and the endpoint/region of the profile)"
		if flagName == "--dest-profile" {
			oe.Hint += ", or add --create-like-source to create it like the source"
		}
	case s3err.IsCredential(err):
		oe.Hint = "the credentials were rejected: check or refresh them (" + flagName + ")"
	case s3err.Status(err) != 0:
		return nil
	}
	return oe
}

func planOne(ctx context.Context, f *family, sides Sides, src, dst *s3.Client, rw *rewriter) *Item {
	it := &Item{Kind: f.kind, fam: f}
	if f.report != nil {
		f.report(ctx, src, sides, it)
		return it
	}
	sv, err := f.read(ctx, src, sides.SrcBucket)
	switch {
	case err != nil && unsupported(err):
		it.State, it.Notes = Unsupported, append(it.Notes, "the source's server does not implement "+string(f.kind)+" ("+s3err.Code(err)+"): nothing to move")
		return it
	case err != nil:
		it.State, it.Err = Unreadable, readError(f, sides.Src, sides.SrcBucket, err, "--source-profile")
		return it
	}
	it.Source = canonical(sv)
	if it.Source == "" {
		it.State = Absent
		return it
	}
	var dv any
	if dst != nil { // nil: the bucket is yet to be created, and empty
		dv, err = f.read(ctx, dst, sides.DstBucket)
	}
	switch {
	case err != nil && unsupported(err):
		it.State = HeldBack
		it.Held = append(it.Held, Held{What: string(f.kind), Why: "the destination's server does not implement it (" + s3err.Code(err) + ")"})
		return it
	case err != nil:
		it.State, it.Err = Unreadable, readError(f, sides.Dst, sides.DstBucket, err, "--dest-profile")
		return it
	}
	it.Current, it.currentRV = canonical(dv), dv
	p := f.propose(sv, dv, rw)
	it.Rewrites, it.Held, it.Notes = p.rewrites, p.held, append(it.Notes, p.notes...)
	it.proposed = p.value
	if p.value == nil {
		// Nothing to write: either everything is held back, or the
		// destination already behaves as the source does.
		it.State = Same
		if len(p.held) > 0 {
			it.State = HeldBack
		}
		return it
	}
	it.Proposed = canonical(p.value)
	switch {
	case it.Proposed == it.Current && len(p.held) > 0:
		it.State = HeldBack
	case it.Proposed == it.Current:
		it.State = Same
	case f.kind == Policy:
		it.State = Ask
	default:
		it.State = Change
	}
	return it
}

// Apply writes every pending item as the destination identity, in order.
// Right before each write the destination's value is read again: if it is
// no longer the one the preview showed, that item is not written (its Err
// says so) and the others go on. A failed write does not stop the others
// either; the items carry their outcome (Applied, Err).
//
// With res.Create, the bucket is created first (an error there is returned
// and nothing else is written); a configuration the new bucket already has
// as proposed (its ownership, say) is then not written again.
func Apply(ctx context.Context, res *Result) error {
	if res.Create != nil && !res.Create.Created {
		if err := create(ctx, res.Sides, res.Create); err != nil {
			return err
		}
	}
	dst := res.Sides.Dst.BucketClient(ctx, res.Sides.DstBucket)
	for _, it := range res.Items {
		if !it.Pending(res.AskPolicy) {
			continue
		}
		url := "s3://" + res.Sides.DstBucket
		fresh, err := it.fam.read(ctx, dst, res.Sides.DstBucket)
		if err != nil {
			it.Err = readError(it.fam, res.Sides.Dst, res.Sides.DstBucket, err, "--dest-profile")
			continue
		}
		cur := it.currentRV
		switch {
		case res.Create != nil && canonical(fresh) == it.Proposed:
			it.Applied = true
			continue
		case res.Create != nil:
			// A new bucket's defaults are S3's, not a change to protect.
			cur = fresh
		case canonical(fresh) != it.Current:
			it.Err = &s3err.OpError{Op: "write " + string(it.Kind) + " of", URL: url, Identity: res.Sides.Dst.Name(),
				Err: errors.New("changed since the preview"), Hint: "nothing written: run again to see the new difference"}
			continue
		}
		if err := it.fam.write(ctx, dst, res.Sides.DstBucket, it.proposed, cur); err != nil {
			it.Err = writeError(it, res.Sides.Dst, url, err)
			continue
		}
		it.Applied = true
	}
	return nil
}

func writeError(it *Item, sess *awsauth.Session, url string, err error) error {
	oe := &s3err.OpError{Op: "write " + string(it.Kind) + " of", URL: url, Identity: sess.Name(), Err: err}
	switch {
	case s3err.IsDenied(err):
		oe.Hint = "the destination identity needs s3:" + it.fam.action("Put") + " on the bucket (--dest-profile)"
	case unsupported(err):
		oe.Hint = "the destination's server does not implement it"
	case it.Kind == ObjectLock:
		oe.Hint = "S3 enables Object Lock on an existing bucket only when its versioning is Enabled"
	}
	return oe
}

func readError(f *family, sess *awsauth.Session, bucket string, err error, flagName string) error {
	oe := &s3err.OpError{Op: "read " + string(f.kind) + " of", URL: "s3://" + bucket, Identity: sess.Name(), Err: err}
	switch {
	case s3err.IsDenied(err):
		oe.Hint = "the identity needs s3:" + f.action("Get") + " on the bucket (" + flagName + "); the other configurations are not affected"
	case s3err.IsCredential(err):
		oe.Hint = "the credentials were rejected: check or refresh them (" + flagName + ")"
	}
	return oe
}

// unsupported reports a server that does not implement a configuration
// API (S3-compatible servers answer NotImplemented or MethodNotAllowed).
func unsupported(err error) bool {
	switch s3err.Code(err) {
	case "NotImplemented", "MethodNotAllowed", "VersioningNotConfigured", "UnsupportedOperation":
		return true
	}
	return s3err.Status(err) == 501
}

// missing reports the "no such configuration" answers of the Get calls:
// the bucket has none, which is not an error.
func missing(err error) bool {
	switch s3err.Code(err) {
	case "NoSuchLifecycleConfiguration", "NoSuchCORSConfiguration", "NoSuchTagSet", "NoSuchTagSetError",
		"NoSuchWebsiteConfiguration", "NoSuchPublicAccessBlockConfiguration", "OwnershipControlsNotFoundError",
		"ObjectLockConfigurationNotFoundError", "NoSuchObjectLockConfiguration",
		"ServerSideEncryptionConfigurationNotFoundError", "NoSuchBucketPolicy",
		"ReplicationConfigurationNotFoundError", "NoSuchConfiguration":
		return true
	}
	return false
}

// family is how one configuration is read, proposed and written.
type family struct {
	kind Kind
	// api names the S3 action suffix for hints: "BucketCORS" gives
	// s3:GetBucketCORS / s3:PutBucketCORS.
	api string
	// read returns the bucket's value, nil when it has none.
	read func(ctx context.Context, c *s3.Client, bucket string) (any, error)
	// propose turns the source's value into the destination's.
	propose func(src, dst any, rw *rewriter) proposal
	// write puts v on the bucket; cur is the destination's value as read
	// (for configurations kept by id, to put only what changed).
	write func(ctx context.Context, c *s3.Client, bucket string, v, cur any) error
	// report, for the reported-only configurations, fills the item.
	report func(ctx context.Context, src *s3.Client, sides Sides, it *Item)
}

func (f *family) action(verb string) string {
	if strings.Contains(f.api, "%s") {
		return fmt.Sprintf(f.api, verb)
	}
	return verb + f.api
}

// proposal is what a family proposes for the destination: nil value means
// nothing can be written (everything held back).
type proposal struct {
	value    any
	rewrites []Rewrite
	held     []Held
	notes    []string
}

// asIs is the proposal of the configurations copied as they are.
func asIs(src, _ any, _ *rewriter) proposal { return proposal{value: src} }

// families lists every configuration in apply order.
var families = []family{
	ownershipFamily,
	publicAccessBlockFamily,
	versioningFamily,
	objectLockFamily,
	encryptionFamily,
	requestPaymentFamily,
	accelerateFamily,
	tagsFamily,
	corsFamily,
	websiteFamily,
	lifecycleFamily,
	loggingFamily,
	inventoryFamily,
	metricsFamily,
	analyticsFamily,
	intelligentTieringFamily,
	notificationsFamily,
	replicationFamily,
	accessPointsFamily,
	policyFamily,
}

// canonical renders a value as indented JSON with nulls, empty strings and
// empty lists left out and object keys sorted, so two values that S3 treats
// alike compare equal whatever their Go shape. An empty object stays: some
// are a setting by their presence (EventBridgeConfiguration, SSES3). A
// value with nothing left is "".
func canonical(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(policyDoc); ok {
		return string(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	var generic any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&generic); err != nil {
		return string(b)
	}
	generic = prune(generic)
	if m, ok := generic.(map[string]any); generic == nil || ok && len(m) == 0 {
		return ""
	}
	out, _ := json.MarshalIndent(generic, "", "  ")
	return string(out)
}

func prune(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		return x
	case map[string]any:
		for k, e := range x {
			if p := prune(e); p == nil {
				delete(x, k)
			} else {
				x[k] = p
			}
		}
		return x
	case []any:
		out := x[:0]
		for _, e := range x {
			if p := prune(e); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

// b is the bucket parameter of every call.
func b(bucket string) *string { return aws.String(bucket) }
