package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestJSONOutputs: jobs, preflight and verify print one JSON object with
// --json, holding what their text says, with the same exit codes: a
// migration done, its checks, its copies verified, then a copy removed
// and reported missing (exit 1) with its raw key.
func TestJSONOutputs(t *testing.T) {
	needSandbox(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	src, dst := newPair(t, "cli-json")
	putN(t, src, "j/", 5)
	S, D := "s3://"+src+"/j/", "s3://"+dst+"/j/"
	if r := run(t, withProfiles("sync", S, D, "--progress", "none")...); r.code != 0 {
		t.Fatalf("sync: exit %d %s", r.code, r.stderr)
	}

	r := run(t, "jobs", "--json")
	var jobs struct {
		Dir  string
		Jobs []struct {
			ID, State, Src, Dst   string
			Running               bool
			Planned, Done, Failed int64
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &jobs); err != nil || r.code != 0 {
		t.Fatalf("jobs --json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if len(jobs.Jobs) != 1 || jobs.Jobs[0].State != "done" || jobs.Jobs[0].Running || jobs.Jobs[0].Done != 5 || jobs.Jobs[0].Planned != 5 ||
		jobs.Jobs[0].Src != S || jobs.Jobs[0].Dst != D {
		t.Errorf("jobs --json: %+v", jobs)
	}

	r = run(t, withProfiles("preflight", S, D, "--json")...)
	var pf struct {
		Checks []struct{ Name, Status, Reason, Fix string }
		Failed int
	}
	if err := json.Unmarshal([]byte(r.stdout), &pf); err != nil {
		t.Fatalf("preflight --json: %v\n%s", err, r.stdout)
	}
	if len(pf.Checks) < 5 || (pf.Failed > 0) != (r.code == 1) {
		t.Errorf("preflight --json: exit %d, %+v", r.code, pf)
	}
	for _, c := range pf.Checks {
		if c.Status != "pass" && c.Status != "warn" && c.Status != "fail" || c.Name == "" || c.Reason == "" {
			t.Errorf("preflight check %+v", c)
		}
	}

	var v struct {
		Checked, Verified     int64
		Mismatches, Unchecked []struct{ Key, What, Detail string }
	}
	r = run(t, withProfiles("verify", S, D, "--json")...)
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || r.code != 0 || v.Checked != 5 || v.Verified != 5 || len(v.Mismatches) != 0 {
		t.Fatalf("verify --json: exit %d, %v, %+v\n%s", r.code, err, v, r.stdout)
	}
	gone := "j/00002"
	if _, err := sb.Client(sb.Dest).DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(dst), Key: aws.String(gone)}); err != nil {
		t.Fatal(err)
	}
	// diff --json: one line per listed key, the summary last, exit 1 as
	// the sides differ now.
	r = run(t, withProfiles("diff", S, D, "--json", "--estimate")...)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var entry struct{ Class, Key string }
	var sum struct {
		Summary, Differ bool
		Classes         map[string]struct{ Objects int64 }
		Estimate        *struct{ Objects int64 }
	}
	if r.code != 1 || len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &entry) != nil || json.Unmarshal([]byte(lines[1]), &sum) != nil {
		t.Fatalf("diff --json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if entry.Class != "new" || !strings.HasSuffix(gone, entry.Key) || !sum.Summary || !sum.Differ ||
		sum.Classes["new"].Objects != 1 || sum.Classes["identical"].Objects != 4 || sum.Estimate == nil || sum.Estimate.Objects != 1 {
		t.Errorf("diff --json: %+v then %+v", entry, sum)
	}

	r = run(t, withProfiles("verify", S, D, "--json")...)
	v.Mismatches = nil
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || r.code != 1 || len(v.Mismatches) != 1 ||
		!strings.HasSuffix(gone, v.Mismatches[0].Key) || v.Mismatches[0].What != "missing" {
		t.Errorf("verify --json after a delete: exit %d, %v, %+v", r.code, err, v)
	}
}
