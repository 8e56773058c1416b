package awsauth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	// STSEndpointURL is where the profile's AssumeRole goes, as the aws
	// CLI sends it: the nested sts = endpoint_url, else the profile's
	// endpoint_url ("" for the SDK's default).
	STSEndpointURL string
	// EndpointURL is the profile's endpoint_url, or the nested s3 =
	// endpoint_url when there is no top-level one.
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
		if p.SourceProfile == "" {
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

// ListProfiles reads the shared config and credentials files and describes
// every profile they define, "default" first and the rest by name. A missing
// file (or an empty path) counts as empty, as it does for the SDK; a line
// the parser cannot read is an error naming the file and line, because a
// guess could list a profile the SDK would not resolve the same way.
func ListProfiles(configFile, credentialsFile string) ([]ProfileInfo, error) {
	cfg, err := parseINIFile(configFile, "config file")
	if err != nil {
		return nil, err
	}
	creds, err := parseINIFile(credentialsFile, "credentials file")
	if err != nil {
		return nil, err
	}

	profiles := map[string]*rawProfile{}
	get := func(name string) *rawProfile {
		if p := profiles[name]; p != nil {
			return p
		}
		p := &rawProfile{values: map[string]string{}, nested: map[string]map[string]string{}}
		profiles[name] = p
		return p
	}
	sessions := map[string]map[string]string{}
	ignored := map[string]ignoredSection{}

	// The SDK lets [profile default] replace [default] wholesale, so only
	// one of them is read.
	var plainDefault, profileDefault *iniSection
	for _, s := range cfg {
		switch {
		case s.typ == "profile" && s.name == "default":
			profileDefault = s
		case s.typ == "profile":
			get(s.name).mergeFrom(s, true)
		case s.typ == "" && s.name == "default":
			plainDefault = s
		case s.typ == "sso-session":
			sessions[s.name] = s.values
		case s.typ == "services":
			// Service-specific sections are not used for listing yet.
		case s.typ == "" && looksLikeProfile(s):
			ignored[s.name] = ignoredSection{
				problem: fmt.Sprintf("config file section [%s] is ignored by AWS tools", s.name),
				fix:     fmt.Sprintf("rename the section [%s] to [profile %s] in %s", s.name, s.name, configFile),
				config:  true,
			}
		}
		// Other sections ([plugins], [preview], ...) belong to the CLI.
	}
	if d := firstSection(profileDefault, plainDefault); d != nil {
		get("default").mergeFrom(d, true)
	}
	// Credentials come second because the SDK lets them override the
	// config file key by key.
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

	out := make([]ProfileInfo, 0, len(profiles)+len(ignored))
	for name, p := range profiles {
		out = append(out, classify(name, p, profiles, sessions))
	}
	for name, ig := range ignored {
		if _, ok := profiles[name]; ok {
			for i := range out {
				if out[i].Name == name {
					out[i].setProblem(ig.problem, ig.fix)
				}
			}
			continue
		}
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

// rawProfile is a profile's merged keys before classification; it holds
// secrets, so it never leaves this file.
type rawProfile struct {
	values                  map[string]string
	nested                  map[string]map[string]string
	inConfig, inCredentials bool
}

func (p *rawProfile) mergeFrom(s *iniSection, fromConfig bool) {
	for k, v := range s.values {
		p.values[k] = v
	}
	for k, m := range s.nested {
		p.nested[k] = m
	}
	if fromConfig {
		p.inConfig = true
	} else {
		p.inCredentials = true
	}
}

func (p *rawProfile) get(key string) string { return strings.TrimSpace(p.values[key]) }

func (p *rawProfile) hasKeys() bool {
	return p.get("aws_access_key_id") != "" && p.get("aws_secret_access_key") != ""
}

func (p *rawProfile) hasSSO() bool {
	for _, k := range []string{"sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"} {
		if p.get(k) != "" {
			return true
		}
	}
	return false
}

// hasCredentialSource mirrors the SDK's test for whether a source_profile
// can supply credentials to the profile that names it.
func (p *rawProfile) hasCredentialSource() bool {
	return p.hasKeys() || p.get("source_profile") != "" || p.get("credential_source") != "" ||
		p.get("credential_process") != "" || p.get("web_identity_token_file") != "" || p.hasSSO()
}

type ignoredSection struct {
	problem, fix string
	config       bool
}

func classify(name string, p *rawProfile, all map[string]*rawProfile, sessions map[string]map[string]string) ProfileInfo {
	info := ProfileInfo{
		Name:             name,
		Region:           p.get("region"),
		EndpointURL:      p.get("endpoint_url"),
		RoleARN:          p.get("role_arn"),
		SourceProfile:    p.get("source_profile"),
		CredentialSource: p.get("credential_source"),
		SSOSession:       p.get("sso_session"),
		SSOStartURL:      p.get("sso_start_url"),
		SSOAccountID:     p.get("sso_account_id"),
		SSORoleName:      p.get("sso_role_name"),
		MFASerial:        p.get("mfa_serial"),
		InConfig:         p.inConfig,
		InCredentials:    p.inCredentials,
		// The SDK's resolveCredsFromProfile: none of these, and it falls
		// through to the container and instance metadata endpoints.
		noSource: !p.hasCredentialSource() && p.get("login_session") == "",
	}
	info.STSEndpointURL = firstNonEmpty(strings.TrimSpace(p.nested["sts"]["endpoint_url"]), info.EndpointURL)
	if info.EndpointURL == "" {
		info.EndpointURL = strings.TrimSpace(p.nested["s3"]["endpoint_url"])
	}
	quoted := shellQuote(name)

	sources := 0
	for _, k := range []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if p.get(k) != "" {
			sources++
		}
	}
	if sources > 1 {
		info.setProblem("more than one of source_profile, credential_source, credential_process, web_identity_token_file is set",
			"keep only one of them in profile "+name)
	}
	requireRole := func(key string) {
		if info.RoleARN == "" {
			info.setProblem(key+" is set without role_arn", "add role_arn to profile "+name+", or remove "+key)
		}
	}

	// Same order as the SDK's resolveCredsFromProfile.
	switch {
	case info.SourceProfile != "":
		info.Kind = KindAssumeRole
		requireRole("source_profile")
		checkSourceChain(&info, all)
	case p.get("aws_access_key_id") != "" || p.get("aws_secret_access_key") != "":
		info.Kind = KindStatic
		info.AccessKeyID = p.get("aws_access_key_id")
		switch {
		case info.AccessKeyID == "":
			info.setProblem("aws_secret_access_key is set without aws_access_key_id",
				"add aws_access_key_id to profile "+name+": aws configure --profile "+quoted)
		case !p.hasKeys():
			info.setProblem("aws_access_key_id is set without aws_secret_access_key",
				"add aws_secret_access_key to profile "+name+": aws configure --profile "+quoted)
		}
	case info.CredentialSource != "":
		info.Kind = KindAssumeRole
		requireRole("credential_source")
		switch info.CredentialSource {
		case "Environment", "Ec2InstanceMetadata", "EcsContainer":
		default:
			info.setProblem(fmt.Sprintf("credential_source %q is not Environment, Ec2InstanceMetadata or EcsContainer", info.CredentialSource),
				"set credential_source in profile "+name+" to Environment, Ec2InstanceMetadata or EcsContainer")
		}
	case p.get("web_identity_token_file") != "":
		info.Kind = KindWebIdentity
		requireRole("web_identity_token_file")
	case p.hasSSO():
		info.Kind = KindSSO
		checkSSO(&info, p, sessions)
	case p.get("login_session") != "":
		info.Kind = KindLogin
	case p.get("credential_process") != "":
		info.Kind = KindCredentialProcess
	case info.RoleARN != "":
		info.Kind = KindUnknown
		info.setProblem("role_arn is set without source_profile or credential_source",
			"add source_profile or credential_source to profile "+name)
	default:
		info.Kind = KindUnknown
		info.setProblem(problemNoCredentials,
			"aws configure --profile "+quoted+" (keys), or aws configure sso --profile "+quoted)
	}
	return info
}

// checkSourceChain follows source_profile links the way the SDK does, so a
// broken link anywhere in a role chain is reported on the profile the
// operator picked rather than as an opaque AssumeRole error later.
func checkSourceChain(info *ProfileInfo, all map[string]*rawProfile) {
	seen := map[string]bool{info.Name: true}
	from, cur := info.Name, info.SourceProfile
	chain := []string{info.Name}
	for {
		chain = append(chain, cur)
		src, ok := all[cur]
		switch {
		case !ok && from == info.Name:
			info.setProblem(fmt.Sprintf("source_profile %q does not exist", cur),
				fmt.Sprintf("add profile %s to the config or credentials file, or fix source_profile in profile %s", cur, info.Name))
			return
		case !ok:
			info.setProblem(fmt.Sprintf("source_profile %q (of profile %q) does not exist", cur, from),
				fmt.Sprintf("add profile %s to the config or credentials file, or fix source_profile in profile %s", cur, from))
			return
		case src.hasKeys():
			// A profile met again in the chain is read for its keys only,
			// which is what makes a self-referencing source_profile work.
			return
		case seen[cur]:
			info.setProblem("source_profile chain loops: "+strings.Join(chain, " -> "),
				"end the chain at a profile with its own credentials")
			return
		case src.get("source_profile") != "":
			seen[cur] = true
			from, cur = cur, src.get("source_profile")
		case src.hasCredentialSource():
			return
		default:
			info.setProblem(fmt.Sprintf("source_profile %q has no credentials", cur),
				fmt.Sprintf("add keys, sso_session or credential_process to profile %s", cur))
			return
		}
	}
}

// checkSSO reports what the SDK would reject only when credentials are
// first requested, long after the operator picked the profile.
func checkSSO(info *ProfileInfo, p *rawProfile, sessions map[string]map[string]string) {
	var missing []string
	if info.SSOSession != "" {
		sess, ok := sessions[info.SSOSession]
		if !ok {
			info.setProblem(fmt.Sprintf("sso_session %q not defined", info.SSOSession),
				fmt.Sprintf("add an [sso-session %s] section with sso_start_url and sso_region to the config file, or fix sso_session in profile %s", info.SSOSession, info.Name))
			return
		}
		if info.SSOStartURL == "" {
			info.SSOStartURL = strings.TrimSpace(sess["sso_start_url"])
		}
		var sessMissing []string
		for _, k := range []string{"sso_start_url", "sso_region"} {
			if strings.TrimSpace(sess[k]) == "" {
				sessMissing = append(sessMissing, k)
			}
		}
		if len(sessMissing) > 0 {
			keys := strings.Join(sessMissing, ", ")
			info.setProblem(fmt.Sprintf("[sso-session %s] has no %s", info.SSOSession, keys),
				fmt.Sprintf("add %s to [sso-session %s] in the config file", keys, info.SSOSession))
			return
		}
	} else {
		for _, k := range []string{"sso_start_url", "sso_region"} {
			if p.get(k) == "" {
				missing = append(missing, k)
			}
		}
	}
	for _, k := range []string{"sso_account_id", "sso_role_name"} {
		if p.get(k) == "" {
			missing = append(missing, k)
		}
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

// looksLikeProfile tells a mistyped profile section in the config file
// ([name] instead of [profile name]) from the CLI's own sections such as
// [plugins], which must not be reported.
func looksLikeProfile(s *iniSection) bool {
	for _, k := range []string{"region", "aws_access_key_id", "aws_secret_access_key", "role_arn", "source_profile",
		"credential_source", "credential_process", "web_identity_token_file", "sso_session", "sso_start_url",
		"sso_account_id", "endpoint_url", "output"} {
		if _, ok := s.values[k]; ok {
			return true
		}
	}
	return false
}

// iniSection is one [header] and its keys. Keys are lower-cased because the
// SDK treats them case-insensitively; names keep their case because profile
// names are case-sensitive.
type iniSection struct {
	typ, name string
	values    map[string]string
	// nested holds indented blocks such as "s3 =\n  endpoint_url = ...".
	nested map[string]map[string]string
}

func (s *iniSection) fullName() string {
	if s.typ == "" {
		return s.name
	}
	return s.typ + " " + s.name
}

// parseINIFile reads the AWS dialect of INI. It is stricter than the SDK,
// which silently drops lines it cannot read: a dropped line there is a
// profile that mysteriously lacks a key, so here it is an error with its
// line number. label ("config file") starts every error message.
func parseINIFile(path, label string) ([]*iniSection, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v: fix its permissions or point %s elsewhere", label, path, unwrapPathError(err), envVarFor(label))
	}
	return parseINI(string(data), path, label)
}

// parseINI parses the text of path. Its errors name the file, the line
// number and, where it is sure of it, the key, but never a value or the line
// itself: a malformed line is as likely to be a secret (wrapped onto a line
// of its own, or a credential_process with a --password=…) as anything else,
// and errors end up in terminals, logs and bug reports.
func parseINI(text, path, label string) ([]*iniSection, error) {
	var (
		sections []*iniSection
		byName   = map[string]*iniSection{}
		cur      *iniSection
		curKey   string
		curLine  int
	)
	fail := func(n int, what string) error {
		return fmt.Errorf("%s %s line %d: %s", label, path, n, what)
	}
	text = strings.TrimPrefix(text, "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		if trimmed[0] == '[' {
			header := trimmed
			if j := strings.IndexAny(header, "#;"); j >= 0 {
				header = strings.TrimSpace(header[:j])
			}
			if !strings.Contains(header, "]") {
				return nil, fail(n, `a section header without a closing "]": add it`)
			}
			if !strings.HasSuffix(header, "]") {
				return nil, fail(n, `text after the section header's "]": remove it or start it with #`)
			}
			inner := strings.TrimSpace(header[1 : len(header)-1])
			if inner == "" || strings.ContainsAny(inner, "[]") {
				return nil, fail(n, "not a valid section header: write [profile NAME], [NAME] or [sso-session NAME]")
			}
			typ, name := "", inner
			if j := strings.IndexAny(inner, " \t"); j >= 0 {
				typ, name = inner[:j], strings.TrimSpace(inner[j:])
			}
			key := typ + " " + name
			if byName[key] == nil {
				// A repeated header continues the earlier section, as in
				// the SDK: later keys override earlier ones.
				byName[key] = &iniSection{typ: typ, name: name, values: map[string]string{}, nested: map[string]map[string]string{}}
				sections = append(sections, byName[key])
			}
			cur, curKey = byName[key], ""
			continue
		}

		indented := line[0] == ' ' || line[0] == '\t'
		if indented && cur != nil && curKey != "" {
			if cur.values[curKey] != "" {
				// Continuation of a multi-line value.
				cur.values[curKey] += "\n" + trimmed
				continue
			}
			// Inside "key =" with an empty value: a nested block.
			if k, v, ok := splitKeyValue(trimmed); ok {
				if cur.nested[curKey] == nil {
					cur.nested[curKey] = map[string]string{}
				}
				cur.nested[curKey][k] = v
			}
			// The SDK ignores other lines in a nested block; so do we,
			// since they cannot change what a profile resolves to.
			continue
		}
		k, v, ok := splitKeyValue(trimmed)
		if !ok {
			return nil, fail(n, malformedLine(trimmed, curKey, curLine))
		}
		if cur == nil {
			// The SDK ignores keys before the first section; so do we,
			// since they belong to no profile.
			continue
		}
		cur.values[k], curKey, curLine = v, k, n
	}
	return sections, nil
}

// malformedLine says what is wrong with a line that is neither a header nor
// key = value, naming only keys AWS defines: whatever else the line holds
// could be a secret.
func malformedLine(line, prevKey string, prevLine int) string {
	first, _, _ := strings.Cut(strings.ToLower(line), " ")
	first, _, _ = strings.Cut(first, "\t")
	first, _, _ = strings.Cut(first, "=")
	first, _, _ = strings.Cut(first, ":")
	const notShown = " (line not shown: it may hold a secret)"
	switch {
	case strings.HasPrefix(line, "=") || strings.HasPrefix(line, ":"):
		return `"=" without a key: write KEY = VALUE` + notShown
	case knownKeys[first]:
		return fmt.Sprintf(`key %s without "=": write %s = VALUE`, first, first) + notShown
	case knownKeys[prevKey]:
		return fmt.Sprintf("not a section header or KEY = VALUE; if it continues %s from line %d, indent it", prevKey, prevLine) + notShown
	}
	return "not a section header or KEY = VALUE: fix or remove it" + notShown
}

// knownKeys are the keys of the AWS config and credentials files, which may
// be named in an error; any other word on a malformed line might be part of
// a secret.
var knownKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(`aws_access_key_id aws_secret_access_key aws_session_token
		aws_security_token aws_account_id aws_credential_expiration region output endpoint_url
		ignore_configured_endpoint_urls role_arn source_profile credential_source credential_process
		web_identity_token_file role_session_name external_id mfa_serial duration_seconds
		sso_session sso_start_url sso_region sso_account_id sso_role_name sso_registration_scopes
		login_session services s3 s3api sts ca_bundle max_attempts retry_mode defaults_mode
		use_fips_endpoint use_dualstack_endpoint addressing_style signature_version
		s3_use_arn_region s3_disable_multiregion_access_points use_accelerate_endpoint
		payload_signing_enabled max_concurrent_requests max_queue_size multipart_threshold
		multipart_chunksize max_bandwidth preferred_transfer_client target_bandwidth
		ec2_metadata_service_endpoint ec2_metadata_service_endpoint_mode metadata_service_timeout
		metadata_service_num_attempts ec2_metadata_v1_disabled sdk_ua_app_id
		request_checksum_calculation response_checksum_validation account_id_endpoint_mode
		auth_scheme_preference sigv4a_signing_region_set disable_request_compression
		request_min_compression_size_bytes tcp_keepalive parameter_validation cli_pager
		cli_timestamp_format cli_binary_format cli_auto_prompt cli_history`) {
		m[k] = true
	}
	return m
}()

// splitKeyValue splits "key = value" (or the legacy "key: value"), dropping
// an inline comment that follows whitespace, as the SDK does.
func splitKeyValue(s string) (key, value string, ok bool) {
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		s, _, _ = strings.Cut(s, c)
	}
	eq, colon := strings.Index(s, "="), strings.Index(s, ":")
	sep := eq
	if eq < 0 || (colon >= 0 && colon < eq) {
		sep = colon
	}
	if sep <= 0 {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(s[:sep]))
	if key == "" || strings.ContainsAny(key, " \t") {
		return "", "", false
	}
	value = strings.TrimSpace(s[sep+1:])
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	return key, value, true
}

func firstSection(ss ...*iniSection) *iniSection {
	for _, s := range ss {
		if s != nil {
			return s
		}
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func expandHome(p, home string) string {
	if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		return filepath.Join(home, p[1:])
	}
	return p
}

func envVarFor(label string) string {
	if strings.HasPrefix(label, "credentials") {
		return "AWS_SHARED_CREDENTIALS_FILE"
	}
	return "AWS_CONFIG_FILE"
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// shellQuote makes a profile name safe to paste into a suggested command.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@+=/:,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
