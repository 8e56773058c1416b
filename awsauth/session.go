// Package awsauth turns AWS profile names into configured clients and
// identities: the shared config and credentials files, custom endpoints, CA
// bundles and the classified errors an operator can act on.
package awsauth

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/s3migrate/s3migrate/internal/s3err"
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
	// requesterPays: every S3 request says the caller pays (Options).
	requesterPays bool
	timeouts      Timeouts // as loaded, with defaults filled in

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
	// Timeouts bound silent connections; zero fields take DefaultTimeouts'.
	// Tests shorten them, so a silent endpoint costs seconds, not half a
	// minute.
	Timeouts Timeouts
	// RequesterPays sends x-amz-request-payer: requester with every S3
	// request of the session (--request-payer requester): the caller
	// accepts the charges of reading a Requester Pays bucket, which S3
	// otherwise refuses. Buckets that are not Requester Pays ignore it.
	RequesterPays bool
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
//
// A named profile must name its credentials: one without any (only a region,
// half a key pair, a role without a source) fails with its own error instead
// of falling through, as the SDK would, to the container and EC2 instance
// metadata endpoints — on a laptop that is a long wait and a misleading error,
// on an instance it silently acts as the instance role. Only "default" (and
// no profile at all) may use the instance role, as the AWS CLI does, and a
// profile whose credential_source says Ec2InstanceMetadata.
func Load(ctx context.Context, profile string, opt Options) (*Session, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 64
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	// Our parser first: it names the file, line and key of a line the SDK
	// would silently drop (a wrapped secret then fails much later as a bad
	// signature), and it knows which profiles name no credentials.
	cfgFile, credFile := DefaultFiles()
	infos, err := ListProfiles(cfgFile, credFile)
	if err != nil {
		return nil, err
	}
	allowIMDS, err := checkCredentialSource(profile, infos)
	if err != nil {
		return nil, err
	}

	t := opt.Timeouts.orDefaults()
	// The SDK applies AWS_CA_BUNDLE only to its own buildable client, so every
	// client here is derived from one: the bundle lands in its transport and
	// the copies made from it keep it.
	base := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = t.Connect }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConns = opt.MaxConns * 2
			tr.MaxIdleConnsPerHost = opt.MaxConns * 2
			tr.IdleConnTimeout = 90 * time.Second
			tr.TLSHandshakeTimeout = t.TLSHandshake
			// Counted from the end of the request body, so an upload of any
			// size is not cut by it.
			tr.ResponseHeaderTimeout = t.Answer
		})
	loadOpts := []func(*config.LoadOptions) error{
		// Credential services (STS, SSO) answer small bodies quickly: a total
		// deadline per call is safe there, unlike on S3 data calls.
		config.WithHTTPClient(base.WithTimeout(2 * t.Answer)),
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
	if !allowIMDS {
		// Belt and braces for checkCredentialSource: should the SDK read a
		// profile differently from our parser, it still cannot reach the
		// instance metadata service for it.
		loadOpts = append(loadOpts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	stsBase := ""
	for _, p := range infos {
		if p.Name == profile {
			stsBase = p.baseEndpoint
		}
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		stsBase = v
	}
	if ignore, _ := strconv.ParseBool(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")); ignore {
		stsBase = ""
	}
	loadOpts = append(loadOpts, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
		// The SDK builds the AssumeRole client before it reads the
		// endpoint_url that applies to every service (the profile's, or
		// AWS_ENDPOINT_URL), so a role profile of an S3-compatible service
		// (or a test peer) would call the public STS. Where no STS
		// endpoint of its own is set (AWS_ENDPOINT_URL_STS, the profile's
		// [services] sts endpoint_url: those the SDK did apply), send it
		// where the aws CLI does.
		if c, ok := o.Client.(*sts.Client); ok && stsBase != "" && c.Options().BaseEndpoint == nil {
			o.Client = sts.New(c.Options(), func(so *sts.Options) { so.BaseEndpoint = aws.String(stsBase) })
		}
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
		return nil, classifyLoadError(profile, err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	// From here on every client of the session (S3, STS, per region) goes
	// through the watchdog; the credential providers built above keep the
	// plain client.
	cfg.HTTPClient = newWatchedClient(cfg.HTTPClient, t)
	cfg.APIOptions = append(cfg.APIOptions, surfaceNoAnswer)
	s := &Session{Profile: profile, Config: cfg, timeouts: t, requesterPays: opt.RequesterPays}
	s.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Servers that store no checksum are normal here; do not log each.
		o.DisableLogOutputChecksumValidationSkipped = true
		s.s3Options(o)
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
		info := ProfileInfo{Name: profile}
		for _, p := range infos {
			if p.Name == profile {
				info = p
			}
		}
		return nil, classifyCredentialError(info, err)
	}
	s.AccessKeyID = creds.AccessKeyID
	return s, nil
}

// checkCredentialSource refuses a named profile that names no credentials
// (see Load) and reports whether the SDK may consult the EC2 instance
// metadata service for this profile.
func checkCredentialSource(profile string, infos []ProfileInfo) (allowIMDS bool, err error) {
	if profile == "" {
		// No profile: the SDK's own chain (environment, then the instance).
		return true, nil
	}
	byName := make(map[string]ProfileInfo, len(infos))
	for _, p := range infos {
		byName[p.Name] = p
	}
	info, ok := byName[profile]
	switch {
	case !ok:
		// Missing: the SDK reports it, except for "default", which may be
		// absent on an instance that uses its role.
		return profile == "default", nil
	case profile == "default" && info.Problem == problemNoCredentials:
		// A [default] with only a region is how instances are set up.
		return true, nil
	case info.refused:
		return false, &loadError{
			msg: fmt.Sprintf("profile %q cannot be used: %s: %s", profile, info.Problem, info.Hint()),
		}
	case info.noSource:
		return false, &loadError{
			msg: fmt.Sprintf("profile %q has no usable credentials: %s: %s (a named profile never falls back to the EC2 instance role)", profile, info.Problem, info.Hint()),
		}
	}
	// A role chain may end at credential_source = Ec2InstanceMetadata.
	seen := map[string]bool{}
	for p, ok := info, true; ok && !seen[p.Name]; p, ok = byName[p.SourceProfile] {
		seen[p.Name] = true
		if p.CredentialSource == "Ec2InstanceMetadata" {
			return true, nil
		}
	}
	return false, nil
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

// loadError is a failure to load a profile, told in words the operator can
// act on. It keeps the SDK's error for errors.As but never prints it: SDK
// messages can quote a credential_process's output, which holds secrets.
type loadError struct {
	msg string
	err error
}

func (e *loadError) Error() string { return e.msg }
func (e *loadError) Unwrap() error { return e.err }

func classifyLoadError(profile string, err error) error {
	var notExist config.SharedConfigProfileNotExistError
	if errors.As(err, &notExist) {
		return &loadError{err: err, msg: fmt.Sprintf("profile %q is not in the AWS config or credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE): check the name, or run `aws configure --profile %s`", profile, shellQuote(profile))}
	}
	return &loadError{err: err, msg: fmt.Sprintf("load AWS profile %q: %s: fix the config file or pick another profile", profile, firstLine(err.Error()))}
}

// classifyCredentialError tells why a profile yielded no credentials, from
// the SDK's typed errors: the call that failed (AssumeRole, the SSO role
// credentials, the web identity exchange), its error code or the network
// failure, and the fix for that kind of profile.
func classifyCredentialError(info ProfileInfo, err error) error {
	name := cmp.Or(info.Name, "default")
	quoted := shellQuote(name)
	fail := func(format string, a ...any) error {
		return &loadError{err: err, msg: fmt.Sprintf("profile %q: ", name) + fmt.Sprintf(format, a...)}
	}
	var pe *processcreds.ProviderError
	if errors.As(err, &pe) {
		// The SDK quotes the command's whole output when it is not JSON:
		// that output is the secret, so only its shape is told.
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var exit *exec.ExitError
		switch {
		case errors.As(err, &syntax), errors.As(err, &typ):
			return fail("credential_process printed something that is not the credentials JSON (not shown: it may hold a secret): run the command by hand to see its output")
		case errors.As(err, &exit):
			return fail("credential_process failed (%s): run the profile's credential_process command by hand to see its error", exit.ProcessState)
		}
		return fail("credential_process: %s: run the profile's credential_process command by hand to see its output", firstLine(pe.Err.Error()))
	}
	var token *ssocreds.InvalidTokenError
	if errors.As(err, &token) || info.Kind == KindSSO && errors.Is(err, fs.ErrNotExist) {
		// A legacy SSO profile says so with a type; one with sso_session
		// fails to open the token cache file.
		return fail("no valid SSO token (never signed in on this machine, or the session expired): run `aws sso login --profile %s`", quoted)
	}
	code := s3err.Code(err)
	var op *smithy.OperationError
	if errors.As(err, &op) {
		where, unreachable := unreachableEndpoint(err)
		switch op.OperationName {
		case "AssumeRole":
			switch {
			case unreachable != "":
				return fail("AssumeRole of %s: STS at %s %s: set the STS endpoint (endpoint_url, a [services] sts endpoint_url, or AWS_ENDPOINT_URL_STS) or check the network", info.RoleARN, where, unreachable)
			case code == "AccessDenied":
				return fail("AssumeRole of %s was denied: %s", info.RoleARN, strings.TrimPrefix(info.Hint(), "if AssumeRole is denied: "))
			case s3err.IsCredential(err) || code == "InvalidClientTokenId":
				return fail("the credentials that assume %s were rejected (%s): refresh those of %s", info.RoleARN, code, roleSource(info))
			}
			return fail("AssumeRole of %s: %s", info.RoleARN, firstLine(err.Error()))
		case "AssumeRoleWithWebIdentity":
			switch {
			case unreachable != "":
				return fail("AssumeRoleWithWebIdentity of %s: STS at %s %s: check the network or AWS_ENDPOINT_URL_STS", info.RoleARN, where, unreachable)
			case code == "InvalidIdentityToken", code == "ExpiredTokenException", code == "IDPRejectedClaim":
				return fail("the web identity token was rejected (%s): check that web_identity_token_file holds a fresh token and that %s trusts its issuer", code, info.RoleARN)
			case code == "AccessDenied":
				return fail("AssumeRoleWithWebIdentity of %s was denied: its trust policy must allow the token's issuer and subject", info.RoleARN)
			}
			return fail("AssumeRoleWithWebIdentity of %s: %s", info.RoleARN, firstLine(err.Error()))
		case "GetRoleCredentials":
			switch {
			case unreachable != "":
				return fail("the SSO portal at %s %s: check sso_region and the network", where, unreachable)
			case code == "UnauthorizedException":
				return fail("the SSO session expired: run `aws sso login --profile %s`", quoted)
			case code == "ForbiddenException", code == "ResourceNotFoundException":
				return fail("IAM Identity Center gives you no role %s in account %s (%s): check sso_account_id and sso_role_name, or ask for the assignment", info.SSORoleName, info.SSOAccountID, code)
			}
			return fail("SSO role credentials: %s", firstLine(err.Error()))
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to retrieve jwt"):
		return fail("web_identity_token_file cannot be read: check that the file exists and is readable (the platform, e.g. EKS, writes it)")
	case strings.Contains(msg, "SSO") || strings.Contains(msg, "sso"):
		return fail("the SSO session is missing or expired: run `aws sso login --profile %s`", quoted)
	case strings.Contains(msg, "expired"):
		return fail("the credentials have expired: refresh them and try again")
	case strings.Contains(msg, "EC2 IMDS") || strings.Contains(msg, "static credentials are empty"):
		return fail("no usable credentials: add aws_access_key_id/aws_secret_access_key, sso_session, role_arn or credential_process to it")
	}
	return fail("cannot get credentials: %s", firstLine(msg))
}

// roleSource names what assumes a profile's role, for messages.
func roleSource(info ProfileInfo) string {
	switch {
	case info.SourceProfile != "":
		return "profile " + info.SourceProfile
	case info.CredentialSource != "":
		return "credential_source " + info.CredentialSource
	}
	return "profile " + cmp.Or(info.Name, "default")
}

// unreachableEndpoint tells a request that got no HTTP answer: where it
// went and why ("" when the endpoint did answer).
func unreachableEndpoint(err error) (endpoint, why string) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "", ""
	}
	endpoint = ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		endpoint = u.Scheme + "://" + u.Host
	}
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return endpoint, "has a host name that does not resolve"
	case errors.Is(err, syscall.ECONNREFUSED):
		return endpoint, "refused the connection"
	case ue.Timeout():
		return endpoint, "did not answer"
	}
	return endpoint, "cannot be reached: " + firstLine(ue.Err.Error())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Timeouts bound how long a connection may stay silent. None of them is a
// deadline on a whole call: a 5 GiB part copy or a relay GET may take many
// minutes as long as bytes keep moving.
type Timeouts struct {
	// Connect bounds the TCP connect.
	Connect time.Duration
	// TLSHandshake bounds the TLS handshake.
	TLSHandshake time.Duration
	// Answer bounds the wait for the response headers once the request is
	// sent, and any pause of a body in either direction: bytes that stop
	// arriving, or a server that stops taking the upload.
	Answer time.Duration
	// CopyAnswer replaces Answer for server-side copies (CopyObject,
	// UploadPartCopy) and CompleteMultipartUpload: AWS answers those at once
	// and keeps the connection alive with spaces, but S3-compatible servers
	// often answer only when the copy is done.
	CopyAnswer time.Duration
}

// DefaultTimeouts are the timeouts of a session whose Options leave them
// zero.
var DefaultTimeouts = Timeouts{Connect: 10 * time.Second, TLSHandshake: 10 * time.Second, Answer: 30 * time.Second, CopyAnswer: 15 * time.Minute}

// orDefaults fills the zero fields from DefaultTimeouts.
func (t Timeouts) orDefaults() Timeouts {
	d := DefaultTimeouts
	t.Connect = cmp.Or(t.Connect, d.Connect)
	t.TLSHandshake = cmp.Or(t.TLSHandshake, d.TLSHandshake)
	t.Answer = cmp.Or(t.Answer, d.Answer)
	t.CopyAnswer = cmp.Or(t.CopyAnswer, d.CopyAnswer)
	return t
}

// NoAnswerError is a connection on which the endpoint went silent: no TCP
// connect, no TLS handshake, no response headers, or a body that stopped
// moving. It names the endpoint and the time waited and says what to check;
// it deliberately does not unwrap to the context cancellation that stopped
// the request, which callers would take for the user's own cancel.
type NoAnswerError struct {
	// Endpoint is scheme://host of the request.
	Endpoint string
	// What went silent: "connect", "tls", "answer", "download" or "upload".
	Phase string
	// Waited is how long it was silent.
	Waited time.Duration
	// answeredBefore is whether this endpoint has ever answered this
	// session: then a silence is a hiccup worth a retry, otherwise the
	// endpoint is wrong or unreachable and retrying only multiplies the wait.
	answeredBefore bool
}

func (e *NoAnswerError) Error() string {
	return "the endpoint " + e.Endpoint + " " + e.what() + ": check endpoint_url / the network"
}

func (e *NoAnswerError) what() string {
	switch e.Phase {
	case "connect":
		return "did not accept a connection within " + e.Waited.String()
	case "tls":
		return "did not complete the TLS handshake within " + e.Waited.String()
	case "download":
		return "stopped sending data for " + e.Waited.String()
	case "upload":
		return "stopped taking data for " + e.Waited.String()
	}
	return "did not answer within " + e.Waited.String()
}

// Timeout reports true, like the net package's timeouts.
func (e *NoAnswerError) Timeout() bool { return true }

// RetryableError tells the SDK's retryer (and transfer.Retryable) whether
// another attempt makes sense; see answeredBefore.
func (e *NoAnswerError) RetryableError() bool { return e.answeredBefore }

// watchedClient is the HTTP client of a session's S3 and STS clients. It
// picks the transport by the kind of call (copies may take long to answer),
// turns the transport's timeouts into a NoAnswerError and watches bodies in
// both directions for stalls, which a transport cannot do without cutting
// long transfers.
type watchedClient struct {
	quick, copy aws.HTTPClient
	t           Timeouts
	hosts       sync.Map // host → *hostState
}

type hostState struct {
	answered atomic.Bool
	// silentUntil (unix ns): calls that start before it fail at once, so a
	// region lookup followed by a bucket check on a silent endpoint waits
	// once, not twice.
	silentUntil atomic.Int64
}

func newWatchedClient(c aws.HTTPClient, t Timeouts) *watchedClient {
	w := &watchedClient{quick: c, copy: c, t: t}
	if b, ok := c.(*awshttp.BuildableClient); ok {
		// Copies of the buildable client keep its transport settings, the
		// CA bundle among them; S3 data calls have no total deadline.
		b = b.WithTimeout(0)
		w.quick = b
		w.copy = b.WithTransportOptions(func(tr *http.Transport) { tr.ResponseHeaderTimeout = t.CopyAnswer })
	}
	return w
}

// Do implements aws.HTTPClient.
func (w *watchedClient) Do(req *http.Request) (*http.Response, error) {
	client, wait := w.quick, w.t.Answer
	if req.Header.Get("X-Amz-Copy-Source") != "" || (req.Method == http.MethodPost && req.URL.Query().Has("uploadId")) {
		client, wait = w.copy, w.t.CopyAnswer
	}
	endpoint := req.URL.Scheme + "://" + req.URL.Host
	v, _ := w.hosts.LoadOrStore(req.URL.Host, &hostState{})
	host := v.(*hostState)
	if !host.answered.Load() && time.Now().UnixNano() < host.silentUntil.Load() {
		return nil, &NoAnswerError{Endpoint: endpoint, Phase: "answer", Waited: w.t.Answer}
	}

	parent := req.Context()
	ctx, cancel := context.WithCancel(parent)
	req = req.WithContext(ctx)
	var up *stallWatch
	if req.Body != nil && req.Body != http.NoBody {
		up = newStallWatch(w.t.Answer, cancel)
		req.Body = &uploadBody{ReadCloser: req.Body, watch: up}
	}
	resp, err := client.Do(req)
	if up != nil {
		up.finish()
	}
	if err != nil {
		cancel()
		if parent.Err() != nil {
			// The caller's own cancel or deadline: theirs to report.
			return nil, err
		}
		return nil, w.noAnswer(host, endpoint, err, wait, up)
	}
	host.answered.Store(true)
	download := newStallWatch(wait, cancel)
	resp.Body = &downloadBody{body: resp.Body, watch: download, cancel: cancel, parent: parent,
		stalled: &NoAnswerError{Endpoint: endpoint, Phase: "download", Waited: wait, answeredBefore: true}}
	return resp, nil
}

// noAnswer turns a timeout of the request into a NoAnswerError; other
// errors pass unchanged.
func (w *watchedClient) noAnswer(host *hostState, endpoint string, err error, wait time.Duration, up *stallWatch) error {
	na := &NoAnswerError{Endpoint: endpoint, Phase: "answer", Waited: wait, answeredBefore: host.answered.Load()}
	var op *net.OpError
	var timeout interface{ Timeout() bool }
	switch {
	case up != nil && up.fired.Load():
		na.Phase, na.Waited = "upload", w.t.Answer
	case !errors.As(err, &timeout) || !timeout.Timeout():
		return err
	case errors.As(err, &op) && op.Op == "dial":
		na.Phase, na.Waited = "connect", w.t.Connect
	case strings.Contains(err.Error(), "TLS handshake timeout"):
		// net/http's TLS timeout error has no exported type.
		na.Phase, na.Waited = "tls", w.t.TLSHandshake
	}
	if !na.answeredBefore {
		host.silentUntil.Store(time.Now().Add(min(5*time.Second, w.t.Answer)).UnixNano())
	}
	return na
}

// stallWatch cancels a request when a body stops moving for longer than
// its limit. It is armed only while waiting on the network, never while the
// caller is busy elsewhere: a relay that pauses reading its GET while the
// upload catches up is not a stall.
type stallWatch struct {
	limit time.Duration
	fired atomic.Bool

	mu    sync.Mutex
	timer *time.Timer
	done  bool
}

func newStallWatch(limit time.Duration, cancel context.CancelFunc) *stallWatch {
	s := &stallWatch{limit: limit}
	s.timer = time.AfterFunc(limit, func() {
		s.fired.Store(true)
		cancel()
	})
	s.timer.Stop()
	return s
}

func (s *stallWatch) arm() {
	s.mu.Lock()
	if !s.done {
		s.timer.Reset(s.limit)
	}
	s.mu.Unlock()
}

func (s *stallWatch) stop() {
	s.mu.Lock()
	s.timer.Stop()
	s.mu.Unlock()
}

// finish stops the watch for good: the transport may still read an upload
// body after the answer came, and the request's context now belongs to the
// response.
func (s *stallWatch) finish() {
	s.mu.Lock()
	s.done = true
	s.timer.Stop()
	s.mu.Unlock()
}

// downloadBody is a response body under the watch: each Read that waits on
// the network longer than the limit ends the request.
type downloadBody struct {
	body    io.ReadCloser
	watch   *stallWatch
	cancel  context.CancelFunc
	parent  context.Context
	stalled error
}

func (b *downloadBody) Read(p []byte) (int, error) {
	b.watch.arm()
	n, err := b.body.Read(p)
	b.watch.stop()
	if err != nil && err != io.EOF && b.watch.fired.Load() && b.parent.Err() == nil {
		return n, b.stalled
	}
	return n, err
}

func (b *downloadBody) Close() error {
	b.watch.finish()
	err := b.body.Close()
	// The request's context lives until its body is closed.
	b.cancel()
	return err
}

// uploadBody is a request body under the watch: the time the transport
// spends between two Reads is the time the network takes to accept the
// bytes; when that exceeds the limit the server has stopped reading. Time
// spent inside Read is the caller's own source (a relay's GET, watched on
// its own) and does not count.
type uploadBody struct {
	io.ReadCloser
	watch *stallWatch
}

func (b *uploadBody) Read(p []byte) (int, error) {
	b.watch.stop()
	n, err := b.ReadCloser.Read(p)
	if err == nil {
		b.watch.arm()
	}
	return n, err
}

// surfaceNoAnswer lifts a NoAnswerError out of the SDK's transport wrappers
// ("https response error StatusCode: 0, RequestID: , HostID: , request send
// failed, …"), so the message reads "operation error S3: HeadBucket, the
// endpoint … did not answer within 30s: check endpoint_url / the network".
// s3Options applies the session's own settings to an S3 client.
func (s *Session) s3Options(o *s3.Options) {
	if s.requesterPays {
		o.APIOptions = append(o.APIOptions, requesterPays)
	}
}

// requesterPays adds x-amz-request-payer: requester to a request before it
// is signed.
func requesterPays(stack *middleware.Stack) error {
	return stack.Build.Add(middleware.BuildMiddlewareFunc("S3MigrateRequesterPays",
		func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok {
				req.Header.Set("X-Amz-Request-Payer", "requester")
			}
			return next.HandleBuild(ctx, in)
		}), middleware.After)
}

func surfaceNoAnswer(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("S3MigrateSurfaceNoAnswer",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			var na *NoAnswerError
			if err != nil && errors.As(err, &na) {
				err = na
			}
			return out, md, err
		}), middleware.Before)
}

// CheckEndpoint tells whether the session's S3 endpoint answers at all: any
// HTTP answer counts, even a denial. A refused port, a host that does not
// resolve and an endpoint that accepts connections but never answers are
// reported as such, within min(IdentityTimeout, the answer timeout).
func (s *Session) CheckEndpoint(ctx context.Context) error {
	wait := min(IdentityTimeout, s.timeouts.Answer)
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	_, err := s.s3.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)}, func(o *s3.Options) {
		o.RetryMaxAttempts = 1
	})
	var re *awshttp.ResponseError
	if err == nil || errors.As(err, &re) && re.Response != nil && re.Response.StatusCode != 0 {
		return nil
	}
	endpoint := s.Endpoint
	if endpoint == "" {
		endpoint = "https://s3." + s.Config.Region + ".amazonaws.com"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			endpoint = u.Scheme + "://" + u.Host
		}
	}
	var na *NoAnswerError
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	reason := ""
	switch {
	case errors.As(err, &na):
		return &UnreachableError{Endpoint: na.Endpoint, Reason: na.what(), Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		reason = "did not answer within " + wait.String()
	case errors.Is(err, syscall.ECONNREFUSED):
		reason = "refused the connection"
	case errors.As(err, &dns):
		reason = "has a host name that does not resolve (" + dns.Name + ")"
	case errors.As(err, &cert):
		reason = "has a TLS certificate this machine does not trust (AWS_CA_BUNDLE adds a CA)"
	default:
		var op *net.OpError
		if errors.As(err, &op) {
			reason = "cannot be reached: " + op.Err.Error()
		} else {
			return fmt.Errorf("check endpoint %s as %s: %w", endpoint, s.Name(), err)
		}
	}
	return &UnreachableError{Endpoint: endpoint, Reason: reason, Err: err}
}

// UnreachableError is an endpoint that gave no HTTP answer at all.
type UnreachableError struct {
	Endpoint, Reason string
	Err              error
}

func (e *UnreachableError) Error() string {
	return "the endpoint " + e.Endpoint + " " + e.Reason + ": check endpoint_url / the network"
}

func (e *UnreachableError) Unwrap() error { return e.Err }
