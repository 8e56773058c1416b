// Package awsauth turns AWS profile names into configured clients and
// identities: the shared config and credentials files, custom endpoints, CA
// bundles and the classified errors an operator can act on.
package awsauth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
)

// Session is one profile's resolved configuration.
type Session struct {
	// Profile is the profile name ("" for environment credentials only).
	Profile string
	// Config is the SDK configuration, with this tool's HTTP client and
	// retryer.
	Config aws.Config
	// Endpoint is the custom S3 endpoint, or "" for AWS.
	Endpoint string
	// AccessKeyID identifies the credentials (never the secret). On servers
	// without STS it is the identity that bucket policies name.
	AccessKeyID string

	s3 *s3.Client

	mu       sync.Mutex
	byRegion map[string]*s3.Client // clients per region
	regionOf map[string]string     // bucket → region, as discovered
}

// Options tune the clients a Session builds.
type Options struct {
	// MaxConns bounds idle connections kept per host; set it to at least the
	// copy concurrency so connections are reused.
	MaxConns int
	// MaxAttempts is the SDK-level retry budget of one call (default 5).
	MaxAttempts int
	// MFAToken is asked for the code when a role profile names mfa_serial.
	// The terminal commands prompt on stdin; the TUI opens a modal input.
	// Nil means such profiles fail with a clear error.
	MFAToken func(serial string) (string, error)
	// Log receives the SDK's own log lines (nil: standard error). The TUI
	// points it at its log file so nothing is printed over the screen.
	Log io.Writer
}

// DefaultProfile is the profile used when none is named: AWS_PROFILE, else
// "default".
func DefaultProfile() string {
	if p := os.Getenv("AWS_PROFILE"); p != "" {
		return p
	}
	return "default"
}

// Load resolves a profile: config and credentials files, region, endpoint_url
// (AWS_ENDPOINT_URL[_S3] too) and AWS_CA_BUNDLE. It retrieves credentials once
// so that a missing profile or expired credentials fail here, with a hint,
// rather than on the first object.
func Load(ctx context.Context, profile string, opt Options) (*Session, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 64
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	// The SDK applies AWS_CA_BUNDLE only to its own buildable client, so this
	// client is built from it rather than from net/http directly.
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = opt.MaxConns * 2
		t.MaxIdleConnsPerHost = opt.MaxConns * 2
		t.IdleConnTimeout = 90 * time.Second
	})
	loadOpts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(httpClient),
		config.WithLogger(logging.NewStandardLogger(cmp.Or[io.Writer](opt.Log, os.Stderr))),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = opt.MaxAttempts
				o.MaxBackoff = 20 * time.Second
				// The default client-side retry quota gives up on a burst of
				// SlowDowns from a busy bucket; the engine paces itself instead.
				o.RateLimiter = ratelimit.None
			})
		}),
	}
	if profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(profile))
	}
	loadOpts = append(loadOpts, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
		serial := aws.ToString(o.SerialNumber)
		o.TokenProvider = func() (string, error) {
			if opt.MFAToken == nil {
				return "", fmt.Errorf("profile %q needs an MFA code for %s and there is no terminal to ask on", profile, serial)
			}
			return opt.MFAToken(serial)
		}
	}))
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		// A profile that seems missing may sit behind a line the SDK could
		// not read: our parser names the file and line.
		cfgFile, credFile := DefaultFiles()
		if _, perr := ListProfiles(cfgFile, credFile); perr != nil {
			return nil, perr
		}
		return nil, classifyLoadError(profile, err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	s := &Session{Profile: profile, Config: cfg}
	s.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Servers that store no checksum are normal here; do not log each.
		o.DisableLogOutputChecksumValidationSkipped = true
		if o.BaseEndpoint != nil {
			// S3-compatible servers rarely have wildcard DNS for buckets.
			o.UsePathStyle = true
		}
	})
	if ep := s.s3.Options().BaseEndpoint; ep != nil {
		s.Endpoint = *ep
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, classifyCredentialError(profile, err)
	}
	s.AccessKeyID = creds.AccessKeyID
	return s, nil
}

// S3 returns the session's S3 client.
func (s *Session) S3() *s3.Client { return s.s3 }

// Name describes the identity for messages: "profile sandbox-dest".
func (s *Session) Name() string {
	if s.Profile == "" {
		return "environment credentials"
	}
	return "profile " + s.Profile
}

// SameEndpoint reports whether two sessions talk to the same S3 service, so a
// server-side copy between them is possible.
func (s *Session) SameEndpoint(o *Session) bool {
	return strings.TrimRight(s.Endpoint, "/") == strings.TrimRight(o.Endpoint, "/")
}

func classifyLoadError(profile string, err error) error {
	var notExist config.SharedConfigProfileNotExistError
	if errors.As(err, &notExist) {
		return fmt.Errorf("profile %q is not in the AWS config or credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE): check the name, or run `aws configure --profile %s`", profile, profile)
	}
	return fmt.Errorf("load AWS profile %q: %v: fix the config file or pick another profile", profile, firstLine(err.Error()))
}

func classifyCredentialError(profile string, err error) error {
	msg := err.Error()
	name := profile
	if name == "" {
		name = "default"
	}
	switch {
	case strings.Contains(msg, "SSO") || strings.Contains(msg, "sso"):
		return fmt.Errorf("profile %q: the SSO session is missing or expired: run `aws sso login --profile %s`", name, name)
	case strings.Contains(msg, "expired"):
		return fmt.Errorf("profile %q: the credentials have expired: refresh them and try again", name)
	case strings.Contains(msg, "no EC2 IMDS role found") || strings.Contains(msg, "failed to refresh cached credentials") || strings.Contains(msg, "static credentials are empty"):
		return fmt.Errorf("profile %q has no usable credentials: add aws_access_key_id/aws_secret_access_key, sso_session, role_arn or credential_process to it", name)
	}
	return fmt.Errorf("profile %q: cannot get credentials: %s", name, firstLine(msg))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
