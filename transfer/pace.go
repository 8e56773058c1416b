package transfer

import (
	"context"

	"golang.org/x/time/rate"
)

// pacer holds a run to --max-rate objects per second and --max-bandwidth
// bytes per second. Bytes are counted when a copy or a part is about to
// be sent (a server-side copy moves its bytes inside S3, so this paces the
// load the run puts on the buckets too) and when a relay reads from the
// source. A zero limit does not pace.
type pacer struct {
	objects, bytes *rate.Limiter
}

func newPacer(objectsPerSec float64, bytesPerSec int64) pacer {
	var p pacer
	if objectsPerSec > 0 {
		p.objects = rate.NewLimiter(rate.Limit(objectsPerSec), max(1, int(objectsPerSec)))
	}
	if bytesPerSec > 0 {
		// A second's worth at once: a larger copy waits for its bytes in
		// second-sized steps.
		p.bytes = rate.NewLimiter(rate.Limit(bytesPerSec), int(min(bytesPerSec, 1<<30)))
	}
	return p
}

// object waits for the next object's turn.
func (p pacer) object(ctx context.Context) error {
	if p.objects == nil {
		return nil
	}
	return p.objects.Wait(ctx)
}

// take waits until n more bytes may be sent.
func (p pacer) take(ctx context.Context, n int64) error {
	if p.bytes == nil {
		return nil
	}
	for burst := int64(p.bytes.Burst()); n > 0; n -= burst {
		if err := p.bytes.WaitN(ctx, int(min(n, burst))); err != nil {
			return err
		}
	}
	return nil
}
