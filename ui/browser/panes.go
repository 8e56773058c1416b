package browser

import (
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
)

// labelWidth is the width of the preview's field names: short names, so
// an ETag fits beside them in a 46-column pane.
const labelWidth = 7

// previewPane shows the highlighted object: what the listing says at once,
// then its headers, metadata, tags and first lines once they are read.
func (m *Model) previewPane(state *screen.State, w, h int) string {
	st := state.Styles
	inner := w - 4
	lines := []string{st.Bold.Render("Preview")}
	if m.rows() == 0 {
		return m.sideBox(state, w, h, append(lines, st.Subtle.Render("nothing here")))
	}
	k, obj := m.row(m.cursor)
	name := strings.TrimPrefix(k, m.prefix) // as on the row
	if name == "" {
		name = k
	}
	lines = append(lines, wrapN(text.Key(name), inner, 2)...)
	if obj == nil {
		lines = append(lines, "")
		if pc := m.counts[k]; pc != nil && pc.prog.done && !pc.prog.stopped && pc.prog.err == nil {
			lines = append(lines, kv("objects", text.Count(pc.prog.scanned), inner)...)
			lines = append(lines, kv("size", transfer.FormatBytes(pc.prog.bytes), inner)...)
		} else {
			lines = append(lines, text.Wrap(st.Subtle.Render("a prefix: c totals its objects and bytes, t shows what the destination holds"), inner)...)
		}
		return m.sideBox(state, w, h, lines)
	}
	id, _ := m.detailID(state)
	d := m.details[id]
	o := *obj
	if d != nil && d.head != nil {
		o = d.head.Object
	}
	size := transfer.FormatBytes(o.Size)
	if o.Size >= 1024 {
		size += " (" + text.Count(o.Size) + " B)"
	}
	lines = append(lines, "")
	lines = append(lines, kv("size", size, inner)...)
	lines = append(lines, kv("class", o.StorageClass, inner)...)
	lines = append(lines, kv("date", day(modified(o), inner), inner)...)
	lines = append(lines, kv("etag", o.ETag, inner)...)
	switch {
	case d == nil || d.loading:
		lines = append(lines, "", m.spin.View()+st.Subtle.Render("reading headers…"))
		return m.sideBox(state, w, h, lines)
	case d.err != nil:
		lines = append(lines, "")
		lines = append(lines, wrapN(st.Error.Render("✗ "+text.OneLine(d.err.Error())), inner, 3)...)
		return m.sideBox(state, w, h, lines)
	}
	hd := d.head
	if o.SSE != "" {
		lines = append(lines, kv("sse", o.SSE, inner)...)
	}
	for _, f := range [][2]string{{"type", hd.ContentType}, {"enc", hd.ContentEncoding}, {"lang", hd.ContentLanguage},
		{"disp", hd.ContentDisposition}, {"cache", hd.CacheControl}} {
		if f[1] != "" {
			lines = append(lines, kv(f[0], f[1], inner)...)
		}
	}
	if hd.Lock != "" {
		lines = append(lines, kv("lock", hd.Lock, inner)...)
	}
	lines = append(lines, pairs("metadata", hd.Metadata, "", inner)...)
	tags := map[string]string{}
	for _, t := range hd.Tags {
		tags[t.Key] = t.Value
	}
	lines = append(lines, pairs("tags", tags, hd.TagsErr, inner)...)
	lines = append(lines, "")
	if d.textNote != "" {
		lines = append(lines, st.Subtle.Render(ansi.Truncate("content: "+d.textNote, inner, "…")))
	}
	for _, l := range d.lines {
		lines = append(lines, ansi.Truncate(l, inner, "…"))
	}
	return m.sideBox(state, w, h, lines)
}

// targetPane shows what the destination holds where the highlighted row
// would be copied: the first page of the prefix, or the object of the
// same key compared with the source.
func (m *Model) targetPane(state *screen.State, w, h int) string {
	st := state.Styles
	inner := w - 4
	lines := []string{st.Bold.Render("At the destination")}
	if m.rows() == 0 {
		return m.sideBox(state, w, h, append(lines, st.Subtle.Render("nothing here")))
	}
	k, obj := m.row(m.cursor)
	dst := dstKey(state, k)
	lines = append(lines, wrapN(text.Key("s3://"+state.DstBucket+"/"+dst), inner, 2)...)
	lines = append(lines, "")
	id, _ := m.detailID(state)
	d := m.details[id]
	switch {
	case d == nil || d.loading:
		lines = append(lines, m.spin.View()+st.Subtle.Render("listing…"))
		return m.sideBox(state, w, h, lines)
	case d.err != nil:
		lines = append(lines, wrapN(st.Error.Render("✗ "+text.OneLine(d.err.Error())), inner, 4)...)
		return m.sideBox(state, w, h, lines)
	case obj != nil:
		return m.sideBox(state, w, h, append(lines, compareLines(state, *obj, d.same, inner)...))
	}
	pg := d.page
	if len(pg.Prefixes)+len(pg.Objects) == 0 {
		lines = append(lines, text.Wrap("nothing there yet: every key below would be new", inner)...)
		return m.sideBox(state, w, h, lines)
	}
	var parts []string
	if len(pg.Prefixes) > 0 {
		parts = append(parts, plural(len(pg.Prefixes), "prefix", "prefixes"))
	}
	if len(pg.Objects) > 0 {
		parts = append(parts, plural(len(pg.Objects), "object", "objects"))
	}
	head := strings.Join(parts, ", ")
	if pg.Next != "" {
		head += " in the first page; more below"
	}
	lines = append(lines, wrapN(st.Subtle.Render(head), inner, 2)...)
	room := h - 2 - len(lines)
	var rows []string
	for _, p := range pg.Prefixes {
		rows = append(rows, ansi.Truncate("▹ "+text.Key(strings.TrimPrefix(p, dst)), inner, "…"))
	}
	for _, o := range pg.Objects {
		name := strings.TrimPrefix(o.Key, dst)
		if name == "" {
			name = "(folder marker)"
		}
		size := transfer.FormatBytes(o.Size)
		nameW := max(1, inner-sizeWidth-1)
		rows = append(rows, text.Pad(ansi.Truncate(text.Key(name), nameW, "…"), nameW)+" "+text.PadLeft(size, sizeWidth))
	}
	if len(rows) > room {
		rows = append(rows[:max(0, room-1)], st.Subtle.Render(ansi.Truncate("… and "+text.Count(int64(len(rows)-room+1))+" more", inner, "…")))
	}
	return m.sideBox(state, w, h, append(lines, rows...))
}

// compareLines say whether the destination already has the object, and
// whether it is the same.
func compareLines(state *screen.State, src transfer.Object, dst *transfer.Object, inner int) []string {
	st := state.Styles
	if dst == nil {
		return text.Wrap("not there yet: it would be copied", inner)
	}
	out := []string{"already there:"}
	out = append(out, kv("size", transfer.FormatBytes(dst.Size), inner)...)
	out = append(out, kv("date", day(modified(*dst), inner), inner)...)
	out = append(out, kv("class", dst.StorageClass, inner)...)
	out = append(out, kv("etag", dst.ETag, inner)...)
	var verdict string
	switch {
	case src.Size != dst.Size:
		verdict = st.Warn.Render("differs: " + transfer.FormatBytes(src.Size) + " here, " + transfer.FormatBytes(dst.Size) + " there")
	case transfer.ComparableETags(src, *dst) && src.ETag != dst.ETag:
		verdict = st.Warn.Render("differs: same size, other ETag")
	case transfer.ComparableETags(src, *dst):
		verdict = st.OK.Render("same size and ETag")
	default:
		verdict = "same size (ETags not comparable)"
	}
	return append(append(out, ""), text.Wrap(verdict, inner)...)
}

// day keeps only the day of a date when the time does not fit beside the
// labels.
func day(date string, inner int) string {
	if inner-labelWidth < len(date) && len(date) > dayWidth {
		return date[:dayWidth]
	}
	return date
}

// sideBox draws the side pane's box around lines, cut to fit: a line too
// many would push the bottom border out.
func (m *Model) sideBox(state *screen.State, w, h int, lines []string) string {
	if len(lines) > h-2 {
		lines = lines[:max(0, h-2)]
	}
	return state.Styles.Pane.Width(w).Height(h).MaxHeight(h).Render(strings.Join(lines, "\n"))
}

// kv is "label  value", the value on up to three lines (an ETag in a
// narrow pane).
func kv(label, value string, inner int) []string {
	room := max(1, inner-labelWidth)
	vs := wrapN(text.Key(value), room, 3)
	out := make([]string, len(vs))
	for i, v := range vs {
		l := ""
		if i == 0 {
			l = label
		}
		out[i] = text.Pad(l, labelWidth) + v
	}
	return out
}

// pairs is a heading and its "key: value" lines (metadata, tags), "none",
// or why they could not be read.
func pairs(heading string, kvs map[string]string, failed string, inner int) []string {
	switch {
	case failed != "":
		return kv(heading, "✗ "+text.OneLine(failed), inner)
	case len(kvs) == 0:
		return kv(heading, "none", inner)
	}
	out := []string{heading}
	for _, k := range slices.Sorted(maps.Keys(kvs)) {
		out = append(out, ansi.Truncate("  "+text.Key(k)+": "+text.Key(kvs[k]), inner, "…"))
	}
	return out
}

// wrapN wraps s to w cells on at most n lines, the last cut with "…".
func wrapN(s string, w, n int) []string {
	ls := strings.Split(ansi.Wrap(s, max(1, w), ""), "\n")
	if len(ls) > n {
		ls = ls[:n]
		ls[n-1] = ansi.Truncate(ls[n-1]+" …", w, "…")
	}
	return ls
}
