package migration

import (
	"time"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/transfer"
)

// EstimateSettings are what an estimate of a plan under o needs: batch when
// o's engine is, relayed when o's mode says so or the two sides are
// different S3 services (relay), cross-region when the buckets' regions
// differ, one prefix per selected item, o's part layout (the defaults
// where o leaves it zero) and latency, the assumed request time (0: the
// estimate's default). Both front ends build their estimate here.
func EstimateSettings(o Options, relay, crossRegion bool, items int, latency time.Duration) estimate.Settings {
	def := DefaultOptions()
	batch := o.Engine == EngineBatch
	return estimate.Settings{
		Batch:              batch,
		Relay:              !batch && (relay || o.Mode == transfer.ModeRelay),
		MultipartThreshold: orDefault(o.MultipartThreshold, def.MultipartThreshold),
		PartSize:           orDefault(o.PartSize, def.PartSize),
		StorageClass:       o.StorageClass, Delete: o.Delete, Verify: !o.NoVerify, KeepObjectLock: o.KeepObjectLock,
		CrossRegion: crossRegion, Concurrency: orDefault(o.Concurrency, def.Concurrency),
		Prefixes: max(1, items), Latency: latency,
	}
}

func orDefault[T int | int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}
