package plan

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// The Bucket tab: the destination bucket's configuration as the
// bucket-config command shows it (the same text, bucketconfig.WriteText),
// applied after a confirmation. It is read when the tab is first shown:
// some twenty reads per bucket that most plans never need.

// bucketTimeout bounds reading or writing every configuration of a bucket.
const bucketTimeout = 2 * time.Minute

// bucketTab is the Bucket tab.
type bucketTab struct {
	load
	res    *bucketconfig.Result
	lines  []string // the plan's text, without its title line
	loaded bool
	scroll int
	// askPolicy (p) includes the bucket policy in the apply, as
	// --only policy does for the command.
	askPolicy bool
	applying  bool
	note      string
	noteErr   bool
}

type (
	bucketMsg struct {
		gen int
		res *bucketconfig.Result
		err error
	}
	bucketAppliedMsg struct {
		res *bucketconfig.Result
		err error
	}
)

// loadBucket plans the destination's configuration in the background.
func (m *Model) loadBucket(state *screen.State) tea.Cmd {
	gen := m.bucket.start()
	ctx, b, mig := state.Context(), state.Backend, state.Migration()
	return func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, bucketTimeout)
		defer cancel()
		res, err := b.BucketConfig(c, mig)
		return bucketMsg{gen: gen, res: res, err: err}
	}
}

func (m *Model) bucketLoaded(msg bucketMsg) {
	if !m.bucket.finish(msg.gen, msg.err) || msg.err != nil {
		return
	}
	m.bucket.res, m.bucket.loaded = msg.res, true
	m.bucket.render()
}

// render turns the plan into the tab's lines (after p, too: the policy's
// label says whether it is included).
func (t *bucketTab) render() {
	t.res.AskPolicy = t.askPolicy
	var buf bytes.Buffer
	t.res.WriteText(&buf, bucketconfig.TextOptions{ApplyHow: "a", AskHow: "with p"})
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	lines = lines[1:] // the title line: the tab has its own
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	t.lines = lines
}

// applyBucket writes the plan the dialog showed.
func (m *Model) applyBucket(state *screen.State, plan *bucketconfig.Result) tea.Cmd {
	m.bucket.applying, m.bucket.note, m.bucket.noteErr = true, "", false
	b, mig := state.Backend, state.Migration()
	return m.withSpin(func() tea.Msg {
		// Not the screen's context: a write the operator confirmed is not
		// cut off halfway because they left the screen.
		c, cancel := context.WithTimeout(context.Background(), bucketTimeout)
		defer cancel()
		res, err := b.ApplyBucketConfig(c, mig, plan)
		return bucketAppliedMsg{res: res, err: err}
	})
}

// bucketApplied says what was written and what failed, then reads both
// buckets again: what was applied now reads as the same on both.
func (m *Model) bucketApplied(state *screen.State, msg bucketAppliedMsg) tea.Cmd {
	t := &m.bucket
	t.applying = false
	var applied, failed []string
	if r := msg.res; r != nil {
		if r.Create != nil && r.Create.Created {
			applied = append(applied, "created s3://"+r.Sides.DstBucket)
		}
		for _, it := range r.Items {
			switch {
			case it.Applied:
				applied = append(applied, string(it.Kind))
			case it.Pending(r.AskPolicy) && it.Err != nil:
				failed = append(failed, string(it.Kind)+": "+s3err.Summary(it.Err))
			}
		}
	}
	switch {
	case msg.err != nil:
		t.note, t.noteErr = "apply failed: "+s3err.Summary(msg.err), true
	case len(failed) > 0:
		t.note, t.noteErr = fmt.Sprintf("%d not written: %s; applied: %s", len(failed), strings.Join(failed, "; "), orNone(applied)), true
	default:
		t.note, t.noteErr = "✓ applied: "+orNone(applied), false
	}
	// The journal refused (a run holds it): nothing was written, keep the plan.
	if msg.res == nil {
		return nil
	}
	t.askPolicy = false
	return m.withSpin(m.loadBucket(state))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

func (m *Model) bucketKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	t := &m.bucket
	if scrollBy(msg, &t.scroll, m.bucketMaxScroll(), bucketRows(contentHeight(m.height))) {
		return nil
	}
	switch {
	case key.Matches(msg, keyReread):
		if !t.loading && !t.applying {
			t.note = ""
			return m.withSpin(m.loadBucket(state))
		}
	case key.Matches(msg, keyApply, keyAskPolicy) && (!t.loaded || t.loading):
		t.note, t.noteErr = "no plan yet: wait for it (r reads both buckets again)", false
	case key.Matches(msg, keyAskPolicy):
		if !hasPolicy(t.res) {
			t.note, t.noteErr = "no bucket policy to include: the source has none, or the destination's is the same", false
			return nil
		}
		t.askPolicy = !t.askPolicy
		t.render()
	case key.Matches(msg, keyApply):
		n := t.res.Pending()
		switch {
		case t.applying:
			t.note, t.noteErr = "already applying", false
		case n == 0:
			t.note, t.noteErr = "nothing to apply: "+nothingWhy(t.res), false
		default:
			plan := t.res.Clone() // what the dialog shows is what is written
			m.dialogs = append(m.dialogs, dialog{kind: dialogBucket, bucket: plan, ask: bucketQuestion(state, plan)})
		}
	}
	return nil
}

// hasPolicy reports a bucket policy that is shown only until p.
func hasPolicy(r *bucketconfig.Result) bool {
	for _, it := range r.Items {
		if it.Kind == bucketconfig.Policy && it.State == bucketconfig.Ask {
			return true
		}
	}
	return false
}

// nothingWhy says why there is nothing to apply.
func nothingWhy(r *bucketconfig.Result) string {
	if hasPolicy(r) {
		return "the destination has everything that can move (p includes the bucket policy)"
	}
	return "the destination has everything that can move"
}

// bucketQuestion asks before writing: what, where, as whom, and the rule
// that protects a configuration changed meanwhile.
func bucketQuestion(state *screen.State, plan *bucketconfig.Result) widget.Confirm {
	var kinds []string
	if plan.Create != nil {
		kinds = append(kinds, "create the bucket "+plan.Create.Summary())
	}
	for _, it := range plan.Items {
		if it.Pending(plan.AskPolicy) {
			kinds = append(kinds, string(it.Kind))
		}
	}
	who := state.DstProfile
	if who == "" {
		who = "the environment credentials"
	}
	n := plan.Pending()
	noun := "configurations"
	if n == 1 {
		noun = "configuration"
	}
	return widget.Confirm{
		Title: fmt.Sprintf("Write %d %s to s3://%s as %s?", n, noun, plan.Sides.DstBucket, who),
		Body:  "  " + strings.Join(kinds, ", ") + "\nEach is read again first and left alone if it changed since this preview.",
	}
}

// bucketRows is how many plan lines fit in a tab content of height h: the
// title, the position line, the mapping hint and the note take the rest.
func bucketRows(h int) int { return max(h-4, 1) }

func (m *Model) bucketMaxScroll() int {
	return max(len(m.bucket.lines)-bucketRows(contentHeight(m.height)), 0)
}

// bucketView is the Bucket tab's content, height rows tall.
func (m *Model) bucketView(state *screen.State, width, height int) string {
	st, t := state.Styles, &m.bucket
	switch {
	case t.err != nil:
		return oneLine(st.Error, "✗ cannot read the bucket configuration: "+s3err.Summary(t.err), width) + "\n" +
			st.Subtle.Render("r reads both buckets again")
	case !t.loaded:
		return m.spin.View() + " reading the configuration of s3://" + state.SrcBucket + " and s3://" + state.DstBucket + "…"
	}
	title := st.Bold.Render("Bucket configuration: s3://"+state.SrcBucket+" → s3://"+state.DstBucket+":") +
		" " + t.res.Counts()
	if t.loading {
		title += " " + m.spin.View()
	}
	rows := bucketRows(height)
	off := clamp(t.scroll, 0, max(len(t.lines)-rows, 0))
	end := min(off+rows, len(t.lines))
	out := []string{cut(title, width)}
	for _, l := range t.lines[off:end] {
		out = append(out, bucketLine(state, l, width))
	}
	for i := end - off; i < rows; i++ {
		out = append(out, "")
	}
	pos := fmt.Sprintf("lines %d–%d of %d", off+1, end, len(t.lines))
	if len(t.lines) > rows {
		pos += " · ↑↓ pgup/pgdn scroll"
	}
	out = append(out, st.Subtle.Render(pos))
	// Mappings need a value typed per item: the command takes them.
	hint := ""
	if held(t.res) {
		hint = fmt.Sprintf("held back items need a mapping: $ s3migrate bucket-config s3://%s s3://%s --source-profile %s --dest-profile %s --map-kms|--map-bucket|--map-arn OLD=NEW",
			state.SrcBucket, state.DstBucket, state.SrcProfile, state.DstProfile)
	}
	out = append(out, cut(st.Warn.Render(hint), width))
	switch {
	case t.applying:
		out = append(out, m.spin.View()+" writing the configuration of s3://"+state.DstBucket+"…")
	case t.note != "" && t.noteErr:
		out = append(out, oneLine(st.Error, "✗ "+t.note, width))
	case t.note != "":
		out = append(out, oneLine(st.OK, t.note, width))
	}
	return strings.Join(out, "\n")
}

// held reports anything held back for want of a mapping.
func held(r *bucketconfig.Result) bool {
	for _, it := range r.Items {
		for _, h := range it.Held {
			if strings.Contains(h.Fix, "--map-") {
				return true
			}
		}
	}
	return false
}

// bucketLine styles one line of the plan's text, so it reads as the
// command's does with colour on top: +/- lines of a diff, configuration
// names, held-back parts.
func bucketLine(state *screen.State, l string, width int) string {
	st := state.Styles
	text := ansi.Truncate(l, width, "…")
	trimmed := strings.TrimLeft(l, " ")
	switch {
	case strings.HasPrefix(l, "    + "):
		return st.Added.Render(text)
	case strings.HasPrefix(l, "    - "):
		return st.Removed.Render(text)
	case strings.HasPrefix(trimmed, "held back:"):
		return st.Warn.Render(text)
	case isItemLine(l):
		return st.Bold.Render(text)
	}
	return text
}

// isItemLine reports a configuration's own line: "cors                 to apply".
func isItemLine(l string) bool {
	if len(l) <= 21 || l[20] != ' ' {
		return false
	}
	name := strings.TrimRight(l[:20], " ")
	return slices.Contains(bucketconfig.Kinds(), bucketconfig.Kind(name))
}
