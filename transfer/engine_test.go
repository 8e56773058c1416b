package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3migrate/s3migrate/transfer"
)

func loc(bucket, prefix string) transfer.Location {
	return transfer.Location{Bucket: bucket, Prefix: prefix}
}

func richObjects() []obj {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	return []obj{
		{key: "data/small.json", body: pattern(3000, 1), ctype: "application/json", cache: "max-age=60",
			disp: `attachment; filename="small.json"`, encoding: "identity", lang: "en-GB", expires: &exp,
			meta: map[string]string{"team": "storage", "note": "kept"}, tags: map[string]string{"env": "prod", "pii": "no"}},
		{key: "data/large.bin", body: pattern(12<<20+123, 2), ctype: "application/octet-stream", cache: "no-cache",
			disp: "inline", lang: "de", expires: &exp,
			meta: map[string]string{"origin-host": "db-1"}, tags: map[string]string{"retention": "7y"}},
		{key: "data/empty", body: nil, ctype: "text/plain"},
	}
}

// TestCopyCarriesEverything checks bytes, content headers, user metadata and
// tags after a copy, for a small and a multipart object, in both modes.
func TestCopyCarriesEverything(t *testing.T) {
	needSandbox(t)
	for _, mode := range []transfer.Mode{transfer.ModeServerSide, transfer.ModeRelay} {
		t.Run(string(mode), func(t *testing.T) {
			src, dst := pairFor(t, mode, "carry-"+string(mode))
			origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
			objs := richObjects()
			for _, o := range objs {
				put(t, origin, src, o)
			}
			res, e, err := migrate(t, transfer.Options{
				Src: loc(src, ""), Dst: loc(dst, ""), Mode: mode,
				MultipartThreshold: 8 << 20, PartSize: 5 << 20,
			})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if len(res.Failures) > 0 {
				t.Fatalf("failures: %v", res.Failures[0].Err)
			}
			if res.Copied != int64(len(objs)) {
				t.Fatalf("copied %d, want %d", res.Copied, len(objs))
			}
			snap := e.Snapshot()
			if mode == transfer.ModeRelay && snap.Relayed != int64(len(objs)) {
				t.Errorf("relayed %d, want %d", snap.Relayed, len(objs))
			}
			if mode == transfer.ModeServerSide && snap.ServerSide != int64(len(objs)) {
				t.Errorf("server-side %d, want %d", snap.ServerSide, len(objs))
			}
			for _, o := range objs {
				want, got := read(t, origin, src, o.key), read(t, dest, dst, o.key)
				if !reflect.DeepEqual(want, got) {
					t.Errorf("%s differs after %s copy:\n source %+v\n   dest %+v", o.key, mode, want, got)
				}
				if o.key == "data/small.json" && (got.Meta["team"] != "storage" || got.Tags["pii"] != "no" || got.ContentType != "application/json") {
					t.Errorf("%s: metadata lost on both sides? %+v", o.key, got)
				}
			}
		})
	}
}

// TestCrossAccountDeniedUntilPolicy: server-side copy as the destination
// identity is refused with a hint until the origin bucket policy grants read.
func TestCrossAccountDeniedUntilPolicy(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "denied")
	if err != nil {
		t.Fatal(err)
	}
	origin := sb.Client(sb.Origin)
	for i := 0; i < 5; i++ {
		put(t, origin, src, obj{key: fmt.Sprintf("k%d", i), body: pattern(100, byte(i))})
	}
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: transfer.ModeServerSide}
	_, _, err = migrate(t, opt)
	var oe *transfer.OpError
	if !errors.As(err, &oe) || !transfer.IsAccessDenied(err) {
		t.Fatalf("want an access-denied OpError before the policy, got %v", err)
	}
	if !strings.Contains(err.Error(), "s3migrate policy") || !strings.Contains(err.Error(), "s3:GetObject") {
		t.Errorf("error does not say what to do: %v", err)
	}
	if got := keys(t, sb.Client(sb.Dest), dst, ""); len(got) != 0 {
		t.Fatalf("destination has %d keys after a denied run", len(got))
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	res, _, err := migrate(t, opt)
	if err != nil || res.Copied != 5 {
		t.Fatalf("after policy: copied %v, err %v", res, err)
	}
}

// TestAutoRelaysWhenDenied: in auto mode a missing policy switches to relay
// (with a notice) instead of failing.
func TestAutoRelaysWhenDenied(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "auto")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		put(t, sb.Client(sb.Origin), src, obj{key: fmt.Sprintf("p/%02d", i), body: pattern(500+i, byte(i))})
	}
	res, e, err := migrate(t, transfer.Options{Src: loc(src, "p/"), Dst: loc(dst, "q/"), Mode: transfer.ModeAuto})
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 30 || e.Snapshot().Relayed != 30 {
		t.Fatalf("copied %d relayed %d, want 30/30", res.Copied, e.Snapshot().Relayed)
	}
	if len(res.Notices) == 0 || !strings.Contains(res.Notices[0], "relayed") {
		t.Errorf("no notice about the relay fallback: %q", res.Notices)
	}
	got := keys(t, sb.Client(sb.Dest), dst, "")
	if len(got) != 30 || got[0] != "q/00" {
		t.Errorf("destination keys: %d, first %q; want 30 under q/", len(got), got[0])
	}
}

// TestRerunDryRunDelete: a second run copies nothing, --dry-run writes
// nothing, --delete removes only the extras under the destination prefix.
func TestRerunDryRunDelete(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "rerun")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	for i := 0; i < 12; i++ {
		put(t, origin, src, obj{key: fmt.Sprintf("in/%02d", i), body: pattern(1000+i, byte(i))})
	}
	// Extras: two under the destination prefix, one outside it.
	put(t, dest, dst, obj{key: "out/extra-1", body: []byte("x")})
	put(t, dest, dst, obj{key: "out/sub/extra-2", body: []byte("y")})
	put(t, dest, dst, obj{key: "elsewhere/keep", body: []byte("z")})
	opt := transfer.Options{Src: loc(src, "in/"), Dst: loc(dst, "out/")}

	dry := opt
	dry.DryRun, dry.Delete = true, true
	res, _, err := migrate(t, dry)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 0 || res.Stats.Count[transfer.ClassNew] != 12 || res.Stats.Count[transfer.ClassExtra] != 2 {
		t.Fatalf("dry run: copied %d, plan %v", res.Copied, res.Stats.Count)
	}
	if got := keys(t, dest, dst, ""); len(got) != 3 {
		t.Fatalf("dry run changed the destination: %v", got)
	}

	res, _, err = migrate(t, opt)
	if err != nil || res.Copied != 12 || res.Deleted != 0 {
		t.Fatalf("first run: copied %d deleted %d err %v", res.Copied, res.Deleted, err)
	}
	res, _, err = migrate(t, opt)
	if err != nil || res.Copied != 0 || res.Stats.Count[transfer.ClassIdentical] != 12 {
		t.Fatalf("re-run: copied %d identical %d err %v", res.Copied, res.Stats.Count[transfer.ClassIdentical], err)
	}

	// A changed source object is copied again, and only it.
	put(t, origin, src, obj{key: "in/03", body: pattern(2000, 9)})
	del := opt
	del.Delete = true
	res, _, err = migrate(t, del)
	if err != nil || res.Copied != 1 || res.Deleted != 2 {
		t.Fatalf("delete run: copied %d deleted %d err %v", res.Copied, res.Deleted, err)
	}
	got := keys(t, dest, dst, "")
	if len(got) != 13 || got[0] != "elsewhere/keep" {
		t.Fatalf("after --delete: %v", got)
	}
	if read(t, dest, dst, "out/03").Size != 2000 {
		t.Errorf("changed object not re-copied")
	}
}

// TestOddKeys: keys that break naive URL handling, long keys, empty objects
// and directory markers all arrive, byte for byte.
func TestOddKeys(t *testing.T) {
	needSandbox(t)
	long := strings.Repeat("a", 250) + "/" + strings.Repeat("b", 250) + "/" + strings.Repeat("c", 250) + "/" + strings.Repeat("d", 240)
	odd := []string{
		"with space/file name.txt", "unicode/日本語/ファイル-é.txt", "plus+sign", "percent%20literal", "percent%",
		"hash#frag", "question?mark", "amp&and=eq", "/leading-slash", "double//slash", "dir/", "dir/child",
		"trailing space ", "tilde~and'quote", long,
	}
	for _, mode := range []transfer.Mode{transfer.ModeServerSide, transfer.ModeRelay} {
		t.Run(string(mode), func(t *testing.T) {
			ctx := context.Background()
			src, dst, err := sb.NewPair(ctx, "odd-"+string(mode))
			if err != nil {
				t.Fatal(err)
			}
			if err := sb.GrantRead(ctx, src); err != nil {
				t.Fatal(err)
			}
			origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
			for i, k := range odd {
				body := pattern(100+i, byte(i))
				if strings.HasSuffix(k, "/") {
					body = nil
				}
				put(t, origin, src, obj{key: k, body: body, meta: map[string]string{"i": fmt.Sprint(i)}})
			}
			res, _, err := migrate(t, transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Failures {
				t.Errorf("failed %q: %v", f.Key, f.Err)
			}
			want, got := keys(t, origin, src, ""), keys(t, dest, dst, "")
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("keys differ:\n src %q\n dst %q", want, got)
			}
			for _, k := range want {
				if a, b := read(t, origin, src, k), read(t, dest, dst, k); !reflect.DeepEqual(a, b) {
					t.Errorf("%q differs: %+v vs %+v", k, a, b)
				}
			}
		})
	}
}

// TestPauseResumeCancel: nothing starts while paused; resume finishes the
// run; cancelling a paused run returns promptly with context.Canceled.
func TestPauseResumeCancel(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "pause")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		put(t, sb.Client(sb.Origin), src, obj{key: fmt.Sprintf("%02d", i), body: pattern(100, byte(i))})
	}
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Concurrency: 2}
	run := func(ctx context.Context, e *transfer.Engine) chan error {
		done := make(chan error, 1)
		opt := e.Options()
		go func() {
			_, err := e.Run(ctx, transfer.Diff(ctx,
				transfer.List(ctx, sb.Client(sb.Origin), opt.Src), transfer.List(ctx, sb.Client(sb.Dest), opt.Dst),
				transfer.DiffOptions{SrcPrefix: opt.Src.Prefix, DstPrefix: opt.Dst.Prefix}))
			done <- err
		}()
		return done
	}
	e := transfer.New(opt, endpoints())
	e.Pause()
	done := run(ctx, e)
	waitFor(t, func() bool { return e.Snapshot().Plan.Count[transfer.ClassNew] >= 1 })
	if s := e.Snapshot(); s.Copied != 0 || len(s.InFlight) != 0 || !s.Paused {
		t.Fatalf("paused engine copied %d, %d in flight", s.Copied, len(s.InFlight))
	}
	e.SetConcurrency(8)
	e.Resume()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := e.Snapshot(); s.Copied != 20 || s.Concurrency != 8 || s.Phase != transfer.PhaseDone || s.ETA != 0 {
		t.Fatalf("after resume: %+v", s)
	}

	cctx, cancel := context.WithCancel(ctx)
	e2 := transfer.New(transfer.Options{Src: loc(src, ""), Dst: loc(dst, "again/")}, endpoints())
	e2.Pause()
	done = run(cctx, e2)
	waitFor(t, func() bool { return e2.Snapshot().Plan.Count[transfer.ClassNew] >= 1 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelled run did not return")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWriteSettings: --storage-class is sent with every write (the sandbox's
// posix backend reports every object as STANDARD, so the requests are
// checked); an ACL the destination's Object Ownership rejects is dropped with
// a notice instead of failing every object.
func TestWriteSettings(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "settings")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	put(t, sb.Client(sb.Origin), src, obj{key: "a", body: pattern(10, 1)})
	put(t, sb.Client(sb.Origin), src, obj{key: "big", body: pattern(9<<20, 2)})

	var mu sync.Mutex
	sent := map[string][]string{} // operation → x-amz-storage-class, x-amz-acl
	record := middleware.FinalizeMiddlewareFunc("record", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if req, ok := in.Request.(*smithyhttp.Request); ok {
			mu.Lock()
			sent[middleware.GetOperationName(ctx)] = []string{req.Header.Get("X-Amz-Storage-Class"), req.Header.Get("X-Amz-Acl")}
			mu.Unlock()
		}
		return next.HandleFinalize(ctx, in)
	})
	ep := endpoints()
	ep.Dst = s3.New(sb.Client(sb.Dest).Options(), func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error { return st.Finalize.Add(record, middleware.After) })
	})
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), StorageClass: "STANDARD_IA", ACL: "public-read",
		MultipartThreshold: 8 << 20, PartSize: 5 << 20}
	e := transfer.New(opt, ep)
	res, err := e.Run(ctx, transfer.Diff(ctx, transfer.List(ctx, sb.Client(sb.Origin), opt.Src), transfer.List(ctx, sb.Client(sb.Dest), opt.Dst), transfer.DiffOptions{}))
	if err != nil || res.Copied != 2 {
		t.Fatalf("copied %v err %v", res, err)
	}
	if len(res.Notices) != 1 || !strings.Contains(res.Notices[0], "BucketOwnerEnforced") {
		t.Errorf("notices %q", res.Notices)
	}
	for _, op := range []string{"CopyObject", "CreateMultipartUpload"} {
		if got := sent[op]; len(got) != 2 || got[0] != "STANDARD_IA" || got[1] != "" {
			t.Errorf("%s sent storage class and ACL %q, want STANDARD_IA and none", op, got)
		}
	}
}
