package cli_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRequestPayer: with --request-payer requester every request the
// migration sends, to either bucket, says the requester pays (what a
// Requester Pays source demands: neither test server charges requesters,
// so a proxy checks the header), and a resume sends it again from the
// journal; without the flag no request says so. A value other than
// requester is one line and exit 2.
func TestRequestPayer(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-payer")
	putN(t, src, "p/", 4)
	var with, without atomic.Int64
	proxy := watchingProxy(t, sb.Endpoint, func(r *http.Request) {
		if r.Header.Get("X-Amz-Request-Payer") == "requester" {
			with.Add(1)
		} else {
			without.Add(1)
		}
	})
	profilesVia(t, proxy.URL)
	t.Setenv("XDG_STATE_HOME", t.TempDir())

	r := run(t, withProfiles("sync", "s3://"+src+"/p/", "s3://"+dst+"/p/", "--request-payer", "requester", "--progress", "none")...)
	if r.code != 0 || !strings.Contains(r.stdout, "copied 4 objects") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if with.Load() < 6 || without.Load() != 0 {
		t.Errorf("--request-payer requester: %d requests said so, %d did not", with.Load(), without.Load())
	}

	// Resumed from its journal (the copies are there: listings only).
	with.Store(0)
	if r := run(t, "resume", "--progress", "none"); r.code != 2 || !strings.Contains(r.stderr, "nothing to resume") {
		t.Fatalf("resume of a finished migration: exit %d %q", r.code, r.stderr)
	}
	r = run(t, "jobs", "--json")
	id := r.stdout[strings.Index(r.stdout, `"id": "`)+7:]
	id = id[:strings.Index(id, `"`)]
	if r := run(t, "resume", id, "--progress", "none"); r.code != 0 || with.Load() < 2 || without.Load() != 0 {
		t.Errorf("resume %s: exit %d %s; %d requests said the requester pays, %d did not", id, r.code, r.stderr, with.Load(), without.Load())
	}

	with.Store(0)
	r = run(t, withProfiles("sync", "s3://"+src+"/p/", "s3://"+dst+"/q/", "--progress", "none")...)
	if r.code != 0 || with.Load() != 0 || without.Load() < 6 {
		t.Errorf("without the flag: exit %d; %d requests said the requester pays, %d did not", r.code, with.Load(), without.Load())
	}

	r = run(t, withProfiles("sync", "s3://"+src+"/p/", "s3://"+dst+"/p/", "--request-payer", "owner")...)
	if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 || !strings.Contains(r.stderr, "the only value is requester") {
		t.Errorf("--request-payer owner: exit %d %q", r.code, r.stderr)
	}
}

// TestPreflightAsksForTheEncryption: preflight's write check asks for the
// encryption the copies will (--sse, --sse-kms-key-id), so a bucket policy
// that demands an encryption header is checked as the copies meet it; a
// key implies aws:kms; a key with AES256 is one line and exit 2.
func TestPreflightAsksForTheEncryption(t *testing.T) {
	needSandbox(t)
	src, dst := newPair(t, "cli-pf-sse")
	putN(t, src, "e/", 1)
	var sse, key atomic.Value
	sse.Store("")
	key.Store("")
	proxy := watchingProxy(t, sb.Endpoint, func(r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Query().Has("uploads") {
			sse.Store(r.Header.Get("X-Amz-Server-Side-Encryption"))
			key.Store(r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"))
		}
	})
	profilesVia(t, proxy.URL)
	run(t, withProfiles("preflight", "s3://"+src+"/e/", "s3://"+dst+"/e/", "--sse-kms-key-id", "alias/archive")...)
	if sse.Load() != "aws:kms" || key.Load() != "alias/archive" {
		t.Errorf("the write check asked for encryption %q with key %q, want aws:kms and alias/archive", sse.Load(), key.Load())
	}
	run(t, withProfiles("preflight", "s3://"+src+"/e/", "s3://"+dst+"/e/")...)
	if sse.Load() != "" || key.Load() != "" {
		t.Errorf("without --sse the write check asked for %q %q", sse.Load(), key.Load())
	}
	r := run(t, withProfiles("preflight", "s3://"+src+"/e/", "s3://"+dst+"/e/", "--sse", "AES256", "--sse-kms-key-id", "k")...)
	if r.code != 2 || !strings.Contains(r.stderr, "goes with --sse aws:kms") {
		t.Errorf("--sse AES256 with a key: exit %d %q", r.code, r.stderr)
	}
}
