package awsauth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
)

// Kind says where a profile's credentials come from, which decides what an
// operator must do when they stop working.
type Kind string

// The kinds follow the AWS SDK's own precedence, so the kind shown is the one
// the SDK will actually use when a profile sets more than one source.
const (
	// KindStatic is a long-lived access key pair in the config or credentials
	// file.
	KindStatic Kind = "static"
	// KindSSO is IAM Identity Center, through sso_session or the legacy
	// sso_start_url keys; its token expires and needs `aws sso login`.
	KindSSO Kind = "sso"
	// KindAssumeRole is role_arn with source_profile or credential_source.
	KindAssumeRole Kind = "assume-role"
	// KindCredentialProcess runs an external command for credentials.
	KindCredentialProcess Kind = "credential-process"
	// KindWebIdentity exchanges a token file (e.g. Kubernetes IRSA) for a
	// role.
	KindWebIdentity Kind = "web-identity"
	// KindLogin is a console sign-in session (`aws login`, login_session):
	// without this kind such profiles would be reported as having no
	// credentials.
	KindLogin Kind = "login"
	// KindEnv is the AWS_ACCESS_KEY_ID family of environment variables.
	KindEnv Kind = "env"
	// KindUnknown is a profile that names no usable credential source.
	KindUnknown Kind = "unknown"
)

// EnvProfileName names the pseudo-profile for environment credentials; the
// parentheses keep it from colliding with a real profile name.
const EnvProfileName = "(environment)"

// ProfileInfo describes one profile for listing and choosing. It deliberately
// holds no secret access key or session token, so it can be printed, logged
// and shown in the UI as is.
type ProfileInfo struct {
	// Name is the profile name as passed to --source-profile/--dest-profile.
	Name string
	// Kind is the credential source the SDK will use.
	Kind Kind
	// Region is the profile's own region ("" when it relies on defaults).
	Region string
	// STSEndpointURL is where the profile's STS calls (AssumeRole) go, as
	// the aws CLI sends them: the sts endpoint_url of the profile's
	// [services] section, else the profile's endpoint_url ("" for AWS).
	STSEndpointURL string
	// EndpointURL is where its S3 calls go: the s3 endpoint_url of the
	// profile's [services] section, else its endpoint_url ("" for AWS).
	EndpointURL string
	// AccessKeyID is set for static keys only: it identifies the key (and,
	// on servers without STS, the principal) without being a secret.
	AccessKeyID string
	// RoleARN is the role assumed by assume-role and web-identity profiles.
	RoleARN string
	// SourceProfile is the profile whose credentials assume RoleARN.
	SourceProfile string
	// CredentialSource is Environment, Ec2InstanceMetadata or EcsContainer.
	CredentialSource string
	// SSOSession names the [sso-session NAME] section used.
	SSOSession string
	// SSOStartURL is the portal URL, from the profile or its sso-session.
	SSOStartURL string
	// SSOAccountID is the account the SSO role belongs to.
	SSOAccountID string
	// SSORoleName is the permission set assumed through SSO.
	SSORoleName string
	// MFASerial is set when assuming the role needs an MFA code.
	MFASerial string
	// InConfig and InCredentials say which file defines the profile, so
	// the operator knows which file to edit.
	InConfig, InCredentials bool
	// Problem is why this profile cannot work as written ("" when it
	// looks usable); Hint says how to fix it.
	Problem string

	// fix is the remedy for Problem, kept next to it because only the
	// check that found the problem knows the remedy.
	fix string
	// noSource is set when the SDK finds no credential source in the
	// profile itself and would go on to the container and instance
	// metadata endpoints; Load refuses such a named profile instead.
	noSource bool
	// refused is set when the SDK cannot load the profile at all; Load
	// says why in Problem's words rather than the SDK's.
	refused bool
	// roleBase is the kind of credentials that assume RoleARN when they
	// are the profile's own (keys, SSO, a process) rather than a
	// source_profile or credential_source.
	roleBase Kind
	// baseEndpoint is the profile's endpoint_url for every service.
	baseEndpoint string
}

// problemNoCredentials is the Problem of a profile that names no credential
// source at all; for "default" on an EC2 instance that is the normal setup.
const problemNoCredentials = "no credentials: add keys, sso_session, role_arn or credential_process"

// Hint returns the one line an operator needs when this profile fails: the
// fix for Problem when there is one, otherwise what usually goes wrong with
// this kind of credentials.
func (p ProfileInfo) Hint() string {
	if p.Problem != "" && p.fix != "" {
		return p.fix
	}
	name := shellQuote(p.Name)
	switch p.Kind {
	case KindStatic:
		return "if the keys are rejected: aws configure --profile " + name
	case KindSSO:
		return "if the token expired: aws sso login --profile " + name
	case KindAssumeRole:
		from := "source_profile " + p.SourceProfile
		switch {
		case p.roleBase != "":
			from = "the profile's own " + string(p.roleBase) + " credentials"
		case p.SourceProfile == "":
			from = "credential_source " + p.CredentialSource
		}
		h := "if AssumeRole is denied: the trust policy of " + p.RoleARN + " must allow the identity of " + from
		if p.MFASerial != "" {
			h += " (and an MFA code for " + p.MFASerial + ")"
		}
		return h
	case KindCredentialProcess:
		return "if it fails: run the profile's credential_process command by hand to see its error"
	case KindWebIdentity:
		return "if it fails: check that web_identity_token_file exists and that " + p.RoleARN + " trusts its issuer"
	case KindLogin:
		return "if the session expired: aws login --profile " + name
	case KindEnv:
		return "if rejected or expired: export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)"
	}
	return "add credentials: aws configure --profile " + name + ", or aws configure sso --profile " + name
}

// DefaultFiles returns the config and credentials paths the AWS CLI and SDK
// read, so that the list shown is the set of profiles Load can resolve.
func DefaultFiles() (config, credentials string) {
	home, _ := os.UserHomeDir()
	inHome := func(name string) string {
		if home == "" {
			// A relative .aws/... would silently read the working
			// directory; "" makes ListProfiles treat the file as absent.
			return ""
		}
		return filepath.Join(home, ".aws", name)
	}
	config, credentials = inHome("config"), inHome("credentials")
	if v := os.Getenv("AWS_CONFIG_FILE"); v != "" {
		config = expandHome(v, home)
	}
	if v := os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); v != "" {
		credentials = expandHome(v, home)
	}
	return config, credentials
}

// EnvProfile describes the environment credentials, which the SDK uses when
// no profile is named; ok is false when AWS_ACCESS_KEY_ID is not set.
func EnvProfile() (p ProfileInfo, ok bool) {
	id := os.Getenv("AWS_ACCESS_KEY_ID")
	if id == "" {
		return ProfileInfo{}, false
	}
	p = ProfileInfo{
		Name:        EnvProfileName,
		Kind:        KindEnv,
		Region:      firstNonEmpty(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")),
		EndpointURL: firstNonEmpty(os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL")),
		AccessKeyID: id,
	}
	if os.Getenv("AWS_SECRET_ACCESS_KEY") == "" && os.Getenv("AWS_SECRET_KEY") == "" {
		p.Problem = "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
		p.fix = "export AWS_SECRET_ACCESS_KEY with the key's secret, or unset AWS_ACCESS_KEY_ID"
	}
	return p, true
}

// ListProfiles describes every profile of the shared config and credentials
// files, "default" first and the rest by name. What a profile resolves to is
// the AWS SDK's own reading of the files (config.LoadSharedConfigProfile): the
// kind is the credential source the SDK will use, and a profile the SDK
// refuses carries the SDK's reason in words an operator can act on.
//
// A strict reader goes over the files first, for what the SDK passes over in
// silence: a line it cannot read is an error naming the file and line (the
// SDK drops it, and a wrapped secret then fails much later as a bad
// signature), a section AWS tools ignore is listed with the fix, and half a
// key pair is named. A missing file (or an empty path) counts as empty, as it
// does for the SDK.
func ListProfiles(configFile, credentialsFile string) ([]ProfileInfo, error) {
	cfg, err := parseINIFile(configFile, "config file")
	if err != nil {
		return nil, err
	}
	creds, err := parseINIFile(credentialsFile, "credentials file")
	if err != nil {
		return nil, err
	}
	raws, ignored := lintFiles(cfg, creds, configFile, credentialsFile)

	out := make([]ProfileInfo, 0, len(raws)+len(ignored))
	for name := range raws {
		sc, err := config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
			// An empty list, not nil: nil makes the SDK read ~/.aws.
			o.ConfigFiles = pathList(configFile)
			o.CredentialsFiles = pathList(credentialsFile)
		})
		info := describe(name, sc, err, raws)
		if ig, ok := ignored[name]; ok {
			info.setProblem(ig.problem, ig.fix)
			delete(ignored, name)
		}
		out = append(out, info)
	}
	for name, ig := range ignored {
		out = append(out, ProfileInfo{
			Name: name, Kind: KindUnknown, InConfig: ig.config, InCredentials: !ig.config,
			Problem: ig.problem, fix: ig.fix, noSource: true,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Name, out[j].Name
		if (a == "default") != (b == "default") {
			return a == "default"
		}
		return a < b
	})
	return out, nil
}

func pathList(path string) []string {
	if path == "" {
		return []string{}
	}
	return []string{path}
}

// describe turns the SDK's reading of one profile into a ProfileInfo. raws
// (the strict reader's view of every profile) only words problems: the kind
// and every field come from the SDK when it loads the profile.
func describe(name string, sc config.SharedConfig, loadErr error, raws map[string]*rawProfile) ProfileInfo {
	raw := raws[name]
	info := ProfileInfo{Name: name, InConfig: raw.inConfig, InCredentials: raw.inCredentials}
	if loadErr != nil {
		// The SDK refuses the profile, so it yields no fields: what the
		// file says is shown instead, with the SDK's reason.
		info.Region, info.RoleARN, info.MFASerial = raw.get("region"), raw.get("role_arn"), raw.get("mfa_serial")
		info.SourceProfile, info.CredentialSource = raw.get("source_profile"), raw.get("credential_source")
		info.SSOSession, info.SSOStartURL = raw.get("sso_session"), raw.get("sso_start_url")
		info.SSOAccountID, info.SSORoleName = raw.get("sso_account_id"), raw.get("sso_role_name")
		info.Kind = raw.kind()
		info.refused = true
		if info.Kind == KindUnknown && (raw.get("aws_access_key_id") != "" || raw.get("aws_secret_access_key") != "") {
			info.Kind = KindStatic
		}
		info.setProblem(refusal(name, loadErr, raws))
		return info
	}
	info.Region = sc.Region
	info.RoleARN, info.MFASerial = sc.RoleARN, sc.MFASerial
	info.SourceProfile, info.CredentialSource = sc.SourceProfileName, sc.CredentialSource
	info.SSOSession, info.SSOStartURL = sc.SSOSessionName, sc.SSOStartURL
	info.SSOAccountID, info.SSORoleName = sc.SSOAccountID, sc.SSORoleName
	if sc.SSOSession != nil && info.SSOStartURL == "" {
		info.SSOStartURL = sc.SSOSession.SSOStartURL
	}
	info.EndpointURL, info.STSEndpointURL, info.baseEndpoint = profileEndpoints(sc)
	quoted := shellQuote(name)

	// The order of the SDK's resolveCredsFromProfile: the first source
	// found is the one used.
	switch {
	case sc.Source != nil:
		info.Kind = KindAssumeRole
	case sc.Credentials.HasKeys():
		info.Kind = KindStatic
		info.AccessKeyID = sc.Credentials.AccessKeyID
	case sc.CredentialSource != "":
		info.Kind = KindAssumeRole
		switch sc.CredentialSource {
		case "Environment", "Ec2InstanceMetadata", "EcsContainer":
		default:
			info.setProblem(fmt.Sprintf("credential_source %q is not Environment, Ec2InstanceMetadata or EcsContainer", sc.CredentialSource),
				"set credential_source in profile "+name+" to Environment, Ec2InstanceMetadata or EcsContainer")
		}
	case sc.WebIdentityTokenFile != "":
		info.Kind = KindWebIdentity
	case sc.SSOSessionName != "" || sc.SSOStartURL != "" || sc.SSORegion != "" || sc.SSOAccountID != "" || sc.SSORoleName != "":
		info.Kind = KindSSO
		checkSSO(&info, sc)
	case sc.LoginSession != "":
		info.Kind = KindLogin
	case sc.CredentialProcess != "":
		info.Kind = KindCredentialProcess
	default:
		// The SDK would go on to the container and instance metadata
		// endpoints.
		info.Kind, info.noSource = KindUnknown, true
		id, secret := raw.get("aws_access_key_id"), raw.get("aws_secret_access_key")
		switch {
		case id != "" && secret == "":
			info.Kind = KindStatic
			info.setProblem("aws_access_key_id is set without aws_secret_access_key",
				"add aws_secret_access_key to profile "+name+": aws configure --profile "+quoted)
		case id == "" && secret != "":
			info.Kind = KindStatic
			info.setProblem("aws_secret_access_key is set without aws_access_key_id",
				"add aws_access_key_id to profile "+name+": aws configure --profile "+quoted)
		case sc.RoleARN != "":
			info.setProblem("role_arn is set without source_profile or credential_source",
				"add source_profile or credential_source to profile "+name)
		default:
			info.setProblem(problemNoCredentials,
				"aws configure --profile "+quoted+" (keys), or aws configure sso --profile "+quoted)
		}
		return info
	}
	if sc.RoleARN != "" && info.Kind != KindAssumeRole && info.Kind != KindWebIdentity {
		// The SDK assumes role_arn with whatever the profile's own source
		// gives (keys, SSO, a process, a console session).
		info.roleBase, info.Kind = info.Kind, KindAssumeRole
		info.AccessKeyID = ""
	}
	return info
}

// profileEndpoints reads the endpoints a profile configures the way the SDK
// and the aws CLI apply them: a service's own endpoint_url in the profile's
// [services NAME] section wins over the profile's endpoint_url, and
// ignore_configured_endpoint_urls turns both off.
func profileEndpoints(sc config.SharedConfig) (s3, sts, base string) {
	if sc.IgnoreConfiguredEndpoints != nil && *sc.IgnoreConfiguredEndpoints {
		return "", "", ""
	}
	service := func(id string) string {
		return strings.TrimSpace(sc.Services.ServiceValues[id]["endpoint_url"])
	}
	base = strings.TrimSpace(sc.BaseEndpoint)
	return firstNonEmpty(service("s3"), base), firstNonEmpty(service("sts"), base), base
}

// refusal words the SDK's reason for refusing profile name, naming the
// profile of the chain it is about and the fix. Only the typed errors and
// two messages the SDK has no type for are recognised; anything else is told
// as the SDK says it, which never holds a secret: the SDK reads no
// credentials here.
func refusal(name string, err error, raws map[string]*rawProfile) (problem, fix string) {
	var noSource config.SharedConfigAssumeRoleError
	var needsRole config.CredentialRequiresARNError
	var notExist config.SharedConfigProfileNotExistError
	msg := err.Error()
	raw := raws[name]
	id, secret := raw.get("aws_access_key_id"), raw.get("aws_secret_access_key")
	switch {
	case errors.As(err, &notExist) && raw.bomFile != "" && notExist.Profile == name:
		return "the file " + raw.bomFile + " starts with a byte-order mark (BOM), which hides this profile from AWS tools",
			"save " + raw.bomFile + " as UTF-8 without a BOM"
	case id != "" && secret == "":
		// The SDK refuses half a key pair with an untyped message.
		return "aws_access_key_id is set without aws_secret_access_key",
			"add aws_secret_access_key to profile " + name + ": aws configure --profile " + shellQuote(name)
	case id == "" && secret != "":
		return "aws_secret_access_key is set without aws_access_key_id",
			"add aws_access_key_id to profile " + name + ": aws configure --profile " + shellQuote(name)
	case errors.As(err, &noSource):
		from := linkTo(name, noSource.Profile, raws)
		of := ""
		if from != name {
			of = fmt.Sprintf(" (of profile %q)", from)
		}
		if chain, loops := sourceChain(name, raws); loops {
			return "source_profile chain loops: " + strings.Join(chain, " -> "), "end the chain at a profile with its own credentials"
		}
		if errors.As(err, &notExist) {
			return fmt.Sprintf("source_profile %q%s does not exist", noSource.Profile, of),
				fmt.Sprintf("add profile %s to the config or credentials file, or fix source_profile in profile %s", noSource.Profile, from)
		}
		return fmt.Sprintf("source_profile %q%s has no credentials", noSource.Profile, of),
			fmt.Sprintf("add keys, sso_session or credential_process to profile %s", noSource.Profile)
	case errors.As(err, &needsRole):
		of := ""
		if needsRole.Profile != name {
			of = fmt.Sprintf(" in profile %q (the source of %q)", needsRole.Profile, name)
		}
		return needsRole.Type + " is set without role_arn" + of,
			"add role_arn to profile " + needsRole.Profile + ", or remove " + needsRole.Type
	case strings.Contains(msg, "only one credential type may be specified"):
		return "more than one of source_profile, credential_source, credential_process, web_identity_token_file is set",
			"keep only one of them in profile " + name
	case strings.Contains(msg, "failed to find SSO session section"):
		session := raws[name].get("sso_session")
		return fmt.Sprintf("sso_session %q not defined", session),
			fmt.Sprintf("add an [sso-session %s] section with sso_start_url and sso_region to the config file, or fix sso_session in profile %s", session, name)
	case errors.As(err, &notExist):
		return "AWS tools do not read this profile", "check the section header of profile " + name
	}
	return "the AWS SDK refuses this profile: " + firstLine(msg), "fix profile " + name + " in the config file"
}

// linkTo finds the profile of name's source_profile chain whose
// source_profile is target: the SDK's error names only the target.
func linkTo(name, target string, raws map[string]*rawProfile) string {
	chain, _ := sourceChain(name, raws)
	for i := 0; i+1 < len(chain); i++ {
		if chain[i+1] == target {
			return chain[i]
		}
	}
	return name
}

// sourceChain follows source_profile links from name and reports whether
// they come back to a profile already met without reaching keys (a profile
// that names itself and holds keys is the SDK's way to use its own keys,
// not a loop).
func sourceChain(name string, raws map[string]*rawProfile) (chain []string, loops bool) {
	seen := map[string]bool{}
	for cur := name; ; {
		chain = append(chain, cur)
		p, ok := raws[cur]
		if !ok {
			return chain, false
		}
		if seen[cur] {
			return chain, !p.hasKeys()
		}
		seen[cur] = true
		next := p.get("source_profile")
		if next == "" {
			return chain, false
		}
		cur = next
	}
}

// rawProfile is the strict reader's view of a profile's keys, merged from
// both files. It holds secrets, so it never leaves this package.
type rawProfile struct {
	values                  map[string]string
	inConfig, inCredentials bool
	// bomFile is set when the profile's header follows a byte-order mark
	// at the start of that file, which hides it from AWS tools.
	bomFile string
}

func (p *rawProfile) mergeFrom(s *iniSection, fromConfig bool) {
	for k, v := range s.values {
		p.values[k] = v
	}
	if s.bom {
		p.bomFile = s.path
	}
	if fromConfig {
		p.inConfig = true
	} else {
		p.inCredentials = true
	}
}

func (p *rawProfile) get(key string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(p.values[key])
}

func (p *rawProfile) hasKeys() bool {
	return p.get("aws_access_key_id") != "" && p.get("aws_secret_access_key") != ""
}

// kind guesses the kind of a profile the SDK refuses, for the listing only.
func (p *rawProfile) kind() Kind {
	switch {
	case p.get("source_profile") != "", p.get("credential_source") != "":
		return KindAssumeRole
	case p.get("web_identity_token_file") != "":
		return KindWebIdentity
	case p.get("sso_session") != "", p.get("sso_start_url") != "":
		return KindSSO
	case p.get("credential_process") != "":
		return KindCredentialProcess
	}
	return KindUnknown
}

type ignoredSection struct {
	problem, fix string
	config       bool
}

// lintFiles merges the sections of both files into profiles the way the SDK
// does ([profile default] replaces [default]; the credentials file
// overrides the config file key by key) and collects the sections AWS tools
// ignore, with the fix.
func lintFiles(cfg, creds []*iniSection, configFile, credentialsFile string) (map[string]*rawProfile, map[string]ignoredSection) {
	profiles := map[string]*rawProfile{}
	get := func(name string) *rawProfile {
		if p := profiles[name]; p != nil {
			return p
		}
		p := &rawProfile{values: map[string]string{}}
		profiles[name] = p
		return p
	}
	ignored := map[string]ignoredSection{}
	var plainDefault, profileDefault *iniSection
	for _, s := range cfg {
		switch {
		case s.typ == "profile" && s.name == "default":
			profileDefault = s
		case s.typ == "profile":
			get(s.name).mergeFrom(s, true)
		case s.typ == "" && s.name == "default":
			plainDefault = s
		case s.typ == "" && looksLikeProfile(s):
			ignored[s.name] = ignoredSection{
				problem: fmt.Sprintf("config file section [%s] is ignored by AWS tools", s.name),
				fix:     fmt.Sprintf("rename the section [%s] to [profile %s] in %s", s.name, s.name, configFile),
				config:  true,
			}
		}
		// [sso-session], [services] and the CLI's own sections ([plugins],
		// [preview], ...) are read by the SDK where a profile names them.
	}
	if d := firstSection(profileDefault, plainDefault); d != nil {
		get("default").mergeFrom(d, true)
	}
	for _, s := range creds {
		if s.typ == "profile" {
			ignored[s.name] = ignoredSection{
				problem: fmt.Sprintf("credentials file section [profile %s] is ignored by AWS tools", s.name),
				fix:     fmt.Sprintf("rename the section [profile %s] to [%s] in %s", s.name, s.name, credentialsFile),
			}
			continue
		}
		get(s.fullName()).mergeFrom(s, false)
	}
	return profiles, ignored
}

// checkSSO reports what the SDK would reject only when credentials are
// first requested, long after the operator picked the profile.
func checkSSO(info *ProfileInfo, sc config.SharedConfig) {
	var missing []string
	if sc.SSOSessionName != "" {
		sess := sc.SSOSession
		var sessMissing []string
		if sess == nil || sess.SSOStartURL == "" {
			sessMissing = append(sessMissing, "sso_start_url")
		}
		if sess == nil || sess.SSORegion == "" {
			sessMissing = append(sessMissing, "sso_region")
		}
		if len(sessMissing) > 0 {
			keys := strings.Join(sessMissing, ", ")
			info.setProblem(fmt.Sprintf("[sso-session %s] has no %s", sc.SSOSessionName, keys),
				fmt.Sprintf("add %s to [sso-session %s] in the config file", keys, sc.SSOSessionName))
			return
		}
	} else {
		if sc.SSOStartURL == "" {
			missing = append(missing, "sso_start_url")
		}
		if sc.SSORegion == "" {
			missing = append(missing, "sso_region")
		}
	}
	if sc.SSOAccountID == "" {
		missing = append(missing, "sso_account_id")
	}
	if sc.SSORoleName == "" {
		missing = append(missing, "sso_role_name")
	}
	if len(missing) > 0 {
		keys := strings.Join(missing, ", ")
		info.setProblem("SSO profile has no "+keys,
			fmt.Sprintf("add %s to profile %s, or run aws configure sso --profile %s", keys, info.Name, shellQuote(info.Name)))
	}
}

// setProblem keeps the first problem found: the checks run from the most
// fundamental to the most specific, and fixing the first often fixes the
// rest.
func (p *ProfileInfo) setProblem(problem, fix string) {
	if p.Problem == "" {
		p.Problem, p.fix = problem, fix
	}
}
