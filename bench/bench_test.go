// Package bench measures the copy engine against a plain SDK loop on the
// in-process sandbox (issue 2 §7). See README.md for how to run it.
package bench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/testenv"
	"github.com/s3migrate/s3migrate/transfer"
)

var (
	flagObjects     = flag.Int("objects", 5000, "objects seeded and copied by BenchmarkCopySmallObjects")
	flagConcurrency = flag.Int("concurrency", 32, "workers of the SDK loop and engine concurrency")
	flagRounds      = flag.Int("rounds", 2, "loop/engine pairs, run in ABBA order (L E E L L E …); medians are reported")
	flagSync        = flag.Bool("sync", true, "also measure the s3migrate sync binary (peak RSS)")
)

// sb is the one gateway of this test binary (embedgw allows one per process).
var sb *sandbox.Sandbox

// moduleRoot is the absolute module directory, resolved before the sandbox
// starts (the gateway chdir()s into its data directory).
var moduleRoot string

func TestMain(m *testing.M) { os.Exit(benchMain(m)) }

func benchMain(m *testing.M) int {
	flag.Parse()
	cleanup, err := testenv.Isolate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer cleanup()
	wd, err := os.Getwd()
	if err == nil {
		moduleRoot, err = filepath.Abs(filepath.Join(wd, ".."))
	}
	if err == nil {
		_, err = os.Stat(filepath.Join(moduleRoot, "go.mod"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: find module root:", err)
		return 2
	}
	benchRequested := flag.Lookup("test.bench").Value.String() != ""
	if testing.Short() && !benchRequested {
		// -short: TestBenchHarness skips; nothing needs the gateway.
		return m.Run()
	}
	sb, err = sandbox.Start(context.Background(), sandbox.Options{Seed: sandbox.SeedNone})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: start sandbox:", err)
		return 2
	}
	code := m.Run()
	sb.Close()
	return code
}

// tb is what the helpers need from *testing.T and *testing.B.
type tb interface {
	Helper()
	Fatalf(string, ...any)
	Logf(string, ...any)
}

// expected is one seeded object as the origin listing reports it.
type expected struct {
	size int64
	etag string
}

// seeded is the origin bucket and what it holds.
type seeded struct {
	bucket string
	keys   []string // key order
	want   map[string]expected
	bytes  int64
}

// objectSizes returns n deterministic sizes in [1 KiB, 16 KiB].
func objectSizes(n int) []int {
	r := rand.New(rand.NewPCG(7, 11))
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = 1024 + r.IntN(15*1024+1)
	}
	return sizes
}

// seed creates an origin bucket with n small objects (PutObject pool of
// 32), grants the destination account read, and lists it back.
func seed(tb tb, n int) *seeded {
	tb.Helper()
	ctx := context.Background()
	src, _, err := sb.NewPair(ctx, fmt.Sprintf("bench-%d", n))
	if err != nil {
		tb.Fatalf("new pair: %v", err)
	}
	sizes := objectSizes(n)
	origin := sb.Client(sb.Origin)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				key := seedKey(i)
				body := sandbox.Content(key, sizes[i])
				if _, err := origin.PutObject(ctx, &s3.PutObjectInput{
					Bucket: aws.String(src), Key: aws.String(key), Body: bytes.NewReader(body),
					ContentType: aws.String("application/octet-stream"),
				}); err != nil {
					once.Do(func() { firstErr = fmt.Errorf("put %s: %w", key, err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		tb.Fatalf("seed: %v", firstErr)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		tb.Fatalf("grant read on %s: %v", src, err)
	}
	s := &seeded{bucket: src, want: make(map[string]expected, n)}
	for o, err := range transfer.List(ctx, origin, transfer.Location{Bucket: src}) {
		if err != nil {
			tb.Fatalf("list origin: %v", err)
		}
		s.keys = append(s.keys, o.Key)
		s.want[o.Key] = expected{size: o.Size, etag: o.ETag}
		s.bytes += o.Size
	}
	if len(s.keys) != n {
		tb.Fatalf("seed: origin lists %d keys, want %d", len(s.keys), n)
	}
	for i, sz := range sizes {
		if got := s.want[seedKey(i)].size; got != int64(sz) {
			tb.Fatalf("seed: %s is %d bytes, want %d", seedKey(i), got, sz)
		}
	}
	return s
}

// seedKey spreads keys over a few prefixes, like a real bucket.
func seedKey(i int) string { return fmt.Sprintf("data/p%02d/obj-%06d.bin", i%16, i) }

var bucketSeq atomic.Int64

// freshBucket creates an empty destination bucket owned by the destination.
func freshBucket(tb tb, label string) string {
	tb.Helper()
	name := fmt.Sprintf("bench-%s-%d-%d", label, bucketSeq.Add(1), time.Now().UnixNano()%1_000_000)
	if _, err := sb.Client(sb.Dest).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

// runLoop copies every key with a plain pool of CopyObject calls as the
// destination identity and returns the elapsed time.
func runLoop(tb tb, s *seeded, dst string, workers int) time.Duration {
	tb.Helper()
	ctx := context.Background()
	client := sb.Client(sb.Dest)
	keys := make(chan string, workers)
	var failed atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range keys {
				out, err := client.CopyObject(ctx, &s3.CopyObjectInput{
					Bucket:     aws.String(dst),
					Key:        aws.String(key),
					CopySource: aws.String(s.bucket + "/" + key), // seed keys need no escaping
				})
				if err == nil && (out.CopyObjectResult == nil || out.CopyObjectResult.ETag == nil) {
					err = errors.New("no CopyObjectResult")
				}
				if err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = fmt.Errorf("copy %s: %w", key, err) })
				}
			}
		}()
	}
	for _, k := range s.keys {
		keys <- k
	}
	close(keys)
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		tb.Fatalf("SDK loop: %d copies failed, first: %v", failed.Load(), firstErr)
	}
	return elapsed
}

// runEngine runs the engine (listing + diff + server-side copy) into dst.
func runEngine(tb tb, s *seeded, dst string, concurrency int) time.Duration {
	tb.Helper()
	return runEngineWith(tb, s, dst, concurrency, nil)
}

// runEngineWith runs the engine with a recorder (nil: none). The time
// includes closing the journal, so every write is counted.
func runEngineWith(tb tb, s *seeded, dst string, concurrency int, j *journal.Journal) time.Duration {
	tb.Helper()
	ctx := context.Background()
	ep := transfer.Endpoints{
		Src: sb.Client(sb.Origin), Dst: sb.Client(sb.Dest),
		SrcName: "origin", DstName: "destination", ServerSide: true,
	}
	opt := transfer.Options{
		Src:         transfer.Location{Bucket: s.bucket},
		Dst:         transfer.Location{Bucket: dst},
		Mode:        transfer.ModeServerSide,
		Concurrency: concurrency,
	}
	if j != nil {
		opt.Recorder = j
	}
	start := time.Now()
	e := transfer.New(opt, ep)
	res, err := e.Run(ctx, transfer.Diff(ctx,
		transfer.List(ctx, ep.Src, opt.Src),
		transfer.List(ctx, ep.Dst, opt.Dst),
		transfer.DiffOptions{}))
	if j != nil {
		if cerr := j.Close(); cerr != nil {
			tb.Fatalf("journal: %v", cerr)
		}
	}
	elapsed := time.Since(start)
	if err != nil {
		tb.Fatalf("engine: %v", err)
	}
	if len(res.Failures) > 0 {
		tb.Fatalf("engine: %d failures, first: %s: %v", len(res.Failures), res.Failures[0].Key, res.Failures[0].Err)
	}
	if res.Copied != int64(len(s.keys)) {
		tb.Fatalf("engine: copied %d objects, want %d", res.Copied, len(s.keys))
	}
	return elapsed
}

// verify checks that dst holds exactly the seeded keys, with the same sizes
// and (single-part MD5) ETags.
func verify(tb tb, s *seeded, dst string) {
	tb.Helper()
	n := 0
	for o, err := range transfer.List(context.Background(), sb.Client(sb.Dest), transfer.Location{Bucket: dst}) {
		if err != nil {
			tb.Fatalf("verify: list %s: %v", dst, err)
		}
		w, ok := s.want[o.Key]
		switch {
		case !ok:
			tb.Fatalf("verify: s3://%s/%s was not seeded", dst, o.Key)
		case o.Size != w.size:
			tb.Fatalf("verify: s3://%s/%s is %d bytes, want %d", dst, o.Key, o.Size, w.size)
		case o.ETag != w.etag:
			tb.Fatalf("verify: s3://%s/%s has ETag %s, want %s", dst, o.Key, o.ETag, w.etag)
		}
		n++
	}
	if n != len(s.keys) {
		tb.Fatalf("verify: s3://%s holds %d keys, want %d", dst, n, len(s.keys))
	}
}

// processCPU is the user+system CPU time this process has used so far.
func processCPU(tb tb) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// abba returns the run order for rounds loop/engine pairs: L E E L L E …
func abba(rounds int) []string {
	var order []string
	for i := range rounds {
		if i%2 == 0 {
			order = append(order, "loop", "engine")
		} else {
			order = append(order, "engine", "loop")
		}
	}
	return order
}

// TestBenchHarness runs both paths on a few objects and checks the copies,
// so the harness itself is tested by a plain `go test ./...`.
func TestBenchHarness(t *testing.T) {
	if sb == nil {
		t.Skip("needs the sandbox (not started with -short)")
	}
	s := seed(t, 50)
	a := freshBucket(t, "harness-loop")
	runLoop(t, s, a, 8)
	verify(t, s, a)
	b := freshBucket(t, "harness-engine")
	runEngine(t, s, b, 8)
	verify(t, s, b)
	// The verifier must notice a missing object.
	if _, err := sb.Client(sb.Dest).DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String(s.keys[0])}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	ft := &fakeT{}
	func() {
		defer func() { _ = recover() }()
		verify(ft, s, b)
	}()
	if !ft.failed {
		t.Fatal("verify did not notice a missing key")
	}
	if got := abba(2); strings.Join(got, " ") != "loop engine engine loop" {
		t.Fatalf("abba(2) = %v", got)
	}
}

// fakeT records a Fatalf and stops the helper with a panic.
type fakeT struct{ failed bool }

func (f *fakeT) Helper()               {}
func (f *fakeT) Logf(string, ...any)   {}
func (f *fakeT) Fatalf(string, ...any) { f.failed = true; panic("fatal") }

// BenchmarkCopySmallObjects compares the engine with a plain CopyObject
// loop on the same sandbox, then measures the s3migrate binary's peak RSS.
// Run it with -benchtime 1x: one invocation does all rounds.
func BenchmarkCopySmallObjects(b *testing.B) {
	if sb == nil {
		b.Skip("needs the sandbox")
	}
	n, conc := *flagObjects, *flagConcurrency
	b.Logf("%d objects, concurrency %d, %d rounds (%s)", n, conc, *flagRounds, strings.Join(abba(*flagRounds), " "))
	t0 := time.Now()
	s := seed(b, n)
	b.Logf("seeded %d objects (%s) in %s", n, transfer.FormatBytes(s.bytes), time.Since(t0).Round(time.Millisecond))

	var loopRates, engineRates, loopCPU, engineCPU []float64
	for i, which := range abba(*flagRounds) {
		dst := freshBucket(b, which)
		var d time.Duration
		cpu0 := processCPU(b)
		if which == "loop" {
			d = runLoop(b, s, dst, conc)
		} else {
			d = runEngine(b, s, dst, conc)
		}
		cpu := processCPU(b) - cpu0
		cpuPerObj := float64(cpu.Microseconds()) / float64(n)
		if which == "loop" {
			loopRates, loopCPU = append(loopRates, rate(n, d)), append(loopCPU, cpuPerObj)
		} else {
			engineRates, engineCPU = append(engineRates, rate(n, d)), append(engineCPU, cpuPerObj)
		}
		verify(b, s, dst)
		b.Logf("run %d %-6s %8s  %7.0f obj/s  %5.0f µs CPU/obj (client+gateway)", i+1, which, d.Round(time.Millisecond), rate(n, d), cpuPerObj)
	}
	loop, engine := median(loopRates), median(engineRates)

	b.ReportMetric(0, "ns/op") // one op is the whole comparison: not meaningful
	b.ReportMetric(loop, "loop-obj/s")
	b.ReportMetric(engine, "engine-obj/s")
	b.ReportMetric(engine/loop, "ratio")
	// CPU time of this process (client and in-process gateway) per object:
	// less sensitive to other tenants of a shared machine than wall time.
	b.ReportMetric(median(loopCPU), "loop-cpu-us/obj")
	b.ReportMetric(median(engineCPU), "engine-cpu-us/obj")

	if *flagSync {
		rss, d := runSyncBinary(b, s, conc)
		b.ReportMetric(float64(rss)/1024, "sync-peak-rss-MiB")
		b.ReportMetric(rate(n, d), "sync-obj/s")
	}
}

// runSyncBinary builds s3migrate, runs `s3migrate sync` as a child process
// into a fresh bucket, verifies the copy and returns the child's peak RSS
// (KiB) and wall time (process start to exit).
func runSyncBinary(b *testing.B, s *seeded, conc int) (maxrssKiB int64, elapsed time.Duration) {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "s3migrate")
	build := exec.Command("go", "build", "-o", bin, "github.com/s3migrate/s3migrate")
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dst := freshBucket(b, "sync")
	cmd := exec.Command(bin, "sync", "s3://"+s.bucket, "s3://"+dst,
		"--source-profile", sandbox.OriginProfile, "--dest-profile", sandbox.DestProfile,
		"--mode", "server-side", "--progress", "none", "--concurrency", fmt.Sprint(conc))
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), sb.Env()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed = time.Since(start)
	if err != nil {
		b.Fatalf("s3migrate sync: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		b.Fatalf("s3migrate sync exited %d", code)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatalf("no rusage for the child (not Linux?)")
	}
	verify(b, s, dst)
	b.Logf("sync: %s, peak RSS %.1f MiB, %s", elapsed.Round(time.Millisecond), float64(ru.Maxrss)/1024, strings.TrimSpace(stdout.String()))
	return ru.Maxrss, elapsed
}

// BenchmarkJournalOverhead measures what journaling costs a sync: the same
// copy with and without the SQLite journal, in ABBA rounds on one sandbox.
// Run it with -benchtime 1x.
func BenchmarkJournalOverhead(b *testing.B) {
	if sb == nil {
		b.Skip("needs the sandbox")
	}
	n, conc := *flagObjects, *flagConcurrency
	s := seed(b, n)
	var plain, journaled []float64
	for i, which := range abba(*flagRounds) {
		dst := freshBucket(b, which)
		var d time.Duration
		if which == "loop" { // abba names the first variant "loop": here, no journal
			d = runEngine(b, s, dst, conc)
			plain = append(plain, rate(n, d))
		} else {
			j, err := journal.Create(filepath.Join(b.TempDir(), "bench.db"), journal.Definition{
				Src: transfer.Location{Bucket: s.bucket}, Dst: transfer.Location{Bucket: dst}, SrcProfile: "origin", DstProfile: "dest"})
			if err != nil {
				b.Fatal(err)
			}
			d = runEngineWith(b, s, dst, conc, j)
			journaled = append(journaled, rate(n, d))
		}
		verify(b, s, dst)
		b.Logf("run %d %-8s %8s  %7.0f obj/s", i+1, map[string]string{"loop": "plain", "engine": "journal"}[which], d.Round(time.Millisecond), rate(n, d))
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(median(plain), "plain-obj/s")
	b.ReportMetric(median(journaled), "journal-obj/s")
	b.ReportMetric(median(journaled)/median(plain), "ratio")
}
