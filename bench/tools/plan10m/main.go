// Command plan10m plans a migration of N synthetic keys through s3migrate's
// own listing, diff and journal code, against bench/tools/listserver, and
// reports the plan's rate, the process's peak RSS, the journal's bytes per
// key, and how long the reads of `s3migrate jobs` and of the TUI's
// drill-down take on the journal it wrote. bench/plan.sh runs it.
//
//	plan10m -endpoint http://127.0.0.1:PORT -n 10000000 [-cpuprofile F] [-memprofile F]
//
// There is no entry point that plans without copying (migration.Run plans
// and copies in one lifecycle; a dry run keeps no journal), so plan10m
// calls the pieces in the order Run does: migration.Open (both profiles,
// HeadBucket, the source resolved), migration.New with a journal in
// $XDG_STATE_HOME/s3migrate (the journal created with the migration's
// definition, the journal as Pair.Copies, the engine), BeginRun,
// SetState(running), then the planner's loop (internal/migration/run.go):
// Pair.Diff → Journal.Planned + Engine.Plan for every entry, Flush. It
// then settles the state as an interrupted run ("planned, nothing copied
// yet": what `jobs` shows of a run stopped after its plan), closes the
// journal and times the reads. The plan it wrote is checked against what
// the keyspace says it must find.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bench/tools/internal/keyspace"
	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
)

func main() {
	endpoint := flag.String("endpoint", "", "the listing server (http://127.0.0.1:PORT)")
	n := flag.Int64("n", 1_000_000, "keys in the source")
	seed := flag.Uint64("seed", 1, "the listing server's -seed")
	r := keyspace.DefaultRates
	flag.IntVar(&r.Missing, "missing", r.Missing, "the listing server's -missing")
	flag.IntVar(&r.Size, "size", r.Size, "the listing server's -size")
	flag.IntVar(&r.ETag, "etag", r.ETag, "the listing server's -etag")
	flag.IntVar(&r.Extra, "extra", r.Extra, "the listing server's -extra")
	every := flag.Int64("every", 1_000_000, "print progress every this many plan rows")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the plan to this file")
	memprofile := flag.String("memprofile", "", "write a heap profile at the end of the plan to this file")
	flag.Parse()
	if *endpoint == "" {
		fmt.Fprintln(os.Stderr, "usage: plan10m -endpoint http://127.0.0.1:PORT -n N (see bench/plan.sh)")
		os.Exit(2)
	}
	if !filepath.IsAbs(os.Getenv("XDG_STATE_HOME")) {
		fail(fmt.Errorf("set XDG_STATE_HOME to a scratch directory: the journal goes to $XDG_STATE_HOME/s3migrate"))
	}
	tuneGC()
	ctx := context.Background()
	sp := keyspace.Space{N: *n, Seed: *seed, Rates: r}
	if err := writeProfiles(*endpoint); err != nil {
		fail(err)
	}

	// --- the plan ----------------------------------------------------------
	t0 := time.Now()
	src := transfer.Location{Bucket: fmt.Sprintf("src-%d", *n)}
	dst := transfer.Location{Bucket: fmt.Sprintf("dst-%d", *n)}
	p, err := migration.Open(ctx, "bench-src", "bench-dst", src, dst, transfer.CompareSizeETag, awsauth.Options{})
	if err != nil {
		fail(err)
	}
	def := migration.Definition{SrcProfile: "bench-src", DstProfile: "bench-dst", Options: migration.DefaultOptions()}
	m, err := migration.New(p, def, "", false)
	if err != nil {
		fail(err)
	}
	j := m.Journal()
	eng := transfer.New(transfer.Options{Src: p.Src, Dst: p.Dst}, p.Endpoints())
	if _, err := j.BeginRun(); err != nil {
		fail(err)
	}
	if err := j.SetState(journal.StateRunning); err != nil {
		fail(err)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
	}
	fmt.Printf("plan of %d keys (%d-byte keys) from %s: journal %s\n", *n, keyspace.KeyLen, *endpoint, j.Path())
	// RSS is the process; Go MiB what the Go runtime holds from the OS (the
	// rest is SQLite's page cache and the C side of modernc); heap MiB the
	// Go heap in use.
	fmt.Printf("%10s %8s %9s %9s %9s %9s %9s\n", "rows", "s", "rows/s", "RSS MiB", "peak MiB", "Go MiB", "heap MiB")
	tPlan := time.Now()
	var got keyspace.Counts
	var rows int64
	lastT, lastRows := tPlan, int64(0)
	eng.StartPlanning()
	for e, err := range p.Diff(ctx) {
		if err != nil {
			fail(err)
		}
		j.Planned(e)
		eng.Plan(e)
		switch e.Class {
		case transfer.ClassNew:
			got.New++
		case transfer.ClassChanged:
			got.Changed++
		case transfer.ClassIdentical:
			got.Identical++
		case transfer.ClassExtra:
			got.Extra++
		}
		rows++
		if rows%*every == 0 {
			now := time.Now()
			rss, hwm := procRSS()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Printf("%10d %8.1f %9.0f %9.1f %9.1f %9.1f %9.1f\n", rows, now.Sub(tPlan).Seconds(),
				float64(rows-lastRows)/now.Sub(lastT).Seconds(), mib(rss), mib(hwm), mib(int64(ms.Sys-ms.HeapReleased)), mib(int64(ms.HeapInuse)))
			lastT, lastRows = now, rows
		}
	}
	if err := j.Flush(); err != nil {
		fail(err)
	}
	eng.PlanDone()
	planTime := time.Since(tPlan)
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if *memprofile != "" {
		if f, err := os.Create(*memprofile); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	if err := j.SetState(journal.StateInterrupted); err != nil {
		fail(err)
	}
	path := j.Path()
	tClose := time.Now()
	if err := m.Close(); err != nil {
		fail(err)
	}
	closeTime := time.Since(tClose)
	total := time.Since(t0)

	want := sp.Expected()
	want.HeadPairs = 0
	if got != want {
		fail(fmt.Errorf("the plan is wrong: got %+v, the keyspace says %+v", got, want))
	}
	size := fileSize(path)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("\nplan: %d rows (new %d, changed %d, identical %d, extra %d; %d keys listed) — checked against the keyspace\n",
		rows, got.New, got.Changed, got.Identical, got.Extra, rows+got.Changed+got.Identical)
	fmt.Printf("plan written in %.1f s: %.0f keys/s (rows committed); whole process %.1f s, CPU %.1f s (%.1f µs/row)\n",
		planTime.Seconds(), float64(rows)/planTime.Seconds(), total.Seconds(), cpu.Seconds(), float64(cpu.Microseconds())/float64(rows))
	fmt.Printf("journal: %d bytes, %.1f bytes/row (close and checkpoint %.1f s)\n", size, float64(size)/float64(rows), closeTime.Seconds())
	fmt.Printf("peak RSS (getrusage): %.1f MiB\n", float64(ru.Maxrss)/1024)

	// --- reads on the finished journal -------------------------------------
	mid := keyspace.Key(*n / 2)
	fmt.Println("\nreads on the journal (first call, then the median of 5):")
	timed("journal.List (s3migrate jobs, the TUI's Jobs screen)", func() error {
		dir, err := journal.Dir()
		if err != nil {
			return err
		}
		list, err := journal.List(dir)
		if err == nil && len(list) > 0 && list[0].Err != nil {
			err = list[0].Err
		}
		if err == nil && len(list) > 0 && list[0].Planned != rows {
			err = fmt.Errorf("List says %d planned, the plan wrote %d", list[0].Planned, rows)
		}
		return err
	})
	// What List did before the journal kept counters: one pass over the
	// rows (the same query, on the same file, read-only).
	timed("the row scan List did before the counters", func() error {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return err
		}
		defer db.Close()
		var planned, pending, done, failed, skipped, bytes, plannedBytes int64
		return db.QueryRow(`SELECT count(*),
			coalesce(sum(status = 'pending'), 0), coalesce(sum(status = 'done'), 0),
			coalesce(sum(status = 'failed'), 0), coalesce(sum(status = 'skipped'), 0),
			coalesce(sum(bytes), 0),
			coalesce(sum(CASE WHEN status IN ('pending', 'done', 'failed') THEN size END), 0)
			FROM object`).Scan(&planned, &pending, &done, &failed, &skipped, &bytes, &plannedBytes)
	})
	rd, err := journal.Inspect(path)
	if err != nil {
		fail(err)
	}
	defer rd.Close()
	page := func(status, after string) func() error {
		return func() error {
			rs, err := rd.Rows(status, after, 100)
			if err == nil && status != journal.StatusFailed && len(rs) == 0 {
				err = fmt.Errorf("no rows")
			}
			return err
		}
	}
	timed("Rows: first page of 100, all statuses", page("", ""))
	timed("Rows: page of 100 from the middle key", page("", mid))
	timed("Rows: first page of 100 pending", page(journal.StatusPending, ""))
	timed("Rows: page of 100 pending from the middle", page(journal.StatusPending, mid))
	timed("Rows: failed (the Jobs drill-down; none here)", page(journal.StatusFailed, ""))
	timed("Rows: page of 100 extra from the middle", page(journal.StatusExtra, mid))
}

// timed runs fn once (the first call, on a journal just closed), then 5
// times, and prints both.
func timed(what string, fn func() error) {
	t := time.Now()
	if err := fn(); err != nil {
		fail(fmt.Errorf("%s: %w", what, err))
	}
	first := time.Since(t)
	var ds []time.Duration
	for range 5 {
		t := time.Now()
		fn()
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	fmt.Printf("  %-52s %10s %10s\n", what, round(first), round(ds[2]))
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// tuneGC sets what s3migrate's main sets, so the process behaves like the
// binary (GOGC 300, a 512 MiB soft limit; the environment still wins).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
}

// writeProfiles points two profiles at the listing server, in a config pair
// of our own: nothing from the caller's AWS environment is used.
func writeProfiles(endpoint string) error {
	dir, err := os.MkdirTemp("", "plan10m-aws")
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	var c, k strings.Builder
	for _, p := range []string{"bench-src", "bench-dst"} {
		fmt.Fprintf(&c, "[profile %s]\nregion = us-east-1\nendpoint_url = %s\n\n", p, endpoint)
		fmt.Fprintf(&k, "[%s]\naws_access_key_id = AKIDBENCH%s\naws_secret_access_key = not-a-secret-the-listing-server-accepts-any\n\n", p, strings.ToUpper(p[6:]))
	}
	if err := os.WriteFile(cfg, []byte(c.String()), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(creds, []byte(k.String()), 0o600); err != nil {
		return err
	}
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		os.Unsetenv(v)
	}
	os.Setenv("AWS_CONFIG_FILE", cfg)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	return nil
}

// procRSS reads the resident set and its peak (VmRSS, VmHWM) in bytes.
func procRSS() (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v int64
		if _, err := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &v); err == nil {
			rss = v << 10
		}
		if _, err := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &v); err == nil {
			hwm = v << 10
		}
	}
	return rss, hwm
}

func fileSize(path string) int64 {
	var n int64
	for _, s := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(path + s); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "plan10m:", err)
	os.Exit(1)
}
