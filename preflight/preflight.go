// Package preflight checks, before any object moves, what a migration will
// need: the listing, reads of a sample spread over every selected prefix,
// writes, encryption and KMS keys, ownership, archived and large objects,
// and bucket configuration that a copy of objects leaves behind.
package preflight

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/s3err"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Status is a preflight check's verdict.
type Status string

// The verdicts. Only StatusFail blocks a migration.
const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
)

// Check is one preflight result: a verdict, a one-line reason, and the fix.
type Check struct {
	Name   string
	Status Status
	Reason string
	Fix    string
}

// Input names the two sides and identities of a migration.
type Input struct {
	SrcBucket, SrcPrefix string
	// SrcPrefixes, when set, are the hand-picked prefixes (or keys) of the
	// migration: the scan and the sample cover them instead of SrcPrefix.
	SrcPrefixes          []string
	DstBucket, DstPrefix string
	// Src is the origin identity (it lists the source); Dst is the
	// destination identity, which reads the source in a server-side copy.
	Src, Dst *awsauth.Session
	// ACL is the canned ACL the copy will ask for, if any.
	ACL string
	// SSE and SSEKMSKeyID are the encryption the copies ask for ("" for
	// the bucket's default): the write check asks for the same, so a
	// bucket policy that demands it is checked as the copies meet it.
	SSE, SSEKMSKeyID string
	// SSEHow says how to ask for an encryption in the front end ("" names
	// --sse and --sse-kms-key-id).
	SSEHow string
	// PolicyCommand is the command that grants the destination identity
	// read access, shown as the fix of read failures.
	PolicyCommand string
	// BucketConfig says where the bucket's configuration is moved (the
	// TUI's Bucket tab, the bucket-config command), the fix of the bucket
	// configuration check; "" names the command.
	BucketConfig string
	// ScanLimit bounds how many source objects are scanned for archived and
	// oversized objects (default 100,000).
	ScanLimit int
	// Relay is true when the copy will relay (GET as Src, PUT as Dst), so
	// reads are checked as Src rather than Dst.
	Relay bool
	// CanFallBack is true in auto mode: a server-side read the destination
	// identity is denied only slows the copy down (it relays), so it is a
	// warning rather than a failure.
	CanFallBack bool
	// KeepObjectLock is true when each copy is to get its source's Object
	// Lock retention and legal hold; KeepObjectLockHow says how to ask for
	// that in the front end ("" names --keep-object-lock).
	KeepObjectLock    bool
	KeepObjectLockHow string
	// RequesterPays is true when the requests accept the charges of a
	// Requester Pays source; RequesterPaysHow says how to ask for that in
	// the front end ("" names --request-payer requester).
	RequesterPays    bool
	RequesterPaysHow string
}

// Run runs every check as the identity the copy will use. It never
// writes anything that stays: the write check starts a multipart upload and
// aborts it.
func Run(ctx context.Context, in Input) []Check {
	if in.ScanLimit <= 0 {
		in.ScanLimit = 100_000
	}
	reader, readerName := in.Dst, "destination identity"
	if in.Relay {
		reader, readerName = in.Src, "origin identity"
	}
	var checks []Check
	add := func(c ...Check) { checks = append(checks, c...) }

	sample, scan, scanErr := scanSource(ctx, in)
	add(listCheck(ctx, in))
	reads := readChecks(ctx, in, reader, readerName, sample)
	for i := range reads {
		if in.CanFallBack && !in.Relay && reads[i].Status == StatusFail {
			reads[i].Status = StatusWarn
			reads[i].Reason += "; auto mode will relay through this machine instead (slower)"
		}
	}
	add(reads...)
	add(encryptionCheck(ctx, in, sample))
	add(ownershipCheck(ctx, in))
	add(writeCheck(ctx, in))
	add(scan.archivedCheck(scanErr))
	add(scan.largeCheck(scanErr))
	add(objectLockCheck(ctx, in))
	add(versioningCheck(ctx, in.Src, in.SrcBucket, "origin"))
	add(versioningCheck(ctx, in.Dst, in.DstBucket, "destination"))
	add(requesterPaysCheck(ctx, in))
	add(bucketConfigCheck(ctx, in))
	return checks
}

func (c *Check) fail(reason, fix string) { c.Status, c.Reason, c.Fix = StatusFail, reason, fix }
func (c *Check) warn(reason, fix string) { c.Status, c.Reason, c.Fix = StatusWarn, reason, fix }
func (c *Check) pass(reason string)      { c.Status, c.Reason = StatusPass, reason }

// The preflight checks classify errors as the engine does (s3err), so a
// check and the copy never disagree about what a failure means.
var (
	errCode  = s3err.Code
	isDenied = s3err.IsDenied
	brief    = s3err.Summary
)

// listCheck lists the source as the identity the engine lists it with: the
// origin identity (the destination identity when one profile does both).
func listCheck(ctx context.Context, in Input) Check {
	c := Check{Name: "list source"}
	if len(in.SrcPrefixes) > 0 {
		in.SrcPrefix = in.SrcPrefixes[0]
	}
	who := "origin identity"
	if in.Src == in.Dst {
		who = "destination identity"
	}
	_, err := in.Src.BucketClient(ctx, in.SrcBucket).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(in.SrcBucket), Prefix: aws.String(in.SrcPrefix), MaxKeys: aws.Int32(1)})
	switch {
	case err == nil:
		c.pass(fmt.Sprintf("%s (%s) can list s3://%s/%s", who, in.Src.Name(), in.SrcBucket, in.SrcPrefix))
	case isDenied(err) && in.Src == in.Dst:
		c.fail(fmt.Sprintf("%s (%s) may not list s3://%s/%s: %s", who, in.Src.Name(), in.SrcBucket, in.SrcPrefix, brief(err)),
			"grant s3:ListBucket in the origin bucket policy: "+in.PolicyCommand)
	default:
		c.fail(fmt.Sprintf("%s (%s) cannot list s3://%s/%s: %s", who, in.Src.Name(), in.SrcBucket, in.SrcPrefix, brief(err)),
			"check the bucket name and --source-profile")
	}
	return c
}

// readChecks heads, reads one byte of, and reads the tags of a sample
// object as the identity that will read during the copy.
func readChecks(ctx context.Context, in Input, reader *awsauth.Session, who string, sample []types.Object) []Check {
	head, get, tags := Check{Name: "head sample object"}, Check{Name: "read sample object"}, Check{Name: "read sample tags"}
	if len(sample) == 0 {
		for _, c := range []*Check{&head, &get, &tags} {
			c.warn("no object under s3://"+in.SrcBucket+"/"+in.SrcPrefix+" to try", "check the prefix: nothing would be copied")
		}
		return []Check{head, get, tags}
	}
	key := aws.ToString(sample[0].Key)
	url := "s3://" + in.SrcBucket + "/" + key
	fix := "grant s3:GetObject and s3:GetObjectTagging in the origin bucket policy: " + in.PolicyCommand
	if in.Relay {
		fix = "the origin identity must be able to read its own bucket: check --source-profile"
	}
	if _, err := reader.BucketClient(ctx, in.SrcBucket).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(in.SrcBucket), Key: aws.String(key)}); err != nil {
		head.fail(fmt.Sprintf("%s (%s) cannot head %s: %s", who, reader.Name(), url, brief(err)), fix)
	} else {
		head.pass(who + " can head " + url)
	}
	out, err := reader.BucketClient(ctx, in.SrcBucket).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(in.SrcBucket), Key: aws.String(key), Range: aws.String("bytes=0-0")})
	if err == nil {
		out.Body.Close()
		get.pass(who + " can read " + url)
	} else if errCode(err) == "InvalidRange" {
		get.pass(who + " can read " + url + " (empty object)")
	} else if errCode(err) == "InvalidObjectState" {
		get.warn(url+" is archived and cannot be read until restored", "restore archived objects first (see the archived check)")
	} else if strings.Contains(brief(err), "KMS") {
		get.fail(fmt.Sprintf("%s cannot decrypt %s: %s", who, url, brief(err)), "allow kms:Decrypt for this identity in the key policy of the object's KMS key")
	} else {
		get.fail(fmt.Sprintf("%s (%s) cannot read %s: %s", who, reader.Name(), url, brief(err)), fix)
	}
	if _, err := reader.BucketClient(ctx, in.SrcBucket).GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(in.SrcBucket), Key: aws.String(key)}); err != nil {
		tags.fail(fmt.Sprintf("%s (%s) cannot read the tags of %s: %s", who, reader.Name(), url, brief(err)), fix)
	} else {
		tags.pass(who + " can read the tags of " + url)
	}
	return []Check{head, get, tags}
}

// encryptionCheck heads the sample (every selected prefix, spread over
// its listing) as the origin identity, a few at a time.
func encryptionCheck(ctx context.Context, in Input, sample []types.Object) Check {
	c := Check{Name: "source encryption"}
	heads := make([]*s3.HeadObjectOutput, len(sample))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, o := range sample {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			h, err := in.Src.BucketClient(ctx, in.SrcBucket).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(in.SrcBucket), Key: o.Key})
			if err == nil {
				heads[i] = h
			}
		}()
	}
	wg.Wait()
	keys := map[string]int{}
	sse := map[string]int{}
	var kmsEx []string
	n := 0
	for i, h := range heads {
		if h == nil {
			continue
		}
		n++
		alg := string(h.ServerSideEncryption)
		if alg == "" {
			alg = "none"
		}
		sse[alg]++
		if k := aws.ToString(h.SSEKMSKeyId); k != "" {
			keys[k]++
			if len(kmsEx) < 3 {
				kmsEx = append(kmsEx, aws.ToString(sample[i].Key))
			}
		}
	}
	if n == 0 {
		c.warn("no sample object could be inspected", "")
		return c
	}
	if len(keys) == 0 {
		c.pass(fmt.Sprintf("%d sampled objects: %s; no customer-managed KMS key involved", n, formatCounts(sse)))
		return c
	}
	var ids []string
	for k := range keys {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	c.warn(fmt.Sprintf("%d of %d sampled objects use SSE-KMS keys %s (e.g. %s)", sumCounts(keys), n, strings.Join(ids, ", "), strings.Join(kmsEx, ", ")),
		"for a customer-managed key, add a kms:Decrypt statement for the destination identity to that key's policy (s3migrate policy shows it)")
	return c
}

func formatCounts(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%d %s", v, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func ownershipCheck(ctx context.Context, in Input) Check {
	c := Check{Name: "destination object ownership"}
	out, err := in.Dst.BucketClient(ctx, in.DstBucket).GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(in.DstBucket)})
	mode := "ObjectWriter (no ownership controls)"
	if err == nil && out.OwnershipControls != nil && len(out.OwnershipControls.Rules) > 0 {
		mode = string(out.OwnershipControls.Rules[0].ObjectOwnership)
	} else if err != nil && errCode(err) != "OwnershipControlsNotFoundError" {
		c.warn("cannot read the Object Ownership of s3://"+in.DstBucket+": "+brief(err), "the destination identity needs s3:GetBucketOwnershipControls to check it")
		return c
	}
	switch {
	case mode == string(types.ObjectOwnershipBucketOwnerEnforced) && in.ACL != "" && in.ACL != "bucket-owner-full-control":
		c.warn("s3://"+in.DstBucket+" is BucketOwnerEnforced: ACLs are disabled, so --acl "+in.ACL+" will be skipped", "drop --acl; the bucket owner owns every object")
	case mode == string(types.ObjectOwnershipBucketOwnerEnforced):
		c.pass("s3://" + in.DstBucket + " is BucketOwnerEnforced: the bucket owner owns every copy; ACL options are not used")
	default:
		c.warn("s3://"+in.DstBucket+" is "+mode+": objects written by another account stay owned by the writer",
			"copy as the destination account (server-side) or pass --acl bucket-owner-full-control")
	}
	return c
}

// writeCheck starts a multipart upload as the destination identity and
// aborts it at once: it needs s3:PutObject, like the copy, and leaves nothing.
func writeCheck(ctx context.Context, in Input) Check {
	c := Check{Name: "destination writable"}
	key := in.DstPrefix + ".s3migrate-preflight-" + fmt.Sprint(time.Now().UnixNano())
	up := &s3.CreateMultipartUploadInput{Bucket: aws.String(in.DstBucket), Key: aws.String(key), ServerSideEncryption: types.ServerSideEncryption(in.SSE)}
	if in.SSEKMSKeyID != "" {
		up.SSEKMSKeyId = aws.String(in.SSEKMSKeyID)
	}
	out, err := in.Dst.BucketClient(ctx, in.DstBucket).CreateMultipartUpload(ctx, up)
	if err != nil {
		fix := "the destination identity needs s3:PutObject on s3://" + in.DstBucket + "/" + in.DstPrefix + "*"
		if in.SSE == "" {
			fix += "; if the bucket policy demands an encryption header, ask for it with " + orDefault(in.SSEHow, "--sse and --sse-kms-key-id")
		}
		if isDenied(err) {
			c.fail(fmt.Sprintf("%s may not write s3://%s/%s: %s", in.Dst.Name(), in.DstBucket, in.DstPrefix, brief(err)), fix)
		} else {
			c.fail(fmt.Sprintf("%s cannot write s3://%s/%s: %s", in.Dst.Name(), in.DstBucket, in.DstPrefix, brief(err)), fix)
		}
		return c
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := in.Dst.BucketClient(ctx, in.DstBucket).AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: aws.String(in.DstBucket), Key: aws.String(key), UploadId: out.UploadId}); err != nil {
		c.warn("the test upload could not be aborted: "+brief(err), "abort upload "+aws.ToString(out.UploadId)+" of "+key+" by hand, or let a lifecycle rule clean incomplete uploads")
		return c
	}
	c.pass(in.Dst.Name() + " can write s3://" + in.DstBucket + "/" + in.DstPrefix + " (test upload started and aborted)")
	return c
}

// sourceScan counts what the listing shows about the source.
type sourceScan struct {
	scanned, archived, large int
	truncated                bool
	archivedEx, largeEx      []string
}

// listPageSize is the page size preflight lists with (0: the server's
// default, 1,000 on S3). Tests make it small to have many pages.
var listPageSize int32

// Sampling: each selected prefix gets up to samplePerPrefix objects (fewer
// when many prefixes share sampleBudget, never fewer than one), taken from
// the first keys of the prefix, the first key of listing pages spread over
// the whole listing, and the last key listed; so what the sample finds
// (encryption) covers the selection, not only its first keys.
const (
	samplePerPrefix = 8
	sampleBudget    = 200
	sampleHead      = 2  // the first keys of a prefix always candidates
	samplePages     = 32 // page-first candidates kept per prefix (thinned as pages grow)
)

// prefixSampler collects the sample candidates of one prefix while it is
// listed, in bounded memory.
type prefixSampler struct {
	head   []types.Object // the first keys of the prefix
	pages  []types.Object // first key of every stride-th page after the head
	stride int
	page   int // pages seen
	last   *types.Object
	n      int // objects offered
}

// offer adds one listed object; first tells whether it opens a page.
func (ps *prefixSampler) offer(o types.Object, first bool) {
	if aws.ToInt64(o.Size) == 0 && strings.HasSuffix(aws.ToString(o.Key), "/") {
		return // a folder marker says nothing about the objects
	}
	ps.n++
	if ps.stride == 0 {
		ps.stride = 1
	}
	switch {
	case len(ps.head) < sampleHead:
		ps.head = append(ps.head, o)
		ps.last = nil
		return
	case first:
		if ps.page%ps.stride == 0 {
			ps.pages = append(ps.pages, o)
			if len(ps.pages) > samplePages {
				// Keep every other one: the kept pages stay spread.
				kept := ps.pages[:0]
				for i := 0; i < len(ps.pages); i += 2 {
					kept = append(kept, ps.pages[i])
				}
				ps.pages = kept
				ps.stride *= 2
			}
			ps.last = nil
			ps.page++
			return
		}
		ps.page++
	}
	oo := o
	ps.last = &oo
}

// pick returns up to n candidates spread evenly from the first key to the
// last one listed.
func (ps *prefixSampler) pick(n int) []types.Object {
	cands := append(append([]types.Object{}, ps.head...), ps.pages...)
	if ps.last != nil {
		cands = append(cands, *ps.last)
	}
	return spread(cands, n)
}

// spread picks n items of s at evenly spaced positions, the first and the
// last included (all of s when it has n or fewer).
func spread[T any](s []T, n int) []T {
	if n <= 0 {
		return nil
	}
	if len(s) <= n {
		return s
	}
	if n == 1 {
		return s[:1]
	}
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, s[i*(len(s)-1)/(n-1)])
	}
	return out
}

// perPrefix is how many sample objects each of k prefixes gets.
func perPrefix(k int) int {
	if k <= 0 {
		return samplePerPrefix
	}
	return max(1, min(samplePerPrefix, sampleBudget/k))
}

// scanSource lists the source as the origin identity, up to ScanLimit
// objects, keeping a sample of every selected prefix spread over its
// listing (see prefixSampler).
func scanSource(ctx context.Context, in Input) ([]types.Object, sourceScan, error) {
	var sample []types.Object
	var sc sourceScan
	prefixes := in.SrcPrefixes
	if len(prefixes) == 0 {
		prefixes = []string{in.SrcPrefix}
	}
	each := perPrefix(len(prefixes))
	for _, prefix := range prefixes {
		var ps prefixSampler
		input := &s3.ListObjectsV2Input{Bucket: aws.String(in.SrcBucket), Prefix: aws.String(prefix),
			OptionalObjectAttributes: []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}}
		if listPageSize > 0 {
			input.MaxKeys = aws.Int32(listPageSize)
		}
		p := s3.NewListObjectsV2Paginator(in.Src.BucketClient(ctx, in.SrcBucket), input)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return append(sample, ps.pick(each)...), sc, err
			}
			for i, o := range page.Contents {
				ps.offer(o, i == 0)
				sc.add(o)
				if sc.scanned >= in.ScanLimit {
					sc.truncated = true
					return append(sample, ps.pick(each)...), sc, nil
				}
			}
		}
		sample = append(sample, ps.pick(each)...)
	}
	return sample, sc, nil
}

// add counts one listed object.
func (sc *sourceScan) add(o types.Object) {
	sc.scanned++
	switch o.StorageClass {
	case types.ObjectStorageClassGlacier, types.ObjectStorageClassDeepArchive:
		restored := o.RestoreStatus != nil && !aws.ToBool(o.RestoreStatus.IsRestoreInProgress) && o.RestoreStatus.RestoreExpiryDate != nil
		if !restored {
			sc.archived++
			if len(sc.archivedEx) < 3 {
				sc.archivedEx = append(sc.archivedEx, aws.ToString(o.Key))
			}
		}
	}
	if aws.ToInt64(o.Size) > 5<<30 {
		sc.large++
		if len(sc.largeEx) < 3 {
			sc.largeEx = append(sc.largeEx, aws.ToString(o.Key))
		}
	}
}

func (sc sourceScan) scope() string {
	if sc.truncated {
		return fmt.Sprintf("in the first %d objects", sc.scanned)
	}
	return fmt.Sprintf("in %d objects", sc.scanned)
}

func (sc sourceScan) archivedCheck(err error) Check {
	c := Check{Name: "archived objects"}
	switch {
	case err != nil:
		c.warn("could not scan the source: "+brief(err), "")
	case sc.archived > 0:
		c.fail(fmt.Sprintf("%d GLACIER/DEEP_ARCHIVE objects without a completed restore %s (e.g. %s)", sc.archived, sc.scope(), strings.Join(sc.archivedEx, ", ")),
			"restore them first (S3 RestoreObject), or exclude their prefix")
	default:
		c.pass("no archived objects " + sc.scope())
	}
	return c
}

func (sc sourceScan) largeCheck(err error) Check {
	c := Check{Name: "objects above 5 GiB"}
	switch {
	case err != nil:
		c.warn("could not scan the source: "+brief(err), "")
	case sc.large > 0:
		c.pass(fmt.Sprintf("%d objects above 5 GiB %s (e.g. %s): they will use multipart copy", sc.large, sc.scope(), strings.Join(sc.largeEx, ", ")))
	default:
		c.pass("none " + sc.scope())
	}
	return c
}

func versioningCheck(ctx context.Context, sess *awsauth.Session, bucket, side string) Check {
	c := Check{Name: side + " versioning"}
	out, err := sess.BucketClient(ctx, bucket).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	switch {
	case err != nil:
		c.warn("cannot read the versioning of s3://"+bucket+": "+brief(err), "")
	case out.Status == types.BucketVersioningStatusEnabled && side == "origin":
		c.pass("s3://" + bucket + " is versioned: the current version of each key is copied, older versions are not")
	case out.Status == types.BucketVersioningStatusEnabled:
		c.pass("s3://" + bucket + " is versioned: overwritten keys keep their old versions (and their cost)")
	default:
		c.pass(fmt.Sprintf("s3://%s is not versioned (%s)", bucket, orDefault(string(out.Status), "never enabled")))
	}
	return c
}

// objectLockCheck says whether the source's Object Lock protection reaches
// the copies: a copy carries no retention or legal hold unless asked
// (--keep-object-lock), and only into a bucket with Object Lock.
func objectLockCheck(ctx context.Context, in Input) Check {
	c := Check{Name: "object lock"}
	how := orDefault(in.KeepObjectLockHow, "--keep-object-lock")
	src, err := ObjectLockEnabled(ctx, in.Src, in.SrcBucket)
	switch {
	case err != nil:
		c.warn("cannot read the Object Lock configuration of s3://"+in.SrcBucket+": "+brief(err), "")
		return c
	case !src && in.KeepObjectLock:
		c.pass("s3://" + in.SrcBucket + " has no Object Lock: there is no retention to carry")
		return c
	case !src:
		c.pass("s3://" + in.SrcBucket + " has no Object Lock")
		return c
	}
	dst, err := ObjectLockEnabled(ctx, in.Dst, in.DstBucket)
	switch {
	case err != nil:
		c.warn("cannot read the Object Lock configuration of s3://"+in.DstBucket+": "+brief(err), "")
	case !dst && in.KeepObjectLock:
		c.fail("s3://"+in.SrcBucket+" uses Object Lock but s3://"+in.DstBucket+" has none: no copy can keep its retention or legal hold",
			"copy into a bucket created with Object Lock (sync --create-like-source creates one like the source)")
	case !dst:
		c.warn("s3://"+in.SrcBucket+" uses Object Lock and s3://"+in.DstBucket+" has none: the copies are not protected by retention or legal holds",
			"copy into a bucket created with Object Lock (sync --create-like-source), with "+how)
	case in.KeepObjectLock:
		c.pass("both buckets use Object Lock: each copy gets its source's retention and legal hold")
	default:
		c.warn("s3://"+in.SrcBucket+" uses Object Lock: each object's retention and legal hold are not copied (the destination's default retention, if any, applies)",
			how+" gives each copy its source's")
	}
	return c
}

// ObjectLockEnabled reports whether a bucket has Object Lock enabled; a
// server without Object Lock answers that none is.
func ObjectLockEnabled(ctx context.Context, sess *awsauth.Session, bucket string) (bool, error) {
	out, err := sess.BucketClient(ctx, bucket).GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return out.ObjectLockConfiguration != nil && out.ObjectLockConfiguration.ObjectLockEnabled == types.ObjectLockEnabledEnabled, nil
	case errCode(err) == "ObjectLockConfigurationNotFoundError" || errCode(err) == "NotImplemented" || errCode(err) == "MethodNotAllowed":
		return false, nil
	}
	return false, err
}

func requesterPaysCheck(ctx context.Context, in Input) Check {
	c := Check{Name: "origin requester pays"}
	out, err := in.Src.BucketClient(ctx, in.SrcBucket).GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: aws.String(in.SrcBucket)})
	switch {
	case err != nil && (errCode(err) == "NotImplemented" || errCode(err) == "MethodNotAllowed"):
		c.pass("the server does not support Requester Pays")
	case err != nil:
		c.warn("cannot read the request payment setting of s3://"+in.SrcBucket+": "+brief(err), "")
	case out.Payer == types.PayerRequester && in.RequesterPays:
		c.pass("s3://" + in.SrcBucket + " is Requester Pays, and the charges are accepted: the accounts that read it pay for every read and transfer")
	case out.Payer == types.PayerRequester && in.Relay:
		c.warn("s3://"+in.SrcBucket+" is Requester Pays: the origin identity reads it, and S3 refuses its reads unless it is the bucket owner or accepts the charges",
			"if it is not the owner, add "+orDefault(in.RequesterPaysHow, "--request-payer requester"))
	case out.Payer == types.PayerRequester && in.CanFallBack:
		c.warn("s3://"+in.SrcBucket+" is Requester Pays: S3 refuses server-side reads that do not accept the charges, and auto mode relays those through this machine",
			"to copy server-side, accept them with "+orDefault(in.RequesterPaysHow, "--request-payer requester")+" (the reading accounts pay)")
	case out.Payer == types.PayerRequester:
		c.fail("s3://"+in.SrcBucket+" is Requester Pays: S3 refuses reads that do not accept the charges",
			"accept them with "+orDefault(in.RequesterPaysHow, "--request-payer requester")+" (the reading accounts pay), or switch the bucket to BucketOwner pays for the migration")
	default:
		c.pass("the bucket owner pays")
	}
	return c
}

// bucketConfigCheck lists bucket configuration that copying objects does
// not move, so nobody is surprised after the migration, and points at
// what moves it: bucket-config (the TUI's Bucket tab).
func bucketConfigCheck(ctx context.Context, in Input) Check {
	c := Check{Name: "bucket configuration not copied"}
	cl, b := in.Src.BucketClient(ctx, in.SrcBucket), aws.String(in.SrcBucket)
	var found []string
	probe := func(name string, f func() (bool, error)) {
		has, err := f()
		if err == nil && has {
			found = append(found, name)
		}
	}
	probe("event notifications", func() (bool, error) {
		o, err := cl.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
		return err == nil && (len(o.LambdaFunctionConfigurations)+len(o.QueueConfigurations)+len(o.TopicConfigurations) > 0 || o.EventBridgeConfiguration != nil), err
	})
	probe("lifecycle rules", func() (bool, error) {
		o, err := cl.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
		return err == nil && len(o.Rules) > 0, err
	})
	probe("replication", func() (bool, error) {
		o, err := cl.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
		return err == nil && o.ReplicationConfiguration != nil && len(o.ReplicationConfiguration.Rules) > 0, err
	})
	probe("CORS", func() (bool, error) {
		o, err := cl.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
		return err == nil && len(o.CORSRules) > 0, err
	})
	probe("static website", func() (bool, error) {
		o, err := cl.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
		return err == nil && (o.IndexDocument != nil || o.RedirectAllRequestsTo != nil), err
	})
	probe("inventory", func() (bool, error) {
		o, err := cl.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: b})
		return err == nil && len(o.InventoryConfigurationList) > 0, err
	})
	if len(found) == 0 {
		c.pass("no notifications, lifecycle, replication, CORS, website or inventory configuration on s3://" + in.SrcBucket)
		return c
	}
	move := in.BucketConfig
	if move == "" {
		move = "s3migrate bucket-config s3://" + in.SrcBucket + " s3://" + in.DstBucket + " (add --apply)"
	}
	c.warn("s3://"+in.SrcBucket+" has "+strings.Join(found, ", ")+": copying objects does not move them",
		"move them with "+move+": it shows each as destination now → proposed, rewrites what names the origin account only through a mapping, and says what cannot move")
	return c
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
