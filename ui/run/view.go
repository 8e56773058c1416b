package run

import (
	"fmt"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// View renders the panes that fit in width × height: the headline and the
// two progress bars always, then the throughput and run panes, the errors
// line and the notices, and the in-flight table (or, after the run, the
// failures) in what is left.
func (m *Model) View(state *screen.State, width, height int) string {
	st := state.Styles
	if width <= 0 || height <= 0 {
		return ""
	}
	var out []string
	switch {
	case m.state == stateStartFailed:
		out = append(out, st.Fail.Render("✗ the migration could not start"), "")
		out = append(out, text.Wrap(errText(m.startErr), width)...)
		out = append(out, "", st.Subtle.Render("esc goes back to the plan; q quits"))
	case m.state == stateStarting && m.retrying:
		out = append(out, st.Subtle.Render("starting the failed objects again…"))
	case m.state == stateStarting || (m.state == stateRunning && !m.polled):
		out = append(out, st.Subtle.Render("starting the migration…"))
	default:
		out = m.body(st, width, height)
	}
	if len(out) > height {
		out = out[:height]
	}
	for i, l := range out {
		out[i] = text.Fit(l, width)
	}
	if m.asking() {
		box, _ := confirmOf(m.question).ViewIn(st, width, height, m.qScroll)
		return widget.Overlay(strings.Join(out, "\n"), box, width, height)
	}
	if m.dialog != dialogNone {
		return widget.Overlay(strings.Join(out, "\n"), m.dialog.question().View(st, width), width, height)
	}
	if fs := m.failed(); m.detail && m.failCursor < len(fs) {
		d := widget.FailureDetail(widget.RunFailure(fs[m.failCursor]))
		return widget.Overlay(strings.Join(out, "\n"), d.View(st, width-4), width, height)
	}
	return strings.Join(out, "\n")
}

// body is the progress layout.
func (m *Model) body(st style.Styles, w, h int) []string {
	s := m.snap
	top := []string{m.headline(st, w)}
	if h >= 30 {
		top = append(top, "")
	}
	top = append(top, m.bars(st, w)...)
	if h >= 30 {
		top = append(top, "")
	}

	var bottom []string
	if m.state != stateFinished {
		bottom = append(bottom, m.errorLine(st))
	}
	// Notices are wrapped, not cut: each says what to do, at its end. The
	// last three are shown.
	for _, n := range s.Notices[max(0, len(s.Notices)-3):] {
		for i, l := range text.Wrap(n, max(20, w-2)) {
			prefix := "  "
			if i == 0 {
				prefix = st.Warn.Render("⚠ ")
			}
			bottom = append(bottom, prefix+l)
		}
	}

	rest := h - len(top) - len(bottom)
	var mid []string
	// The graph grows with the room left, between 2 and 6 rows.
	if rest >= 10 {
		rows := max(2, min(6, (rest-14)/3))
		mid = append(mid, m.statsRow(st, w, rows)...)
	}
	if left := rest - len(mid); left >= 4 {
		if m.state == stateFinished {
			mid = append(mid, m.failures(st, w, left)...)
		} else {
			mid = append(mid, m.inFlight(st, w, left)...)
		}
	}
	out := append(top, mid...)
	return append(out, bottom...)
}

// headline says what the run is doing.
func (m *Model) headline(st style.Styles, w int) string {
	s := m.snap
	var head string
	switch {
	case m.state == stateFinished:
		r := m.result
		switch {
		case r.Err != nil:
			head = st.Fail.Render("✗ Stopped: ") + errText(r.Err)
		case r.Result != nil && len(r.Result.Failures) > 0:
			head = st.Warn.Render(fmt.Sprintf("■ Finished with %s failed", text.Count(int64(len(r.Result.Failures))))) +
				st.Subtle.Render(" — r retries them, enter shows the summary")
		default:
			head = st.OK.Render("✓ Finished") + st.Subtle.Render(" — enter shows the summary")
		}
		if m.retryNote != "" {
			head += "  " + st.Warn.Render(m.retryNote)
		}
		return head
	case m.state == stateCancelling:
		head = st.Warn.Render("■ Cancelling…") + st.Subtle.Render(" waiting for the objects in flight to stop")
	case m.paused:
		head = st.Warn.Render("❚❚ Paused") + st.Subtle.Render(" — objects in flight finish; p resumes")
	case s.Phase == transfer.PhaseIdle || s.Phase == "":
		head = st.Subtle.Render("… Preparing")
	case s.Phase == transfer.PhaseListing:
		head = st.OK.Render("▶ Listing") + st.Subtle.Render(fmt.Sprintf(" — %s keys so far, %s keys/s; copies start as soon as there is something to copy",
			text.Count(s.ListedKeys), text.Count(int64(s.ListRate))))
	case s.Phase == transfer.PhaseDeleting:
		head = st.Warn.Render("▶ Deleting") + st.Subtle.Render(" — destination keys that are not in the source")
	case s.Phase == transfer.PhaseVerifying:
		head = st.OK.Render("▶ Verifying") + st.Subtle.Render(" — this run's copies against a destination listing")
	case !s.Listed:
		head = st.OK.Render("▶ Copying") + st.Subtle.Render(fmt.Sprintf(" — still listing: %s keys so far, %s keys/s",
			text.Count(s.ListedKeys), text.Count(int64(s.ListRate))))
	default:
		head = st.OK.Render("▶ Copying")
	}
	if s.DryRun {
		head += st.Warn.Render("  (dry run: nothing is written)")
	}
	return head
}

// bars are the objects and bytes progress bars.
func (m *Model) bars(st style.Styles, w int) []string {
	s := m.snap
	barW := max(10, min(60, w-58)) // the figures after it need about 50 cells
	objTotal := s.ToCopy + s.ToDelete
	settled := s.Copied + s.Failed + s.Deleted
	total, totalBytes := text.Count(s.ToCopy), transfer.FormatBytes(s.ToCopyBytes)
	if !s.Listed {
		// The total is not known yet: say so rather than show a number
		// that is still growing.
		total, totalBytes = "? (listing)", "?"
	}
	objText := fmt.Sprintf("%s of %s copied", text.Count(s.Copied), total)
	if s.ToDelete > 0 {
		objText += fmt.Sprintf(", %s of %s deleted", text.Count(s.Deleted), text.Count(s.ToDelete))
	}
	if s.Failed > 0 {
		objText += ", " + st.Fail.Render(text.Count(s.Failed)+" failed")
	}
	byteText := fmt.Sprintf("%s of %s", transfer.FormatBytes(s.BytesDone), totalBytes)
	return []string{
		"Objects " + bar(st, frac(settled, objTotal), barW) + pct(settled, objTotal, s.Listed) + "  " + objText,
		"Bytes   " + bar(st, frac(s.BytesDone, s.ToCopyBytes), barW) + pct(s.BytesDone, s.ToCopyBytes, s.Listed) + "  " + byteText,
	}
}

// statsRow is the throughput graph beside the run's figures.
func (m *Model) statsRow(st style.Styles, w, rows int) []string {
	s := m.snap
	h := rows + 4 // caption, graph, current rates, two borders
	runW := max(30, min(40, w/3))
	graphW := w - runW - 1
	inner := graphW - 4

	shown := m.history.samples[max(0, len(m.history.samples)-inner):]
	vals := make([]float64, len(shown))
	for i, x := range shown {
		vals[i] = x.bytes
	}
	graph := []string{st.Subtle.Render(fmt.Sprintf("bytes/s · last %s · peak %s",
		text.Duration(time.Duration(len(shown))*time.Second), rate(m.history.peak)))}
	for _, l := range sparkline(vals, inner, rows) {
		graph = append(graph, st.OK.Render(l))
	}
	if r := m.result; m.state == stateFinished && r != nil && r.Result != nil && r.Result.Elapsed > 0 {
		secs := r.Result.Elapsed.Seconds()
		graph = append(graph, fmt.Sprintf("mean %s obj/s · %s", decimal(float64(r.Result.Copied)/secs), rate(float64(r.Result.Bytes)/secs)))
	} else {
		graph = append(graph, fmt.Sprintf("now %s obj/s · %s", decimal(s.ObjectsPerSec), rate(s.BytesPerSec)))
	}

	eta := "unknown"
	switch {
	case m.paused:
		eta = "— (paused)"
	case s.ETA >= 0:
		eta = text.Duration(s.ETA)
	}
	state := st.OK.Render("running")
	switch {
	case m.state == stateFinished:
		state = "finished"
	case m.state == stateCancelling:
		state = st.Warn.Render("cancelling")
	case m.paused:
		state = st.Warn.Render("PAUSED")
	}
	hint := ""
	if m.state == stateRunning {
		hint = st.Subtle.Render("  (+/-)")
	}
	figures := []string{
		label("state") + state,
		label("elapsed") + text.Duration(s.Elapsed) + st.Subtle.Render("  ETA ") + eta,
		label("concurrency") + fmt.Sprintf("%d", m.concurrency) + hint,
		label("limits") + m.limits(st),
		m.inFlightOrJob(st, s),
		label("server-side") + text.Count(s.ServerSide) + st.Subtle.Render("  relayed ") + text.Count(s.Relayed),
		label("identical") + text.Count(s.Plan.Count[transfer.ClassIdentical]) + st.Subtle.Render(" skipped"),
		label("failed") + failed(st, s.Failed),
	}
	// Never shorter than the figures: the failed count is the last one.
	h = max(h, len(figures)+2)
	left := pane(st, "Throughput", graph, graphW, h)
	right := pane(st, "Run", figures, runW, h)
	out := make([]string, h)
	for i := range out {
		out[i] = left[i] + " " + right[i]
	}
	return out
}

func label(s string) string { return fmt.Sprintf("%-12s", s) }

// inFlightOrJob is the objects in flight or, while a batch job copies, the
// job's tasks (the In flight pane still lists this machine's copies).
func (m *Model) inFlightOrJob(st style.Styles, s transfer.Snapshot) string {
	j := s.Job
	if j.ID == "" {
		return label("in flight") + text.Count(int64(len(s.InFlight)))
	}
	line := label("batch job") + j.State + " " + text.Count(j.Done) + "/" + text.Count(j.Total)
	if j.Failed > 0 {
		line += st.Fail.Render(" ✗" + text.Count(j.Failed))
	}
	return line
}

// limits shows the pace limits in force.
func (m *Model) limits(st style.Styles) string {
	var parts []string
	if m.maxObjects > 0 {
		parts = append(parts, text.Count(int64(m.maxObjects))+" obj/s")
	}
	if m.maxBytes > 0 {
		parts = append(parts, transfer.FormatBytes(m.maxBytes)+"/s")
	}
	out := "none"
	if len(parts) > 0 {
		out = st.Warn.Render(strings.Join(parts, " · "))
	}
	if m.state == stateRunning {
		out += st.Subtle.Render("  (l, b)")
	}
	return out
}

func failed(st style.Styles, n int64) string {
	if n == 0 {
		return "0"
	}
	return st.Fail.Render(text.Count(n))
}

// inFlight is the table of objects being copied, in at most h lines.
func (m *Model) inFlight(st style.Styles, w, h int) []string {
	fl := m.snap.InFlight
	inner := w - 4
	rows := min(len(fl), h-3)
	more := len(fl) - rows
	if more > 0 {
		rows-- // room for the "… more" line
		more++
	}
	progW := max(10, min(26, inner/5))
	withTime := inner >= 100
	keyW := inner - (10 + 15 + 4 + progW) - 8
	if withTime {
		keyW -= 9
	}
	row := func(k, size, strat, try, age, prog string) string {
		l := text.Pad(text.LeftTrunc(k, keyW), keyW) + "  " + text.PadLeft(size, 10) + "  " + text.Pad(strat, 15) + "  " + text.PadLeft(try, 4)
		if withTime {
			l += "  " + text.PadLeft(age, 7)
		}
		return l + "  " + prog
	}
	lines := []string{st.Subtle.Render(row("KEY", "SIZE", "STRATEGY", "TRY", "TIME", "PROGRESS"))}
	if len(fl) == 0 {
		lines = append(lines, st.Subtle.Render("nothing in flight"))
	}
	for _, f := range fl[:max(0, rows)] {
		prog := ""
		if f.Size > bigObject {
			prog = bar(st, frac(f.Done, f.Size), progW-5) + pct(f.Done, f.Size, true)
		}
		try := fmt.Sprintf("%d", f.Attempt)
		if f.Attempt > 1 {
			try = st.Warn.Render(try)
		}
		lines = append(lines, row(text.Key(f.Key), transfer.FormatBytes(f.Size), f.Strategy, try, text.Duration(f.Elapsed), prog))
	}
	if more > 0 {
		lines = append(lines, st.Subtle.Render(fmt.Sprintf("… and %s more", text.Count(int64(more)))))
	}
	return pane(st, fmt.Sprintf("In flight (%s)", text.Count(int64(len(fl)))), lines, w, len(lines)+2)
}

// errorLine is the failed count while the run goes on: the snapshot has only
// counts; the failures themselves come with the result.
func (m *Model) errorLine(st style.Styles) string {
	s := m.snap
	if s.Failed == 0 {
		return "Errors  " + st.OK.Render("none so far")
	}
	return "Errors  " + st.Fail.Render(fmt.Sprintf("✗ %s failed (%s)", text.Count(s.Failed), transfer.FormatBytes(s.FailedBytes))) +
		st.Subtle.Render(" after retries — listed when the run ends")
}

// failed is the run's failures (none before it ends).
func (m *Model) failed() []transfer.Failure {
	if m.result != nil && m.result.Result != nil {
		return m.result.Result.Failures
	}
	return nil
}

// failures lists the failed objects after the run, in at most h lines:
// the window follows the highlighted one (↑↓), which d shows whole.
func (m *Model) failures(st style.Styles, w, h int) []string {
	fs := m.failed()
	if len(fs) == 0 {
		return []string{"Errors  " + st.OK.Render("none")}
	}
	rows := min(len(fs), h-3)
	if rows < len(fs) {
		rows-- // room for the position line
	}
	rows = max(rows, 0)
	cur := min(m.failCursor, len(fs)-1)
	from := max(0, min(cur-rows+1, len(fs)-rows))
	lines := widget.FailureTableAt(st, widget.RunFailures(fs), from, from+rows, cur, w, "  ")
	if rows < len(fs) {
		lines = append(lines, st.Subtle.Render(fmt.Sprintf("%s–%s of %s · ↑↓ select · d shows one whole (summary, journal)",
			text.Count(int64(from+1)), text.Count(int64(from+rows)), text.Count(int64(len(fs))))))
	}
	return pane(st, fmt.Sprintf("Failed (%s) — r retries them, d shows one whole", text.Count(int64(len(fs)))), lines, w, len(lines)+2)
}
