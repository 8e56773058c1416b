package transfer

import (
	"testing"
	"time"
)

// Paused time does not count: 100 objects/s before a 30 s pause is still
// 100 objects/s after it, not diluted, and the window forgets nothing that
// happened while copying.
func TestRatesExcludePausedTime(t *testing.T) {
	var w rateWindow
	t0 := time.Unix(1_000_000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	for s := 0.0; s <= 4; s += 0.25 {
		w.add(at(s), int64(s*100), int64(s*1000), false)
	}
	if o, b := w.rates(); o != 100 || b != 1000 {
		t.Fatalf("before the pause: %v obj/s, %v B/s, want 100 and 1000", o, b)
	}
	for s := 4.25; s <= 34; s += 0.25 {
		w.add(at(s), 400, 4000, true)
	}
	if o, _ := w.rates(); o != 100 {
		t.Errorf("during the pause: %v obj/s, want the rate before it (100)", o)
	}
	w.add(at(34.25), 425, 4250, false)
	if o, _ := w.rates(); o < 99.9 || o > 100.1 {
		t.Errorf("after the pause: %v obj/s, want 100 (the paused 30 s left out)", o)
	}
}
