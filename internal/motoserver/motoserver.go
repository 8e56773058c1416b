// Package motoserver runs moto's server (python3 -m moto.server), the
// AWS-like peer of the tests, on a loopback port with two accounts, and
// writes AWS config/credentials files whose profiles point at it.
//
// One server serves a whole test binary: Need starts it the first time it is
// called (sync.Once) and it dies with the test process (Setpdeathsig on
// Linux, and a context that is never cancelled elsewhere). Each test writes
// its own profile files with WriteProfiles.
//
// moto's limits, so nobody mistakes them for s3migrate's:
//   - bucket policies: only statements with Principal "*" are evaluated, so
//     a grant to an ARN cannot be proven by a denial before it (check the
//     stored JSON; denials are shown on the sandbox);
//   - object tags are kept per requesting account;
//   - KMS objects get MD5 ETags (AWS's are not MD5s);
//   - with IAM enforcement on, its signature check rejects some query
//     strings (it is off here: any key of a known user is accepted);
//   - without the Python package awscrt (not on these machines), moto
//     "computes" a CRC64NVME checksum as a CRC32 (4 bytes, labelled
//     CRC64NVME; moto/s3/utils.py compute_checksum): an object written or
//     copied with CRC64NVME then fails the SDK's response checksum check on
//     GET. Server.CRC64NVME says whether this moto gets it right;
//   - an access key moto does not know maps to the default account
//     123456789012; the MOTO_ACCOUNT_ID variable would override every key, so
//     it is removed from the server's environment.
package motoserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The profiles WriteProfiles writes.
const (
	OriginProfile = "origin"    // the origin account's IAM user
	DestProfile   = "dest"      // the destination account's IAM user
	RoleProfile   = "dest-role" // assume-role: DestRole, with the origin user's keys
	Region        = "us-east-1"
)

// RequireEnv, when set (CI sets it), turns a missing moto into a failure.
const RequireEnv = "S3MIGRATE_REQUIRE_MOTO"

// Account is one moto account and the IAM user the tests act as.
type Account struct {
	ID        string // 12 digits
	UserName  string
	UserARN   string // arn:aws:iam::ID:user/NAME
	AccessKey string
	SecretKey string
}

// Server is a running moto server with two accounts.
type Server struct {
	URL    string // http://127.0.0.1:PORT
	Origin Account
	Dest   Account
	// DestRole is a role of the destination account that the origin user
	// may assume (moto does not check the trust policy).
	DestRole string
	// CRC64NVME is true when moto computes CRC64NVME checksums (it has
	// awscrt); false: it stores a CRC32 under that name.
	CRC64NVME bool
	cmd       *exec.Cmd
}

var (
	once   sync.Once
	shared *Server
	errRun error
)

// Need returns the test binary's moto server, starting it the first time.
// Where moto is not installed it skips the test with the reason, or fails it
// when S3MIGRATE_REQUIRE_MOTO is set.
func Need(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts moto's server (not in -short)")
	}
	once.Do(func() { shared, errRun = start() })
	if errRun != nil {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("moto: %v (%s is set, so moto is required)", errRun, RequireEnv)
		}
		t.Skipf("moto: %v; install it (python3 -m pip install 'moto[server]') to run this test, set %s to require it", errRun, RequireEnv)
	}
	return shared
}

// ErrNotInstalled is returned when python3 cannot import moto.
var ErrNotInstalled = errors.New(`python3 -c "import moto.server" fails: moto (with its server extra) is not installed`)

func start() (*Server, error) {
	if out, err := exec.Command("python3", "-c", "import moto.server").CombinedOutput(); err != nil {
		why := err.Error()
		if l := lastLine(string(out)); l != "" {
			why += ": " + l
		}
		return nil, fmt.Errorf("%w (%s)", ErrNotInstalled, why)
	}
	crt := exec.Command("python3", "-c", "from moto.core.compat import HAS_CRT; assert HAS_CRT").Run() == nil
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	host, port, _ := net.SplitHostPort(addr)
	s := &Server{URL: "http://" + addr, CRC64NVME: crt}
	var stderr bytes.Buffer
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		// Pdeathsig fires when the thread that started the child ends: keep
		// this goroutine on its thread for as long as moto runs.
		lockThread()
		cmd := exec.CommandContext(context.Background(), "python3", "-m", "moto.server", "-H", host, "-p", port)
		cmd.Env = serverEnv()
		cmd.Stdout, cmd.Stderr = io.Discard, &lockedWriter{w: &stderr}
		setPdeathsig(cmd)
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		s.cmd = cmd
		started <- nil
		cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("python3 -m moto.server does not start: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("moto's server exited at start: %s", lastLine(stderr.String()))
		default:
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			return nil, fmt.Errorf("moto's server did not listen on %s within 30 s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if s.Origin, err = s.createUser("111111111111", "origin-user"); err != nil {
		s.cmd.Process.Kill()
		return nil, err
	}
	if s.Dest, err = s.createUser("222222222222", "dest-user"); err != nil {
		s.cmd.Process.Kill()
		return nil, err
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + s.Origin.UserARN + `"},"Action":"sts:AssumeRole"}]}`
	var role struct {
		Arn string `xml:"CreateRoleResult>Role>Arn"`
	}
	if err := s.iam(s.Dest.ID, url.Values{"Action": {"CreateRole"}, "RoleName": {"s3migrate-dest"}, "AssumeRolePolicyDocument": {trust}}, &role); err != nil {
		s.cmd.Process.Kill()
		return nil, err
	}
	s.DestRole = role.Arn
	return s, nil
}

// serverEnv is the test's environment without what would change moto's
// account mapping or send it to real AWS.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "MOTO_ACCOUNT_ID=") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// createUser creates an IAM user and an access key in account id: the
// x-moto-account-id header picks the account, and from then on moto maps
// the key to it (moto/iam/models.py get_account_id_from).
func (s *Server) createUser(id, name string) (Account, error) {
	a := Account{ID: id, UserName: name}
	var u struct {
		Arn string `xml:"CreateUserResult>User>Arn"`
	}
	if err := s.iam(id, url.Values{"Action": {"CreateUser"}, "UserName": {name}}, &u); err != nil {
		return a, err
	}
	var k struct {
		ID     string `xml:"CreateAccessKeyResult>AccessKey>AccessKeyId"`
		Secret string `xml:"CreateAccessKeyResult>AccessKey>SecretAccessKey"`
	}
	if err := s.iam(id, url.Values{"Action": {"CreateAccessKey"}, "UserName": {name}}, &k); err != nil {
		return a, err
	}
	if u.Arn == "" || k.ID == "" || k.Secret == "" {
		return a, fmt.Errorf("moto: CreateUser/CreateAccessKey in %s answered no ARN or key", id)
	}
	a.UserARN, a.AccessKey, a.SecretKey = u.Arn, k.ID, k.Secret
	return a, nil
}

// iam sends one signed IAM query call as account id and decodes the answer.
func (s *Server) iam(id string, form url.Values, out any) error {
	form.Set("Version", "2010-05-08")
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("x-moto-account-id", id)
	creds := aws.Credentials{AccessKeyID: "AKIAMOTOBOOTSTRAP000", SecretAccessKey: "bootstrap"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, v4PayloadHash(body), "iam", Region, time.Now()); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("moto IAM %s: %w", form.Get("Action"), err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto IAM %s: %s: %s", form.Get("Action"), resp.Status, lastLine(string(b)))
	}
	return xml.Unmarshal(b, out)
}

// WriteProfiles writes a config and a credentials file into dir: profiles
// origin and dest (each account's user, endpoint_url at moto, us-east-1) and
// dest-role (assume DestRole with the origin user's keys).
func (s *Server) WriteProfiles(dir string) (configFile, credentialsFile string, err error) {
	configFile, credentialsFile = filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	var cfg, creds strings.Builder
	for _, p := range []struct {
		name string
		a    Account
	}{{OriginProfile, s.Origin}, {DestProfile, s.Dest}} {
		fmt.Fprintf(&cfg, "[profile %s]\nregion = %s\nendpoint_url = %s\n\n", p.name, Region, s.URL)
		fmt.Fprintf(&creds, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", p.name, p.a.AccessKey, p.a.SecretKey)
	}
	fmt.Fprintf(&cfg, "[profile %s]\nregion = %s\nendpoint_url = %s\nrole_arn = %s\nsource_profile = %s\n", RoleProfile, Region, s.URL, s.DestRole, OriginProfile)
	if err := os.WriteFile(configFile, []byte(cfg.String()), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(credentialsFile, []byte(creds.String()), 0o600); err != nil {
		return "", "", err
	}
	return configFile, credentialsFile, nil
}

// Use writes the profile files into a temporary directory of t and points
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at them for the test.
func (s *Server) Use(t testing.TB) {
	t.Helper()
	cfg, creds, err := s.WriteProfiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_PROFILE", "")
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// lockedWriter lets the start-up read what moto wrote while it runs.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w.Len() > 64<<10 {
		return len(p), nil
	}
	return l.w.Write(p)
}

func v4PayloadHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}
