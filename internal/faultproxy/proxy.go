// Package faultproxy is a loopback reverse proxy in front of an S3 endpoint
// that injects faults by rule and seed: throttling (503 SlowDown), connections
// reset or bodies truncated in the middle of a response, delays, CopyObject's
// "200 with an error body", and access denials.
//
// Clients use the proxy's URL as their endpoint and sign for it. The proxy
// forwards requests unchanged — method, path, query, headers, body and the
// Host header the client signed — so SigV4 signatures stay valid upstream;
// only the connection goes to the target. Bodies stream in both directions.
//
// Rules are tried in order for every request. A rule applies when its Match
// accepts the request (and, for CopyError200, the request is a copy); each
// applicable rule then rolls its own seeded generator and fires with
// probability Rate. A firing Delay rule sleeps and lets later rules have
// their turn; the first other rule that fires decides the request's fate.
// With the same rules and seeds, the n-th request a rule applies to always
// gets the same decision, so a sequential run is reproducible; concurrent
// requests reach a rule in whatever order they arrive.
package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a kind of injected failure.
type Fault int

// The faults. None is the zero value and is not a valid rule.
const (
	None Fault = iota
	// SlowDown answers 503 with an S3 SlowDown error, without forwarding.
	SlowDown
	// Reset forwards the request, sends the response headers and part of the
	// body, then closes the client connection with a TCP RST (the client
	// sees "connection reset by peer").
	Reset
	// Truncate forwards the request, sends the response headers with the
	// full Content-Length and part of the body, then closes the client
	// connection normally (the client sees an unexpected EOF).
	Truncate
	// Delay sleeps Rule.Delay before the request goes on.
	Delay
	// CopyError200 answers a CopyObject or UploadPartCopy with HTTP 200 and
	// an InternalError body, as S3 does when a copy fails after it has
	// started. The request is NOT forwarded: nothing is copied, so a client
	// that reports the copy as done is wrong. Rules with this fault only
	// apply to copy requests (see IsCopy).
	CopyError200
	// Deny answers 403 AccessDenied without forwarding.
	Deny
	numFaults
)

var faultNames = [...]string{"None", "SlowDown", "Reset", "Truncate", "Delay", "CopyError200", "Deny"}

func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// Matcher selects the requests a rule applies to.
type Matcher func(*http.Request) bool

// Rule injects one fault into a share of the requests.
type Rule struct {
	Fault Fault
	// Rate is the probability, 0..1, that the fault hits a request the rule
	// applies to. 1 hits every one, 0 none.
	Rate float64
	// Match selects the requests the rule applies to; nil means all.
	// It runs under the proxy's lock and must not block.
	Match Matcher
	// Seed seeds the rule's generator: the same seed gives the same
	// sequence of decisions.
	Seed uint64
	// Delay is how long a Delay fault sleeps.
	Delay time.Duration
	// CutAfter is how many body bytes Reset and Truncate send before the
	// cut; 0 means half the body (512 bytes when the length is unknown).
	// It is capped at one byte short of the body. A response without a
	// body (HEAD, 204, 304, Content-Length 0) is cut before its status line.
	CutAfter int64
	// Times caps how often the rule fires; 0 means no cap. With Rate 1 and
	// Times n, the first n requests the rule applies to fail.
	Times int
}

// Stats counts what the proxy has seen.
type Stats struct {
	Requests  int64           // requests received
	Forwarded int64           // requests sent to the target
	Faults    map[Fault]int64 // faults injected, by kind (a delayed request counts under Delay and under its other fault, if any)
}

// Total is the number of faults of every kind.
func (s Stats) Total() int64 {
	var n int64
	for _, v := range s.Faults {
		n += v
	}
	return n
}

type ruleState struct {
	Rule
	rng   *rand.Rand
	fired int
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	target    *url.URL
	ln        net.Listener
	srv       *http.Server
	rp        *httputil.ReverseProxy
	transport *http.Transport
	closed    chan struct{}
	closeOnce sync.Once

	mu    sync.Mutex
	rules []*ruleState

	statsMu sync.Mutex
	stats   Stats
}

// New starts a proxy on a free loopback port that forwards to target (an
// http:// base URL such as the sandbox's endpoint) and applies rules.
func New(target string, rules ...Rule) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("faultproxy: target %q: %w", target, err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q: want http://host:port", target)
	}
	p := &Proxy{target: u, closed: make(chan struct{}), stats: Stats{Faults: map[Fault]int64{}}}
	if err := p.SetRules(rules...); err != nil {
		return nil, err
	}
	p.transport = &http.Transport{
		Proxy:               nil, // never an environment proxy: the target is local
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true, // bytes pass through as the target sent them
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:      p.rewrite,
		Transport:    p.transport,
		ErrorLog:     log.New(io.Discard, "", 0),
		ErrorHandler: upstreamError,
	}
	p.ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p.srv = &http.Server{
		Handler:           http.HandlerFunc(p.serve),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = p.srv.Serve(p.ln) }()
	return p, nil
}

// URL is the proxy's base URL, e.g. http://127.0.0.1:41234; use it as the
// clients' endpoint (path-style addressing).
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Close stops the proxy, ends pending delays and closes every connection.
func (p *Proxy) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.closed)
		err = p.srv.Close()
		p.transport.CloseIdleConnections()
	})
	return err
}

// SetRules replaces the rules; each rule's generator starts afresh from its
// seed. With no rules every request is forwarded. Safe while running.
func (p *Proxy) SetRules(rules ...Rule) error {
	states := make([]*ruleState, 0, len(rules))
	for i, r := range rules {
		if r.Fault <= None || r.Fault >= numFaults {
			return fmt.Errorf("faultproxy: rule %d: unknown fault %v", i, r.Fault)
		}
		if !(r.Rate >= 0 && r.Rate <= 1) {
			return fmt.Errorf("faultproxy: rule %d (%v): rate %v outside 0..1", i, r.Fault, r.Rate)
		}
		if r.Delay < 0 || r.CutAfter < 0 || r.Times < 0 {
			return fmt.Errorf("faultproxy: rule %d (%v): negative Delay, CutAfter or Times", i, r.Fault)
		}
		states = append(states, &ruleState{Rule: r, rng: rand.New(rand.NewPCG(r.Seed, r.Seed^0x9e3779b97f4a7c15))})
	}
	p.mu.Lock()
	p.rules = states
	p.mu.Unlock()
	return nil
}

// Stats returns a snapshot of the counters.
func (p *Proxy) Stats() Stats {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	s := p.stats
	s.Faults = make(map[Fault]int64, len(p.stats.Faults))
	for k, v := range p.stats.Faults {
		s.Faults[k] = v
	}
	return s
}

func (p *Proxy) count(f func(*Stats)) {
	p.statsMu.Lock()
	f(&p.stats)
	p.statsMu.Unlock()
}

// decide rolls the rules for r: the total delay and the fault (or None).
func (p *Proxy) decide(r *http.Request) (delay time.Duration, fault *Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, rs := range p.rules {
		if rs.Match != nil && !rs.Match(r) {
			continue
		}
		if rs.Fault == CopyError200 && !IsCopy(r) {
			continue
		}
		if rs.Times > 0 && rs.fired >= rs.Times {
			continue
		}
		if rs.rng.Float64() >= rs.Rate {
			continue
		}
		rs.fired++
		if rs.Fault == Delay {
			delay += rs.Delay
			p.count(func(s *Stats) { s.Faults[Delay]++ })
			continue
		}
		p.count(func(s *Stats) { s.Faults[rs.Fault]++ })
		rule := rs.Rule
		return delay, &rule
	}
	return delay, nil
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.count(func(s *Stats) { s.Requests++ })
	delay, rule := p.decide(r)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			panic(http.ErrAbortHandler) // returning would answer an empty 200
		case <-p.closed:
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	if rule == nil {
		p.count(func(s *Stats) { s.Forwarded++ })
		p.rp.ServeHTTP(w, r)
		return
	}
	switch rule.Fault {
	case SlowDown:
		s3Error(w, r, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case Deny:
		s3Error(w, r, http.StatusForbidden, "AccessDenied", "Access Denied")
	case CopyError200:
		s3Error(w, r, http.StatusOK, "InternalError", "We encountered an internal error. Please try again.")
	case Reset, Truncate:
		p.count(func(s *Stats) { s.Forwarded++ })
		p.cut(w, r, rule)
	}
}

// rewrite sends the request to the target unchanged: same Host header (the
// one the client signed), same escaped path, same raw query.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	retarget(pr.Out, pr.In, p.target)
}

func retarget(out, in *http.Request, target *url.URL) {
	out.URL.Scheme = target.Scheme
	out.URL.Host = target.Host
	out.Host = in.Host
	out.URL.RawQuery = in.URL.RawQuery
	// Send the path exactly as the client escaped it: the signature covers it.
	if path, _, _ := strings.Cut(in.RequestURI, "?"); strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "//") {
		out.URL.Opaque = path
	}
}

// cut forwards r and cuts the response body short: a TCP reset for Reset, a
// plain close for Truncate.
func (p *Proxy) cut(w http.ResponseWriter, r *http.Request, rule *Rule) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Close = false
	if r.ContentLength == 0 {
		out.Body = nil
	} else if out.Body != nil {
		out.Body = noopCloser{out.Body} // see httputil.ReverseProxy: keep the inbound body open
	}
	removeHopByHop(out.Header)
	retarget(out, r, p.target)

	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		upstreamError(w, r, err)
		return
	}
	defer resp.Body.Close()

	hj, ok := w.(http.Hijacker)
	if !ok {
		badGateway(w, errors.New("faultproxy: connection cannot be hijacked"))
		return
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer func() {
		_ = bw.Flush()
		if tc, ok := conn.(*net.TCPConn); ok && rule.Fault == Reset {
			waitSent(tc, 10*time.Second, p.closed)
			_ = tc.SetLinger(0) // Close sends RST instead of FIN
		}
		_ = conn.Close()
	}()

	noBody := r.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent ||
		resp.StatusCode == http.StatusNotModified || resp.ContentLength == 0
	if noBody {
		return // cut before the status line
	}
	h := resp.Header.Clone()
	removeHopByHop(h)
	chunked := resp.ContentLength < 0
	if chunked {
		h.Del("Content-Length")
		h.Set("Transfer-Encoding", "chunked")
	} else {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	h.Set("Connection", "close")

	n := rule.CutAfter
	switch {
	case n == 0 && chunked:
		n = 512
	case n == 0:
		n = resp.ContentLength / 2
	}
	if !chunked && n > resp.ContentLength-1 {
		n = resp.ContentLength - 1
	}

	fmt.Fprintf(bw, "HTTP/%d.%d %s\r\n", 1, 1, statusLine(resp))
	_ = h.Write(bw)
	_, _ = bw.WriteString("\r\n")
	if chunked {
		// One chunk and no terminating zero-length chunk.
		buf := make([]byte, n)
		m, _ := io.ReadFull(resp.Body, buf)
		if m > 0 {
			fmt.Fprintf(bw, "%x\r\n", m)
			_, _ = bw.Write(buf[:m])
			_, _ = bw.WriteString("\r\n")
		}
		return
	}
	_, _ = io.CopyN(bw, resp.Body, n)
}

func statusLine(resp *http.Response) string {
	if s := strings.TrimSpace(resp.Status); strings.HasPrefix(s, strconv.Itoa(resp.StatusCode)) {
		return s
	}
	return strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
}

type noopCloser struct{ io.Reader }

func (noopCloser) Close() error { return nil }

var hopByHop = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func removeHopByHop(h http.Header) {
	for _, f := range h.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			if name = textproto.TrimString(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
}

// maxDrain is how much of a refused request's body s3Error reads and drops.
const maxDrain = 1 << 30

// s3Error answers with an S3 XML error document, after reading and dropping
// the request body so that the client sees the answer.
func s3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	if r.Body != nil {
		// The AWS SDK for Go sends "Expect: 100-continue" but does not
		// wait for it (its requests carry no protocol version, so
		// net/http never arms the wait): the body is on its way already.
		// Answering before it has arrived would reset the connection
		// under the client's write, and it would see a broken pipe
		// instead of the error.
		if n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain+1)); n > maxDrain {
			w.Header().Set("Connection", "close")
		}
	}
	reqID := requestID()
	body := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>%s</RequestId><HostId>faultproxy</HostId></Error>`,
		code, msg, xmlEscape(r.URL.Path), reqID)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("x-amz-request-id", reqID)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

// upstreamError answers a request the target could not be reached for with
// 502, and drops the client's connection when the target broke off mid-way,
// so the client sees what it would have seen without the proxy. (The
// gateway, for one, answers an early 403 to a large PUT and resets the
// connection under the body; the proxy's write then fails first.)
func upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Op == "dial" {
		badGateway(w, err)
		return
	}
	if r.Context().Err() != nil {
		return // the client has gone
	}
	panic(http.ErrAbortHandler)
}

func badGateway(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(w, "faultproxy: "+err.Error()+"\n")
}

var reqIDs struct {
	sync.Mutex
	n uint64
}

func requestID() string {
	reqIDs.Lock()
	defer reqIDs.Unlock()
	reqIDs.n++
	return fmt.Sprintf("FAULTPROXY%06d", reqIDs.n)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// IsCopy reports a CopyObject or UploadPartCopy: a PUT with x-amz-copy-source.
func IsCopy(r *http.Request) bool {
	return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != ""
}

// IsPartCopy reports an UploadPartCopy: a copy with a partNumber query.
func IsPartCopy(r *http.Request) bool {
	return IsCopy(r) && r.URL.Query().Has("partNumber")
}

// IsWrite reports a PUT, POST or DELETE.
func IsWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodPut, http.MethodPost, http.MethodDelete:
		return true
	}
	return false
}

// objectSubresources are queries that make a request on a key something
// other than reading or writing the object's bytes.
var objectSubresources = []string{"acl", "tagging", "retention", "legal-hold", "attributes", "torrent", "uploadId", "uploads", "restore", "select"}

// IsGetObject reports a GetObject: a GET on a key (path-style) that is not a
// subresource such as ?tagging or ?acl.
func IsGetObject(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if key == "" {
		return false
	}
	q := r.URL.Query()
	for _, s := range objectSubresources {
		if q.Has(s) {
			return false
		}
	}
	return true
}

// Method matches requests with one of the given methods.
func Method(methods ...string) Matcher {
	return func(r *http.Request) bool {
		for _, m := range methods {
			if strings.EqualFold(r.Method, m) {
				return true
			}
		}
		return false
	}
}

// Bucket matches requests on a bucket, path-style: the first path segment.
func Bucket(name string) Matcher {
	return func(r *http.Request) bool {
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		return first == name
	}
}

// KeyPrefix matches requests on keys that start with prefix (path-style).
func KeyPrefix(prefix string) Matcher {
	return func(r *http.Request) bool {
		_, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		return ok && key != "" && strings.HasPrefix(key, prefix)
	}
}

// And matches when every matcher does (nil matchers match everything).
func And(ms ...Matcher) Matcher {
	return func(r *http.Request) bool {
		for _, m := range ms {
			if m != nil && !m(r) {
				return false
			}
		}
		return true
	}
}

// Or matches when any matcher does.
func Or(ms ...Matcher) Matcher {
	return func(r *http.Request) bool {
		for _, m := range ms {
			if m == nil || m(r) {
				return true
			}
		}
		return false
	}
}

// Not inverts a matcher.
func Not(m Matcher) Matcher {
	return func(r *http.Request) bool { return m != nil && !m(r) }
}
