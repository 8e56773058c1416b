package faultproxy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3migrate/s3migrate/internal/faultproxy"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
)

// sb is the one gateway this test binary runs (embedgw allows one per process).
var sb *sandbox.Sandbox

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedNone, func(s *sandbox.Sandbox) { sb = s }))
}

func needSandbox(t *testing.T) {
	t.Helper()
	sandboxtest.Need(t, sb)
}

func newProxy(t *testing.T, rules ...faultproxy.Rule) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(sb.Endpoint, rules...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// via is acc's client pointed at the proxy, without SDK retries.
func via(p *faultproxy.Proxy, acc sandbox.Account) *s3.Client {
	return s3.New(sb.Client(acc).Options(), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(p.URL())
		o.RetryMaxAttempts = 1
	})
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>10)
	}
	return b
}

func put(t *testing.T, c *s3.Client, bucket, key string, body []byte) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

func get(c *s3.Client, bucket, key string) ([]byte, error) {
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func exists(t *testing.T, c *s3.Client, bucket, key string) bool {
	t.Helper()
	_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		return true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return false
	}
	t.Fatalf("head s3://%s/%s: %v", bucket, key, err)
	return false
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func pair(t *testing.T, name string) (src, dst string) {
	t.Helper()
	src, dst, err := sb.NewPair(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return src, dst
}

// TestNewListensOnLoopback: the proxy binds 127.0.0.1, refuses bad input and
// answers 502 when the target is down.
func TestNewListensOnLoopback(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	p, err := faultproxy.New(downURL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	resp, err := http.Get(p.URL() + "/b/k")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("target down: status %d, want 502", resp.StatusCode)
	}
	u, err := url.Parse(p.URL())
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Port() == "0" {
		t.Fatalf("URL() = %q, want http://127.0.0.1:<port>", p.URL())
	}
	for _, bad := range []struct {
		target string
		rule   faultproxy.Rule
	}{
		{"127.0.0.1:80", faultproxy.Rule{}},
		{"https://s3.amazonaws.com", faultproxy.Rule{}},
		{"http://127.0.0.1:9", faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 1.5}},
		{"http://127.0.0.1:9", faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: -0.1}},
		{"http://127.0.0.1:9", faultproxy.Rule{Fault: faultproxy.None, Rate: 1}},
		{"http://127.0.0.1:9", faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Delay: -time.Second}},
	} {
		rules := []faultproxy.Rule{}
		if bad.rule.Fault != faultproxy.None || bad.rule.Rate != 0 {
			rules = append(rules, bad.rule)
		}
		if p, err := faultproxy.New(bad.target, rules...); err == nil {
			p.Close()
			t.Errorf("New(%q, %+v) accepted", bad.target, bad.rule)
		}
	}
	if err := p.SetRules(faultproxy.Rule{Fault: faultproxy.Deny, Rate: 2}); err == nil {
		t.Error("SetRules accepted rate 2")
	}
}

// TestForwardsByteIdentical: with rules that never fire, a 5 MiB object goes
// up and comes back through the proxy byte for byte, with valid signatures,
// under a key that needs escaping.
func TestForwardsByteIdentical(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "identical")
	var rules []faultproxy.Rule
	for f := faultproxy.SlowDown; f <= faultproxy.Deny; f++ {
		rules = append(rules, faultproxy.Rule{Fault: f, Rate: 0, Seed: uint64(f), Delay: time.Hour})
	}
	p := newProxy(t, rules...)
	c := via(p, sb.Origin)
	body := pattern(5<<20, 9)
	want := sha256.Sum256(body)
	key := "dir/sp ace+plus=eq&amp;!'()*,;@$~ü/€.bin"

	put(t, c, src, key, body) // streaming PUT through the proxy
	got, err := get(c, src, key)
	if err != nil {
		t.Fatalf("get through proxy: %v", err)
	}
	if sha256.Sum256(got) != want {
		t.Fatalf("through the proxy: %d bytes, sha256 differs from the %d bytes put", len(got), len(body))
	}
	direct, err := get(sb.Client(sb.Origin), src, key)
	if err != nil {
		t.Fatalf("get direct: %v", err)
	}
	if sha256.Sum256(direct) != want {
		t.Fatalf("stored object differs from what was put through the proxy")
	}
	lo, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(src), Prefix: aws.String("dir/sp ace")})
	if err != nil {
		t.Fatalf("list through proxy: %v", err)
	}
	if len(lo.Contents) != 1 || aws.ToString(lo.Contents[0].Key) != key || aws.ToInt64(lo.Contents[0].Size) != int64(len(body)) {
		t.Fatalf("list through proxy: %+v", lo.Contents)
	}

	// The gateway still checks signatures behind the proxy.
	bad := sb.Origin
	bad.SecretKey = strings.Repeat("x", len(bad.SecretKey))
	if _, err := get(via(p, bad), src, key); code(err) != "SignatureDoesNotMatch" {
		t.Fatalf("wrong secret through the proxy: got %v, want SignatureDoesNotMatch", err)
	}

	s := p.Stats()
	if s.Requests != 4 || s.Forwarded != 4 || s.Total() != 0 {
		t.Fatalf("stats %+v, want 4 requests, 4 forwarded, no faults", s)
	}
}

// TestSlowDown: 503 SlowDown, and nothing reaches the gateway.
func TestSlowDown(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "slowdown")
	put(t, sb.Client(sb.Origin), src, "k", []byte("hello"))
	p := newProxy(t, faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 1})
	c := via(p, sb.Origin)

	_, err := get(c, src, "k")
	if code(err) != "SlowDown" || status(err) != http.StatusServiceUnavailable {
		t.Fatalf("get: %v, want SlowDown 503", err)
	}
	_, err = c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String("new"), Body: bytes.NewReader(pattern(3<<20, 1))})
	if code(err) != "SlowDown" || status(err) != http.StatusServiceUnavailable {
		t.Fatalf("put: %v, want SlowDown 503", err)
	}
	if exists(t, sb.Client(sb.Origin), src, "new") {
		t.Fatal("a throttled PUT was forwarded")
	}
	s := p.Stats()
	if s.Requests != 2 || s.Forwarded != 0 || s.Faults[faultproxy.SlowDown] != 2 || s.Total() != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// TestCutBodies: Reset and Truncate on GetObject make reading the body fail
// after exactly CutAfter bytes; a short read is never silent.
func TestCutBodies(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "cut")
	body := pattern(1<<20, 3)
	put(t, sb.Client(sb.Origin), src, "big", body)
	for _, tc := range []struct {
		fault   faultproxy.Fault
		cut     int64
		wantErr error
	}{
		{faultproxy.Truncate, 0, io.ErrUnexpectedEOF},
		{faultproxy.Truncate, 1000, io.ErrUnexpectedEOF},
		{faultproxy.Reset, 0, syscall.ECONNRESET},
		{faultproxy.Reset, 70000, syscall.ECONNRESET},
	} {
		t.Run(fmt.Sprintf("%v-%d", tc.fault, tc.cut), func(t *testing.T) {
			p := newProxy(t, faultproxy.Rule{Fault: tc.fault, Rate: 1, Match: faultproxy.IsGetObject, CutAfter: tc.cut})
			c := via(p, sb.Origin)
			out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(src), Key: aws.String("big")})
			if err != nil {
				t.Fatalf("get: the headers should arrive intact: %v", err)
			}
			if aws.ToInt64(out.ContentLength) != int64(len(body)) {
				t.Errorf("Content-Length %d, want the full %d", aws.ToInt64(out.ContentLength), len(body))
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err == nil {
				t.Fatalf("read %d of %d bytes without an error", len(got), len(body))
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("read error %v, want %v", err, tc.wantErr)
			}
			want := tc.cut
			if want == 0 {
				want = int64(len(body)) / 2
			}
			if int64(len(got)) != want || !bytes.Equal(got, body[:len(got)]) {
				t.Errorf("read %d bytes before the cut, want the first %d", len(got), want)
			}
			// Other requests pass.
			if _, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(src), Key: aws.String("big")}); err != nil {
				t.Errorf("head: %v", err)
			}
			s := p.Stats()
			if s.Requests != 2 || s.Forwarded != 2 || s.Faults[tc.fault] != 1 || s.Total() != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

// TestResetAfterForward: a cut response still went through, so the PUT the
// client saw fail did happen (the case retries must be idempotent for).
func TestResetAfterForward(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "reset-put")
	p := newProxy(t, faultproxy.Rule{Fault: faultproxy.Reset, Rate: 1, Match: faultproxy.Method(http.MethodPut)})
	_, err := via(p, sb.Origin).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String("k"), Body: strings.NewReader("data")})
	if err == nil {
		t.Fatal("put through a reset succeeded")
	}
	if !exists(t, sb.Client(sb.Origin), src, "k") {
		t.Fatal("the reset PUT was not forwarded")
	}
}

// TestCutChunked: a response of unknown length is cut inside its chunked
// encoding, so the client cannot mistake the cut for the end.
func TestCutChunked(t *testing.T) {
	payload := pattern(100000, 5)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // no Content-Length: chunked
		w.Write(payload)
	}))
	defer up.Close()
	for _, f := range []faultproxy.Fault{faultproxy.Truncate, faultproxy.Reset} {
		p, err := faultproxy.New(up.URL, faultproxy.Rule{Fault: f, Rate: 1, CutAfter: 300})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(p.URL() + "/x")
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ContentLength != -1 || err == nil || len(got) != 300 {
			t.Errorf("%v: length %d, read %d bytes, err %v; want unknown length, 300 bytes and an error", f, resp.ContentLength, len(got), err)
		}
		p.Close()
	}
}

// TestCopyError200: CopyObject and UploadPartCopy get 200 with an error
// body, the SDK reports an error, and nothing was copied.
func TestCopyError200(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst := pair(t, "copy200")
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	put(t, sb.Client(sb.Origin), src, "k", pattern(6<<20, 4))
	p := newProxy(t, faultproxy.Rule{Fault: faultproxy.CopyError200, Rate: 1})
	c := via(p, sb.Dest)

	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(dst), Key: aws.String("k"), CopySource: aws.String(src + "/k")})
	if code(err) != "InternalError" {
		t.Fatalf("copy: %v, want InternalError", err)
	}
	if exists(t, sb.Client(sb.Dest), dst, "k") {
		t.Fatal("the failed copy was written")
	}

	cm, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(dst), Key: aws.String("mp")})
	if err != nil {
		t.Fatalf("create upload (not a copy, must pass): %v", err)
	}
	_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(dst), Key: aws.String("mp"), UploadId: cm.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String(src + "/k"), CopySourceRange: aws.String("bytes=0-5242879")})
	if code(err) != "InternalError" {
		t.Fatalf("upload part copy: %v, want InternalError", err)
	}
	lp, err := sb.Client(sb.Dest).ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(dst), Key: aws.String("mp"), UploadId: cm.UploadId})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Parts) != 0 {
		t.Fatalf("the failed part copy left %d parts", len(lp.Parts))
	}
	// A plain PUT is not a copy: the rule does not apply.
	put(t, c, dst, "plain", []byte("x"))

	s := p.Stats()
	if s.Requests != 4 || s.Forwarded != 2 || s.Faults[faultproxy.CopyError200] != 2 || s.Total() != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// TestDenyMidRun: SetRules makes the destination read-only while the proxy
// runs, and lifts it again.
func TestDenyMidRun(t *testing.T) {
	needSandbox(t)
	ctx := context.Background()
	src, dst := pair(t, "deny")
	p := newProxy(t)
	dest, origin := via(p, sb.Dest), via(p, sb.Origin)

	put(t, dest, dst, "before", []byte("1"))
	if err := p.SetRules(faultproxy.Rule{Fault: faultproxy.Deny, Rate: 1, Match: faultproxy.And(faultproxy.IsWrite, faultproxy.Bucket(dst))}); err != nil {
		t.Fatal(err)
	}
	_, err := dest.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(dst), Key: aws.String("during"), Body: strings.NewReader("2")})
	if code(err) != "AccessDenied" || status(err) != http.StatusForbidden {
		t.Fatalf("put while read-only: %v, want AccessDenied 403", err)
	}
	_, err = dest.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(dst), Key: aws.String("before")})
	if code(err) != "AccessDenied" {
		t.Fatalf("delete while read-only: %v, want AccessDenied", err)
	}
	if got, err := get(dest, dst, "before"); err != nil || string(got) != "1" {
		t.Fatalf("reads must still pass: %q %v", got, err)
	}
	put(t, origin, src, "other-bucket", []byte("3")) // other buckets stay writable
	if exists(t, sb.Client(sb.Dest), dst, "during") || !exists(t, sb.Client(sb.Dest), dst, "before") {
		t.Fatal("a denied write reached the gateway")
	}
	if err := p.SetRules(); err != nil {
		t.Fatal(err)
	}
	put(t, dest, dst, "after", []byte("4"))

	s := p.Stats()
	if s.Requests != 6 || s.Forwarded != 4 || s.Faults[faultproxy.Deny] != 2 || s.Total() != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// sequence makes n sequential GETs through p and returns which failed with
// SlowDown ('x') and which passed ('.').
func sequence(t *testing.T, p *faultproxy.Proxy, bucket string, n int) string {
	t.Helper()
	c := via(p, sb.Origin)
	var b strings.Builder
	for range n {
		_, err := get(c, bucket, "k")
		switch {
		case err == nil:
			b.WriteByte('.')
		case code(err) == "SlowDown":
			b.WriteByte('x')
		default:
			t.Fatalf("get: %v", err)
		}
	}
	return b.String()
}

// TestSeedDeterminism: the same seed gives the same faults, request by
// request; SetRules restarts the sequence; another seed gives another one.
func TestSeedDeterminism(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "seed")
	put(t, sb.Client(sb.Origin), src, "k", []byte("v"))
	rule := func(seed uint64) faultproxy.Rule {
		return faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 0.5, Seed: seed}
	}
	const n = 40
	p1 := newProxy(t, rule(7))
	a := sequence(t, p1, src, n)
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Fatalf("rate 0.5 gave %s", a)
	}
	if s := p1.Stats(); s.Faults[faultproxy.SlowDown] != int64(strings.Count(a, "x")) || s.Requests != n {
		t.Fatalf("stats %+v for %s", s, a)
	}
	p2 := newProxy(t, rule(7))
	if b := sequence(t, p2, src, n); b != a {
		t.Fatalf("same seed, another proxy:\n%s\n%s", a, b)
	}
	if err := p1.SetRules(rule(7)); err != nil {
		t.Fatal(err)
	}
	if b := sequence(t, p1, src, n); b != a {
		t.Fatalf("same seed after SetRules:\n%s\n%s", a, b)
	}
	if err := p1.SetRules(rule(8)); err != nil {
		t.Fatal(err)
	}
	if b := sequence(t, p1, src, n); b == a {
		t.Fatalf("seeds 7 and 8 gave the same sequence %s", a)
	}
}

// TestTimesAndOrder: Times caps a rule; later rules take over once it is
// spent; non-matching requests do not use up a rule's decisions.
func TestTimesAndOrder(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "times")
	put(t, sb.Client(sb.Origin), src, "k", []byte("v"))
	p := newProxy(t,
		faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 1, Times: 2, Match: faultproxy.IsGetObject},
		faultproxy.Rule{Fault: faultproxy.Deny, Rate: 1, Times: 1, Match: faultproxy.IsGetObject},
	)
	c := via(p, sb.Origin)
	if _, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(src), Key: aws.String("k")}); err != nil {
		t.Fatalf("head is not a GetObject: %v", err)
	}
	var got []string
	for range 4 {
		_, err := get(c, src, "k")
		got = append(got, map[bool]string{true: "ok", false: code(err)}[err == nil])
	}
	if want := "SlowDown SlowDown AccessDenied ok"; strings.Join(got, " ") != want {
		t.Fatalf("got %v, want %s", got, want)
	}
}

// TestDelay: a delayed request arrives late but intact; a delay combines
// with a later fault; Close ends a pending delay.
func TestDelay(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "delay")
	put(t, sb.Client(sb.Origin), src, "k", []byte("v"))
	const d = 30 * time.Millisecond
	p := newProxy(t, faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Delay: d, Match: faultproxy.IsGetObject})
	c := via(p, sb.Origin)
	start := time.Now()
	if got, err := get(c, src, "k"); err != nil || string(got) != "v" {
		t.Fatalf("delayed get: %q %v", got, err)
	}
	if el := time.Since(start); el < d { // a lower bound only: timers never fire early
		t.Errorf("delayed get took %v, less than the %v delay", el, d)
	}
	if s := p.Stats(); s.Faults[faultproxy.Delay] != 1 || s.Forwarded != 1 {
		t.Fatalf("stats %+v", s)
	}

	p.SetRules(
		faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Delay: time.Millisecond},
		faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 1},
	)
	if _, err := get(c, src, "k"); code(err) != "SlowDown" {
		t.Fatalf("delay then SlowDown: %v", err)
	}
	if s := p.Stats(); s.Faults[faultproxy.Delay] != 2 || s.Faults[faultproxy.SlowDown] != 1 || s.Forwarded != 1 {
		t.Fatalf("stats %+v", s)
	}

	p.SetRules(faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Delay: time.Hour})
	done := make(chan error, 1)
	go func() { _, err := get(c, src, "k"); done <- err }()
	for p.Stats().Faults[faultproxy.Delay] != 3 {
		time.Sleep(time.Millisecond)
	}
	p.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("get succeeded through a closed proxy")
		}
	case <-time.After(time.Minute):
		t.Fatal("Close did not end a pending delay")
	}
	if s := p.Stats(); s.Forwarded != 1 {
		t.Fatalf("the closed-out request was forwarded: %+v", s)
	}
}

// TestStatsConcurrent: counts add up under concurrent requests.
func TestStatsConcurrent(t *testing.T) {
	needSandbox(t)
	src, _ := pair(t, "stats")
	put(t, sb.Client(sb.Origin), src, "k", []byte("v"))
	p := newProxy(t, faultproxy.Rule{Fault: faultproxy.SlowDown, Rate: 0.3, Seed: 1})
	c := via(p, sb.Origin)
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		okN, slowN, n = 0, 0, 64
	)
	for range 8 {
		wg.Go(func() {
			for range n / 8 {
				_, err := get(c, src, "k")
				mu.Lock()
				switch {
				case err == nil:
					okN++
				case code(err) == "SlowDown":
					slowN++
				default:
					t.Errorf("get: %v", err)
				}
				mu.Unlock()
				_ = p.Stats()
			}
		})
	}
	wg.Wait()
	s := p.Stats()
	if s.Requests != int64(n) || s.Forwarded != int64(okN) || s.Faults[faultproxy.SlowDown] != int64(slowN) || okN+slowN != n {
		t.Fatalf("stats %+v; client saw %d ok, %d SlowDown", s, okN, slowN)
	}
}

// TestMatchers checks the request classifiers on synthetic requests.
func TestMatchers(t *testing.T) {
	req := func(method, target string, copySrc bool) *http.Request {
		r := httptest.NewRequest(method, target, nil)
		if copySrc {
			r.Header.Set("x-amz-copy-source", "src/k")
		}
		return r
	}
	copyObj := req("PUT", "/b/k", true)
	partCopy := req("PUT", "/b/k?partNumber=2&uploadId=u", true)
	putObj := req("PUT", "/b/k", false)
	getObj := req("GET", "/b/dir/k", false)
	getTags := req("GET", "/b/k?tagging", false)
	list := req("GET", "/b?list-type=2", false)
	del := req("DELETE", "/other/k", false)
	post := req("POST", "/b/k?uploads", false)
	head := req("HEAD", "/b/k", false)
	for _, tc := range []struct {
		name string
		m    faultproxy.Matcher
		yes  []*http.Request
		no   []*http.Request
	}{
		{"IsCopy", faultproxy.IsCopy, []*http.Request{copyObj, partCopy}, []*http.Request{putObj, getObj, post}},
		{"IsPartCopy", faultproxy.IsPartCopy, []*http.Request{partCopy}, []*http.Request{copyObj, putObj}},
		{"IsWrite", faultproxy.IsWrite, []*http.Request{copyObj, putObj, del, post}, []*http.Request{getObj, head, list}},
		{"IsGetObject", faultproxy.IsGetObject, []*http.Request{getObj}, []*http.Request{getTags, list, head, putObj}},
		{"Method", faultproxy.Method("HEAD", "delete"), []*http.Request{head, del}, []*http.Request{getObj, putObj}},
		{"Bucket", faultproxy.Bucket("b"), []*http.Request{copyObj, list, getObj}, []*http.Request{del}},
		{"KeyPrefix", faultproxy.KeyPrefix("dir/"), []*http.Request{getObj}, []*http.Request{putObj, list}},
		{"And", faultproxy.And(faultproxy.IsWrite, faultproxy.Bucket("b")), []*http.Request{putObj, post}, []*http.Request{del, getObj}},
		{"Or", faultproxy.Or(faultproxy.IsCopy, faultproxy.Method("DELETE")), []*http.Request{copyObj, del}, []*http.Request{putObj}},
		{"Not", faultproxy.Not(faultproxy.IsWrite), []*http.Request{getObj, head}, []*http.Request{putObj}},
	} {
		for _, r := range tc.yes {
			if !tc.m(r) {
				t.Errorf("%s(%s %s) = false", tc.name, r.Method, r.URL)
			}
		}
		for _, r := range tc.no {
			if tc.m(r) {
				t.Errorf("%s(%s %s) = true", tc.name, r.Method, r.URL)
			}
		}
	}
	if faultproxy.CopyError200.String() != "CopyError200" || faultproxy.Fault(99).String() != "Fault(99)" {
		t.Error("Fault.String")
	}
}
