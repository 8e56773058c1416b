package awsauth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

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
	// bom marks the first section of a file that starts with a
	// byte-order mark: path, for the message.
	bom  bool
	path string
}

func (s *iniSection) fullName() string {
	if s.typ == "" {
		return s.name
	}
	return s.typ + " " + s.name
}

// parseINIFile reads the AWS dialect of INI for the lint only (what a
// profile resolves to is the SDK's reading). It is stricter than the SDK,
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
	// AWS tools do not skip a byte-order mark: it becomes part of the
	// first header, which they then do not recognise. The section is
	// parsed (so its profile is listed) and marked, so the listing can say
	// why the SDK does not see it.
	text, bom := strings.CutPrefix(text, "\ufeff")
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
				byName[key] = &iniSection{typ: typ, name: name, values: map[string]string{}, bom: bom && len(sections) == 0, path: path}
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
			// Inside "key =" with an empty value: a nested block, such
			// as a [services] section's "s3 =" settings. The SDK reads
			// those where it needs them.
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
