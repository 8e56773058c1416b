package batchjob_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/s3err"
)

// oddKeys are keys a manifest must carry exactly: spaces, unicode, '+',
// '%', '&', '=', commas and quotes (CSV), a newline.
var oddKeys = []string{
	"plain.txt",
	"dir/with space.txt",
	"ünïcødé/ключ 日本.bin",
	"a+b=c&d?.txt",
	"100%/pct%41%2B.txt",
	"line\nbreak.txt",
	"comma,\"quote\".csv",
	"trailing space ",
}

func items(bucket string, objs []object, extra ...batchjob.Item) iter.Seq2[batchjob.Item, error] {
	return func(yield func(batchjob.Item, error) bool) {
		for _, o := range objs {
			if !yield(batchjob.Item{Bucket: bucket, Key: o.Key, Size: int64(len(o.Body))}, nil) {
				return
			}
		}
		for _, it := range extra {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// TestBatchJobEndToEnd: a manifest of odd keys, a job created Suspended,
// confirmed, followed to Complete; the copies are there under the target
// prefix; the report gives every key back decoded, with the failures'
// codes (a key gone since the plan, an object above the copy limit); the
// object above the manifest's limit was handed back, not listed.
func TestBatchJobEndToEnd(t *testing.T) {
	var objs []object
	for i, k := range oddKeys {
		objs = append(objs, object{Key: k, Body: []byte(fmt.Sprintf("body %d of %q", i, k)), Tags: map[string]string{"n": fmt.Sprint(i)}})
	}
	big := object{Key: "big.bin", Body: bytes.Repeat([]byte("x"), 2000)}
	src, dst := pair(t, append(slices.Clone(objs), big))
	// 1,000 bytes stand for the 5 GB limit of a copy task; the manifest
	// (whose limit is the real one) lists big.bin, as a plan made before
	// the object grew would.
	sb.BatchOps().SetCopyLimit(1000)
	t.Cleanup(func() { sb.BatchOps().SetCopyLimit(0) })

	c := dest(t)
	ctx := context.Background()
	var oversize []batchjob.Item
	ref, err := c.WriteManifest(ctx, dst, batchjob.ManifestKey("batch", "run-1"),
		items(src, append(slices.Clone(objs), big),
			batchjob.Item{Bucket: src, Key: "gone since the plan.txt", Size: 10},
			batchjob.Item{Bucket: src, Key: "huge.iso", Size: batchjob.CopyLimit + 1}),
		batchjob.ManifestOptions{Oversize: func(it batchjob.Item) error { oversize = append(oversize, it); return nil }})
	if err != nil {
		t.Fatalf("WriteManifest: %v", err)
	}
	if len(oversize) != 1 || oversize[0].Key != "huge.iso" || ref.Oversize != 1 || ref.OversizeB != batchjob.CopyLimit+1 {
		t.Errorf("oversize: handed %v, ref %d/%d", oversize, ref.Oversize, ref.OversizeB)
	}
	wantCount := int64(len(objs) + 2)
	if ref.Count != wantCount || ref.Key != "batch/manifests/run-1.csv" || ref.ARN != "arn:aws:s3:::"+dst+"/batch/manifests/run-1.csv" || ref.ETag == "" || strings.Contains(ref.ETag, `"`) {
		t.Errorf("ref %+v", ref)
	}

	// The manifest's bytes: no header, Bucket,Key, keys URL-encoded (a
	// space as %20, so "+" can only be a plus), nothing CSV must quote.
	raw := string(getBytes(t, sb.Client(sb.Dest), dst, ref.Key))
	lines := strings.Split(strings.TrimSuffix(raw, "\n"), "\n")
	if int64(len(lines)) != wantCount {
		t.Fatalf("manifest has %d lines, want %d:\n%s", len(lines), wantCount, raw)
	}
	for _, want := range []string{
		src + ",dir%2Fwith%20space.txt",
		src + ",a%2Bb%3Dc%26d%3F.txt",
		src + ",100%25%2Fpct%2541%252B.txt",
		src + ",line%0Abreak.txt",
		src + ",comma%2C%22quote%22.csv",
		src + ",trailing%20space%20",
		src + ",%C3%BCn%C3%AFc%C3%B8d%C3%A9%2F%D0%BA%D0%BB%D1%8E%D1%87%20%E6%97%A5%E6%9C%AC.bin",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("manifest has no line %q:\n%s", want, raw)
		}
	}
	for _, l := range lines {
		k, _ := strings.CutPrefix(l, src+",")
		if dk, err := batchjob.DecodeKey(k); err != nil || batchjob.EncodeKey(dk) != k {
			t.Errorf("line %q does not round-trip (%q, %v)", l, dk, err)
		}
	}

	prefix, err := batchjob.CheckMapping("", "copied/")
	if err != nil || prefix != "copied/" {
		t.Fatalf("CheckMapping: %q, %v", prefix, err)
	}
	spec := batchjob.Spec{
		RoleARN: c.RoleARN("s3migrate-batch"), Manifest: ref, TargetBucket: dst, TargetKeyPrefix: prefix,
		ReportBucket: dst, ReportPrefix: batchjob.ReportsPrefix("batch"), Description: "s3migrate test " + t.Name(),
		StorageClass: "STANDARD", ChecksumAlgorithm: "CRC32",
	}
	id, err := c.Create(ctx, spec)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	st := waitFor(t, c, id, "Suspended", func(s batchjob.Status) bool {
		return s.State != batchjob.StateNew && s.State != batchjob.StatePreparing
	})
	if st.State != batchjob.StateSuspended || !st.AwaitingConfirmation || st.Total != wantCount {
		t.Fatalf("after Create: %+v, want Suspended awaiting confirmation with %d tasks", st, wantCount)
	}
	if st.ReportBucket != dst || st.ReportPrefix != "batch/reports" {
		t.Errorf("report location %s %s", st.ReportBucket, st.ReportPrefix)
	}
	if _, err := sb.Client(sb.Dest).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("copied/plain.txt")}); err == nil {
		t.Fatal("the job copied before its confirmation")
	}
	// The same spec again is the same job (a resume after a crash between
	// CreateJob and the journal).
	if again, err := c.Create(ctx, spec); err != nil || again != id {
		t.Errorf("Create again: %s, %v; want %s", again, err, id)
	}

	if err := c.Confirm(ctx, id); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	var (
		mu   sync.Mutex
		seen []string
	)
	final, err := c.Follow(ctx, id, 10*time.Millisecond, func(s batchjob.Status) {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) == 0 || seen[len(seen)-1] != s.State {
			seen = append(seen, s.State)
		}
	})
	if err != nil {
		t.Fatalf("Follow: %v", err)
	}
	if final.State != batchjob.StateComplete || final.Succeeded != int64(len(objs)) || final.Failed != 2 || final.Total != wantCount || !final.Done() || final.Remaining() != 0 {
		t.Fatalf("final %+v (states %v)", final, seen)
	}
	if seen[len(seen)-1] != batchjob.StateComplete {
		t.Errorf("Follow's callback did not see the end: %v", seen)
	}

	// The copies: bytes and tags kept, under the target prefix.
	for _, o := range objs {
		if got := getBytes(t, sb.Client(sb.Dest), dst, "copied/"+o.Key); !bytes.Equal(got, o.Body) {
			t.Errorf("copied/%q: %q, want %q", o.Key, got, o.Body)
		}
	}

	// The job's options reached the copies.
	h, err := sb.Client(sb.Dest).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(dst), Key: aws.String("copied/" + oddKeys[2]), ChecksumMode: "ENABLED"})
	if err != nil || h.ChecksumCRC32 == nil {
		t.Errorf("ChecksumAlgorithm CRC32: no CRC32 on the copy (%v)", err)
	}

	// The report: each manifest key once, decoded exactly.
	got := map[string]batchjob.TaskResult{}
	for r, err := range c.ReadReport(ctx, st.ReportBucket, st.ReportPrefix, id) {
		if err != nil {
			t.Fatalf("ReadReport: %v", err)
		}
		if _, dup := got[r.Key]; dup {
			t.Errorf("key %q reported twice", r.Key)
		}
		got[r.Key] = r
	}
	if int64(len(got)) != wantCount {
		t.Errorf("report has %d tasks, want %d", len(got), wantCount)
	}
	for _, o := range objs {
		r, ok := got[o.Key]
		if !ok {
			t.Errorf("report lacks %q", o.Key)
			continue
		}
		if !r.Succeeded() || r.HTTPStatus != 200 || r.ErrorCode != "" || r.Bucket != src || r.RawKey != batchjob.EncodeKey(o.Key) {
			t.Errorf("%q: %+v", o.Key, r)
		}
	}
	if r := got["gone since the plan.txt"]; r.Succeeded() || r.ErrorCode != "NoSuchKey" || r.HTTPStatus != 404 || r.TooLarge() {
		t.Errorf("missing key: %+v", r)
	}
	if r := got["big.bin"]; r.Succeeded() || r.ErrorCode != "InvalidRequest" || r.HTTPStatus != 400 || !r.TooLarge() {
		t.Errorf("object above the copy limit: %+v", r)
	}

	// Confirming a finished job is refused with the job id and a hint.
	err = c.Confirm(ctx, id)
	if oe := opError(t, err); !strings.Contains(oe.Error(), id) || !strings.Contains(oe.Hint, "Suspended") || !strings.Contains(oe.Error(), "profile sandbox-dest") {
		t.Errorf("Confirm of a Complete job: %v", err)
	}
}

// TestBatchJobCancel: a job cancelled while it waits for its confirmation
// ends Cancelled with no report; one cancelled while Active ends Cancelled
// and its report lists exactly the tasks that ran.
func TestBatchJobCancel(t *testing.T) {
	var objs []object
	for i := 0; i < 40; i++ {
		objs = append(objs, object{Key: fmt.Sprintf("obj %02d", i), Body: []byte(fmt.Sprint(i))})
	}
	src, dst := pair(t, objs)
	c := dest(t)
	ctx := context.Background()
	ref, err := c.WriteManifest(ctx, dst, batchjob.ManifestKey("", "cancel"), items(src, objs), batchjob.ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := batchjob.Spec{RoleARN: c.RoleARN("r"), Manifest: ref, TargetBucket: dst, TargetKeyPrefix: "out/",
		ReportBucket: dst, ReportPrefix: "reports/"}

	t.Run("suspended", func(t *testing.T) {
		spec := spec
		spec.ClientToken = "cancel-suspended"
		id, err := c.Create(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, c, id, "Suspended", func(s batchjob.Status) bool { return s.AwaitingConfirmation })
		// Follow keeps polling a job that waits for its confirmation.
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err = c.Follow(short, id, 10*time.Millisecond, nil)
		cancel()
		if err != context.DeadlineExceeded {
			t.Errorf("Follow of a Suspended job: %v, want the context's deadline", err)
		}
		if err := c.Cancel(ctx, id, "operator said no"); err != nil {
			t.Fatal(err)
		}
		st, err := c.Follow(ctx, id, 10*time.Millisecond, nil)
		if err != nil || st.State != batchjob.StateCancelled || st.Succeeded != 0 || st.Reason != "operator said no" {
			t.Fatalf("after Cancel: %+v, %v", st, err)
		}
		for _, err := range c.ReadReport(ctx, dst, "reports/", id) {
			if oe := opError(t, err); !s3err.IsNotFound(err) || !strings.Contains(oe.Hint, "no report") {
				t.Errorf("report of a job cancelled before any task: %v", err)
			}
		}
	})

	t.Run("active", func(t *testing.T) {
		sb.BatchOps().SetTaskDelay(50 * time.Millisecond)
		t.Cleanup(func() { sb.BatchOps().SetTaskDelay(0) })
		spec := spec
		spec.ClientToken = "cancel-active"
		id, err := c.Create(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, c, id, "Suspended", func(s batchjob.Status) bool { return s.AwaitingConfirmation })
		if err := c.Confirm(ctx, id); err != nil {
			t.Fatal(err)
		}
		waitFor(t, c, id, "Active with tasks done", func(s batchjob.Status) bool {
			if s.Done() {
				t.Fatalf("the job ended before it could be cancelled: %+v", s)
			}
			return s.State == batchjob.StateActive && s.Succeeded > 0
		})
		if err := c.Cancel(ctx, id, ""); err != nil {
			t.Fatal(err)
		}
		st, err := c.Follow(ctx, id, 10*time.Millisecond, nil)
		if err != nil || st.State != batchjob.StateCancelled || st.Succeeded == 0 || st.Succeeded >= 40 {
			t.Fatalf("after Cancel: %+v, %v", st, err)
		}
		n := int64(0)
		for r, err := range c.ReadReport(ctx, dst, "reports", id) {
			if err != nil {
				t.Fatal(err)
			}
			if !r.Succeeded() || !strings.HasPrefix(r.Key, "obj ") {
				t.Errorf("report line %+v", r)
			}
			n++
		}
		if n != st.Succeeded {
			t.Errorf("the report lists %d tasks, the job says %d ran", n, st.Succeeded)
		}
		// Cancelling an ended job is refused, naming the job.
		if err := c.Cancel(ctx, id, ""); err == nil || !strings.Contains(err.Error(), id) || !strings.Contains(opError(t, err).Hint, "ended") {
			t.Errorf("Cancel of a Cancelled job: %v", err)
		}
	})
}

// TestBatchJobErrors: refusals before any call, and S3 Control's errors
// carried with the job id, the identity and a hint.
func TestBatchJobErrors(t *testing.T) {
	c := dest(t)
	ctx := context.Background()
	_, err := c.Create(ctx, batchjob.Spec{RoleARN: c.RoleARN("r"), TargetBucket: "b", ReportBucket: "b"})
	if err == nil || !strings.Contains(err.Error(), "lists no object") {
		t.Errorf("Create with an empty manifest: %v", err)
	}
	const unknown = "00000000-0000-4000-8000-000000000000"
	_, err = c.Describe(ctx, unknown)
	if oe := opError(t, err); !strings.Contains(oe.Error(), unknown) || !strings.Contains(oe.Hint, "no such job") {
		t.Errorf("Describe of an unknown job: %v", err)
	}
	// A role of another account is refused by CreateJob itself.
	_, dst := pair(t, nil)
	ref, err := c.WriteManifest(ctx, dst, "m.csv", items("some-bucket", []object{{Key: "k"}}), batchjob.ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(ctx, batchjob.Spec{RoleARN: "arn:aws:iam::111111111111:role/r", Manifest: ref, TargetBucket: dst, ReportBucket: dst})
	if oe := opError(t, err); s3err.Code(err) != "InvalidRequest" || oe.Hint == "" {
		t.Errorf("Create with another account's role: %v", err)
	}
	// Wrong credentials: the message names the identity, never the secret.
	bad := *c
	bad.Control = batchjobControl(t, "wrong-secret-XYZ")
	_, err = bad.Describe(ctx, unknown)
	if err == nil || !s3err.IsCredential(err) || strings.Contains(err.Error(), "wrong-secret-XYZ") || !strings.Contains(err.Error(), "profile sandbox-dest") {
		t.Errorf("wrong secret: %v", err)
	}
}

func TestStatusAndToken(t *testing.T) {
	st := batchjob.Status{State: batchjob.StateActive, Total: 100, Succeeded: 20, Failed: 5, Elapsed: 50 * time.Second}
	if st.Remaining() != 75 || st.ETA() != 150*time.Second || st.Done() {
		t.Errorf("remaining %d, ETA %v, done %v", st.Remaining(), st.ETA(), st.Done())
	}
	if (batchjob.Status{Total: 10}).ETA() != 0 {
		t.Error("an ETA before any task ran")
	}
	a := batchjob.Spec{Manifest: batchjob.ManifestRef{ARN: "arn:aws:s3:::b/m.csv", ETag: "e1"}, TargetBucket: "d"}
	b := a
	b.Manifest.ETag = "e2"
	if a.Token() != a.Token() || a.Token() == b.Token() || len(a.Token()) > 64 {
		t.Errorf("tokens %q, %q", a.Token(), b.Token())
	}
	a.ClientToken = "mine"
	if a.Token() != "mine" {
		t.Errorf("ClientToken ignored: %q", a.Token())
	}
}
