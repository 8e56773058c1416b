package transfer

import (
	"context"
	"math"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// pacer holds a run to --max-rate objects per second and --max-bandwidth
// bytes per second. Bytes are counted when a copy or a part is about to
// be sent (a server-side copy moves its bytes inside S3, so this paces the
// load the run puts on the buckets too) and when a relay reads from the
// source. A zero limit does not pace. The limits can change while running.
type pacer struct {
	objects, bytes *rate.Limiter
	// The limits as set (0: none), for snapshots.
	objectLimit atomic.Uint64 // math.Float64bits of objects per second
	byteLimit   atomic.Int64
}

func newPacer(objectsPerSec float64, bytesPerSec int64) *pacer {
	p := &pacer{objects: rate.NewLimiter(rate.Inf, 1), bytes: rate.NewLimiter(rate.Inf, 1)}
	p.set(objectsPerSec, bytesPerSec)
	return p
}

// set changes both limits; waits in progress adapt.
func (p *pacer) set(objectsPerSec float64, bytesPerSec int64) {
	p.objectLimit.Store(math.Float64bits(objectsPerSec))
	p.byteLimit.Store(bytesPerSec)
	if objectsPerSec > 0 {
		p.objects.SetBurst(max(1, int(objectsPerSec)))
		p.objects.SetLimit(rate.Limit(objectsPerSec))
	} else {
		p.objects.SetLimit(rate.Inf)
	}
	if bytesPerSec > 0 {
		// A second's worth at once: a larger copy waits for its bytes in
		// second-sized steps.
		p.bytes.SetBurst(int(min(bytesPerSec, 1<<30)))
		p.bytes.SetLimit(rate.Limit(bytesPerSec))
	} else {
		p.bytes.SetLimit(rate.Inf)
	}
}

// limits returns the limits as set (0: none).
func (p *pacer) limits() (objectsPerSec float64, bytesPerSec int64) {
	return math.Float64frombits(p.objectLimit.Load()), p.byteLimit.Load()
}

// object waits for the next object's turn.
func (p *pacer) object(ctx context.Context) error {
	return p.objects.Wait(ctx)
}

// take waits until n more bytes may be sent.
func (p *pacer) take(ctx context.Context, n int64) error {
	if p.bytes.Limit() == rate.Inf {
		return ctx.Err()
	}
	for n > 0 {
		step := min(n, int64(p.bytes.Burst()))
		if err := p.bytes.WaitN(ctx, int(step)); err != nil {
			return err
		}
		n -= step
	}
	return nil
}
