package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
)

// estimateFlags are diff --estimate and the sync options it prices.
type estimateFlags struct {
	on           bool
	engine       string
	mode         string
	concurrency  int
	storageClass string
	delete       bool
	keepLock     bool
	pricesPath   string
	latency      time.Duration
}

func (f *estimateFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.on, "estimate", false, "also estimate the migration's requests, cost and duration")
	fs.StringVar(&f.mode, "mode", string(transfer.ModeAuto), "with --estimate: the sync mode to price (auto prices server-side)")
	fs.StringVar(&f.engine, "engine", migration.EngineLocal, "with --estimate: the engine to price, local or batch (S3 Batch Operations)")
	fs.IntVar(&f.concurrency, "concurrency", 32, "with --estimate: objects copied at once")
	fs.StringVar(&f.storageClass, "storage-class", "", "with --estimate: the storage class written")
	fs.BoolVar(&f.delete, "delete", false, "with --estimate: count the removal of keys only in the destination")
	fs.BoolVar(&f.keepLock, "keep-object-lock", false, "with --estimate: count the reads of each object's retention and legal hold")
	fs.StringVar(&f.pricesPath, "prices", "", "with --estimate: a price table (JSON) instead of the built-in one")
	fs.DurationVar(&f.latency, "latency", estimate.DefaultLatency, "with --estimate: the assumed time of one copy request")
}

func (f *estimateFlags) prices() (estimate.Prices, error) {
	if _, err := transfer.ParseMode(f.mode); err != nil {
		return estimate.Prices{}, err
	}
	if f.engine != migration.EngineLocal && f.engine != migration.EngineBatch {
		return estimate.Prices{}, fmt.Errorf("--engine %s: want local or batch", f.engine)
	}
	if f.storageClass != "" && !slices.Contains(types.StorageClass("").Values(), types.StorageClass(f.storageClass)) {
		return estimate.Prices{}, fmt.Errorf("--storage-class %s: want one of %v", f.storageClass, types.StorageClass("").Values())
	}
	if f.concurrency < 1 || f.latency <= 0 {
		return estimate.Prices{}, fmt.Errorf("--concurrency and --latency must be positive")
	}
	if f.pricesPath == "" {
		return estimate.DefaultPrices, nil
	}
	return estimate.LoadPrices(f.pricesPath)
}

// start begins an estimate for the pair, or returns nil without --estimate.
func (f *estimateFlags) start(p *migration.Pair) *estimate.Estimate {
	if !f.on {
		return nil
	}
	o := migration.Options{Engine: f.engine, Mode: transfer.Mode(f.mode), Concurrency: f.concurrency, StorageClass: f.storageClass, Delete: f.delete,
		KeepObjectLock: f.keepLock}
	return estimate.New(migration.EstimateSettings(o, !p.SrcSess.SameEndpoint(p.DstSess),
		p.SrcClient.Options().Region != p.DstClient.Options().Region, len(p.Items), f.latency))
}

func printEstimate(w io.Writer, e *estimate.Estimate, p estimate.Prices, f estimateFlags) {
	set := e.Settings()
	how := "server-side"
	switch {
	case set.Batch:
		how = fmt.Sprintf("by an S3 Batch Operations job (%s; the rest, above its 5 GB limit, from this machine)", plural(e.BatchObjects, "object"))
	case set.Relay:
		how = "relayed through this machine"
	case f.mode == string(transfer.ModeAuto):
		how = "server-side (auto: objects the destination identity may not read would be relayed)"
	}
	c, d := e.Price(p), e.Duration()
	fmt.Fprintf(w, "estimate (%s; --prices FILE for another table):\n", p.Source)
	fmt.Fprintf(w, "  copy %s (%s) %s", plural(e.Objects, "object"), transfer.FormatBytes(e.Bytes), how)
	if set.Delete {
		fmt.Fprintf(w, ", delete %d", e.Deleted)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  origin account:       %9d PUT/COPY/LIST  %9d GET/HEAD                 $%.2f\n", e.Origin.Write, e.Origin.Read, c.Origin)
	fmt.Fprintf(w, "  destination account:  %9d PUT/COPY/LIST  %9d GET/HEAD  %7d DELETE  $%.2f\n", e.Dest.Write, e.Dest.Read, e.Dest.Delete, c.Dest)
	moved := e.RelayBytes + e.CrossRegionBytes
	fmt.Fprintf(w, "  transfer:             %s, %s  $%.2f\n", transfer.FormatBytes(moved), c.TransferNote, c.Transfer)
	if set.Batch {
		fmt.Fprintf(w, "  batch job fees:       $%.2f per job, $%.2f per million objects  $%.2f\n", p.BatchPerJob, p.BatchPerMillion, c.Batch)
	}
	fmt.Fprintf(w, "  total:                $%.2f\n", c.Total())
	if set.Batch {
		fmt.Fprintf(w, "  duration:             at least %s (%s); the job's pace is AWS's\n", estimate.Rough(d.Floor), e.FloorBasis())
		return
	}
	fmt.Fprintf(w, "  duration:             at least %s (%s); about %s at %d copies at once and %s a request (assumed: --latency)\n",
		estimate.Rough(d.Floor), e.FloorBasis(), estimate.Rough(d.Expected), set.Concurrency, set.Latency)
	if e.Objects >= batchSuggestion {
		fmt.Fprintf(w, "  %s is a lot for one machine: `--estimate --engine batch` prices an S3 Batch Operations job (sync --engine batch)\n", plural(e.Objects, "object"))
	}
}

// batchSuggestion is the plan size from which the estimate points at the
// batch engine.
const batchSuggestion = 3_000_000
