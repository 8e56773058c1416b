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

// A rate exists as soon as objects are done and 100 ms have passed since
// the window began, not only at the sampler's second tick, and a paused
// engine keeps the rate it had.
func TestRatesAtLivePoint(t *testing.T) {
	var w rateWindow
	t0 := time.Unix(1_000_000, 0)
	w.add(t0, 0, 0, false)
	if o, _ := w.rates(); o != 0 {
		t.Fatalf("one sample gave a rate: %v", o)
	}
	if o, _ := w.ratesAt(t0.Add(50*time.Millisecond), 10, 100, false); o != 0 {
		t.Errorf("a 50 ms span gave a rate: %v", o)
	}
	if o, b := w.ratesAt(t0.Add(200*time.Millisecond), 40, 400, false); o != 200 || b != 2000 {
		t.Errorf("at 200 ms with 40 objects: %v obj/s, %v B/s, want 200 and 2000", o, b)
	}
	w.add(t0.Add(250*time.Millisecond), 50, 500, false)
	if o, _ := w.ratesAt(t0.Add(10*time.Second), 50, 500, true); o != 200 {
		t.Errorf("paused: %v obj/s, want the 200 before the pause", o)
	}
}
