package cli_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// copyRecorder is a reverse proxy in front of the sandbox that notes when
// each copy request arrives: a PUT that names an object (a CopyObject, or
// a PutObject when objects are relayed), not a part of a multipart upload.
// It forwards requests unchanged, with the Host header the client signed,
// so SigV4 signatures stay valid.
type copyRecorder struct {
	srv *httptest.Server
	mu  sync.Mutex
	at  []time.Time
}

func newCopyRecorder(t *testing.T, target string) *copyRecorder {
	t.Helper()
	c := &copyRecorder{}
	c.srv = watchingProxy(t, target, func(r *http.Request) {
		if r.Method == http.MethodPut && objectRequest(r) && !r.URL.Query().Has("partNumber") {
			now := time.Now()
			c.mu.Lock()
			c.at = append(c.at, now)
			c.mu.Unlock()
		}
	})
	return c
}

// watchingProxy is a reverse proxy to target that shows each request to
// see before forwarding it unchanged, with the Host header the client
// signed, so SigV4 signatures stay valid.
func watchingProxy(t *testing.T, target string, see func(*http.Request)) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		see(r)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// times are the copy requests' arrival times, in order.
func (c *copyRecorder) times() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	at := slices.Clone(c.at)
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	return at
}

// busiestSecond is the most requests that arrive within any one second:
// every window [at[i], at[i]+1s) that starts at a request.
func busiestSecond(at []time.Time) int {
	most := 0
	j := 0
	for i := range at {
		for j < len(at) && at[j].Sub(at[i]) < time.Second {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

// TestMaxRateObserved: --max-rate is the rate the buckets see, in copy
// requests per second, counted by a proxy between the command and the
// sandbox. Both checks are upper bounds, which a slow machine cannot
// break (it only sends fewer requests per second); without --max-rate the
// 160 copies arrive in a fraction of a second and both fail, and so do
// they at --max-rate 48. The rate bound also says that the copies take at
// least (n − burst)/(1.1·rate) ≈ 2.7 s: the lower bound on time that
// TestMaxRate used to check.
//
// The bounds follow from the pacer (transfer/pace.go): a token bucket of
// `rate` tokens per second holding at most burst = int(rate) = 40 tokens,
// full when the run starts, one token taken before each object's first
// attempt. It grants at most burst + rate·T turns in any T seconds, so:
//
//   - any 1-second window holds at most rate + burst = 80 copies, plus the
//     copies whose turn came before the window but whose request reached
//     the proxy inside it (a worker delayed between its turn and its
//     request): at most one per worker, --concurrency 8. Bound: 88.
//   - the last of n copies comes at least (n − burst)/rate seconds after
//     the first (the burst may all go at once): (160 − 40)/40 = 3 s. The
//     rate measured from the first to the last copy, with the burst left
//     out, is (n − burst)/(last − first) ≤ 40/s; allowed: 10% above it.
func TestMaxRateObserved(t *testing.T) {
	needSandbox(t)
	const (
		n           = 160
		rate        = 40
		burst       = rate // transfer/pace.go: SetBurst(max(1, int(objectsPerSec)))
		concurrency = 8
	)
	src, dst := newPair(t, "cli-rate-seen")
	putN(t, src, "r/", n)
	rec := newCopyRecorder(t, sb.Endpoint)
	profilesVia(t, rec.srv.URL)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	r := run(t, withProfiles("sync", "s3://"+src+"/r", "s3://"+dst+"/r", "--max-rate", strconv.Itoa(rate), "--bwlimit", "10MiB",
		"--concurrency", strconv.Itoa(concurrency), "--progress", "none")...)
	if r.code != 0 || !strings.Contains(r.stdout, "copied 160 objects") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	at := rec.times()
	if len(at) != n {
		t.Fatalf("the proxy saw %d copy requests, want %d (one per object)", len(at), n)
	}
	most := busiestSecond(at)
	if bound := rate + burst + concurrency; most > bound {
		t.Errorf("%d copy requests within one second at --max-rate %d: want at most %d (rate + burst + workers)", most, rate, bound)
	}
	span := at[n-1].Sub(at[0])
	if seen := float64(n-burst) / span.Seconds(); seen > rate*1.1 {
		t.Errorf("%d copies in %v: %.1f copies/s after the burst of %d, want at most %.0f (--max-rate %d + 10%%)",
			n, span.Round(time.Millisecond), seen, burst, rate*1.1, rate)
	}
	t.Logf("%d copies in %v, at most %d in one second", n, span.Round(time.Millisecond), most)
}
