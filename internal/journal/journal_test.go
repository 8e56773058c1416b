package journal

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3migrate/s3migrate/transfer"
)

func testDef() Definition {
	return Definition{
		ID:         "20261127-033512-ab12",
		Created:    time.Date(2026, 11, 27, 3, 35, 12, 123456789, time.FixedZone("CET", 3600)),
		Src:        transfer.Location{Bucket: "origin", Prefix: "photos/"},
		Dst:        transfer.Location{Bucket: "dest", Prefix: "archive/photos/"},
		SrcProfile: "origin-admin",
		DstProfile: "dest-admin",
		Spec:       []byte(`{"version":1,"options":{"mode":"auto"}}`),
	}
}

func newJournal(t testing.TB) *Journal {
	t.Helper()
	j, err := Create(filepath.Join(t.TempDir(), "m.db"), testDef())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func entry(rel string, class transfer.Class, size int64) transfer.Entry {
	e := transfer.Entry{Rel: rel, Class: class}
	obj := transfer.Object{Size: size, ETag: fmt.Sprintf("etag-%s", rel)}
	if class != transfer.ClassExtra {
		e.Src = obj
		e.Src.Key = "photos/" + rel
	}
	if class != transfer.ClassNew {
		e.Dst = obj
		e.Dst.Key = "archive/photos/" + rel
	}
	return e
}

func sameDefinition(t *testing.T, got, want Definition) {
	t.Helper()
	if !got.Created.Equal(want.Created) {
		t.Errorf("Created = %v, want %v", got.Created, want.Created)
	}
	got.Created, want.Created = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("definition = %+v, want %+v", got, want)
	}
}

func TestCreateOpenRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	def := testDef()
	j, err := Create(path, def)
	if err != nil {
		t.Fatal(err)
	}
	sameDefinition(t, j.Definition(), def)
	if j.Path() != path || j.State() != StatePlanning {
		t.Errorf("Path, State = %q, %q", j.Path(), j.State())
	}
	j.Definition().Spec[0] = 'X' // changed through a copy
	if err := j.SetState(StateRunning); err != nil {
		t.Fatal(err)
	}
	if err := j.SetState("paused"); err == nil {
		t.Error("SetState accepted an unknown state")
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, def); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("Create over an existing journal: %v", err)
	}

	j, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	sameDefinition(t, j.Definition(), def)
	if j.State() != StateRunning {
		t.Errorf("State after reopen = %q, want running", j.State())
	}
}

func TestCreateDefaultPathAndID(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	def := testDef()
	def.ID, def.Created = "", time.Time{}
	j, err := Create("", def)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	id := j.Definition().ID
	if !regexp.MustCompile(`^\d{8}-\d{6}-[0-9a-f]{4}$`).MatchString(id) {
		t.Errorf("generated ID %q", id)
	}
	if want := filepath.Join(state, "s3migrate", id+".db"); j.Path() != want {
		t.Errorf("Path = %q, want %q", j.Path(), want)
	}
	if j.Definition().Created.IsZero() {
		t.Error("Created not set")
	}
	fi, err := os.Stat(filepath.Join(state, "s3migrate"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestFileMode(t *testing.T) {
	j := newJournal(t)
	j.Planned(entry("a", transfer.ClassNew, 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	// The -wal file exists while the journal is open and holds the plan.
	for _, name := range []string{j.Path(), j.Path() + "-wal"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(name), fi.Mode().Perm())
		}
	}
}

// record plans and settles key i as statusOf(i) says.
func record(j *Journal, i int) {
	rel := fmt.Sprintf("dir%03d/key%07d", i%1000, i)
	class := transfer.ClassNew
	if statusOf(i) == StatusSkipped {
		class = transfer.ClassIdentical
	}
	e := entry(rel, class, int64(i))
	j.Planned(e)
	switch statusOf(i) {
	case StatusFailed:
		j.Finished(e, "copy", 3, &smithy.GenericAPIError{Code: "AccessDenied", Message: "denied"})
	case StatusDone:
		j.Finished(e, "copy", 1, nil)
	}
}

// statusOf is where record leaves key i.
func statusOf(i int) string {
	switch {
	case i%7 == 0:
		return StatusSkipped
	case i%10 == 0:
		return StatusFailed
	}
	return StatusDone
}

func TestConcurrentRecord(t *testing.T) {
	const n, workers = 100_000, 8
	j := newJournal(t)
	want := map[string]int64{}
	var wantBytes int64
	for i := range n {
		s := statusOf(i)
		want[s]++
		if s == StatusDone {
			wantBytes += int64(i)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				record(j, i)
			}
		})
	}
	wg.Wait()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j, err := Open(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Counts = %v, want %v", got, want)
	}
	list, err := List(filepath.Dir(j.Path()))
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if s := list[0]; s.Planned != n || s.Done != want[StatusDone] || s.Failed != want[StatusFailed] ||
		s.Skipped != want[StatusSkipped] || s.Bytes != wantBytes {
		t.Errorf("Summary = %+v, want %v and %d bytes", s, want, wantBytes)
	}
}

func TestBatching(t *testing.T) {
	const n = 100_000
	j := newJournal(t)
	for i := range n {
		j.Planned(entry(fmt.Sprintf("k%07d", i), transfer.ClassNew, 1))
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	// One commit per op would be 100,000. The timer alone could add one
	// commit per 200 ms: 1,000 would take minutes.
	if c := j.commits.Load(); c < n/batchOps || c > 1000 {
		t.Errorf("%d transactions for %d ops", c, n)
	}
	j.Close() // orders the read of maxBatch after the writer's last write
	if j.maxBatch > batchOps {
		t.Errorf("a batch of %d ops, want at most %d", j.maxBatch, batchOps)
	}
}

func TestUploadVisibleWithoutFlush(t *testing.T) {
	j := newJournal(t)
	if _, ok := j.Upload("big"); ok {
		t.Fatal("upload before UploadStarted")
	}
	j.UploadStarted("big", "old-id", "e0", 8<<20)
	j.PartDone("big", 1, "stale")
	j.UploadStarted("big", "u1", "e1", 16<<20) // a new upload forgets the old parts
	j.PartDone("big", 1, "p1")
	j.PartDone("big", 3, "p3")
	up, ok := j.Upload("big")
	want := transfer.Upload{ID: "u1", SrcETag: "e1", PartSize: 16 << 20, Parts: map[int32]string{1: "p1", 3: "p3"}}
	if !ok || !reflect.DeepEqual(up, want) {
		t.Fatalf("Upload = %+v, %v; want %+v", up, ok, want)
	}

	j.UploadStarted("other", "u2", "e2", 5<<20)
	j.UploadEnded("big")
	j.PartDone("big", 4, "late") // a part finishing after the abort
	if _, ok := j.Upload("big"); ok {
		t.Error("upload still recorded after UploadEnded")
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	open, err := j.OpenUploads()
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].Rel != "other" || open[0].ID != "u2" || open[0].Parts != 0 || open[0].Started.IsZero() {
		t.Errorf("OpenUploads = %+v", open)
	}
	var parts int
	if err := j.db.QueryRow(`SELECT count(*) FROM part`).Scan(&parts); err != nil || parts != 0 {
		t.Errorf("%d part rows left (%v)", parts, err)
	}
}

// plan records keys in a shuffled order, so key order must come from the query.
func plan(t *testing.T, j *Journal, rels []string) {
	t.Helper()
	shuffled := slices.Clone(rels)
	rand.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
	for _, rel := range shuffled {
		e := entry(rel, transfer.ClassNew, 10)
		j.Planned(e)
		if strings.HasPrefix(rel, "f") {
			j.Finished(e, "copy", 2, errors.New("boom"))
		}
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
}

func TestRowsPaging(t *testing.T) {
	j := newJournal(t)
	var rels, failed []string
	for i := range 25 {
		rels = append(rels, fmt.Sprintf("a%02d", i))
		if i%2 == 0 {
			failed = append(failed, fmt.Sprintf("f%02d", i))
		}
	}
	rels = append(rels, failed...)
	plan(t, j, rels)
	slices.Sort(rels)

	page := func(status string) (got []string, sizes []int) {
		after := ""
		for {
			rows, err := j.Rows(status, after, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				return got, sizes
			}
			sizes = append(sizes, len(rows))
			for _, r := range rows {
				got = append(got, r.Rel)
			}
			after = rows[len(rows)-1].Rel
		}
	}
	if got, sizes := page(""); !slices.Equal(got, rels) || !slices.Equal(sizes, []int{10, 10, 10, 8}) {
		t.Errorf("all rows: %v in pages %v", got, sizes)
	}
	if got, _ := page(StatusFailed); !slices.Equal(got, failed) {
		t.Errorf("failed rows: %v, want %v", got, failed)
	}
	rows, err := j.Rows(StatusFailed, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := Row{Rel: "f00", SrcKey: "photos/f00", Size: 10, ETag: "etag-f00", Class: transfer.ClassNew,
		Status: StatusFailed, Attempts: 2, Strategy: "copy", Error: "boom"}
	if len(rows) != 1 || rows[0] != want {
		t.Errorf("Rows = %+v, want %+v", rows, want)
	}
}

func TestEachStreamsInKeyOrder(t *testing.T) {
	j := newJournal(t)
	// Byte order, as S3 lists keys: "B" < "a" < "a/" < "a0" < "é".
	rels := []string{"é", "a0", "a/", "B", "a", "a/b/c", "z"}
	plan(t, j, rels)
	var got []string
	if err := j.Each(func(r Row) error { got = append(got, r.Rel); return nil }); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(rels)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Each order %q, want %q", got, want)
	}

	stop := errors.New("stop")
	got = nil
	err := j.Each(func(r Row) error {
		got = append(got, r.Rel)
		if len(got) == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(got) != 2 {
		t.Errorf("Each after fn error: %v, %d rows", err, len(got))
	}
}

func TestFinishedRecordsError(t *testing.T) {
	j := newJournal(t)
	resp := &http.Response{StatusCode: 403}
	api := &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied\nsecond line"}
	err := &transfer.OpError{Op: "copy", URL: "s3://origin/photos/x", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: api}}}
	e := entry("x", transfer.ClassChanged, 5)
	j.Planned(e)
	j.Finished(e, "multipart copy", 4, err)
	d := entry("gone", transfer.ClassExtra, 7)
	j.Planned(d)
	j.Finished(d, "delete", 1, nil)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, qerr := j.Rows("", "", 10)
	if qerr != nil || len(rows) != 2 {
		t.Fatalf("Rows = %+v, %v", rows, qerr)
	}
	g, x := rows[0], rows[1]
	if g.Status != StatusDeleted || g.SrcKey != "" || g.Size != 7 || g.Class != transfer.ClassExtra || g.Bytes != 0 {
		t.Errorf("deleted row %+v", g)
	}
	if x.Status != StatusFailed || x.ErrorCode != "AccessDenied" || x.HTTPStatus != 403 ||
		x.Attempts != 4 || x.Strategy != "multipart copy" || x.Class != transfer.ClassChanged ||
		strings.Contains(x.Error, "\n") || !strings.Contains(x.Error, "second line") {
		t.Errorf("failed row %+v", x)
	}
}

func TestReplanKeepsDone(t *testing.T) {
	j := newJournal(t)
	e := entry("k", transfer.ClassNew, 3)
	j.Planned(e)
	j.Finished(e, "copy", 1, nil)
	j.Planned(entry("k", transfer.ClassIdentical, 3)) // a resumed run's diff
	c := entry("c", transfer.ClassNew, 3)
	j.Planned(c)
	j.Finished(c, "copy", 1, nil)
	j.Planned(entry("c", transfer.ClassChanged, 4)) // changed again since
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := j.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{StatusDone: 1, StatusPending: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("Counts = %v, want %v", got, want)
	}
}

func TestWriteErrorIsSticky(t *testing.T) {
	j := newJournal(t)
	if _, err := j.db.Exec(`DROP TABLE object`); err != nil {
		t.Fatal(err)
	}
	j.Planned(entry("a", transfer.ClassNew, 1))
	err := j.Flush()
	if err == nil {
		t.Fatal("Flush after a failed write returned nil")
	}
	j.UploadStarted("b", "u", "e", 1) // would succeed on its own
	if err2 := j.Flush(); err2 != err || j.Err() != err || j.Close() != err {
		t.Errorf("error not sticky: %v, %v", err2, j.Err())
	}
}

func TestUseAfterClose(t *testing.T) {
	j := newJournal(t)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j.Planned(entry("a", transfer.ClassNew, 1)) // must not panic
	if _, ok := j.Upload("a"); ok {
		t.Error("Upload after Close")
	}
	if err := j.Flush(); !errors.Is(err, errClosed) {
		t.Errorf("Flush after Close = %v", err)
	}
}

func TestListGoodAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	for i, id := range []string{"older", "newer"} {
		def := testDef()
		def.ID, def.Created = id, def.Created.Add(time.Duration(i)*time.Hour)
		j, err := Create(filepath.Join(dir, id+".db"), def)
		if err != nil {
			t.Fatal(err)
		}
		record(j, 1)
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.db"), []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{"newer", "older", "broken"}) {
		t.Fatalf("List ids %v", ids)
	}
	good, bad := list[0], list[2]
	// Closed while "planning": nobody holds it, so it reads as interrupted.
	if good.Err != nil || good.Src != testDef().Src || good.State != StateInterrupted || good.Held || good.Planned != 1 ||
		good.Done != 1 || good.Bytes != 1 || good.Updated.Before(good.Created) {
		t.Errorf("good summary %+v", good)
	}
	if bad.Err == nil || bad.Path != filepath.Join(dir, "broken.db") {
		t.Errorf("broken summary %+v", bad)
	}
	if list, err := List(filepath.Join(dir, "missing")); err != nil || len(list) != 0 {
		t.Errorf("List of a missing dir = %v, %v", list, err)
	}
}

func TestOpenRejectsOtherFiles(t *testing.T) {
	j := newJournal(t)
	path := closeAndRewrite(t, j, `PRAGMA user_version = 99`)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("Open of schema version 99: %v", err)
	}

	other := filepath.Join(t.TempDir(), "other.db")
	raw, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "not an s3migrate journal") {
		t.Errorf("Open of another SQLite database: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := Open(missing); err == nil {
		t.Error("Open of a missing file succeeded")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("Open created the missing file")
	}
}

// The journal stores profile names only: the schema is pinned column by
// column, so a column for keys or tokens cannot be added without editing
// this list, and the definition is stored exactly as given.
func TestNoCredentials(t *testing.T) {
	j := newJournal(t)
	rows, err := j.db.Query(`SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		got = append(got, table+"."+col)
	}
	want := []string{
		"bucket_config.kind", "bucket_config.applied", "bucket_config.at",
		"migration.id", "migration.created", "migration.updated", "migration.state",
		"migration.src_bucket", "migration.src_prefix", "migration.dst_bucket", "migration.dst_prefix",
		"migration.src_profile", "migration.dst_profile", "migration.definition", "migration.run",
		"migration.holder_pid", "migration.holder_host",
		"object.rel", "object.src_key", "object.size", "object.etag", "object.class", "object.status",
		"object.attempts", "object.strategy", "object.error_code", "object.http_status", "object.error", "object.bytes",
		"object.mtime", "object.storage", "object.checksum", "object.dst_size", "object.dst_etag", "object.run", "object.copied_etag",
		"object_count.status", "object_count.n", "object_count.size", "object_count.bytes",
		"part.rel", "part.part", "part.etag",
		"upload.rel", "upload.upload_id", "upload.src_etag", "upload.part_size", "upload.started",
	}
	if !slices.Equal(got, want) {
		t.Errorf("columns:\n got %v\nwant %v", got, want)
	}
	var spec string
	if err := j.db.QueryRow(`SELECT definition FROM migration`).Scan(&spec); err != nil {
		t.Fatal(err)
	}
	if spec != string(testDef().Spec) {
		t.Errorf("stored definition %q, want it exactly as given", spec)
	}
}

func BenchmarkRecord(b *testing.B) {
	j := newJournal(b)
	i := 0
	for b.Loop() {
		e := entry(fmt.Sprintf("dir%03d/key%09d", i%1000, i), transfer.ClassNew, 1234)
		j.Planned(e)
		j.Finished(e, "copy", 1, nil)
		i++
	}
	if err := j.Flush(); err != nil { // the commits are part of the cost
		b.Fatal(err)
	}
}

// TestCopiedRecallsWhatACopyWrote: a completed copy is recalled with the
// source it read and the ETag it wrote; a failed one, a skipped key and a
// key copied again but not yet done are not.
func TestCopiedRecallsWhatACopyWrote(t *testing.T) {
	j := newJournal(t)
	done, failed := entry("a.txt", transfer.ClassNew, 10), entry("b.txt", transfer.ClassNew, 20)
	j.Planned(done)
	j.Planned(failed)
	j.Planned(entry("c.txt", transfer.ClassIdentical, 30))
	wrote := done
	wrote.Dst = transfer.Object{Key: "dst/a.txt", Size: 10, ETag: "kms-etag-of-the-copy"}
	j.Finished(wrote, "copy", 1, nil)
	j.Finished(failed, "copy", 3, errors.New("boom"))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	size, src, dst, ok := j.Copied("a.txt")
	if !ok || size != 10 || src != "etag-a.txt" || dst != "kms-etag-of-the-copy" {
		t.Errorf("Copied(a.txt) = %d, %q, %q, %v", size, src, dst, ok)
	}
	for _, rel := range []string{"b.txt", "c.txt", "missing"} {
		if _, _, _, ok := j.Copied(rel); ok {
			t.Errorf("Copied(%s) recalled a copy that did not complete", rel)
		}
	}
	// Planned again as changed: pending, so the old copy is not recalled.
	j.Planned(entry("a.txt", transfer.ClassChanged, 11))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := j.Copied("a.txt"); ok {
		t.Error("a key planned again is still recalled as copied")
	}
}

// TestOpenUpgradesSchema2: a journal written by the previous release
// (schema 2, without copied_etag) is listed as it is and upgraded in place
// by Open, keeping its rows.
func TestOpenUpgradesSchema2(t *testing.T) {
	j := newJournal(t)
	j.Planned(entry("a.txt", transfer.ClassNew, 10))
	path := closeAndRewrite(t, j, `ALTER TABLE object DROP COLUMN copied_etag`, `DROP TABLE bucket_config`, `PRAGMA user_version = 2`)
	if _, _, err := ReadDefinition(path); err != nil {
		t.Fatalf("ReadDefinition of schema 2: %v", err)
	}
	j, err := Open(path)
	if err != nil {
		t.Fatalf("Open of schema 2: %v", err)
	}
	defer j.Close()
	rows, err := j.Rows("", "", 10)
	if err != nil || len(rows) != 1 || rows[0].Rel != "a.txt" {
		t.Fatalf("rows after the upgrade: %+v, %v", rows, err)
	}
	e := entry("a.txt", transfer.ClassNew, 10)
	e.Dst.ETag = "written"
	j.Finished(e, "copy", 1, nil)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, _, dst, ok := j.Copied("a.txt"); !ok || dst != "written" {
		t.Errorf("Copied after the upgrade: %q, %v", dst, ok)
	}
	var version int
	if err := j.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != schemaVersion {
		t.Errorf("user_version %d (%v), want %d", version, err, schemaVersion)
	}
}

// TestBucketConfigRecorded: what was applied to the destination bucket is
// kept by kind (a second record of a kind replaces the first), survives a
// reopen, and is returned in kind order.
func TestBucketConfigRecorded(t *testing.T) {
	j := newJournal(t)
	if got, err := j.BucketConfigs(); err != nil || len(got) != 0 {
		t.Fatalf("a new journal has records: %v, %v", got, err)
	}
	before := time.Now().Add(-time.Second)
	for _, r := range [][2]string{{"cors", `{"CORSRules":[1]}`}, {"bucket", "in eu-west-1, like the source"}, {"cors", `{"CORSRules":[2]}`}} {
		if err := j.RecordBucketConfig(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	path := j.Path()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.BucketConfigs()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Kind != "bucket" || got[0].Applied != "in eu-west-1, like the source" ||
		got[1].Kind != "cors" || got[1].Applied != `{"CORSRules":[2]}` {
		t.Fatalf("records = %+v", got)
	}
	for _, r := range got {
		if r.At.Before(before) || r.At.After(time.Now()) {
			t.Errorf("%s recorded at %v", r.Kind, r.At)
		}
	}
}

// TestOpenUpgradesSchema3: a journal of the previous release (schema 3,
// without bucket_config) is read as it is, untouched, and upgraded in place
// by Open, keeping its rows; it then records bucket configuration.
func TestOpenUpgradesSchema3(t *testing.T) {
	j := newJournal(t)
	e := entry("a.txt", transfer.ClassNew, 10)
	e.Dst.ETag = "written"
	j.Planned(e)
	j.Finished(e, "copy", 1, nil)
	path := j.Path()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TABLE bucket_config`, `PRAGMA user_version = 3`} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	version := func() (v int) {
		t.Helper()
		if err := raw.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, _, err := ReadDefinition(path); err != nil {
		t.Fatalf("ReadDefinition of schema 3: %v", err)
	}
	if got, err := ReadBucketConfigs(path); err != nil || got != nil {
		t.Fatalf("ReadBucketConfigs of schema 3: %v, %v", got, err)
	}
	if v := version(); v != 3 {
		t.Fatalf("reading changed the version to %d", v)
	}
	j, err = Open(path)
	if err != nil {
		t.Fatalf("Open of schema 3: %v", err)
	}
	defer j.Close()
	if _, _, dst, ok := j.Copied("a.txt"); !ok || dst != "written" {
		t.Errorf("Copied after the upgrade: %q, %v", dst, ok)
	}
	if err := j.RecordBucketConfig("versioning", `{"Status":"Enabled"}`); err != nil {
		t.Fatal(err)
	}
	if got, err := j.BucketConfigs(); err != nil || len(got) != 1 || got[0].Kind != "versioning" {
		t.Errorf("records after the upgrade: %+v, %v", got, err)
	}
	if got, err := ReadBucketConfigs(path); err != nil || len(got) != 1 || got[0].Applied != `{"Status":"Enabled"}` {
		t.Errorf("ReadBucketConfigs after the upgrade: %+v, %v", got, err)
	}
	if v := version(); v != schemaVersion {
		t.Errorf("user_version %d, want %d", v, schemaVersion)
	}
	raw.Close()
}

// TestCreateDrawsAnotherID: a generated id whose file exists (two
// migrations in one second drawing the same suffix) is drawn again; an id
// the caller chose is never replaced.
func TestCreateDrawsAnotherID(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	jdir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(jdir, 0o700); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 29, 11, 15, 59, 0, time.UTC)
	def := Definition{Created: created, Src: transfer.Location{Bucket: "a"}, Dst: transfer.Location{Bucket: "b"}}
	taken := filepath.Join(jdir, "20261129-111559-1921.db")
	if err := os.WriteFile(taken, []byte("another migration"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The first draw gives the taken suffix 1921, the second 1922.
	j, err := create("", def, bytes.NewReader([]byte{0x19, 0x21, 0x19, 0x22}))
	if err != nil {
		t.Fatalf("create when the first id drawn is taken: %v", err)
	}
	id := j.Definition().ID
	j.Close()
	if id != "20261129-111559-1922" {
		t.Errorf("id %s, want the second draw 20261129-111559-1922", id)
	}
	if b, _ := os.ReadFile(taken); string(b) != "another migration" {
		t.Errorf("the other migration's file was touched: %q", b)
	}
	// A chosen id is not replaced.
	def.ID = "20261129-111559-1921"
	if _, err := create("", def, bytes.NewReader([]byte{0x19, 0x23})); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a chosen id that exists: %v, want refused", err)
	}
}

// closeAndRewrite closes j and runs stmts on its file with plain SQL (a
// journal of another schema or another program), returning its path.
func closeAndRewrite(t *testing.T, j *Journal, stmts ...string) string {
	t.Helper()
	path := j.Path()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, stmt := range stmts {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	return path
}
