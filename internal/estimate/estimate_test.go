package estimate

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

func entry(class transfer.Class, size int64) transfer.Entry {
	return transfer.Entry{Class: class, Src: transfer.Object{Size: size}, Dst: transfer.Object{Size: size}}
}

// TestRequestsByStrategy counts, per strategy, the requests the engine
// sends and who sends them: a server-side copy is one COPY by the
// destination identity; a multipart one reads the source's headers and
// writes create + parts + complete; a relay reads as the origin and writes
// as the destination, and its bytes pass through this machine.
func TestRequestsByStrategy(t *testing.T) {
	const mib = 1 << 20
	plan := []transfer.Entry{
		entry(transfer.ClassNew, 10), entry(transfer.ClassChanged, 20),
		entry(transfer.ClassNew, 20*mib), // 4 parts of 5 MiB above a 16 MiB threshold
		entry(transfer.ClassIdentical, 5), entry(transfer.ClassExtra, 7),
	}
	set := Settings{MultipartThreshold: 16 * mib, PartSize: 5 * mib, Delete: true}
	server := New(set)
	for _, e := range plan {
		server.Add(e)
	}
	server.Finish()
	// Two COPYs, a multipart copy (create + 4 parts + complete, after a
	// HEAD and the tags), a delete, and the listing of 3 destination keys
	// (one page, plus one per prefix); the origin lists its 4 keys.
	if want := (Requests{Write: 1 + 1 + (4 + 2) + 2, Read: 2, Delete: 1}); server.Dest != want {
		t.Errorf("server-side, destination: %+v, want %+v", server.Dest, want)
	}
	if want := (Requests{Write: 2}); server.Origin != want {
		t.Errorf("server-side, origin: %+v, want %+v", server.Origin, want)
	}
	if server.Objects != 3 || server.Bytes != 30+20*mib || server.Deleted != 1 || server.RelayBytes != 0 {
		t.Errorf("server-side totals: %+v", server)
	}

	set.Relay = true
	relay := New(set)
	for _, e := range plan {
		relay.Add(e)
	}
	relay.Finish()
	if want := (Requests{Write: 1 + 1 + 4 + 2 + 2, Delete: 1}); relay.Dest != want {
		t.Errorf("relay, destination: %+v, want %+v", relay.Dest, want)
	}
	if want := (Requests{Read: 1 + 1 + 4 + 2, Write: 2}); relay.Origin != want {
		t.Errorf("relay, origin: %+v, want %+v", relay.Origin, want)
	}
	if relay.RelayBytes != 30+20*mib {
		t.Errorf("relayed bytes %d", relay.RelayBytes)
	}
}

// TestPriceAndDuration: a million small server-side copies cost about
// $5 in COPY requests at the default table, more in a colder class; a
// cross-region copy adds the bytes; the duration never beats S3's
// per-prefix rate, and grows as the concurrency falls.
func TestPriceAndDuration(t *testing.T) {
	e := New(Settings{Concurrency: 100, Latency: 50 * time.Millisecond})
	for range 1_000_000 {
		e.Add(entry(transfer.ClassNew, 1000))
	}
	e.Finish()
	c := e.Price(DefaultPrices)
	if math.Abs(c.Dest-5.005) > 0.01 || c.Transfer != 0 {
		t.Errorf("a million COPYs: %+v, want about $5.01 for the destination and no transfer", c)
	}
	d := e.Duration()
	if d.Floor != 286*time.Second || d.Expected != 500*time.Second {
		t.Errorf("duration %+v, want a floor of 286s (1,001,000 writes at 3,500/s) and 500s at 100 × 50 ms", d)
	}
	ia := New(Settings{StorageClass: "STANDARD_IA"})
	ia.Add(entry(transfer.ClassNew, 1))
	ia.Finish()
	std := New(Settings{})
	std.Add(entry(transfer.ClassNew, 1))
	std.Finish()
	if ia.Price(DefaultPrices).Dest <= std.Price(DefaultPrices).Dest {
		t.Error("STANDARD_IA writes priced no higher than STANDARD")
	}
	far := New(Settings{CrossRegion: true})
	far.Add(entry(transfer.ClassNew, 10<<30))
	far.Finish()
	if c := far.Price(DefaultPrices); math.Abs(c.Transfer-0.2) > 1e-9 {
		t.Errorf("10 GiB across regions: transfer $%v, want $0.20", c.Transfer)
	}
}

// TestLoadPrices: a table of one's own replaces the default; a table
// without the prices it needs is refused.
func TestLoadPrices(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "eu.json")
	os.WriteFile(good, []byte(`{"source":"eu-central-1, 2025-01","write_per_1000":{"STANDARD":0.0054},"read_per_1000":0.00043,"inter_region_per_gb":0.02,"internet_out_per_gb":0.09}`), 0o600)
	p, err := LoadPrices(good)
	if err != nil || p.WritePer1000["STANDARD"] != 0.0054 || p.Source != "eu-central-1, 2025-01" {
		t.Errorf("LoadPrices: %+v, %v", p, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"source":"x"}`), 0o600)
	if _, err := LoadPrices(bad); err == nil {
		t.Error("a table without prices was accepted")
	}
}

// TestBatchEstimate: a batch job's objects cost one COPY each plus the
// job's fees ($0.25 a job, $1 per million objects at the default table);
// an object above 5 GB is left to the local engine's multipart copy.
func TestBatchEstimate(t *testing.T) {
	e := New(Settings{Batch: true, PartSize: 1 << 30, MultipartThreshold: 1 << 30})
	for range 2_000_000 {
		e.Add(entry(transfer.ClassNew, 1000))
	}
	e.Add(entry(transfer.ClassNew, 6<<30)) // 6 parts of 1 GiB, locally
	e.Finish()
	c := e.Price(DefaultPrices)
	if e.BatchObjects != 2_000_000 || math.Abs(c.Batch-2.25) > 1e-9 {
		t.Errorf("batch objects %d, fees $%v; want 2,000,000 and $2.25", e.BatchObjects, c.Batch)
	}
	if want := int64(2_000_000 + 6 + 2 + 1); e.Dest.Write != want { // copies, parts, create+complete, the destination's listing
		t.Errorf("destination writes %d, want %d", e.Dest.Write, want)
	}
	if d := e.Duration(); d.Expected != d.Floor || d.Floor <= 0 {
		t.Errorf("a job's duration: %+v, want its floor only", d)
	}
}

// --keep-object-lock reads each copied object's retention and legal hold
// as the origin identity: two GETs per object; a batch job reads none.
func TestKeepObjectLockReads(t *testing.T) {
	for _, tc := range []struct {
		set  Settings
		want int64
	}{
		{Settings{Concurrency: 1, MultipartThreshold: 1 << 30, PartSize: 1 << 30}, 0},
		{Settings{Concurrency: 1, MultipartThreshold: 1 << 30, PartSize: 1 << 30, KeepObjectLock: true}, 6},
		{Settings{Batch: true, Concurrency: 1, MultipartThreshold: 1 << 30, PartSize: 1 << 30, KeepObjectLock: true}, 0},
	} {
		e := New(tc.set)
		for range 3 {
			e.Add(transfer.Entry{Class: transfer.ClassNew, Src: transfer.Object{Size: 10}})
		}
		e.Finish()
		if e.Origin.Read != tc.want {
			t.Errorf("%+v: origin reads %d, want %d", tc.set, e.Origin.Read, tc.want)
		}
	}
}
