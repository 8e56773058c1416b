package summary

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// View renders the report in width × height: the headline and the figures
// always, then notices, the verify hint, and the failures (and verify
// mismatches) in the rows left.
func (m *Model) View(state *screen.State, width, height int) string {
	st := state.Styles
	if width <= 0 || height <= 0 {
		return ""
	}
	rr := state.Result
	if rr == nil {
		return st.Subtle.Render("no run has finished yet")
	}
	res := rr.Result
	if res == nil {
		res = &transfer.Result{}
	}

	top := []string{headline(state, rr, res)}
	if l := m.verifyLine(st, rr, width); l != "" {
		// Right under the headline, so it shows at any height.
		top = append(top, l)
	}
	top = append(top, "")
	top = append(top, figures(state, rr, res)...)

	var notes []string
	if ns := notices(rr, res); len(ns) > 0 {
		notes = append(notes, "", st.Bold.Render("Notices"))
		for _, n := range ns {
			notes = append(notes, "  "+st.Warn.Render("⚠ ")+n)
		}
	}
	hint := append([]string{""}, verifyHint(state, width)...)
	hint = append(hint, m.revokeView(st, width)...)
	if len(res.Failures) > 0 {
		hint = append(hint, st.Subtle.Render("esc returns to the run screen, where r retries the failed objects; q quits"))
	} else {
		hint = append(hint, st.Subtle.Render("q quits"))
	}

	left := height - len(top) - len(notes) - len(hint)
	var lists []string
	if left >= 4 {
		lists = append(lists, failures(st, res.Failures, m.failCursor, width, left)...)
		if rr.Verify != nil {
			lists = append(lists, mismatches(st, rr.Verify.Mismatches, width, left-len(lists))...)
		}
	}
	out := append(append(append(top, notes...), lists...), hint...)
	if len(out) > height {
		out = out[:height]
	}
	for i, l := range out {
		out[i] = text.Fit(l, width)
	}
	if m.revoke == revokeConfirm {
		return widget.Overlay(strings.Join(out, "\n"), revokeQuestion(m.revokeChange).View(st, width-4), width, height)
	}
	if m.detail && m.failCursor < len(res.Failures) {
		d := widget.FailureDetail(widget.RunFailure(res.Failures[m.failCursor]))
		return widget.Overlay(strings.Join(out, "\n"), d.View(st, width-4), width, height)
	}
	return strings.Join(out, "\n")
}

// verifyLine is what v is doing or found: "verifying…" while it runs, then
// its result (or why it could not run); "" before v is pressed.
func (m *Model) verifyLine(st style.Styles, rr *screen.RunResult, width int) string {
	v := rr.Verify
	switch {
	case m.verifying:
		return st.Warn.Render("⟳ verifying… every copy against its source (the figures update when it ends)")
	case m.verifyErr != nil:
		return st.Error.Render(text.Fit("✗ verify failed: "+text.OneLine(m.verifyErr.Error()), width))
	case !m.verified || v == nil:
		return ""
	case len(v.Mismatches) > 0:
		return st.Warn.Render(fmt.Sprintf("■ verified again: %s of %s checked differ (listed below)", text.Count(int64(len(v.Mismatches))), text.Count(v.Checked)))
	case v.Unreadable > 0:
		return st.Warn.Render(fmt.Sprintf("■ verified again: %s checked, %s could not be read (v checks again)", text.Count(v.Checked), text.Count(v.Unreadable)))
	}
	return st.OK.Render(fmt.Sprintf("✓ verified again: %s checked, all match", text.Count(v.Checked)))
}

// headline is the outcome in one line.
func headline(state *screen.State, rr *screen.RunResult, res *transfer.Result) string {
	st := state.Styles
	where := fmt.Sprintf("s3://%s → s3://%s/%s", state.SrcBucket, state.DstBucket, state.DstPrefix)
	var h string
	switch {
	case rr.Err != nil:
		h = st.Fail.Render("✗ The migration stopped: ") + text.OneLine(rr.Err.Error())
	case len(res.Failures) > 0:
		h = st.Warn.Render(fmt.Sprintf("■ Migration finished with %s failed", text.Count(int64(len(res.Failures)))))
	case rr.Verify != nil && len(rr.Verify.Mismatches) > 0:
		h = st.Warn.Render(fmt.Sprintf("■ Migration finished; verification found %s mismatches", text.Count(int64(len(rr.Verify.Mismatches)))))
	default:
		h = st.OK.Render("✓ Migration finished")
	}
	if res.DryRun || rr.Snapshot.DryRun {
		h += st.Warn.Render("  (dry run: nothing was written)")
	}
	return h + st.Subtle.Render("  "+where)
}

// figures are the counts, bytes, duration, throughput and journal.
func figures(state *screen.State, rr *screen.RunResult, res *transfer.Result) []string {
	st := state.Styles
	snap := rr.Snapshot
	stats := res.Stats
	if stats == (transfer.DiffStats{}) {
		stats = snap.Plan
	}
	elapsed := res.Elapsed
	if elapsed == 0 {
		elapsed = snap.Elapsed
	}
	row := func(name, n, bytes, extra string) string {
		return "  " + text.Pad(name, 12) + text.PadLeft(n, 10) + "  " + text.PadLeft(bytes, 10) + "  " + st.Subtle.Render(extra)
	}
	failed := row("failed", text.Count(int64(len(res.Failures))), transfer.FormatBytes(snap.FailedBytes), "after retries")
	if len(res.Failures) > 0 {
		failed = st.Fail.Render(failed)
	}
	out := []string{
		st.Subtle.Render("  " + text.Pad("", 12) + text.PadLeft("objects", 10) + "  " + text.PadLeft("bytes", 10)),
		row("copied", text.Count(res.Copied), transfer.FormatBytes(res.Bytes), strategies(snap)),
		row("skipped", text.Count(stats.Count[transfer.ClassIdentical]), transfer.FormatBytes(stats.Bytes[transfer.ClassIdentical]), "identical in the destination"),
		failed,
	}
	if res.Deleted > 0 || snap.ToDelete > 0 {
		out = append(out, row("deleted", text.Count(res.Deleted), "", "only in the destination"))
	}
	out = append(out, row("verified", verified(rr.Verify), "", verifyNote(state, rr, res)))
	out = append(out, "")
	out = append(out, "  "+text.Pad("duration", 12)+text.Duration(elapsed))
	if secs := elapsed.Seconds(); secs > 0 {
		out = append(out, "  "+text.Pad("throughput", 12)+fmt.Sprintf("%.1f obj/s · %s/s", float64(res.Copied)/secs,
			transfer.FormatBytes(int64(float64(res.Bytes)/secs)))+st.Subtle.Render("  (mean)"))
	}
	journal := rr.Journal
	if journal == "" {
		journal = st.Subtle.Render("none (dry run)")
	}
	out = append(out, "  "+text.Pad("journal", 12)+journal)
	return out
}

// verified is the count of objects checked after the copy.
func verified(v *transfer.VerifyResult) string {
	if v == nil {
		return "—"
	}
	return text.Count(v.Verified)
}

// verifyNote says what the verified count means, or why there is none.
func verifyNote(state *screen.State, rr *screen.RunResult, res *transfer.Result) string {
	v := rr.Verify
	switch {
	case v != nil && len(v.Mismatches) > 0:
		return fmt.Sprintf("of %s checked: %s mismatches", text.Count(v.Checked), text.Count(int64(len(v.Mismatches))))
	case v != nil && v.Unreadable > 0:
		return fmt.Sprintf("of %s checked: %s could not be read (v checks again)", text.Count(v.Checked), text.Count(v.Unreadable))
	case v != nil:
		return fmt.Sprintf("of %s checked: all match", text.Count(v.Checked))
	case !res.DryRun && !rr.Snapshot.DryRun && rr.Err == nil && len(res.Failures) == 0 && res.Copied == 0:
		return "nothing copied: nothing to check (v checks every object)"
	case res.DryRun || rr.Snapshot.DryRun:
		return "not verified: dry run"
	case rr.Err != nil:
		return "not verified: the run stopped"
	case len(res.Failures) > 0:
		return "not verified: some objects failed"
	case !state.Options.Verify:
		return "not verified: verification was off"
	}
	return "not verified"
}

// notices merges the result's and the last snapshot's notices.
func notices(rr *screen.RunResult, res *transfer.Result) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string(nil), res.Notices...), rr.Snapshot.Notices...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// failures lists the first failed objects in at most h lines, the one at
// cursor highlighted (the window follows it through the first maxFailures).
func failures(st style.Styles, fs []transfer.Failure, cursor, w, h int) []string {
	if len(fs) == 0 {
		return nil
	}
	rows := min(len(fs), h-3, maxFailures)
	if rows <= 0 {
		return nil
	}
	listed := min(len(fs), maxFailures)
	from := max(0, min(cursor-rows+1, listed-rows))
	title := fmt.Sprintf("Failures (%s)", text.Count(int64(len(fs))))
	switch {
	case from > 0:
		title = fmt.Sprintf("Failures (%s–%s of %s; all are in the journal)", text.Count(int64(from+1)), text.Count(int64(from+rows)), text.Count(int64(len(fs))))
	case rows < len(fs):
		title = fmt.Sprintf("Failures (first %s of %s; all are in the journal)", text.Count(int64(rows)), text.Count(int64(len(fs))))
	}
	return append([]string{"", st.Bold.Render(title)}, widget.FailureTableAt(st, widget.RunFailures(fs[:listed]), from, from+rows, cursor, w, "  ")...)
}

// mismatches lists the first verification mismatches in at most h lines.
func mismatches(st style.Styles, ms []transfer.Mismatch, w, h int) []string {
	rows := min(len(ms), h-3, maxFailures)
	if rows <= 0 {
		return nil
	}
	keyW := 3
	for _, x := range ms[:rows] {
		keyW = max(keyW, ansi.StringWidth(text.Key(x.Rel)))
	}
	keyW = min(keyW, max(20, (w-4)*2/5))
	out := []string{"", st.Bold.Render(fmt.Sprintf("Verification mismatches (%s)", text.Count(int64(len(ms))))),
		st.Subtle.Render("  " + text.Pad("KEY", keyW) + "  " + text.Pad("WHAT", 12) + "  DETAIL")}
	for _, x := range ms[:rows] {
		out = append(out, "  "+text.Pad(text.LeftTrunc(text.Key(x.Rel), keyW), keyW)+"  "+text.Pad(x.What, 12)+"  "+st.Warn.Render(text.OneLine(x.Detail)))
	}
	return out
}

// verifyHint is the command that checks the copies again: there is no
// verify action in the TUI, and the headless command works at any time.
// One command per selected item (at most three), wrapped to the width.
func verifyHint(state *screen.State, w int) []string {
	st := state.Styles
	flags := ""
	if state.SrcProfile != "" {
		flags += " --source-profile " + state.SrcProfile
	}
	if state.DstProfile != "" {
		flags += " --dest-profile " + state.DstProfile
	}
	items := state.Items
	if len(items) == 0 {
		items = []string{""}
	}
	out := []string{st.Bold.Render("Verify the copies again at any time")}
	const most = 3
	for _, it := range items[:min(len(items), most)] {
		cmd := verifyCommand(state, it)
		if flags == "" || ansi.StringWidth(cmd+flags) <= w-4 {
			out = append(out, "  $ "+st.Key.Render(cmd+flags))
			continue
		}
		// A shell continuation keeps the command copyable when it wraps.
		out = append(out, "  $ "+st.Key.Render(cmd+" \\"), "      "+st.Key.Render(strings.TrimSpace(flags)))
	}
	if len(items) > most {
		out = append(out, st.Subtle.Render(fmt.Sprintf("  … and one for each of the %s other items", text.Count(int64(len(items)-most)))))
	}
	return out
}

// verifyCommand is the command that checks one item again, written with the
// location semantics the commands use: a folder maps to the same folder
// under the destination; one object names its source key and the
// destination folder it went into.
func verifyCommand(state *screen.State, item string) string {
	dst := state.DstPrefix
	if dst != "" && !strings.HasSuffix(dst, "/") {
		dst += "/"
	}
	to := item
	if item != "" && !strings.HasSuffix(item, "/") {
		to = item[:strings.LastIndexByte(item, '/')+1]
	}
	return fmt.Sprintf("s3migrate verify s3://%s/%s%s s3://%s/%s%s", state.SrcBucket, state.SrcPrefix, item, state.DstBucket, dst, to)
}

// strategies says how the copies were made.
func strategies(snap transfer.Snapshot) string {
	s := fmt.Sprintf("%s server-side, %s relayed", text.Count(snap.ServerSide), text.Count(snap.Relayed))
	if snap.Batch > 0 {
		s += fmt.Sprintf(", %s by a batch job", text.Count(snap.Batch))
	}
	return s
}
