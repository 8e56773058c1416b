package transfer_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/faultproxy"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/transfer"
)

// through returns clients for both identities that talk to the sandbox via
// the fault proxy, with the SDK retry settings the CLI uses.
func through(p *faultproxy.Proxy) transfer.Endpoints {
	via := func(acc sandbox.Account) *s3.Client {
		return s3.New(sb.Client(acc).Options(), func(o *s3.Options) {
			o.BaseEndpoint = aws.String(p.URL())
			o.RetryMaxAttempts = 5
		})
	}
	ep := endpoints()
	ep.Src, ep.Dst = via(sb.Origin), via(sb.Dest)
	return ep
}

// seedMany puts n small objects and a few multipart ones into bucket.
func seedMany(t *testing.T, bucket string, n int) []obj {
	t.Helper()
	var objs []obj
	for i := 0; i < n; i++ {
		objs = append(objs, obj{key: fmt.Sprintf("small/%04d", i), body: pattern(1024+(i*37)%3072, byte(i)),
			ctype: "text/plain", meta: map[string]string{"i": fmt.Sprint(i)}})
	}
	for i := 0; i < 3; i++ {
		objs = append(objs, obj{key: fmt.Sprintf("large/%d", i), body: pattern(12<<20+i, byte(100+i)),
			ctype: "application/octet-stream", meta: map[string]string{"large": "yes"}, tags: map[string]string{"n": fmt.Sprint(i)}})
	}
	work := make(chan obj)
	errs := make(chan error, len(objs))
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := putE(sb.Client(sb.Origin), bucket, o); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, o := range objs {
		work <- o
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("seed: %v", err)
	}
	return objs
}

// checkIntact compares every object on both sides directly (not through
// the proxy): keys, bytes (SHA-256), headers, metadata and tags.
func checkIntact(t *testing.T, src, dst string, objs []obj) {
	t.Helper()
	got := keys(t, sb.Client(sb.Dest), dst, "")
	if len(got) != len(objs) {
		t.Fatalf("destination has %d keys, want %d", len(got), len(objs))
	}
	var mu sync.Mutex
	bad := 0
	work := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				a, errA := readE(sb.Client(sb.Origin), src, k)
				b, errB := readE(sb.Client(sb.Dest), dst, k)
				if errA != nil || errB != nil || fmt.Sprint(a) != fmt.Sprint(b) {
					mu.Lock()
					bad++
					if bad <= 5 {
						t.Errorf("%s differs (%v, %v):\n source %+v\n   dest %+v", k, errA, errB, a, b)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, o := range objs {
		work <- o.key
	}
	close(work)
	wg.Wait()
	if bad > 0 {
		t.Fatalf("%d of %d objects corrupted", bad, len(objs))
	}
}

// TestFaultsLoseNothing: with 5% SlowDown, 1% connection resets and 1%
// CopyObject 200-with-error (plus 1% truncated GET bodies in relay mode),
// over 2,000 small and 3 multipart objects, every object arrives intact and
// the engine reports exactly what it copied.
func TestFaultsLoseNothing(t *testing.T) {
	needSandbox(t)
	if testing.Short() {
		t.Skip("fault injection over 2,000 objects")
	}
	ctx := context.Background()
	src, _, err := sb.NewPair(ctx, "faults")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	objs := seedMany(t, src, 2000)
	for i, mode := range []transfer.Mode{transfer.ModeServerSide, transfer.ModeRelay} {
		t.Run(string(mode), func(t *testing.T) {
			_, dst, err := sb.NewPair(ctx, "faults-"+string(mode))
			if err != nil {
				t.Fatal(err)
			}
			p, err := faultproxy.New(sb.Endpoint,
				faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 0.05, Seed: uint64(10 + i)},
				faultproxy.Rule{Fault: faultproxy.Reset, Rate: 0.01, Seed: uint64(20 + i)},
				faultproxy.Rule{Fault: faultproxy.CopyError200, Rate: 0.01, Match: faultproxy.IsCopy, Seed: uint64(30 + i)},
				faultproxy.Rule{Fault: faultproxy.Truncate, Rate: 0.01, Match: faultproxy.IsGetObject, Seed: uint64(40 + i)},
			)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Mode: mode, MultipartThreshold: 8 << 20, PartSize: 5 << 20}
			ep := through(p)
			e := transfer.New(opt, ep)
			res, err := e.Run(ctx, transfer.Diff(ctx, transfer.List(ctx, ep.Src, opt.Src), transfer.List(ctx, ep.Dst, opt.Dst), transfer.DiffOptions{}))
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			st := p.Stats()
			t.Logf("%s: %d requests, faults %v; copied %d, failed %d", mode, st.Requests, st.Faults, res.Copied, len(res.Failures))
			if st.Faults[faultproxy.SlowDown] == 0 || st.Faults[faultproxy.Reset] == 0 {
				t.Fatalf("the proxy injected too few faults to mean anything: %v", st.Faults)
			}
			for _, f := range res.Failures {
				t.Errorf("failed %s after %d attempts: %v", f.Key, f.Attempts, f.Err)
			}
			if res.Copied != int64(len(objs)) {
				t.Fatalf("copied %d, want %d", res.Copied, len(objs))
			}
			checkIntact(t, src, dst, objs)
		})
	}
}

// TestReadOnlyDestinationMidRun: the destination starts refusing writes
// part-way; the objects that could not be written fail with a clear reason
// (and are not reported as copied); once writes are allowed again, a new
// run copies exactly the rest.
func TestReadOnlyDestinationMidRun(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "readonly")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	var objs []obj
	for i := 0; i < 200; i++ {
		o := obj{key: fmt.Sprintf("k%03d", i), body: pattern(500+i, byte(i))}
		objs = append(objs, o)
		put(t, sb.Client(sb.Origin), src, o)
	}
	p, err := faultproxy.New(sb.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ep := through(p)
	opt := transfer.Options{Src: loc(src, ""), Dst: loc(dst, ""), Concurrency: 4, MaxAttempts: 2}
	e := transfer.New(opt, ep)
	// Writes are denied once 50 objects are in.
	stop := make(chan struct{})
	go func() {
		for e.Snapshot().Copied < 50 {
			select {
			case <-stop:
				return
			default:
			}
		}
		_ = p.SetRules(faultproxy.Rule{Fault: faultproxy.Deny, Rate: 1, Match: faultproxy.And(faultproxy.IsWrite, faultproxy.Bucket(dst))})
	}()
	res, err := e.Run(ctx, transfer.Diff(ctx, transfer.List(ctx, ep.Src, opt.Src), transfer.List(ctx, ep.Dst, opt.Dst), transfer.DiffOptions{}))
	close(stop)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if len(res.Failures) == 0 || res.Copied+int64(len(res.Failures)) != 200 {
		t.Fatalf("copied %d + failed %d, want 200 in all with some failures", res.Copied, len(res.Failures))
	}
	for _, f := range res.Failures {
		if !strings.Contains(f.Err.Error(), "AccessDenied") || !strings.Contains(f.Err.Error(), "as destination") {
			t.Errorf("%s: unclear reason %v", f.Key, f.Err)
		}
	}
	if got := int64(len(keys(t, sb.Client(sb.Dest), dst, ""))); got != res.Copied {
		t.Fatalf("destination has %d objects, engine reported %d copied", got, res.Copied)
	}
	// Access is back: a new run copies exactly the failed ones.
	if err := p.SetRules(); err != nil {
		t.Fatal(err)
	}
	again, _, err := migrate(t, opt)
	if err != nil || again.Copied != int64(len(res.Failures)) || len(again.Failures) != 0 {
		t.Fatalf("second run copied %d (want %d), failures %d, err %v", again.Copied, len(res.Failures), len(again.Failures), err)
	}
	checkIntact(t, src, dst, objs)
}
