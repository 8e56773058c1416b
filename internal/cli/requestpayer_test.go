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
