package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/internal/cli"
	"github.com/s3migrate/s3migrate/internal/testenv"

	"github.com/s3migrate/s3migrate/awsauth"
)

// TestProfilesTable: every profile with its kind, identity and a status that
// says what to do when it is broken; secrets never printed.
func TestProfilesTable(t *testing.T) {
	needSandbox(t)
	sandboxProfilesWith(t, "[profile orphan-role]\nrole_arn = arn:aws:iam::111122223333:role/Migrator\nsource_profile = gone\n"+
		fmt.Sprintf("[profile wrong-key]\nendpoint_url = %s\nregion = us-east-1\n", sb.Endpoint)+
		fmt.Sprintf("[profile wrong-region]\nendpoint_url = %s\nregion = eu-west-1\n", sb.Endpoint),
		"[wrong-key]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = s3cr3t-never-shown\n"+
			"[wrong-region]\naws_access_key_id = "+sb.Origin.AccessKey+"\naws_secret_access_key = "+sb.Origin.SecretKey+"\n")
	r := run(t, "profiles")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			lines[f[0]] = l
		}
	}
	if l := lines["sandbox-origin"]; !strings.Contains(l, "static") || !strings.Contains(l, sb.Origin.AccessKey) || !strings.Contains(l, "ok (no STS") {
		t.Errorf("sandbox-origin row: %q", l)
	}
	if l := lines["orphan-role"]; !strings.Contains(l, "assume-role") || !strings.Contains(l, `"gone"`) {
		t.Errorf("orphan-role row does not name the missing source profile: %q", l)
	}
	if l := lines["wrong-key"]; !strings.Contains(l, "us-east-1") || !strings.Contains(l, "InvalidAccessKeyId") || !strings.Contains(l, "the endpoint rejected the credentials: check the keys") {
		t.Errorf("wrong-key row: %q", l)
	}
	if l := lines["wrong-region"]; !strings.Contains(l, "eu-west-1") || !strings.Contains(l, "fix the profile's region") {
		t.Errorf("wrong-region row: %q", l)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cr3t-never-shown") || strings.Contains(r.stdout, sb.Origin.SecretKey) {
		t.Error("a secret key was printed")
	}

	// --json: the same rows, with ok saying which resolved; no secret.
	r = run(t, "profiles", "--json")
	var out struct {
		Profiles []struct {
			Name, Kind, Principal, Status string
			Checked, OK                   bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("profiles --json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	got := map[string]bool{}
	for _, p := range out.Profiles {
		if !p.Checked || p.Status == "" {
			t.Errorf("profile %+v", p)
		}
		got[p.Name] = p.OK
	}
	if !got["sandbox-origin"] || got["orphan-role"] || got["wrong-key"] || got["wrong-region"] {
		t.Errorf("ok by profile: %v", got)
	}
	if strings.Contains(r.stdout, "s3cr3t-never-shown") || strings.Contains(r.stdout, sb.Origin.SecretKey) {
		t.Error("a secret key was printed in JSON")
	}
	r = run(t, "profiles", "--json", "--no-resolve")
	if !strings.Contains(r.stdout, `"checked": false`) || strings.Contains(r.stdout, `"ok": true`) {
		t.Errorf("--no-resolve --json:\n%s", r.stdout)
	}
}

// TestMalformedFilesPrintNoSecret: a secret wrapped onto a line of its own,
// and a credential_process line without "=" that carries a --password=…,
// make profiles and diff exit 2 naming the file, the line and the key, and
// never print the secret.
func TestMalformedFilesPrintNoSecret(t *testing.T) {
	needSandbox(t)
	const secret = "wrapped-SECRET-DO-NOT-PRINT"
	const password = "hunter2-DO-NOT-PRINT"
	base, err := os.ReadFile(sb.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	baseCreds, err := os.ReadFile(sb.CredentialsFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, config, credentials string
		inCredentials             bool
		want                      string
	}{
		{
			name:          "wrapped secret",
			config:        fmt.Sprintf("[profile wrapped]\nendpoint_url = %s\nregion = us-east-1\n", sb.Endpoint),
			credentials:   "[wrapped]\naws_access_key_id = " + sb.Origin.AccessKey + "\naws_secret_access_key = first-half/\n" + secret + "\n",
			inCredentials: true,
			want:          "line 4: not a section header or KEY = VALUE; if it continues aws_secret_access_key from line 3, indent it (line not shown: it may hold a secret)",
		},
		{
			name:   "credential_process without =",
			config: fmt.Sprintf("[profile wrapped]\nendpoint_url = %s\nregion = us-east-1\ncredential_process /usr/local/bin/vault-creds --password=%s\n", sb.Endpoint, password),
			want:   `line 4: key credential_process without "=": write credential_process = VALUE (line not shown: it may hold a secret)`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
			if err := os.WriteFile(cfg, append(append([]byte{}, base...), c.config...), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(creds, append(append([]byte{}, baseCreds...), c.credentials...), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("AWS_CONFIG_FILE", cfg)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
			file, lines := "config file "+cfg, strings.Count(string(base), "\n")
			if c.inCredentials {
				file, lines = "credentials file "+creds, strings.Count(string(baseCreds), "\n")
			}
			// The case's line numbers count from its own text.
			n := 0
			fmt.Sscanf(c.want, "line %d:", &n)
			want := file + " " + strings.Replace(c.want, fmt.Sprintf("line %d", n), fmt.Sprintf("line %d", n+lines), 1)
			want = strings.Replace(want, fmt.Sprintf("from line %d", n-1), fmt.Sprintf("from line %d", n-1+lines), 1)

			for _, args := range [][]string{
				{"profiles"},
				{"diff", "s3://origin-data", "s3://dest-archive", "--source-profile", "wrapped", "--dest-profile", "wrapped"},
			} {
				r := run(t, args...)
				if r.code != 2 || !strings.Contains(r.stderr, want) {
					t.Errorf("%s: exit %d, stderr %q\nwant exit 2 and %q", args[0], r.code, r.stderr, want)
				}
				if out := r.stdout + r.stderr; strings.Contains(out, secret) || strings.Contains(out, password) || strings.Contains(out, "first-half") {
					t.Errorf("%s printed a secret: %q", args[0], out)
				}
			}
		})
	}
}

// TestUnreachableEndpoints: an endpoint that accepts connections and never
// answers makes diff fail within the answer timeout (shortened to 1 s here)
// with one line naming it; profiles reports it, and a refused port, as
// unreachable rather than "ok".
func TestUnreachableEndpoints(t *testing.T) {
	needSandbox(t)
	short := cli.Env{Timeouts: awsauth.Timeouts{Connect: time.Second, TLSHandshake: time.Second, Answer: time.Second, CopyAnswer: 2 * time.Second}}
	silent := silentListener(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()

	keys := "aws_access_key_id = AKIAEXAMPLEUNREACH01\naws_secret_access_key = unreachable-secret\n"
	sandboxProfilesWith(t, fmt.Sprintf("[profile silent]\nendpoint_url = http://%s\nregion = us-east-1\n[profile refused]\nendpoint_url = http://%s\nregion = us-east-1\n", silent, refused),
		"[silent]\n"+keys+"[refused]\n"+keys)

	start := time.Now()
	r := runWith(t, short, "diff", "s3://origin-data", "s3://dest-archive", "--source-profile", "silent", "--dest-profile", "silent")
	took := time.Since(start)
	want := "the endpoint http://" + silent + " did not answer within 1s: check endpoint_url / the network"
	if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("diff on a silent endpoint: exit %d, stderr %q\nwant exit 2 and one line with %q", r.code, r.stderr, want)
	}
	if took >= awsauth.DefaultTimeouts.Answer {
		t.Errorf("diff took %v: the shortened timeout was not used", took)
	}
	t.Logf("diff on a silent endpoint failed after %v: %s", took, strings.TrimSpace(r.stderr))

	r = runWith(t, short, "profiles")
	if r.code != 0 {
		t.Fatalf("profiles: exit %d: %s", r.code, r.stderr)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = l
		}
	}
	for name, want := range map[string]string{
		"silent":         "unreachable: the endpoint http://" + silent + " did not answer within 1s: check endpoint_url / the network",
		"refused":        "unreachable: the endpoint http://" + refused + " refused the connection: check endpoint_url / the network",
		"sandbox-origin": "ok (no STS",
	} {
		if !strings.Contains(rows[name], want) {
			t.Errorf("profiles row %s: %q\nwant %q", name, rows[name], want)
		}
	}
}

// silentListener accepts TCP connections, reads what comes and never
// answers, until the test ends.
func silentListener(t *testing.T) string {
	addr, _ := testenv.SilentServer(t, true)
	return addr
}

// sandboxProfilesWith points the AWS files at copies of the sandbox's with
// more profiles appended, for the rest of the test.
func sandboxProfilesWith(t *testing.T, extraConfig, extraCredentials string) {
	t.Helper()
	dir := t.TempDir()
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	for _, f := range []struct{ from, to, extra string }{{sb.ConfigFile, cfg, extraConfig}, {sb.CredentialsFile, creds, extraCredentials}} {
		base, err := os.ReadFile(f.from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.to, append(base, f.extra...), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
}
