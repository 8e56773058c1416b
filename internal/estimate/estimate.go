// Package estimate says, before a migration starts, what it will cost and
// how long it may take: the requests by type and by paying account, the
// bytes that cross a region or pass through this machine, their price from a
// dated table the operator can replace, and a duration from the concurrency
// and S3's per-prefix request rates.
package estimate

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

// Prices is a price table in US dollars. Requests are billed to the account
// that sends them; a read-class request (GET, HEAD) costs the same in every
// storage class of S3 Standard's family, a write-class one (PUT, COPY, POST,
// LIST) depends on the class written.
type Prices struct {
	// Source says where the figures come from and when.
	Source string `json:"source"`
	// WritePer1000 is the price of 1,000 PUT, COPY, POST or LIST requests,
	// by destination storage class ("" or STANDARD for the default).
	WritePer1000 map[string]float64 `json:"write_per_1000"`
	// ReadPer1000 is the price of 1,000 GET or HEAD requests.
	ReadPer1000 float64 `json:"read_per_1000"`
	// InterRegionPerGB is the price of a GB copied between two regions.
	InterRegionPerGB float64 `json:"inter_region_per_gb"`
	// InternetOutPerGB is the price of a GB read out of S3 to a machine
	// outside AWS (a relay run off AWS).
	InternetOutPerGB float64 `json:"internet_out_per_gb"`
	// BatchPerJob and BatchPerMillion are S3 Batch Operations' own fees:
	// per job, and per million objects processed (the copies' requests
	// are billed on top, as for any COPY).
	BatchPerJob     float64 `json:"batch_per_job"`
	BatchPerMillion float64 `json:"batch_per_million_objects"`
}

// DefaultPrices are AWS's published S3 prices for US East (N. Virginia) as
// of January 2025 (first tier of data transfer out). Other regions differ
// by up to about a third: pass a table of your own for them.
var DefaultPrices = Prices{
	Source: "AWS S3 prices, US East (N. Virginia), 2025-01",
	WritePer1000: map[string]float64{
		"STANDARD": 0.005, "INTELLIGENT_TIERING": 0.005, "REDUCED_REDUNDANCY": 0.005,
		"STANDARD_IA": 0.01, "ONEZONE_IA": 0.01, "GLACIER_IR": 0.02, "GLACIER": 0.03, "DEEP_ARCHIVE": 0.05,
	},
	ReadPer1000:      0.0004,
	InterRegionPerGB: 0.02,
	InternetOutPerGB: 0.09,
	BatchPerJob:      0.25,
	BatchPerMillion:  1.00,
}

// LoadPrices reads a price table (the JSON form of Prices) from path.
func LoadPrices(path string) (Prices, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Prices{}, fmt.Errorf("price table: %w", err)
	}
	var p Prices
	if err := json.Unmarshal(data, &p); err != nil {
		return Prices{}, fmt.Errorf("price table %s: %w: write it as the JSON of estimate.Prices", path, err)
	}
	if p.Source == "" || len(p.WritePer1000) == 0 || p.ReadPer1000 <= 0 {
		return Prices{}, fmt.Errorf("price table %s: needs source, write_per_1000 (by storage class) and read_per_1000", path)
	}
	return p, nil
}

// Settings are the migration options that decide the requests.
type Settings struct {
	// Relay is true when bytes go through this machine (--mode relay).
	Relay bool
	// Batch is true when an S3 Batch Operations job copies (--engine
	// batch): one COPY per object up to 5 GB, no listing or HEAD of its
	// own, and the job's fees.
	Batch bool
	// MultipartThreshold and PartSize decide which copies go in parts.
	MultipartThreshold, PartSize int64
	// StorageClass is the class written ("" for STANDARD).
	StorageClass string
	// Delete counts the removal of keys only in the destination.
	Delete bool
	// Verify counts the check after the copy.
	Verify bool
	// KeepObjectLock counts the two reads of each object's retention and
	// legal hold, as the origin identity (--keep-object-lock).
	KeepObjectLock bool
	// CrossRegion is true when the two buckets are in different regions.
	CrossRegion bool
	// Concurrency is the number of objects copied at once.
	Concurrency int
	// Prefixes is the number of selected prefixes: S3 scales its request
	// rate per prefix.
	Prefixes int
	// Latency is the assumed time of one request, for the duration.
	Latency time.Duration
}

// Requests counts requests by price class.
type Requests struct {
	Write, Read, Delete int64
}

func (r *Requests) add(o Requests) { r.Write += o.Write; r.Read += o.Read; r.Delete += o.Delete }

// Estimate accumulates a plan's entries.
type Estimate struct {
	set Settings
	// Origin and Dest are the requests each account sends (and pays for).
	Origin, Dest Requests
	// Objects and Bytes are what will be copied; Deleted what removed.
	Objects, Bytes, Deleted int64
	// RelayBytes pass through this machine; CrossRegionBytes cross
	// regions inside S3.
	RelayBytes, CrossRegionBytes int64
	// BatchObjects are the objects a batch job copies (the rest, above its
	// limit, are copied locally).
	BatchObjects int64
	listed       [2]int64 // keys listed on each side
}

// New starts an estimate.
func New(s Settings) *Estimate {
	if s.PartSize <= 0 {
		s.PartSize = transfer.DefaultPartSize
	}
	if s.MultipartThreshold <= 0 {
		s.MultipartThreshold = transfer.DefaultMultipartThreshold
	}
	if s.Concurrency <= 0 {
		s.Concurrency = 32
	}
	if s.Prefixes <= 0 {
		s.Prefixes = 1
	}
	if s.Latency <= 0 {
		s.Latency = DefaultLatency
	}
	return &Estimate{set: s}
}

// DefaultLatency is the assumed time of one copy request inside a region.
const DefaultLatency = 60 * time.Millisecond

// Add counts one entry of the plan: the listing that found it, and the
// copy or delete it will cost.
func (e *Estimate) Add(en transfer.Entry) {
	if en.Class != transfer.ClassExtra {
		e.listed[0]++
	}
	if en.Class != transfer.ClassNew {
		e.listed[1]++
	}
	switch en.Class {
	case transfer.ClassExtra:
		if e.set.Delete {
			e.Deleted++
			e.Dest.Delete++
		}
		return
	case transfer.ClassIdentical:
		return
	}
	size := en.Src.Size
	e.Objects++
	e.Bytes += size
	parts := int64(1)
	multipart := size > e.set.MultipartThreshold
	if multipart {
		parts = (size + e.set.PartSize - 1) / e.set.PartSize
	}
	switch {
	case e.set.Batch && size <= BatchCopyLimit:
		e.BatchObjects++
		e.Dest.Write++ // the task's COPY, billed to the destination account
	case e.set.Relay:
		e.RelayBytes += size
		e.Origin.Read += parts // GET (a ranged GET per part)
		e.Dest.Write += parts  // PUT or UploadPart
		if multipart {
			e.Origin.Read += 2 // HEAD and GetObjectTagging for the headers
			e.Dest.Write += 2  // CreateMultipartUpload, Complete
		}
	case multipart:
		e.Dest.Read += 2 // HEAD and tagging of the source, as the destination identity
		e.Dest.Write += parts + 2
	default:
		e.Dest.Write++ // CopyObject
	}
	if e.set.KeepObjectLock && !e.set.Batch {
		e.Origin.Read += 2 // GetObjectRetention, GetObjectLegalHold
	}
	if e.set.CrossRegion && !e.set.Relay {
		e.CrossRegionBytes += size
	}
	if e.set.Verify && multipart {
		// The full check of a multipart copy: HEAD and tags of both sides.
		e.Origin.Read += 2
		e.Dest.Read += 2
	}
}

// Finish adds the listings, which depend on totals.
func (e *Estimate) Finish() {
	pages := func(n int64) int64 { return (n+999)/1000 + int64(e.set.Prefixes) }
	e.Origin.add(Requests{Write: pages(e.listed[0])}) // LIST is a write-class request
	e.Dest.add(Requests{Write: pages(e.listed[1])})
	if e.set.Verify && e.Objects > 0 {
		e.Dest.add(Requests{Write: pages(e.Objects)})
	}
}

// BatchCopyLimit is the largest object an S3 Batch Operations copy task
// takes (5 GB).
const BatchCopyLimit = 5 << 30

// Cost is the price of an estimate under a table.
type Cost struct {
	Origin, Dest, Transfer float64
	// Batch is the job's own fees (per job and per million objects).
	Batch float64
	// TransferNote says what the transfer line holds.
	TransferNote string
}

// Total is the whole cost.
func (c Cost) Total() float64 { return c.Origin + c.Dest + c.Transfer + c.Batch }

// Price applies a price table.
func (e *Estimate) Price(p Prices) Cost {
	write := p.WritePer1000[e.set.StorageClass]
	if write == 0 {
		write = p.WritePer1000["STANDARD"]
	}
	list := p.WritePer1000["STANDARD"] // listings are billed at the bucket's request price
	reqs := func(r Requests, writePrice float64) float64 {
		return float64(r.Write)/1000*writePrice + float64(r.Read)/1000*p.ReadPer1000
	}
	const gb = 1 << 30
	c := Cost{Origin: reqs(e.Origin, list), Dest: reqs(e.Dest, write)}
	if e.BatchObjects > 0 {
		c.Batch = p.BatchPerJob + float64(e.BatchObjects)/1e6*p.BatchPerMillion
	}
	switch {
	case e.RelayBytes > 0:
		c.Transfer = float64(e.RelayBytes) / gb * p.InternetOutPerGB
		c.TransferNote = "relayed bytes at internet prices (nothing on EC2 in the bucket's region)"
	case e.CrossRegionBytes > 0:
		c.Transfer = float64(e.CrossRegionBytes) / gb * p.InterRegionPerGB
		c.TransferNote = "copied between regions"
	default:
		c.TransferNote = "server-side copies within one region move no billed bytes"
	}
	return c
}

// Duration is how long the copy may take: Floor from S3's request rate per
// prefix (3,500 writes a second), which no client can beat, and Expected
// from the concurrency and the assumed request time.
type Duration struct {
	Floor, Expected time.Duration
}

// S3WritesPerPrefix is S3's documented request rate for PUT, COPY, POST and
// DELETE per partitioned prefix.
const S3WritesPerPrefix = 3500

// Duration estimates the copy's length. A batch job's pace is AWS's: only
// the floor from S3's request rate is known, and Expected is that floor.
func (e *Estimate) Duration() Duration {
	writes := float64(e.Dest.Write + e.Dest.Delete)
	if e.set.Batch {
		d := seconds(writes / float64(S3WritesPerPrefix*e.set.Prefixes))
		return Duration{Floor: d, Expected: d}
	}
	floor := writes / float64(S3WritesPerPrefix*e.set.Prefixes)
	expected := writes * e.set.Latency.Seconds() / float64(e.set.Concurrency)
	return Duration{Floor: seconds(floor), Expected: seconds(math.Max(floor, expected))}
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}

// Settings returns the settings the estimate was made with.
func (e *Estimate) Settings() Settings { return e.set }

// Rough prints an estimated duration without false precision: "a second"
// below one, seconds below an hour, minutes above.
func Rough(d time.Duration) string {
	switch {
	case d < time.Second:
		return "a second"
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// FloorBasis says what a duration's floor rests on: "S3: 3500 writes/s per
// prefix, 2 prefixes".
func (e *Estimate) FloorBasis() string {
	n := "1 prefix"
	if e.set.Prefixes != 1 {
		n = fmt.Sprintf("%d prefixes", e.set.Prefixes)
	}
	return fmt.Sprintf("S3: %d writes/s per prefix, %s", S3WritesPerPrefix, n)
}
