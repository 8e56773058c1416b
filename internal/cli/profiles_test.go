package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfilesTable: every profile with its kind, identity and a status that
// says what to do when it is broken; secrets never printed.
func TestProfilesTable(t *testing.T) {
	needSandbox(t)
	dir := t.TempDir()
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	base, err := os.ReadFile(sb.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	baseCreds, err := os.ReadFile(sb.CredentialsFile)
	if err != nil {
		t.Fatal(err)
	}
	extra := "[profile orphan-role]\nrole_arn = arn:aws:iam::111122223333:role/Migrator\nsource_profile = gone\n" +
		fmt.Sprintf("[profile wrong-key]\nendpoint_url = %s\nregion = us-east-1\n", sb.Endpoint) +
		fmt.Sprintf("[profile wrong-region]\nendpoint_url = %s\nregion = eu-west-1\n", sb.Endpoint)
	if err := os.WriteFile(cfg, append(base, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, append(baseCreds, "[wrong-key]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = s3cr3t-never-shown\n"+
		"[wrong-region]\naws_access_key_id = "+sb.Origin.AccessKey+"\naws_secret_access_key = "+sb.Origin.SecretKey+"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
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
	if l := lines["wrong-key"]; !strings.Contains(l, "us-east-1") || !strings.Contains(l, "rejected the credentials (InvalidAccessKeyId)") {
		t.Errorf("wrong-key row: %q", l)
	}
	if l := lines["wrong-region"]; !strings.Contains(l, "eu-west-1") || !strings.Contains(l, "fix the profile's region") {
		t.Errorf("wrong-region row: %q", l)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cr3t-never-shown") || strings.Contains(r.stdout, sb.Origin.SecretKey) {
		t.Error("a secret key was printed")
	}
}
