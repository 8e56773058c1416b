package awsauth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// useFiles points the SDK and DefaultFiles at a config and a credentials
// file with the given contents.
func useFiles(t *testing.T, config, credentials string) (cfgPath, credPath string) {
	t.Helper()
	dir := t.TempDir()
	cfgPath, credPath = filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	for p, text := range map[string]string{cfgPath: config, credPath: credentials} {
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", cfgPath)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credPath)
	return cfgPath, credPath
}

// TestMalformedFilesNeverEchoSecrets: a secret wrapped onto a line of its
// own and a credential_process line without "=" (its --password=… in view)
// are reported by file, line and key, by ListProfiles and by Load alike,
// and the secret is not in the message.
func TestMalformedFilesNeverEchoSecrets(t *testing.T) {
	const secret = "wrapped-SECRET-DO-NOT-PRINT"
	const password = "hunter2-DO-NOT-PRINT"
	cases := []struct {
		name, config, credentials string
		inCredentials             bool
		want                      string
	}{
		{
			name:          "wrapped secret in the credentials file",
			credentials:   "[wrapped]\naws_access_key_id = AKIAEXAMPLEWRAP00001\naws_secret_access_key = first-half/\n" + secret + "\n",
			inCredentials: true,
			want:          "line 4: not a section header or KEY = VALUE; if it continues aws_secret_access_key from line 3, indent it (line not shown: it may hold a secret)",
		},
		{
			// The old redaction spared config files unless the line said
			// "secret" or "token"; a wrapped key says neither.
			name:   "wrapped secret in the config file",
			config: "[profile wrapped]\naws_access_key_id = AKIAEXAMPLEWRAP00001\naws_secret_access_key = first-half/\n" + secret + "\n",
			want:   "line 4: not a section header or KEY = VALUE; if it continues aws_secret_access_key from line 3, indent it (line not shown: it may hold a secret)",
		},
		{
			name:   "credential_process without =",
			config: "[profile wrapped]\nregion = us-east-1\ncredential_process /usr/local/bin/vault-creds --password=" + password + "\n",
			want:   `line 3: key credential_process without "=": write credential_process = VALUE (line not shown: it may hold a secret)`,
		},
		{
			name:   "broken header",
			config: "[profile " + secret + "\nregion = us-east-1\n",
			want:   `line 1: a section header without a closing "]": add it`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, creds := useFiles(t, c.config, c.credentials)
			file := "config file " + cfg
			if c.inCredentials {
				file = "credentials file " + creds
			}
			_, listErr := ListProfiles(cfg, creds)
			_, loadErr := Load(context.Background(), "wrapped", Options{})
			for what, err := range map[string]error{"ListProfiles": listErr, "Load": loadErr} {
				if err == nil {
					t.Fatalf("%s: no error", what)
				}
				msg := err.Error()
				if msg != file+" "+c.want {
					t.Errorf("%s:\n got %q\nwant %q", what, msg, file+" "+c.want)
				}
				if strings.Contains(msg, secret) || strings.Contains(msg, password) || strings.Contains(msg, "first-half") {
					t.Errorf("%s printed a secret: %q", what, msg)
				}
			}
		})
	}
}

// TestCredentialProcessOutputNeverEchoed: the SDK quotes a credential
// process's output when it is not JSON; Load must not pass that on.
func TestCredentialProcessOutputNeverEchoed(t *testing.T) {
	const secret = "proc-SECRET-DO-NOT-PRINT"
	cases := map[string]struct{ command, want string }{
		"not JSON": {`echo '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "` + secret + `",'`,
			`profile "proc": credential_process printed something that is not the credentials JSON (not shown: it may hold a secret): run the command by hand to see its output`},
		"fails": {`sh -c 'echo ` + secret + `; exit 3'`,
			`profile "proc": credential_process failed (exit status 3): run the profile's credential_process command by hand to see its error`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			useFiles(t, "[profile proc]\nregion = us-east-1\ncredential_process = "+c.command+"\n", "")
			_, err := Load(context.Background(), "proc", Options{})
			if err == nil || err.Error() != c.want {
				t.Fatalf("Load: %v\nwant %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the process output was printed: %q", err)
			}
		})
	}
}

// TestNamedProfileWithoutCredentialsNeverAsksIMDS: a named profile that
// names no credentials fails with its own error, and the instance metadata
// service (a counting server standing in for 169.254.169.254) sees no
// request. "default" with only a region, and a role whose
// credential_source is Ec2InstanceMetadata, do ask it — which is also what
// shows the stand-in would notice.
func TestNamedProfileWithoutCredentialsNeverAsksIMDS(t *testing.T) {
	var hits atomic.Int32
	imdsServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer imdsServer.Close()
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imdsServer.URL)
	config := strings.Join([]string{
		"[default]", "region = us-east-1",
		"[profile region-only]", "region = eu-west-1", "endpoint_url = http://127.0.0.1:9",
		"[profile half-key]", "aws_access_key_id = AKIAEXAMPLEHALF00001",
		"[profile role-only]", "role_arn = arn:aws:iam::111122223333:role/Lonely",
		"[profile instance-role]", "role_arn = arn:aws:iam::111122223333:role/FromInstance", "credential_source = Ec2InstanceMetadata",
		"",
	}, "\n")
	useFiles(t, config, "")

	refused := map[string]string{
		"region-only": `profile "region-only" has no usable credentials: no credentials: add keys, sso_session, role_arn or credential_process: aws configure --profile region-only (keys), or aws configure sso --profile region-only (a named profile never falls back to the EC2 instance role)`,
		"half-key":    `profile "half-key" cannot be used: aws_access_key_id is set without aws_secret_access_key: add aws_secret_access_key to profile half-key: aws configure --profile half-key`,
		"role-only":   `profile "role-only" has no usable credentials: role_arn is set without source_profile or credential_source: add source_profile or credential_source to profile role-only (a named profile never falls back to the EC2 instance role)`,
	}
	for name, want := range refused {
		_, err := Load(context.Background(), name, Options{Log: io.Discard})
		if err == nil || err.Error() != want {
			t.Errorf("Load(%s): %v\nwant %q", name, err, want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the instance metadata service was asked %d times for named profiles without credentials", n)
	}

	for _, name := range []string{"default", "instance-role"} {
		hits.Store(0)
		_, err := Load(context.Background(), name, Options{Log: io.Discard})
		if err == nil {
			t.Errorf("Load(%s) succeeded without instance credentials", name)
		}
		if hits.Load() == 0 {
			t.Errorf("Load(%s) did not ask the instance metadata service (%v): the stand-in is not in use, so the check above proves nothing", name, err)
		}
	}
}
