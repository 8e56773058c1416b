package awsauth

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestCredentialErrorsNameTheCause: each kind of profile that cannot get
// credentials says what failed and what to do, from the SDK's typed errors,
// without a real AWS: an STS endpoint that refuses connections, an STS that
// denies AssumeRole, an SSO profile never signed in, a web identity token
// file that does not exist.
func TestCredentialErrorsNameTheCause(t *testing.T) {
	closed := closedPort(t)
	deny := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
	}))
	defer deny.Close()
	missing := filepath.Join(t.TempDir(), "no-token")
	config := strings.Join([]string{
		"[profile keys]", "region = us-east-1",
		"aws_access_key_id = AKIAEXAMPLEKEYS00001", "aws_secret_access_key = secret-keys-DO-NOT-PRINT",
		"[profile role-refused]", "region = us-east-1", "endpoint_url = " + closed,
		"role_arn = arn:aws:iam::111122223333:role/Migrate", "source_profile = keys",
		"[profile role-denied]", "region = us-east-1", "endpoint_url = " + deny.URL,
		"role_arn = arn:aws:iam::111122223333:role/Migrate", "source_profile = keys",
		"[profile sso]", "region = us-east-1", "sso_session = corp",
		"sso_account_id = 111122223333", "sso_role_name = Admin",
		"[sso-session corp]", "sso_start_url = https://corp.awsapps.com/start", "sso_region = us-east-1",
		"[profile webid]", "region = us-east-1", "endpoint_url = " + closed,
		"role_arn = arn:aws:iam::111122223333:role/Web", "web_identity_token_file = " + missing,
		"",
	}, "\n")
	useFiles(t, config, "")
	cases := map[string]string{
		"role-refused": `profile "role-refused": AssumeRole of arn:aws:iam::111122223333:role/Migrate: STS at ` + closed + ` refused the connection: set the STS endpoint (endpoint_url, a [services] sts endpoint_url, or AWS_ENDPOINT_URL_STS) or check the network`,
		"role-denied":  `profile "role-denied": AssumeRole of arn:aws:iam::111122223333:role/Migrate was denied: the trust policy of arn:aws:iam::111122223333:role/Migrate must allow the identity of source_profile keys`,
		"sso":          `profile "sso": no valid SSO token (never signed in on this machine, or the session expired): run ` + "`aws sso login --profile sso`",
		"webid":        `profile "webid": web_identity_token_file cannot be read: check that the file exists and is readable (the platform, e.g. EKS, writes it)`,
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(context.Background(), name, Options{Log: io.Discard, MaxAttempts: 1})
			if err == nil || err.Error() != want {
				t.Fatalf("Load: %v\nwant %s", err, want)
			}
			if strings.Contains(err.Error(), "DO-NOT-PRINT") {
				t.Errorf("a secret in the error: %v", err)
			}
		})
	}
}

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}
