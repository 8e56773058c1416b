package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/transfer"
)

type progressMode int

const (
	progressNone progressMode = iota
	progressLive
	progressPlain
	progressJSON
)

func parseProgress(s string, tty bool) (progressMode, error) {
	switch s {
	case "auto":
		if tty {
			return progressLive, nil
		}
		return progressPlain, nil
	case "plain":
		return progressPlain, nil
	case "json":
		return progressJSON, nil
	case "none":
		return progressNone, nil
	}
	return 0, fmt.Errorf("--progress %s: want auto, plain, json or none", s)
}

// startProgress reports the engine's snapshots on w until stop is called: a
// refreshing line on a terminal, a plain line every few seconds otherwise,
// or one JSON object per line.
func startProgress(w io.Writer, mode progressMode, eng *transfer.Engine) (stop func()) {
	if mode == progressNone {
		return func() {}
	}
	every := map[progressMode]time.Duration{progressLive: 250 * time.Millisecond, progressPlain: 5 * time.Second, progressJSON: time.Second}[mode]
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				s := eng.Snapshot()
				switch mode {
				case progressLive:
					fmt.Fprintf(w, "\r\x1b[2K%s\n", statusLine(s))
				case progressJSON:
					writeJSON(w, s)
				}
				return
			case <-t.C:
				s := eng.Snapshot()
				switch mode {
				case progressLive:
					fmt.Fprintf(w, "\r\x1b[2K%s", statusLine(s))
				case progressPlain:
					fmt.Fprintln(w, statusLine(s))
				case progressJSON:
					writeJSON(w, s)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// statusLine is one line: objects, bytes, rates, ETA.
func statusLine(s transfer.Snapshot) string {
	var b strings.Builder
	total := fmt.Sprintf("%d", s.ToCopy)
	totalBytes := transfer.FormatBytes(s.ToCopyBytes)
	if !s.Listed {
		total += "+"
		totalBytes += "+"
	}
	fmt.Fprintf(&b, "%d/%s objects, %s/%s", s.Copied, total, transfer.FormatBytes(s.BytesDone), totalBytes)
	fmt.Fprintf(&b, ", %.0f obj/s, %s/s", s.ObjectsPerSec, transfer.FormatBytes(int64(s.BytesPerSec)))
	if s.Failed > 0 {
		fmt.Fprintf(&b, ", %d failed", s.Failed)
	}
	if s.Deleted > 0 {
		fmt.Fprintf(&b, ", %d deleted", s.Deleted)
	}
	if n := s.Plan.Count[transfer.ClassIdentical]; n > 0 {
		fmt.Fprintf(&b, ", %d identical", n)
	}
	switch {
	case s.Phase == transfer.PhaseDone:
		fmt.Fprintf(&b, ", done in %s", s.Elapsed.Round(time.Second/10))
	case s.ETA >= 0:
		fmt.Fprintf(&b, ", ETA %s", s.ETA.Round(time.Second))
	default:
		b.WriteString(", ETA …")
	}
	return b.String()
}

type jsonProgress struct {
	Time          string  `json:"time"`
	Phase         string  `json:"phase"`
	Listed        bool    `json:"listed"`
	ToCopy        int64   `json:"to_copy"`
	ToCopyBytes   int64   `json:"to_copy_bytes"`
	Identical     int64   `json:"identical"`
	Copied        int64   `json:"copied"`
	BytesDone     int64   `json:"bytes_done"`
	Failed        int64   `json:"failed"`
	Deleted       int64   `json:"deleted"`
	InFlight      int     `json:"in_flight"`
	ObjectsPerSec float64 `json:"objects_per_sec"`
	BytesPerSec   float64 `json:"bytes_per_sec"`
	ETASeconds    float64 `json:"eta_seconds"`
}

func writeJSON(w io.Writer, s transfer.Snapshot) {
	eta := -1.0
	if s.ETA >= 0 {
		eta = s.ETA.Seconds()
	}
	b, _ := json.Marshal(jsonProgress{
		Time: time.Now().UTC().Format(time.RFC3339Nano), Phase: string(s.Phase), Listed: s.Listed,
		ToCopy: s.ToCopy, ToCopyBytes: s.ToCopyBytes, Identical: s.Plan.Count[transfer.ClassIdentical],
		Copied: s.Copied, BytesDone: s.BytesDone, Failed: s.Failed, Deleted: s.Deleted,
		InFlight: len(s.InFlight), ObjectsPerSec: s.ObjectsPerSec, BytesPerSec: s.BytesPerSec, ETASeconds: eta,
	})
	fmt.Fprintf(w, "%s\n", b)
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
