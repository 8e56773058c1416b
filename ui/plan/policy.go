package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// policyTimeout bounds reading and writing a bucket policy.
const policyTimeout = 2 * time.Minute

// loadPolicy plans the policy change in the background.
func (m *Model) loadPolicy(state *screen.State) tea.Cmd {
	gen := m.policy.start()
	ctx, b, mig, broad := state.Context(), state.Backend, state.Migration(), state.Options.Broad
	return func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, policyTimeout)
		defer cancel()
		change, err := b.PolicyChange(c, mig, broad)
		return policyMsg{gen: gen, change: change, err: err}
	}
}

func (m *Model) policyLoaded(msg policyMsg) {
	if !m.policy.finish(msg.gen, msg.err) || msg.err != nil {
		return
	}
	m.policy.change, m.policy.loaded = msg.change, true
	m.policy.lines = bucketpolicy.LineDiff(msg.change.Before, msg.change.After)
	m.policy.scroll = clamp(m.policy.scroll, 0, m.policyMaxScroll())
}

// apply writes the change the dialog showed, as the origin bucket's owner.
func (m *Model) apply(state *screen.State, change bucketpolicy.Change) tea.Cmd {
	m.policy.applying, m.policy.note, m.policy.noteErr = true, "", false
	b, mig := state.Backend, state.Migration()
	return m.withSpin(func() tea.Msg {
		// Not the screen's context: a write the operator confirmed is not
		// cut off halfway because they left the screen.
		c, cancel := context.WithTimeout(context.Background(), policyTimeout)
		defer cancel()
		return appliedMsg{err: b.ApplyPolicy(c, mig, change)}
	})
}

// applied records the outcome; on success the policy is read again (it
// should now be unchanged) and the preflight checks run again. When the
// policy changed after the preview, nothing was written: the new diff is
// loaded for the operator to read before applying again.
func (m *Model) applied(state *screen.State, msg appliedMsg) tea.Cmd {
	m.policy.applying = false
	if errors.Is(msg.err, bucketpolicy.ErrChanged) {
		m.policy.note, m.policy.noteErr = "the bucket policy of s3://"+m.policyBucket(state)+" changed since the preview: nothing written; new diff below, a applies it", true
		return m.withSpin(m.loadPolicy(state))
	}
	if msg.err != nil {
		m.policy.note, m.policy.noteErr = "apply failed: "+msg.err.Error(), true
		return nil
	}
	m.policy.note, m.policy.noteErr = "✓ applied: the preflight checks are running again", false
	return m.withSpin(m.loadPolicy(state), m.loadPreflight(state))
}

// savePolicy writes the proposed policy to <bucket>-policy.json in dir (the
// directory s3migrate was started in; "" means the current one).
func savePolicy(dir, bucket, doc string) tea.Cmd {
	return func() tea.Msg {
		path, err := filepath.Abs(filepath.Join(dir, bucket+"-policy.json"))
		if err != nil {
			return savedMsg{err: fmt.Errorf("save the policy of s3://%s: %w", bucket, err)}
		}
		if !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			return savedMsg{path: path, err: fmt.Errorf("save the policy of s3://%s: %w", bucket, err)}
		}
		return savedMsg{path: path}
	}
}

func (m *Model) saved(msg savedMsg) {
	if msg.err != nil {
		m.policy.note, m.policy.noteErr = msg.err.Error(), true
		return
	}
	m.policy.note, m.policy.noteErr = "saved the proposed policy to "+msg.path, false
}

// policyBucket is the origin bucket the policy is for.
func (m *Model) policyBucket(state *screen.State) string {
	if m.policy.change.Bucket != "" {
		return m.policy.change.Bucket
	}
	return state.SrcBucket
}

func (m *Model) policyKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	p := &m.policy
	if scrollBy(msg, &p.scroll, m.policyMaxScroll(), policyRows(contentHeight(m.height))) {
		return nil
	}
	switch {
	case key.Matches(msg, keyBroad):
		state.Options.Broad = !state.Options.Broad
		p.note = ""
		return m.withSpin(m.loadPolicy(state))
	case key.Matches(msg, keyApply, keySave, keyCopy) && (!p.loaded || p.loading):
		p.note, p.noteErr = "no proposed policy yet: wait for it (b reloads it)", false
	case key.Matches(msg, keyApply):
		switch {
		case p.applying:
			p.note, p.noteErr = "already applying", false
		case p.change.NoGrant != "":
			p.note, p.noteErr = "nothing to apply: "+p.change.NoGrant, false
		case p.change.Unchanged():
			p.note, p.noteErr = "nothing to apply: the policy already grants what the migration needs", false
		default:
			who := state.SrcProfile
			if who == "" {
				who = "the environment credentials"
			}
			m.dialogs = append(m.dialogs, dialog{kind: dialogApply, change: p.change,
				ask: widget.Confirm{Title: fmt.Sprintf("Apply this policy to s3://%s as %s?", m.policyBucket(state), who)}})
		}
	case key.Matches(msg, keySave):
		return savePolicy(state.SaveDir, m.policyBucket(state), p.change.After)
	case key.Matches(msg, keyCopy):
		p.note, p.noteErr = "copied the proposed policy to the clipboard (OSC 52: the terminal must allow it)", false
		return tea.SetClipboard(p.change.After)
	}
	return nil
}

// policyRows is how many diff lines fit in a tab content of height h: the
// title and its blank line, and the two lines under the diff, take the rest.
// policyRows is how many diff lines fit: the tab's height less the title,
// the position line, the note line and the hint block.
func policyRows(h int) int { return max(h-4-hintRows, 1) }

// hintRows is the space kept under the diff for policyHints (a blank line
// and up to two hints of two lines each: a label and a command).
const hintRows = 5

func (m *Model) policyMaxScroll() int {
	return max(len(m.policy.lines)-policyRows(contentHeight(m.height)), 0)
}

// policyView is the Policy tab's content, height rows tall; only the
// visible diff lines are rendered.
func (m *Model) policyView(state *screen.State, width, height int) string {
	st, p := state.Styles, &m.policy
	bucket := m.policyBucket(state)
	switch {
	case p.err != nil:
		return oneLine(st.Error, "✗ cannot plan the policy of s3://"+bucket+": "+p.err.Error(), width)
	case !p.loaded:
		return m.spin.View() + " reading the bucket policy of s3://" + bucket + "…"
	}
	scope := "scoped to the selected prefixes"
	if state.Options.Broad {
		scope = "broad: the whole bucket"
	}
	var title string
	switch {
	case p.change.NoGrant != "":
		title = st.OK.Render("✓ s3://" + bucket + ": " + p.change.NoGrant + ".")
	case p.change.Unchanged():
		title = st.OK.Render("✓ The current policy of s3://"+bucket+" already grants what the migration needs: nothing to apply.") +
			st.Subtle.Render("  ("+scope+")")
	default:
		title = st.Bold.Render("Bucket policy of s3://"+bucket+": current → proposed") + st.Subtle.Render("  ("+scope+"; b switches)")
	}
	if p.loading {
		title += " " + m.spin.View()
	}
	hints := m.policyHints(state, width)
	rows := policyRows(height)
	off := clamp(p.scroll, 0, max(len(p.lines)-rows, 0))
	end := min(off+rows, len(p.lines))
	// The line under the title says which prefixes the grantee gains and
	// loses, so a new selection never withdraws old ones unnoticed.
	out := []string{cut(title, width), cut(st.Subtle.Render(p.change.ScopeSummary()), width)}
	for _, l := range p.lines[off:end] {
		out = append(out, diffLine(state, l, width))
	}
	pos := fmt.Sprintf("lines %d–%d of %d", off+1, end, len(p.lines))
	if len(p.lines) > rows {
		pos += " · ↑↓ pgup/pgdn scroll"
	}
	free := rows - (end - off)
	out = append(out, "")
	for i := 0; i < hintRows-1; i++ {
		if i < len(hints) {
			out = append(out, st.Warn.Render(hints[i]))
		} else {
			out = append(out, "")
		}
	}
	if note := reverseNote(width); free >= lipgloss.Height(note)+1 {
		out = append(out, "", st.Subtle.Render(note))
		free -= lipgloss.Height(note) + 1
	}
	for ; free > 0; free-- {
		out = append(out, "")
	}
	out = append(out, st.Subtle.Render(pos))
	switch {
	case p.applying:
		out = append(out, m.spin.View()+" applying the policy to s3://"+bucket+"…")
	case p.note != "" && p.noteErr:
		out = append(out, oneLine(st.Error, "✗ "+p.note, width))
	case p.note != "":
		out = append(out, oneLine(st.OK, p.note, width))
	}
	return strings.Join(out, "\n")
}

// diffLine renders one policy line with its +/- marker, so the change
// reads without colour too.
func diffLine(state *screen.State, l bucketpolicy.DiffLine, width int) string {
	text := ansi.Truncate(l.Text, max(width-2, 1), "…")
	switch l.Op {
	case '+':
		return state.Styles.Added.Render("+ " + text)
	case '-':
		return state.Styles.Removed.Render("- " + text)
	}
	return "  " + text
}

// policyHints are the one-line pointers to the grants this tab does not
// write: the KMS key policy when preflight found SSE-KMS objects, and the
// reverse direction. The policy command prints both statements.
func (m *Model) policyHints(state *screen.State, width int) []string {
	var hints []string
	for _, c := range m.preflight.checks {
		if c.Name == "source encryption" && c.Status == preflight.StatusWarn {
			hints = append(hints, cut("⚠ SSE-KMS objects need kms:Decrypt in their key's policy; this prints the statement:", width),
				cut(fmt.Sprintf("  $ s3migrate policy s3://%s --kms-key ARN --source-profile %s --grantee-profile %s",
					state.SrcBucket, state.SrcProfile, state.DstProfile), width))
		}
	}
	// Complete commands, so they run as printed: the destination bucket's
	// owner writes the reverse grant.
	dst := state.DstPrefix
	if dst != "" && !strings.HasSuffix(dst, "/") {
		dst += "/"
	}
	hints = append(hints, cut("Origin identity writing instead? The destination bucket's grant:", width),
		cut(fmt.Sprintf("  $ s3migrate policy s3://%s/%s --reverse --source-profile %s --grantee-profile %s",
			state.DstBucket, dst, state.DstProfile, state.SrcProfile), width))
	return hints
}

// reverseNote explains who owns objects written the other way round.
func reverseNote(width int) string {
	return ansi.Wrap("Reverse direction (the origin identity writing into the destination): "+bucketpolicy.ReverseExplanation(), width, "")
}

// oneLine renders s in style, cut to one line of width cells.
func oneLine(style lipgloss.Style, s string, width int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return style.Render(ansi.Truncate(s, width, "…"))
}

// cut truncates already styled text to one line of width cells.
func cut(s string, width int) string { return ansi.Truncate(s, width, "…") }
