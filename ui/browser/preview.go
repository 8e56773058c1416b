package browser

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/text"
)

// peekBytes is how much of a text object the preview reads: a ranged GET
// of the first few KB, never the whole object.
const peekBytes = 4096

// maxDetails bounds the cache of previews and destination views.
const maxDetails = 64

// detail is what the side pane shows for one row: an object's preview, or
// what the destination holds for the row.
type detail struct {
	loading bool
	seq     int // the fetch that fills it, while loading
	err     error

	// The preview: headers, metadata and tags, the first lines of a text
	// object, or why they are not shown.
	head     *screen.ObjectDetail
	lines    []string
	textNote string

	// The destination: the key or prefix looked at, the first page of its
	// listing, and the object of the same key when the row is an object.
	dst  string
	page *screen.Page
	same *transfer.Object
}

// detailKey names a detail: the pane, and the object or prefix it looks
// at (in the destination, for the destination pane).
type detailKey struct {
	pane                 sidePane
	profile, bucket, key string
	object               bool
}

// detailDueMsg says the cursor rested on a row long enough to fetch what
// the side pane shows for it.
type detailDueMsg struct {
	seq int
	id  detailKey
}

// detailMsg is a fetched detail.
type detailMsg struct {
	seq int
	id  detailKey
	d   *detail
}

// detailID names what the side pane shows for the row under the cursor;
// ok is false when there is nothing to fetch (the pane shows the
// selection, a prefix's preview, or there is no row).
func (m *Model) detailID(state *screen.State) (id detailKey, ok bool) {
	if m.side == sideSelection || m.rows() == 0 {
		return id, false
	}
	k, obj := m.row(m.cursor)
	if m.side == sidePreview {
		// A prefix's preview is its count: nothing to fetch.
		return detailKey{pane: sidePreview, profile: state.SrcProfile, bucket: state.SrcBucket, key: k, object: true}, obj != nil
	}
	return detailKey{pane: sideTarget, profile: state.DstProfile, bucket: state.DstBucket, key: dstKey(state, k), object: obj != nil}, true
}

// dstKey is where the source key (or prefix) k is copied to.
func dstKey(state *screen.State, k string) string {
	return state.DstPrefix + strings.TrimPrefix(k, state.SrcPrefix)
}

// want asks for the side pane's detail of the row under the cursor when
// it is not known yet: after the cursor rested detailDelay on it, so
// scrolling sends nothing per row passed.
func (m *Model) want(state *screen.State) tea.Cmd {
	id, ok := m.detailID(state)
	if !ok {
		return nil
	}
	if _, ok := m.details[id]; ok {
		return nil // known (an error too: r reloads), or on its way
	}
	m.detailSeq++
	seq := m.detailSeq
	if m.detailDelay <= 0 {
		return m.fetchDetail(state, id)
	}
	return tea.Tick(m.detailDelay, func(time.Time) tea.Msg { return detailDueMsg{seq: seq, id: id} })
}

// fetchDetail fetches detail id, cancelling the fetch still running.
func (m *Model) fetchDetail(state *screen.State, id detailKey) tea.Cmd {
	if m.cancelDetail != nil {
		m.cancelDetail()
	}
	for k, d := range m.details {
		if d.loading {
			delete(m.details, k) // cancelled above: asked again when needed
		}
	}
	c, cancel := context.WithTimeout(state.Context(), listTimeout)
	m.cancelDetail = cancel
	seq, b := m.detailSeq, state.Backend
	m.remember(id, &detail{loading: true, seq: seq})
	return tea.Batch(func() tea.Msg {
		defer cancel()
		if id.pane == sidePreview {
			return detailMsg{seq: seq, id: id, d: preview(c, b, id.profile, id.bucket, id.key)}
		}
		return detailMsg{seq: seq, id: id, d: target(c, b, id.profile, id.bucket, id.key, id.object)}
	}, m.startSpinner())
}

// gotDetail stores a fetched detail; the reply of a cancelled fetch is
// dropped (it is asked again if the cursor comes back).
func (m *Model) gotDetail(msg detailMsg) {
	cur, ok := m.details[msg.id]
	if !ok || !cur.loading || cur.seq != msg.seq {
		return // a fetch cancelled since: the row is asked for again when needed
	}
	m.details[msg.id] = msg.d
	if msg.seq == m.detailSeq {
		m.cancelDetail = nil
	}
}

// remember caches d as id, forgetting the oldest beyond maxDetails.
func (m *Model) remember(id detailKey, d *detail) {
	if _, ok := m.details[id]; !ok {
		m.detailKeys = append(m.detailKeys, id)
	}
	m.details[id] = d
	for len(m.detailKeys) > maxDetails {
		delete(m.details, m.detailKeys[0])
		m.detailKeys = m.detailKeys[1:]
	}
}

// clearDetails forgets every preview (the level is reloaded).
func (m *Model) clearDetails() {
	if m.cancelDetail != nil {
		m.cancelDetail()
		m.cancelDetail = nil
	}
	m.details, m.detailKeys = map[detailKey]*detail{}, nil
}

// fetchingDetail reports a fetch the spinner stands for (one at a time:
// starting one cancels and forgets the previous).
func (m *Model) fetchingDetail() bool {
	for _, d := range m.details {
		if d.loading {
			return true
		}
	}
	return false
}

// preview reads an object's headers and tags and, for a text object, its
// first peekBytes.
func preview(c context.Context, b screen.Backend, profile, bucket, key string) *detail {
	h, err := b.Head(c, profile, bucket, key)
	if err != nil {
		return &detail{err: err}
	}
	d := &detail{head: &h}
	if why := notText(h, key); why != "" {
		d.textNote = why
		return d
	}
	data, err := b.Peek(c, profile, bucket, key, peekBytes)
	if err != nil {
		d.textNote = "could not read the start: " + text.OneLine(transfer.ErrorSummary(err))
		return d
	}
	d.lines, d.textNote = textLines(data, h.Object.Size)
	return d
}

// target lists what the destination holds at dst: the first page of the
// prefix, or the object of the same key.
func target(c context.Context, b screen.Backend, profile, bucket, dst string, object bool) *detail {
	pg, err := b.List(c, profile, bucket, dst, "")
	d := &detail{dst: dst}
	if err != nil {
		d.err = fmt.Errorf("list s3://%s/%s: %w", bucket, dst, err)
		return d
	}
	if object {
		for i := range pg.Objects {
			if pg.Objects[i].Key == dst {
				d.same = &pg.Objects[i]
			}
		}
		return d
	}
	d.page = &pg
	return d
}

// notText says why an object's content is not previewed ("" when it is
// text and is read).
func notText(h screen.ObjectDetail, key string) string {
	o := h.Object
	switch {
	case o.Size == 0:
		return "empty object"
	case o.StorageClass == "GLACIER" || o.StorageClass == "DEEP_ARCHIVE":
		return "archived (" + o.StorageClass + "): restore it to read it"
	case o.SSECustomer:
		return "encrypted with a customer key (SSE-C): not readable without it"
	case h.ContentEncoding != "" && h.ContentEncoding != "identity":
		return text.Key(h.ContentEncoding) + "-encoded: not shown"
	case !looksText(h.ContentType, key):
		t := h.ContentType
		if t == "" {
			t = "no content type"
		}
		return "not text (" + text.Key(t) + "): not shown"
	}
	return ""
}

// looksText reports a text content type, or a generic one on a key with a
// text extension (uploads often leave the type out).
func looksText(contentType, key string) bool {
	t := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	switch {
	case strings.HasPrefix(t, "text/"), strings.HasSuffix(t, "+json"), strings.HasSuffix(t, "+xml"):
		return true
	}
	switch t {
	case "application/json", "application/xml", "application/yaml", "application/x-yaml", "application/x-ndjson",
		"application/javascript", "application/csv", "application/x-sh", "application/toml", "application/sql":
		return true
	case "", "binary/octet-stream", "application/octet-stream":
		switch strings.ToLower(path.Ext(key)) {
		case ".txt", ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".log", ".md", ".yaml", ".yml", ".xml", ".html", ".htm",
			".js", ".css", ".sh", ".py", ".go", ".conf", ".cfg", ".ini", ".toml", ".sql", ".properties", ".env":
			return true
		}
	}
	return false
}

// textLines splits the start of an object into lines made safe to print.
// A cut last line is dropped (it may end inside a character); bytes that
// are not text make the whole content "binary".
func textLines(data []byte, size int64) ([]string, string) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, "binary: not shown"
	}
	cut := int64(len(data)) < size
	if cut {
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			data = data[:i+1]
		} else {
			for len(data) > 0 && !utf8.Valid(data) {
				data = data[:len(data)-1] // a character cut by the range
			}
		}
	}
	if !utf8.Valid(data) {
		return nil, "not UTF-8 text: not shown"
	}
	s := strings.TrimSuffix(string(data), "\n")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.ReplaceAll(strings.TrimSuffix(l, "\r"), "\t", "    ")
		lines = append(lines, text.Key(l))
	}
	note := ""
	if cut {
		note = "first " + transfer.FormatBytes(int64(len(data))) + " of " + transfer.FormatBytes(size)
	}
	return lines, note
}
