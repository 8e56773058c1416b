package plan

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The choices the ACL and storage class rows cycle through; "" is the
// default (no ACL header; the source's storage class).
var (
	modes          = []string{"auto", "server-side", "relay"}
	acls           = []string{"", "bucket-owner-full-control", "private"}
	storageClasses = []string{"", "STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"}
	encryptions    = []string{"", "AES256", "aws:kms"}
)

// maxConcurrency bounds the concurrency field.
const maxConcurrency = 512

// stepConcurrency moves n one step: by 1 up to 16, by 8 above, so both a
// small and a large value are a few presses away.
func stepConcurrency(n int, up bool) int {
	switch {
	case up && n < 16:
		n++
	case up:
		n += 8
	case n <= 16:
		n--
	default:
		n -= 8
	}
	return clamp(n, 1, maxConcurrency)
}

// cycle returns the value after (or before) cur in vals.
func cycle(vals []string, cur string, up bool) string {
	i := max(slices.Index(vals, cur), 0)
	if up {
		return vals[(i+1)%len(vals)]
	}
	return vals[(i+len(vals)-1)%len(vals)]
}

func (m *Model) optionsKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	o := &m.options
	switch {
	case key.Matches(msg, keyUp):
		o.cursor = field(clamp(int(o.cursor)-1, 0, int(numFields)-1))
	case key.Matches(msg, keyDown):
		o.cursor = field(clamp(int(o.cursor)+1, 0, int(numFields)-1))
	case key.Matches(msg, keyInc):
		m.change(state, true, false)
	case key.Matches(msg, keyDec):
		m.change(state, false, false)
	case key.Matches(msg, keyToggle):
		m.change(state, true, true)
	case key.Matches(msg, keyEdit) && o.cursor.isText():
		return m.editFilter(state)
	}
	return nil
}

// change moves the field under the cursor up or down; toggle is space,
// which flips a switch and cycles a choice but leaves the number alone.
func (m *Model) change(state *screen.State, up, toggle bool) {
	opt := &state.Options
	before := *opt
	defer func() {
		// The Diff tab's estimate prices these: it runs again once the
		// tab is left.
		if opt.Mode != before.Mode || opt.Concurrency != before.Concurrency || opt.StorageClass != before.StorageClass ||
			opt.Delete != before.Delete || opt.Verify != before.Verify || opt.KeepObjectLock != before.KeepObjectLock {
			m.options.rediff = true
		}
	}()
	switch m.options.cursor {
	case fieldMode:
		opt.Mode = cycle(modes, modeOf(opt), up)
		// Relay reads as the origin identity, auto may fall back to it:
		// the read checks change their verdict.
		m.preflight.stale = true
	case fieldConcurrency:
		if !toggle {
			opt.Concurrency = stepConcurrency(opt.Concurrency, up)
		}
	case fieldACL:
		opt.ACL = cycle(acls, opt.ACL, up)
		// The write check asks for this ACL: its verdict may change.
		m.preflight.stale = true
	case fieldStorage:
		opt.StorageClass = cycle(storageClasses, opt.StorageClass, up)
	case fieldEncryption:
		opt.SSE = cycle(encryptions, opt.SSE, up)
		if opt.SSE != "aws:kms" {
			// A key goes with aws:kms only, as on the command line.
			opt.SSEKMSKeyID, m.options.text[fieldKMSKey] = "", ""
		}
		// The write check asks for this encryption: its verdict may change.
		m.preflight.stale = true
	case fieldDelete:
		opt.Delete = !opt.Delete
	case fieldDryRun:
		opt.DryRun = !opt.DryRun
	case fieldVerify:
		opt.Verify = !opt.Verify
	case fieldObjectLock:
		opt.KeepObjectLock = !opt.KeepObjectLock
		// The Object Lock check changes its verdict.
		m.preflight.stale = true
	case fieldEngine:
		opt.Engine = cycle(engines, engineOf(opt), up)
	}
}

// modeOf is the transfer mode, "auto" when none was chosen.
func modeOf(opt *screen.RunOptions) string {
	if opt.Mode == "" {
		return "auto"
	}
	return opt.Mode
}

// modeText says what a transfer mode needs and costs.
func modeText(mode string) string {
	switch mode {
	case "server-side":
		return "server-side: S3 copies; needs the read grant (Policy tab)"
	case "relay":
		return "relay: bytes pass through this machine (GET as origin, PUT as destination); no grant needed"
	}
	return "auto: server-side when the grant allows it, else relay through this machine"
}

// onOff renders a switch so it reads without colour.
func onOff(b bool) string {
	if b {
		return "[x] on"
	}
	return "[ ] off"
}

// optionsView is the form.
func (m *Model) optionsView(state *screen.State, width, height int) string {
	st, opt := state.Styles, state.Options
	acl := opt.ACL
	if acl == "" {
		acl = "none (the destination bucket's default)"
	}
	sc := opt.StorageClass
	if sc == "" {
		sc = "keep source"
	}
	del := onOff(opt.Delete)
	if opt.Delete {
		n := "every"
		if m.diff.loaded {
			n = fmt.Sprint(m.diff.sum.Stats.Count[transfer.ClassExtra])
		}
		scope := deleteScope(state)
		where := scope[0]
		if len(scope) > 1 {
			where = fmt.Sprintf("the %d selected folders", len(scope))
		}
		del = st.Fail.Render(del + "  ⚠ deletes " + n + " extras after the copies, only inside " + where)
	}
	rows := []struct {
		f           field
		name, value string
		hint        string
	}{
		{fieldMode, "Transfer mode", modeText(modeOf(&opt)), "space or ←→ cycle"},
		{fieldConcurrency, "Concurrency", fmt.Sprint(opt.Concurrency), "←→ or +/- change"},
		{fieldACL, "ACL", acl, "space or ←→ cycle"},
		{fieldStorage, "Storage class", sc, "space or ←→ cycle"},
		{fieldEncryption, "Encryption", encryptionText(opt.SSE), "space or ←→ cycle"},
		{fieldKMSKey, "KMS key", m.kmsKeyText(state), "enter edits: the key aws:kms copies ask for"},
		{fieldDelete, "Delete extras", del, "space toggles"},
		{fieldDryRun, "Dry run", onOff(opt.DryRun), "space toggles: plan and report, copy nothing"},
		{fieldVerify, "Verify after copy", onOff(opt.Verify), "space toggles: check every copy against the source"},
		{fieldObjectLock, "Keep Object Lock", onOff(opt.KeepObjectLock), "space toggles: each copy gets its source's retention and legal hold"},
	}
	for _, r := range filterRows() {
		rows = append(rows, struct {
			f           field
			name, value string
			hint        string
		}{r.f, r.name, m.filterValue(state, r.f), r.hint})
	}
	for _, r := range m.engineRows(state) {
		rows = append(rows, struct {
			f           field
			name, value string
			hint        string
		}(r))
	}
	head := []string{st.Bold.Render("Run options") + st.Subtle.Render("   ↑↓ select · the hint on the right says how to change"), ""}
	var lines []string
	for _, r := range rows {
		name := fmt.Sprintf("%-18s", r.name)
		line := "  " + name + " " + r.value
		if r.f == m.options.cursor {
			if m.options.editing {
				in := m.options.input
				in.SetWidth(max(width-24, 10))
				line = st.Cursor.Render("▸ ") + st.Selected.Render(name) + " " + in.View()
			} else {
				line = st.Cursor.Render("▸ ") + st.Selected.Render(name) + " " + r.value + st.Subtle.Render("   "+r.hint)
			}
		}
		lines = append(lines, cut(line, width))
	}
	var foot []string
	switch {
	case m.options.editing && m.options.inputErr != "":
		foot = append(foot, "", cut(st.Fail.Render("✗ "+m.options.inputErr), width))
	case m.options.editing:
		foot = append(foot, "", cut(st.Subtle.Render("enter accepts · esc leaves it as it was · "+filterPlaceholder(m.options.cursor)), width))
	case m.preflight.stale:
		foot = append(foot, "", cut(st.Warn.Render("The ACL changed: the preflight checks run again when you leave this tab."), width))
	case m.options.rediff:
		foot = append(foot, "", cut(st.Warn.Render("The options changed: the diff and its estimate run again when you leave this tab."), width))
	}
	// On a short terminal the rows scroll to keep the cursor in view.
	room := max(height-len(head)-len(foot), 1)
	off := clamp(int(m.options.cursor)-room+1, 0, max(len(lines)-room, 0))
	lines = lines[off:min(off+room, len(lines))]
	return strings.Join(append(append(head, lines...), foot...), "\n")
}
