package awsauth

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/testenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// short are the timeouts loadAt gives a session: a silent endpoint costs a
// second instead of 30.
var short = Timeouts{Connect: time.Second, TLSHandshake: time.Second, Answer: time.Second, CopyAnswer: 2 * time.Second}

// shortTimeouts returns a context that ends a test that would otherwise
// hang (the watchdog broken) after 20 s, so that it fails instead.
func shortTimeouts(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func silentServer(t *testing.T, read bool) (string, *atomic.Int32) {
	return testenv.SilentServer(t, read)
}

// loadAt loads a static-key profile whose endpoint_url is endpoint.
func loadAt(t *testing.T, endpoint string, opt Options) *Session {
	t.Helper()
	useFiles(t, "[profile p]\nregion = us-east-1\nendpoint_url = "+endpoint+"\n",
		"[p]\naws_access_key_id = AKIAEXAMPLETIMEOUT01\naws_secret_access_key = timeout-secret\n")
	opt.Log = io.Discard
	if opt.Timeouts == (Timeouts{}) {
		opt.Timeouts = short
	}
	s, err := Load(context.Background(), "p", opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSilentEndpointFailsOnce: an endpoint that accepts the connection and
// never answers fails the call with one line naming it and the time waited,
// after one attempt: retrying an endpoint that never answered only
// multiplies the wait.
func TestSilentEndpointFailsOnce(t *testing.T) {
	ctx := shortTimeouts(t)
	addr, accepted := silentServer(t, true)
	s := loadAt(t, "http://"+addr, Options{})
	start := time.Now()
	_, err := s.S3().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")})
	took := time.Since(start)
	want := "operation error S3: HeadBucket, the endpoint http://" + addr + " did not answer within 1s: check endpoint_url / the network"
	if err == nil || err.Error() != want {
		t.Fatalf("HeadBucket: %v\nwant %q", err, want)
	}
	var na *NoAnswerError
	if !errors.As(err, &na) || na.RetryableError() || errors.Is(err, context.Canceled) {
		t.Errorf("error %#v: want a NoAnswerError, not retryable, not a cancellation", err)
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("the endpoint saw %d connections, want 1 (no retries)", n)
	}
	if took >= DefaultTimeouts.Answer {
		t.Errorf("took %v: the shortened timeout was not used", took)
	}
	t.Logf("silent endpoint failed after %v", took)
}

// TestCopyWaitsLonger: a server-side copy may be answered only when it is
// done, so it gets CopyAnswer, not Answer.
func TestCopyWaitsLonger(t *testing.T) {
	ctx := shortTimeouts(t)
	addr, _ := silentServer(t, true)
	s := loadAt(t, "http://"+addr, Options{})
	_, err := s.S3().CopyObject(ctx, &s3.CopyObjectInput{
		Bucket: aws.String("b"), Key: aws.String("k"), CopySource: aws.String("src/k")})
	if err == nil || !strings.Contains(err.Error(), "did not answer within 2s") {
		t.Fatalf("CopyObject: %v; want the copy timeout (2s)", err)
	}
}

// TestRefusedAndSilentAreUnreachable: CheckEndpoint tells a refused port
// and a silent endpoint from one that answers (even with a denial).
func TestRefusedAndSilentAreUnreachable(t *testing.T) {
	ctx := shortTimeouts(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	silent, _ := silentServer(t, true)
	denying := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
	}))
	defer denying.Close()

	cases := map[string]string{
		"http://" + refused: "the endpoint http://" + refused + " refused the connection: check endpoint_url / the network",
		"http://" + silent:  "the endpoint http://" + silent + " did not answer within 1s: check endpoint_url / the network",
		denying.URL:         "",
	}
	for endpoint, want := range cases {
		err := loadAt(t, endpoint, Options{}).CheckEndpoint(ctx)
		var ue *UnreachableError
		switch {
		case want == "" && err != nil:
			t.Errorf("%s answers, CheckEndpoint: %v", endpoint, err)
		case want != "" && (err == nil || err.Error() != want || !errors.As(err, &ue)):
			t.Errorf("%s: CheckEndpoint: %v\nwant UnreachableError %q", endpoint, err, want)
		}
	}
}

// TestStalledDownload: a body that stops arriving ends the read with the
// endpoint named, not with a bare cancellation; a body that trickles, or
// that the caller pauses reading, is not cut.
func TestStalledDownload(t *testing.T) {
	ctx := shortTimeouts(t)
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		w.WriteHeader(http.StatusOK)
		f := w.(http.Flusher)
		switch r.URL.Path {
		case "/b/stalls":
			w.Write([]byte("12345"))
			f.Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/b/trickles":
			for i := range 10 {
				fmt.Fprint(w, i)
				f.Flush()
				time.Sleep(300 * time.Millisecond)
			}
		case "/b/pauses":
			// Half, then the rest after longer than the limit: a stall
			// only if the client is waiting for it.
			w.Write([]byte("12345"))
			f.Flush()
			time.Sleep(1500 * time.Millisecond)
			w.Write([]byte("67890"))
		}
	}))
	defer srv.Close()
	s := loadAt(t, srv.URL, Options{})
	get := func(key string) io.ReadCloser {
		out, err := s.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("GetObject %s: %v", key, err)
		}
		return out.Body
	}

	body := get("stalls")
	_, err := io.ReadAll(body)
	body.Close()
	want := "the endpoint " + srv.URL + " stopped sending data for 1s: check endpoint_url / the network"
	var na *NoAnswerError
	if err == nil || err.Error() != want || !errors.As(err, &na) || !na.RetryableError() || errors.Is(err, context.Canceled) {
		t.Errorf("stalled body: %v\nwant a retryable %q", err, want)
	}

	body = get("trickles")
	b, err := io.ReadAll(body)
	body.Close()
	if err != nil || string(b) != "0123456789" {
		t.Errorf("trickling body (3s in all, never 1s silent): %q, %v", b, err)
	}

	body = get("pauses")
	half := make([]byte, 5)
	if _, err := io.ReadFull(body, half); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // the caller busy elsewhere (a relay's upload)
	rest, err := io.ReadAll(body)
	body.Close()
	if err != nil || string(half)+string(rest) != "1234567890" {
		t.Errorf("body paused by the caller: %q + %q, %v", half, rest, err)
	}
}

// TestStalledUpload: a server that stops taking the request body ends the
// upload; the response-header timeout alone would never start, since the
// body is never sent.
func TestStalledUpload(t *testing.T) {
	ctx := shortTimeouts(t)
	addr, _ := silentServer(t, false)
	s := loadAt(t, "http://"+addr, Options{})
	body := bytes.Repeat([]byte("x"), 64<<20) // more than the socket buffers hold
	_, err := s.S3().PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("b"), Key: aws.String("k"), Body: bytes.NewReader(body)})
	want := "operation error S3: PutObject, the endpoint http://" + addr + " stopped taking data for 1s: check endpoint_url / the network"
	if err == nil || err.Error() != want {
		t.Fatalf("PutObject: %v\nwant %q", err, want)
	}
}

// TestAnsweredThenSilentIsRetried: once an endpoint has answered, a silence
// is a hiccup and the SDK retries it.
func TestAnsweredThenSilentIsRetried(t *testing.T) {
	ctx := shortTimeouts(t)
	var calls atomic.Int32
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			return // 200, empty: HeadBucket succeeds
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	s := loadAt(t, srv.URL, Options{MaxAttempts: 2})
	head := func() error {
		_, err := s.S3().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")})
		return err
	}
	if err := head(); err != nil {
		t.Fatal(err)
	}
	err := head()
	if err == nil || !strings.Contains(err.Error(), "did not answer within 1s") {
		t.Fatalf("second HeadBucket: %v", err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3 (one answered, then 2 attempts)", n)
	}
}

// TestCABundleStillApplies: the watched clients are copies of the SDK's
// buildable client, so AWS_CA_BUNDLE reaches them, the copy transport
// included.
func TestCABundleStillApplies(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			fmt.Fprint(w, `<CopyObjectResult><ETag>"x"</ETag></CopyObjectResult>`)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	defer srv.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(bundle, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Setenv("AWS_CA_BUNDLE", "")
	s := loadAt(t, srv.URL, Options{MaxAttempts: 1})
	_, err := s.S3().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")})
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Fatalf("without the bundle: %v; want a certificate error (else this test proves nothing)", err)
	}
	want := "the endpoint " + srv.URL + " has a TLS certificate this machine does not trust (AWS_CA_BUNDLE adds a CA): check endpoint_url / the network"
	if err := s.CheckEndpoint(ctx); err == nil || err.Error() != want {
		t.Errorf("CheckEndpoint without the bundle: %v\nwant %q", err, want)
	}

	t.Setenv("AWS_CA_BUNDLE", bundle)
	s = loadAt(t, srv.URL, Options{})
	if _, err := s.S3().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")}); err != nil {
		t.Errorf("HeadBucket with the bundle: %v", err)
	}
	if _, err := s.S3().CopyObject(ctx, &s3.CopyObjectInput{
		Bucket: aws.String("b"), Key: aws.String("k"), CopySource: aws.String("src/k")}); err != nil {
		t.Errorf("CopyObject with the bundle: %v", err)
	}
}
