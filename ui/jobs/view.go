package jobs

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// detailLines is the height of the selected job's details.
const detailLines = 8

// listRows is how many jobs the list shows in a body of height h: the
// title, the column header, the details, the message line and the blank
// lines around them take the rest.
func listRows(h int) int { return max(h-5-detailLines, 1) }

// failRows is how many failures fit in height h: title, column header and
// footer take the rest.
func failRows(h int) int { return max(h-3, 1) }

// window is the first row to show so that the cursor is among rows rows,
// starting from off (the last offset Update kept): the view renders at the
// height it is given even before a WindowSizeMsg told Update.
func window(off, cursor, rows, n int) int {
	if cursor < off {
		off = cursor
	}
	if cursor >= off+rows {
		off = cursor - rows + 1
	}
	return max(0, min(off, n-rows))
}

// View renders the list with the selected job's details, or an open
// report or failure list, in width × height.
func (m *Model) View(state *screen.State, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	st := state.Styles
	var out []string
	switch {
	case !m.listed:
		out = []string{st.Subtle.Render("reading the journals…")}
	case m.loadErr != nil && len(m.jobs) == 0:
		out = []string{st.Error.Render("✗ cannot list the journals: " + text.OneLine(m.loadErr.Error()))}
	case len(m.jobs) == 0:
		out = []string{st.Subtle.Render("No journaled migrations yet. Every run keeps one, in $XDG_STATE_HOME/s3migrate (else ~/.local/state/s3migrate)."),
			""}
		out = append(out, m.message(st, width)...)
	case m.mode == modeReport:
		out = m.reportView(st, width)
	case m.mode == modeFailures:
		out = m.failuresView(st, width, height)
	default:
		out = m.listView(st, width, height)
	}
	if len(out) > height {
		out = out[:height]
	}
	for i, l := range out {
		out[i] = text.Fit(l, width)
	}
	if m.forget != nil {
		return widget.Overlay(strings.Join(out, "\n"), forgetQuestion(*m.forget).View(st, width-4), width, height)
	}
	if m.detail && m.mode == modeFailures && m.failCursor < len(m.failures) {
		d := widget.FailureDetail(widget.JobFailure(m.failures[m.failCursor]))
		return widget.Overlay(strings.Join(out, "\n"), d.View(st, width-4), width, height)
	}
	return strings.Join(out, "\n")
}

// columns are the list's widths at a terminal width: updated is dropped
// (it is in the details) when the locations would get too narrow.
type columns struct{ id, state, done, failed, updated, route int }

func layout(width int) columns {
	c := columns{id: 20, state: 11, done: 11, failed: 6, updated: 16}
	used := 2 + c.id + 2 + c.state + 2 + c.done + 2 + c.failed + 2
	if width-used-c.updated-2 < 50 {
		c.updated = 0
	} else {
		used += c.updated + 2
	}
	c.route = max(width-used, 8)
	return c
}

func (m *Model) listView(st style.Styles, width, height int) []string {
	c := layout(width)
	dir := filepath.Dir(m.jobs[0].Migration.Journal)
	rows := listRows(height)
	off := window(m.offset, m.cursor, rows, len(m.jobs))
	title := st.Bold.Render(fmt.Sprintf("Journaled migrations (%d)", len(m.jobs))) + st.Subtle.Render("  in "+dir)
	if len(m.jobs) > rows {
		title += st.Subtle.Render(fmt.Sprintf("  · %d–%d shown (↑↓ pgup pgdn)", off+1, min(off+rows, len(m.jobs))))
	}
	head := "  " + text.Pad("ID", c.id) + "  " + text.Pad("STATE", c.state) + "  " + text.PadLeft("DONE", c.done) + "  " + text.PadLeft("FAILED", c.failed) + "  "
	if c.updated > 0 {
		head += text.Pad("UPDATED", c.updated) + "  "
	}
	head += "FROM → TO"
	out := []string{title, st.Subtle.Render(head)}
	for i := off; i < len(m.jobs) && i < off+rows; i++ {
		out = append(out, m.row(st, c, i))
	}
	out = append(out, "")
	out = append(out, m.details(st, width)...)
	return append(append(out, ""), m.message(st, width)...)
}

// row is one job of the list.
func (m *Model) row(st style.Styles, c columns, i int) string {
	j := m.jobs[i]
	cursor, id := "  ", text.Pad(text.Fit(j.ID, c.id), c.id)
	if i == m.cursor {
		cursor, id = st.Cursor.Render("▸ "), st.Bold.Render(id)
	}
	if j.Err != "" {
		return cursor + id + "  " + st.Fail.Render(text.Pad("unreadable", c.state)) + "  " + st.Subtle.Render(text.OneLine(j.Err))
	}
	state := j.State
	if j.Held { // only a held lock means running (as `s3migrate jobs` says)
		state = "running"
	}
	line := cursor + id + "  " + stateStyle(st, j).Render(text.Pad(state, c.state)) + "  " +
		text.PadLeft(text.Count(j.Done)+"/"+text.Count(j.Done+j.Pending+j.Failed), c.done) + "  "
	failed := text.PadLeft(text.Count(j.Failed), c.failed)
	if j.Failed > 0 {
		failed = st.Fail.Render(failed)
	}
	line += failed + "  "
	if c.updated > 0 {
		line += text.Pad(when(j.Updated), c.updated) + "  "
	}
	return line + text.Fit(j.Migration.Mapping(), c.route)
}

// stateStyle colours a state: running is live, interrupted and failed
// want attention, done is quiet.
func stateStyle(st style.Styles, j screen.Job) lipgloss.Style {
	switch {
	case j.Held:
		return st.OK
	case j.State == "failed":
		return st.Fail
	case j.State == "done":
		return st.Subtle
	}
	return st.Warn
}

// details are the selected job's fields.
func (m *Model) details(st style.Styles, width int) []string {
	j := m.selected()
	if j == nil {
		return nil
	}
	field := func(name, v string) string { return "  " + st.Subtle.Render(text.Pad(name, 10)) + v }
	state := j.State
	if j.Held {
		state = "running in " + holder(j)
	}
	head := st.Bold.Render(j.ID) + "  " + stateStyle(st, *j).Render(state)
	if j.Err != "" {
		return []string{head, field("journal", j.Migration.Journal), st.Error.Render(text.Fit("  ✗ "+text.OneLine(j.Err), width))}
	}
	mg := j.Migration
	from := "s3://" + mg.SrcBucket + "/" + mg.SrcPrefix
	switch len(mg.Items) {
	case 0:
	case 1:
		from += st.Subtle.Render("  1 item: ") + text.Key(mg.Items[0])
	default:
		from += st.Subtle.Render(fmt.Sprintf("  %d items: ", len(mg.Items))) + text.Key(strings.Join(mg.Items, ", "))
	}
	progress := fmt.Sprintf("%s of %s keys done · %s pending · %s failed · %s identical", text.Count(j.Done), text.Count(j.Done+j.Pending+j.Failed),
		text.Count(j.Pending), text.Count(j.Failed), text.Count(j.Skipped))
	lines := []string{
		head,
		field("from", from),
		field("to", "s3://"+mg.DstBucket+"/"+folder(mg.DstPrefix)),
		field("profiles", "origin "+orDash(mg.SrcProfile)+" · destination "+orDash(mg.DstProfile)),
		field("progress", progress),
		field("bytes", transfer.FormatBytes(j.Bytes)+" of "+transfer.FormatBytes(j.PlannedBytes)+" copied"),
		field("when", "created "+when(j.Created)+" · updated "+when(j.Updated)),
		field("journal", j.Migration.Journal),
	}
	if j.BatchJob != "" {
		lines = append(lines, field("batch job", j.BatchJob+" · "+j.BatchState))
	}
	return lines
}

// forgetQuestion names the job and everything forgetting it deletes.
func forgetQuestion(j screen.Job) widget.Confirm {
	return widget.Confirm{
		Title: "Forget migration " + j.ID + "?  " + j.Migration.Mapping(),
		Body:  "This deletes its journal " + j.Migration.Journal + " (with its lock and WAL files): it can no longer be resumed, nor its report written. Nothing in the buckets changes.",
		Yes:   "yes, forget it",
	}
}

// message is the outcome of the last action, or what the keys do. An
// error wraps rather than being cut: it names a path and a process.
func (m *Model) message(st style.Styles, width int) []string {
	errLine, note := m.noteErr, m.note
	if errLine == "" && note == "" && m.loadErr != nil {
		errLine = "cannot list the journals: " + m.loadErr.Error()
	}
	var out []string
	switch {
	case errLine != "":
		for _, l := range text.Wrap("✗ "+text.OneLine(errLine), width) {
			out = append(out, st.Error.Render(l))
		}
	case note != "":
		for _, l := range text.Wrap(text.OneLine(note), width) {
			out = append(out, st.Subtle.Render(l))
		}
	default:
		out = []string{st.Subtle.Render("enter report · f failures · R resume · x forget · r reload")}
	}
	return out
}

func (m *Model) reportView(st style.Styles, width int) []string {
	j := m.selected()
	if j == nil {
		return nil
	}
	out := []string{st.Bold.Render("Report of "+j.ID) + st.Subtle.Render("  "+j.Migration.Mapping()), ""}
	switch {
	case m.busy:
		return append(out, st.Subtle.Render("writing the report from the journal…"))
	case m.reportErr != nil:
		return append(out, st.Error.Render("✗ "+text.OneLine(m.reportErr.Error())))
	}
	r := m.report
	out = append(out,
		"  "+st.Subtle.Render(text.Pad("written to", 12))+r.Path,
		"  "+st.Subtle.Render(text.Pad("tasks", 12))+fmt.Sprintf("%s succeeded · ", text.Count(r.Succeeded))+failedCount(st, r.Failed),
		"  "+st.Subtle.Render(text.Pad("", 12)+"one row per object acted on, in the layout of S3 Batch Operations completion reports"),
		"", st.Bold.Render("First lines"))
	for _, l := range r.Head {
		out = append(out, "  "+text.Key(l))
	}
	if r.Failed > 0 {
		out = append(out, "", st.Subtle.Render("f lists the failures · esc goes back to the list"))
	}
	return out
}

func failedCount(st style.Styles, n int64) string {
	s := text.Count(n) + " failed"
	if n > 0 {
		return st.Fail.Render(s)
	}
	return s
}

func (m *Model) failuresView(st style.Styles, width, height int) []string {
	j := m.selected()
	if j == nil {
		return nil
	}
	title := st.Bold.Render("Failures of "+j.ID) + st.Subtle.Render("  "+j.Migration.Mapping())
	switch {
	case m.busy:
		return []string{title, st.Subtle.Render("reading the journal…")}
	case m.failErr != nil:
		return []string{title, st.Error.Render("✗ " + text.OneLine(m.failErr.Error()))}
	case len(m.failures) == 0:
		return []string{title, "", st.OK.Render("no object failed in this migration")}
	}
	fs := make([]widget.Failure, len(m.failures))
	for i, f := range m.failures {
		fs[i] = widget.JobFailure(f)
	}
	rows := failRows(height)
	from := window(m.failScroll, m.failCursor, rows, len(fs))
	end := min(len(fs), from+rows)
	out := append([]string{title}, widget.FailureTableAt(st, fs, from, end, m.failCursor, width, "  ")...)
	more := ""
	if len(fs) >= maxFailures {
		more = fmt.Sprintf(" (the first %d: the report lists them all)", maxFailures)
	}
	out = append(out, st.Subtle.Render(fmt.Sprintf("%d–%d of %d failed objects%s · d shows one whole · enter writes the report · esc back", from+1, end, len(fs), more)))
	return out
}

// when is a time as `s3migrate jobs` prints it (local time), "—" if unknown.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func folder(p string) string {
	if p != "" && !strings.HasSuffix(p, "/") {
		return p + "/"
	}
	return p
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
