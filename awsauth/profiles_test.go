package awsauth

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const fixtureDir = "testdata/profiles"

func fixtureProfiles(t *testing.T) []ProfileInfo {
	t.Helper()
	got, err := ListProfiles(filepath.Join(fixtureDir, "config"), filepath.Join(fixtureDir, "credentials"))
	if err != nil {
		t.Fatalf("ListProfiles: %v", err)
	}
	return got
}

// withoutFix drops the unexported fields so expectations list only what
// callers see; Hint, noSource and refused are asserted on their own.
func withoutFix(ps []ProfileInfo) []ProfileInfo {
	out := make([]ProfileInfo, len(ps))
	for i, p := range ps {
		p.fix, p.noSource, p.refused, p.roleBase, p.baseEndpoint = "", false, false, "", ""
		out[i] = p
	}
	return out
}

func TestProfileListFixture(t *testing.T) {
	want := []ProfileInfo{
		{Name: "default", Kind: KindStatic, Region: "us-east-1", AccessKeyID: "AKIAEXAMPLEDEFAULT01", InConfig: true, InCredentials: true},
		{Name: "both", Kind: KindStatic, Region: "sa-east-1", AccessKeyID: "AKIAEXAMPLEBOTH00001", InConfig: true, InCredentials: true},
		{Name: "config-static", Kind: KindStatic, Region: "ap-south-1", AccessKeyID: "AKIAEXAMPLECONFIG001", InConfig: true},
		{Name: "creds-only", Kind: KindStatic, AccessKeyID: "AKIAEXAMPLECREDSONLY", InCredentials: true},
		{Name: "empty", Kind: KindUnknown, InConfig: true, Problem: "no credentials: add keys, sso_session, role_arn or credential_process"},
		// An endpoint_url nested under "s3 =" in a profile is not one the
		// SDK (or the aws CLI) reads: only a [services] section's is.
		{Name: "endpoint-nested", Kind: KindCredentialProcess, Region: "us-west-2", InConfig: true},
		{Name: "endpoint-top", Kind: KindStatic, Region: "us-west-1", STSEndpointURL: "http://127.0.0.1:7070", EndpointURL: "http://127.0.0.1:7070", AccessKeyID: "AKIAEXAMPLEENDPOINT1", InConfig: true, InCredentials: true},
		{Name: "env-role", Kind: KindAssumeRole, RoleARN: "arn:aws:iam::666666666666:role/FromEnv", CredentialSource: "Environment", InConfig: true},
		{Name: "mistyped", Kind: KindUnknown, InConfig: true, Problem: "config file section [mistyped] is ignored by AWS tools"},
		{Name: "prefixed", Kind: KindUnknown, InCredentials: true, Problem: "credentials file section [profile prefixed] is ignored by AWS tools"},
		{Name: "process", Kind: KindCredentialProcess, Region: "us-east-2", InConfig: true},
		{Name: "role-broken-chain", Kind: KindAssumeRole, RoleARN: "arn:aws:iam::555555555555:role/Chain", SourceProfile: "role-missing-source", InConfig: true,
			Problem: `source_profile "ghost" (of profile "role-missing-source") does not exist`},
		{Name: "role-mid", Kind: KindAssumeRole, RoleARN: "arn:aws:iam::444444444444:role/Mid", SourceProfile: "creds-only", InConfig: true},
		{Name: "role-missing-source", Kind: KindAssumeRole, RoleARN: "arn:aws:iam::555555555555:role/Orphan", SourceProfile: "ghost", InConfig: true,
			Problem: `source_profile "ghost" does not exist`},
		{Name: "role-top", Kind: KindAssumeRole, RoleARN: "arn:aws:iam::333333333333:role/Top", SourceProfile: "role-mid",
			MFASerial: "arn:aws:iam::999999999999:mfa/alice", InConfig: true},
		{Name: "spaced", Kind: KindStatic, Region: "ca-central-1", AccessKeyID: "AKIAEXAMPLESPACED001", InConfig: true},
		{Name: "sso-legacy", Kind: KindSSO, Region: "us-east-1", SSOStartURL: "https://legacy.awsapps.com/start",
			SSOAccountID: "111111111111", SSORoleName: "ReadOnly", InConfig: true},
		{Name: "sso-new", Kind: KindSSO, Region: "eu-central-1", SSOSession: "corp", SSOStartURL: "https://corp.awsapps.com/start",
			SSOAccountID: "222222222222", SSORoleName: "Admin", InConfig: true},
		{Name: "sso-undefined", Kind: KindSSO, SSOSession: "nowhere", SSOAccountID: "222222222222", SSORoleName: "Admin", InConfig: true,
			Problem: `sso_session "nowhere" not defined`},
		{Name: "webid", Kind: KindWebIdentity, RoleARN: "arn:aws:iam::777777777777:role/Web", InConfig: true},
	}
	got := withoutFix(fixtureProfiles(t))
	if len(got) != len(want) {
		var names []string
		for _, p := range got {
			names = append(names, p.Name)
		}
		t.Fatalf("got %d profiles %v, want %d", len(got), names, len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("profile %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestProfileHints(t *testing.T) {
	byName := map[string]ProfileInfo{}
	for _, p := range fixtureProfiles(t) {
		byName[p.Name] = p
	}
	cases := map[string]string{
		"sso-new":             "if the token expired: aws sso login --profile sso-new",
		"sso-legacy":          "if the token expired: aws sso login --profile sso-legacy",
		"sso-undefined":       "add an [sso-session nowhere] section with sso_start_url and sso_region to the config file, or fix sso_session in profile sso-undefined",
		"role-missing-source": "add profile ghost to the config or credentials file, or fix source_profile in profile role-missing-source",
		"role-broken-chain":   "add profile ghost to the config or credentials file, or fix source_profile in profile role-missing-source",
		"role-top":            "if AssumeRole is denied: the trust policy of arn:aws:iam::333333333333:role/Top must allow the identity of source_profile role-mid (and an MFA code for arn:aws:iam::999999999999:mfa/alice)",
		"env-role":            "if AssumeRole is denied: the trust policy of arn:aws:iam::666666666666:role/FromEnv must allow the identity of credential_source Environment",
		"empty":               "aws configure --profile empty (keys), or aws configure sso --profile empty",
		"mistyped":            "rename the section [mistyped] to [profile mistyped] in testdata/profiles/config",
		"prefixed":            "rename the section [profile prefixed] to [prefixed] in testdata/profiles/credentials",
		"default":             "if the keys are rejected: aws configure --profile default",
		"process":             "if it fails: run the profile's credential_process command by hand to see its error",
		"webid":               "if it fails: check that web_identity_token_file exists and that arn:aws:iam::777777777777:role/Web trusts its issuer",
	}
	for name, want := range cases {
		p, ok := byName[name]
		if !ok {
			t.Errorf("profile %q missing", name)
			continue
		}
		if got := p.Hint(); got != want {
			t.Errorf("%s: Hint() = %q, want %q", name, got, want)
		}
	}
	odd := ProfileInfo{Name: "it's mine", Kind: KindSSO}
	if got, want := odd.Hint(), `if the token expired: aws sso login --profile 'it'\''s mine'`; got != want {
		t.Errorf("Hint() = %q, want %q", got, want)
	}
}

// fixtureSecrets collects every value the fixtures mark as secret, so the
// leak test cannot drift from the fixtures.
func fixtureSecrets(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	re := regexp.MustCompile(`[A-Za-z0-9-]*DO-NOT-PRINT`)
	var secrets []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, re.FindAllString(string(b), -1)...)
	}
	if len(secrets) < 9 {
		t.Fatalf("found only %d secrets in the fixtures: %v", len(secrets), secrets)
	}
	return secrets
}

func TestProfileNoSecretsInOutput(t *testing.T) {
	var out strings.Builder
	for _, p := range fixtureProfiles(t) {
		fmt.Fprintf(&out, "%+v\n%v\n%s\n", p, p, p.Hint())
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEENV000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-env-DO-NOT-PRINT")
	t.Setenv("AWS_SESSION_TOKEN", "token-env-DO-NOT-PRINT")
	env, _ := EnvProfile()
	fmt.Fprintf(&out, "%+v\n%s\n", env, env.Hint())
	for _, bad := range [][2]string{{"bad_header_config", ""}, {"", "bad_line_credentials"}} {
		cfg, creds := "", ""
		if bad[0] != "" {
			cfg = filepath.Join(fixtureDir, bad[0])
		}
		if bad[1] != "" {
			creds = filepath.Join(fixtureDir, bad[1])
		}
		if _, err := ListProfiles(cfg, creds); err != nil {
			fmt.Fprintln(&out, err)
		}
	}

	text := out.String()
	for _, s := range append(fixtureSecrets(t), "secret-env-DO-NOT-PRINT", "token-env-DO-NOT-PRINT") {
		if strings.Contains(text, s) {
			t.Errorf("secret %q appears in output", s)
		}
	}
	// Guard against a vacuous pass: the output must hold what is meant to
	// be shown.
	for _, s := range []string{"AKIAEXAMPLEDEFAULT01", "AKIAEXAMPLEENV000001", "sso-new", "line 6"} {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

func TestProfileMalformedFiles(t *testing.T) {
	cases := []struct {
		config, credentials string
		want                []string
	}{
		{
			config: filepath.Join(fixtureDir, "bad_header_config"),
			want: []string{"config file " + filepath.Join(fixtureDir, "bad_header_config") + " line 5: ",
				`a section header without a closing "]": add it`},
		},
		{
			credentials: filepath.Join(fixtureDir, "bad_line_credentials"),
			want: []string{"credentials file " + filepath.Join(fixtureDir, "bad_line_credentials") + " line 6: ",
				`key aws_secret_access_key without "=": write aws_secret_access_key = VALUE (line not shown: it may hold a secret)`},
		},
	}
	for _, c := range cases {
		got, err := ListProfiles(c.config, c.credentials)
		if err == nil {
			t.Errorf("ListProfiles(%q, %q) = %v, want an error", c.config, c.credentials, got)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q is more than one line", err)
		}
	}
}

func TestProfileMalformedLines(t *testing.T) {
	cases := []struct{ text, want string }{
		{"[default]\nregion = x\njust words\n", `config file CFG line 3: not a section header or KEY = VALUE; if it continues region from line 2, indent it (line not shown: it may hold a secret)`},
		{"just words\n", `config file CFG line 1: not a section header or KEY = VALUE: fix or remove it (line not shown: it may hold a secret)`},
		{"[default]\nmy_own_key = x\njust words\n", `config file CFG line 3: not a section header or KEY = VALUE: fix or remove it (line not shown: it may hold a secret)`},
		{"[default] trailing\n", `config file CFG line 1: text after the section header's "]": remove it or start it with #`},
		{"[default]\n[]\n", `config file CFG line 2: not a valid section header: write [profile NAME], [NAME] or [sso-session NAME]`},
		{"[default]\n= value\n", `config file CFG line 2: "=" without a key: write KEY = VALUE (line not shown: it may hold a secret)`},
		{"[default]\n==\n", `config file CFG line 2: "=" without a key: write KEY = VALUE (line not shown: it may hold a secret)`},
		{"[default]\naws_secret_access_key abc123\n", `config file CFG line 2: key aws_secret_access_key without "=": write aws_secret_access_key = VALUE (line not shown: it may hold a secret)`},
		{"[default]\nCredential_Process\t/bin/x --password=hunter2\n", `config file CFG line 2: key credential_process without "=": write credential_process = VALUE (line not shown: it may hold a secret)`},
	}
	for _, c := range cases {
		path := writeTemp(t, "config", c.text)
		_, err := ListProfiles(path, "")
		want := strings.ReplaceAll(c.want, "CFG", path)
		if err == nil || err.Error() != want {
			t.Errorf("text %q: error %v, want %q", c.text, err, want)
		}
	}
}

func TestProfileMissingFiles(t *testing.T) {
	dir := t.TempDir()
	for _, paths := range [][2]string{
		{filepath.Join(dir, "nope-config"), filepath.Join(dir, "nope-credentials")},
		{"", ""},
	} {
		got, err := ListProfiles(paths[0], paths[1])
		if err != nil || len(got) != 0 {
			t.Errorf("ListProfiles(%q, %q) = %v, %v; want empty, nil", paths[0], paths[1], got, err)
		}
	}
	// One missing file must not hide the other.
	got, err := ListProfiles(filepath.Join(dir, "nope"), filepath.Join(fixtureDir, "credentials"))
	if err != nil || len(got) != 5 || got[0].Name != "default" || got[0].InConfig {
		t.Errorf("credentials only: %+v, %v; want 5 profiles, default first, none from config", got, err)
	}
}

func TestProfileEdgeCases(t *testing.T) {
	config := strings.Join([]string{
		"[profile crlf]",
		"region = eu-north-1",
		"aws_access_key_id = AKIAEXAMPLECRLF00001",
		"aws_secret_access_key = secret-crlf",
		"",
	}, "\r\n") + strings.Join([]string{
		"[profile services]",
		"services = local",
		"endpoint_url = http://127.0.0.1:7070",
		"credential_process = /bin/creds",
		"[services local]",
		"sts =",
		"  endpoint_url = http://sts.local:1",
		"[profile keys-role]",
		"aws_access_key_id = AKIAEXAMPLEKEYS00001",
		"aws_secret_access_key = secret-keys",
		"role_arn = arn:aws:iam::1:role/FromKeys",
		"[profile self]",
		"role_arn = arn:aws:iam::1:role/Self",
		"source_profile = self",
		"aws_access_key_id = AKIAEXAMPLESELF00001",
		"aws_secret_access_key = secret-self",
		"[profile loop-a]",
		"role_arn = arn:aws:iam::1:role/A",
		"source_profile = loop-b",
		"[profile loop-b]",
		"role_arn = arn:aws:iam::1:role/B",
		"source_profile = loop-a",
		"[profile conflict]",
		"role_arn = arn:aws:iam::1:role/C",
		"source_profile = crlf",
		"credential_process = /bin/creds",
		"[profile half]",
		"aws_access_key_id = AKIAEXAMPLEHALF00001",
		"[profile no-role]",
		"source_profile = crlf",
		"[profile role-only]",
		"role_arn = arn:aws:iam::1:role/Lonely",
		"[profile bad-source]",
		"role_arn = arn:aws:iam::1:role/X",
		"credential_source = Laptop",
		"[profile sso-half]",
		"sso_start_url = https://x.awsapps.com/start",
		"[profile to-empty]",
		"role_arn = arn:aws:iam::1:role/E",
		"source_profile = nothing",
		"[profile nothing]",
		"region = us-east-1",
		"[profile multi]",
		"credential_process = /bin/creds",
		"  --long-flag",
		"[profile login]",
		"login_session = arn:aws:iam::1:user/me",
		"[profile repeated]",
		"region = us-east-1",
		"[profile repeated]",
		"region = us-east-2",
		"",
	}, "\n")
	bom := "\ufeff[profile bom]\nregion = eu-west-1\naws_access_key_id = AKIAEXAMPLEBOM000001\naws_secret_access_key = secret-bom\n"
	cfgPath := writeTemp(t, "config", bom+config)
	got, err := ListProfiles(cfgPath, "")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ProfileInfo{}
	for _, p := range got {
		byName[p.Name] = p
	}
	cases := []struct {
		name, region string
		kind         Kind
		problem      string
	}{
		{"bom", "eu-west-1", KindStatic, "the file " + cfgPath + " starts with a byte-order mark (BOM), which hides this profile from AWS tools"},
		{"crlf", "eu-north-1", KindStatic, ""},
		{"services", "", KindCredentialProcess, ""},
		{"keys-role", "", KindAssumeRole, ""},
		{"self", "", KindAssumeRole, ""},
		{"loop-a", "", KindAssumeRole, "source_profile chain loops: loop-a -> loop-b -> loop-a"},
		{"loop-b", "", KindAssumeRole, "source_profile chain loops: loop-b -> loop-a -> loop-b"},
		{"conflict", "", KindAssumeRole, "more than one of source_profile, credential_source, credential_process, web_identity_token_file is set"},
		{"half", "", KindStatic, "aws_access_key_id is set without aws_secret_access_key"},
		{"no-role", "", KindAssumeRole, "source_profile is set without role_arn"},
		{"role-only", "", KindUnknown, "role_arn is set without source_profile or credential_source"},
		{"bad-source", "", KindAssumeRole, `credential_source "Laptop" is not Environment, Ec2InstanceMetadata or EcsContainer`},
		{"sso-half", "", KindSSO, "SSO profile has no sso_region, sso_account_id, sso_role_name"},
		{"to-empty", "", KindAssumeRole, `source_profile "nothing" has no credentials`},
		{"multi", "", KindCredentialProcess, ""},
		{"login", "", KindLogin, ""},
		{"repeated", "us-east-2", KindUnknown, "no credentials: add keys, sso_session, role_arn or credential_process"},
	}
	for _, c := range cases {
		p, ok := byName[c.name]
		if !ok {
			t.Errorf("profile %q missing from %+v", c.name, got)
			continue
		}
		if p.Kind != c.kind || p.Problem != c.problem || p.Region != c.region {
			t.Errorf("%s: kind %q problem %q region %q; want %q, %q, %q", c.name, p.Kind, p.Problem, p.Region, c.kind, c.problem, c.region)
		}
	}
	if len(got) != len(cases)+1 { // + "nothing"
		t.Errorf("got %d profiles, want %d", len(got), len(cases)+1)
	}
	// The SDK's [services] section: sts goes where it says, s3 to the
	// profile's endpoint_url.
	if p := byName["services"]; p.STSEndpointURL != "http://sts.local:1" || p.EndpointURL != "http://127.0.0.1:7070" {
		t.Errorf("services: STS endpoint %q, S3 endpoint %q", p.STSEndpointURL, p.EndpointURL)
	}
	// Keys and a role_arn: the SDK assumes the role with the keys, and
	// the hint says so.
	if p := byName["keys-role"]; p.AccessKeyID != "" || !strings.Contains(p.Hint(), "the profile's own static credentials") {
		t.Errorf("keys-role: AccessKeyID %q, hint %q", p.AccessKeyID, p.Hint())
	}
	if got := byName["self"].AccessKeyID; got != "" {
		t.Errorf("assume-role profile exposes AccessKeyID %q; only static profiles may", got)
	}
}

func TestProfileEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	if p, ok := EnvProfile(); ok {
		t.Fatalf("EnvProfile() = %+v, true with AWS_ACCESS_KEY_ID empty", p)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEENV000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-env")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-3")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
	p, ok := EnvProfile()
	want := ProfileInfo{Name: "(environment)", Kind: KindEnv, Region: "eu-west-3", EndpointURL: "http://127.0.0.1:9000", AccessKeyID: "AKIAEXAMPLEENV000001"}
	if !ok || !reflect.DeepEqual(p, want) {
		t.Errorf("EnvProfile() = %+v, %v; want %+v, true", p, ok, want)
	}

	// The specific variables win over the generic ones, as in the SDK.
	t.Setenv("AWS_REGION", "ap-northeast-1")
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://s3.local:9000")
	p, _ = EnvProfile()
	if p.Region != "ap-northeast-1" || p.EndpointURL != "http://s3.local:9000" {
		t.Errorf("region %q endpoint %q; want ap-northeast-1, http://s3.local:9000", p.Region, p.EndpointURL)
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SECRET_KEY", "")
	p, _ = EnvProfile()
	if p.Problem != "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" ||
		p.Hint() != "export AWS_SECRET_ACCESS_KEY with the key's secret, or unset AWS_ACCESS_KEY_ID" {
		t.Errorf("without a secret: problem %q hint %q", p.Problem, p.Hint())
	}
}

func TestProfileDefaultFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	cfg, creds := DefaultFiles()
	if cfg != filepath.Join(home, ".aws", "config") || creds != filepath.Join(home, ".aws", "credentials") {
		t.Errorf("DefaultFiles() = %q, %q; want files under %s/.aws", cfg, creds, home)
	}

	t.Setenv("AWS_CONFIG_FILE", "/etc/aws/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "~/creds")
	cfg, creds = DefaultFiles()
	if cfg != "/etc/aws/config" || creds != filepath.Join(home, "creds") {
		t.Errorf("DefaultFiles() = %q, %q; want /etc/aws/config, %s", cfg, creds, filepath.Join(home, "creds"))
	}
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
