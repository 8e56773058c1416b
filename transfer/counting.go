package transfer

import (
	"io"
	"sync/atomic"
)

// countingReader adds every byte read to an object's progress and to the
// engine's total, so large relays show progress before they finish.
type countingReader struct {
	r     io.Reader
	f     *inFlight
	total *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.f.done.Add(int64(n))
		c.total.Add(int64(n))
	}
	return n, err
}
