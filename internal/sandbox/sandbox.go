// Package sandbox runs a real S3 server (Versity Gateway, posix backend)
// inside this process, with two accounts — origin and destination — that each
// own one bucket. Cross-account access is denied until a bucket policy grants
// it, so a migration against the sandbox meets the same walls as one on AWS.
//
// Only one sandbox can run per process: the gateway keeps package-level state.
// Note that the posix backend changes the process's working directory to its
// data directory while it runs; callers resolve their own paths first.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/versity/versitygw/auth"
	"github.com/versity/versitygw/backend/meta"
	"github.com/versity/versitygw/backend/posix"
	"github.com/versity/versitygw/embedgw"

	"github.com/s3migrate/s3migrate/internal/sandbox/batchops"
)

// Profile names written into the sandbox's AWS config files.
const (
	OriginProfile = "sandbox-origin"
	DestProfile   = "sandbox-dest"
	Region        = "us-east-1"
)

// Bucket names created by Start.
const (
	OriginBucket = "origin-data"
	DestBucket   = "dest-archive"
)

// Account is one identity in the gateway's IAM.
type Account struct {
	Name string
	// ID is the account's 12-digit id (OriginAccountID, DestAccountID), as
	// S3 Control names it; empty for Root.
	ID        string
	AccessKey string
	SecretKey string
}

// Options configure Start. Zero values give a fresh temporary directory, a
// free loopback port and the full seed.
type Options struct {
	// Dir holds the data, IAM and the generated AWS config files. Empty means
	// a new temporary directory that Close removes.
	Dir string
	// Addr is the loopback address to listen on ("127.0.0.1:7070"). Empty
	// picks a free port.
	Addr string
	// Seed chooses how much sample data goes into the origin bucket.
	Seed SeedSize
}

// Sandbox is a running gateway.
type Sandbox struct {
	// Endpoint is the gateway's base URL, e.g. http://127.0.0.1:41234.
	Endpoint string
	// Dir is the sandbox's directory (data/ and aws/).
	Dir string
	// Root is the gateway's admin account, which can repair any bucket.
	Root Account
	// Origin and Dest are the two migration accounts.
	Origin, Dest Account
	// ConfigFile and CredentialsFile are the AWS shared config pair with
	// the OriginProfile and DestProfile profiles.
	ConfigFile, CredentialsFile string

	removeDir bool
	cancel    context.CancelFunc
	done      chan error

	mu      sync.Mutex
	clients map[string]*s3.Client

	batch *batchops.Emulator // S3 Batch Operations emulator (batchops.go)
}

// Start launches the gateway, creates both accounts and buckets, writes the
// AWS config pair and seeds the origin bucket.
func Start(ctx context.Context, opts Options) (*Sandbox, error) {
	s := &Sandbox{}
	dir := opts.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "s3migrate-sandbox-")
		if err != nil {
			return nil, fmt.Errorf("sandbox: temp dir: %w", err)
		}
		dir, s.removeDir = d, true
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s.Dir = dir
	dataDir := filepath.Join(dir, "data")
	if err := os.RemoveAll(dataDir); err != nil {
		return nil, fmt.Errorf("sandbox: clean %s: %w", dataDir, err)
	}
	for _, d := range []string{dataDir, filepath.Join(dir, "aws")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}

	addr, err := loopbackAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	s.Endpoint = "http://" + addr
	s.Root = Account{Name: "root", AccessKey: "SANDBOXROOT" + randHex(4), SecretKey: randHex(20)}
	s.Origin = Account{Name: "origin", ID: OriginAccountID, AccessKey: "ORIGIN" + randHex(6), SecretKey: randHex(20)}
	s.Dest = Account{Name: "destination", ID: DestAccountID, AccessKey: "DEST" + randHex(7), SecretKey: randHex(20)}

	var ms meta.MetadataStorer = meta.XattrMeta{}
	popts := posix.PosixOpts{CopyObjectThreshold: 5 << 30}
	if (meta.XattrMeta{}).Test(dataDir) != nil {
		// Filesystems without user xattrs (some tmpfs, overlay setups) keep
		// metadata in a sidecar directory instead.
		side := filepath.Join(dir, "meta")
		if err := os.MkdirAll(side, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		sc, err := meta.NewSideCar(side)
		if err != nil {
			return nil, fmt.Errorf("sandbox: sidecar metadata: %w", err)
		}
		ms, popts.SideCarDir = sc, side
	}
	be, err := posix.New(dataDir, ms, popts)
	if err != nil {
		return nil, fmt.Errorf("sandbox: posix backend: %w", err)
	}

	cfg := &embedgw.Config{
		RootUserAccess:      s.Root.AccessKey,
		RootUserSecret:      s.Root.SecretKey,
		Region:              Region,
		Ports:               []string{addr},
		MaxConnections:      1000,
		MaxRequests:         1000,
		AdminMaxConnections: 100,
		AdminMaxRequests:    100,
		MultipartMaxParts:   10000,
		Quiet:               true,
		KeepAlive:           true,
	}
	cfg.IAMService = newMemIAM(
		auth.Account{Access: s.Origin.AccessKey, Secret: s.Origin.SecretKey, Role: auth.RoleUserPlus, UserID: 1000, GroupID: 1000},
		auth.Account{Access: s.Dest.AccessKey, Secret: s.Dest.SecretKey, Role: auth.RoleUserPlus, UserID: 1001, GroupID: 1001},
	)
	cfg.S3Options = append(cfg.S3Options, s.newBatchOps(cfg.IAMService))

	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.done = make(chan error, 1)
	go func() { s.done <- embedgw.RunVersityGW(runCtx, be, cfg) }()

	if err := s.waitReady(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.writeProfiles(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.setup(ctx, opts.Seed); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the gateway and removes a temporary directory.
func (s *Sandbox) Close() error {
	if s.cancel == nil {
		return nil
	}
	if s.batch != nil {
		s.batch.Close()
	}
	s.cancel()
	var err error
	select {
	case err = <-s.done:
	case <-time.After(3 * time.Second):
		// The gateway waits for idle keep-alive connections before it
		// returns; nothing is left to flush by then, so do not wait for it.
	}
	s.cancel = nil
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	if s.removeDir {
		_ = os.RemoveAll(s.Dir)
	}
	return err
}

// Env returns the environment lines that point the AWS SDK and CLI at the
// sandbox's config pair.
func (s *Sandbox) Env() []string {
	return []string{
		"AWS_CONFIG_FILE=" + s.ConfigFile,
		"AWS_SHARED_CREDENTIALS_FILE=" + s.CredentialsFile,
	}
}

func (s *Sandbox) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(15 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			return fmt.Errorf("sandbox: gateway stopped: %v", err)
		default:
		}
		resp, err := client.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("sandbox: gateway did not answer within 15s")
}

func (s *Sandbox) writeProfiles() error {
	awsDir := filepath.Join(s.Dir, "aws")
	s.ConfigFile = filepath.Join(awsDir, "config")
	s.CredentialsFile = filepath.Join(awsDir, "credentials")
	var cfg, creds strings.Builder
	for _, p := range []struct {
		name string
		acc  Account
	}{{OriginProfile, s.Origin}, {DestProfile, s.Dest}} {
		fmt.Fprintf(&cfg, "[profile %s]\nregion = %s\nendpoint_url = %s\n\n", p.name, Region, s.Endpoint)
		fmt.Fprintf(&creds, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", p.name, p.acc.AccessKey, p.acc.SecretKey)
	}
	if err := os.WriteFile(s.ConfigFile, []byte(cfg.String()), 0o600); err != nil {
		return fmt.Errorf("sandbox: write config: %w", err)
	}
	if err := os.WriteFile(s.CredentialsFile, []byte(creds.String()), 0o600); err != nil {
		return fmt.Errorf("sandbox: write credentials: %w", err)
	}
	return nil
}

// loopbackAddr returns addr if given (it must be on loopback), or a free
// loopback port.
func loopbackAddr(addr string) (string, error) {
	if addr != "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return "", fmt.Errorf("sandbox: --addr %q: want host:port, e.g. 127.0.0.1:7070", addr)
		}
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", fmt.Errorf("sandbox: --addr %q: the sandbox listens on loopback only (127.0.0.1 or [::1])", addr)
		}
		return addr, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
