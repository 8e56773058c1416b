package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
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

// progress reports a run's snapshots until Stop: a refreshing line on a
// terminal (stderr), a plain line every few seconds otherwise (stderr), or
// one JSON object per line (stdout). Notices are printed once, as they
// appear; Println prints a message without tearing the live line.
type progress struct {
	mode     progressMode
	w        io.Writer // where the progress goes
	notes    io.Writer // where notices go: always people's text (stderr)
	snap     func() transfer.Snapshot
	mu       sync.Mutex
	held     bool
	notices  int
	done     chan struct{}
	finished chan struct{}
}

func startProgress(env Env, mode progressMode, snap func() transfer.Snapshot) *progress {
	p := &progress{mode: mode, w: env.Stderr, notes: env.Stderr, snap: snap, done: make(chan struct{}), finished: make(chan struct{})}
	if mode == progressJSON {
		p.w = env.Stdout
	}
	// Even without progress lines, notices (relay fallback, ACL dropped)
	// are printed when they happen, not after the run.
	every := map[progressMode]time.Duration{progressLive: 250 * time.Millisecond, progressPlain: 5 * time.Second,
		progressJSON: time.Second, progressNone: 250 * time.Millisecond}[mode]
	go func() {
		defer close(p.finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				p.draw(true)
				return
			case <-t.C:
				p.draw(false)
			}
		}
	}()
	return p
}

func (p *progress) draw(last bool) {
	s := p.snap()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held {
		return
	}
	for ; p.notices < len(s.Notices); p.notices++ {
		p.clearLine()
		fmt.Fprintf(p.notes, "note: %s\n", s.Notices[p.notices])
	}
	switch p.mode {
	case progressLive:
		end := ""
		if last {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r\x1b[2K%s%s", statusLine(s), end)
	case progressPlain:
		if !last {
			fmt.Fprintln(p.w, statusLine(s))
		}
	case progressJSON:
		writeJSON(p.w, s)
	}
}

func (p *progress) clearLine() {
	if p.mode == progressLive {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
}

// Println prints a line for people on w without tearing the live line.
func (p *progress) Println(w io.Writer, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLine()
	fmt.Fprintln(w, line)
}

// Hold stops drawing (while a question is asked); Release resumes.
func (p *progress) Hold() {
	p.mu.Lock()
	p.held = true
	p.clearLine()
	p.mu.Unlock()
}

// Release undoes Hold.
func (p *progress) Release() {
	p.mu.Lock()
	p.held = false
	p.mu.Unlock()
}

// Stop draws the last line and returns when the reporter has stopped.
func (p *progress) Stop() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
	<-p.finished
}

// statusLine is one line: the phase, objects, bytes, rates, ETA. Until the
// listing is over it says how far the listing is, not a growing total.
func statusLine(s transfer.Snapshot) string {
	var b strings.Builder
	if !s.Listed {
		fmt.Fprintf(&b, "listing: %d keys so far (%.0f keys/s)", s.ListedKeys, s.ListRate)
		if s.Copied > 0 || len(s.InFlight) > 0 {
			fmt.Fprintf(&b, "; copied %d, %s, %.0f obj/s", s.Copied, transfer.FormatBytes(s.BytesDone), s.ObjectsPerSec)
		}
		if s.Paused {
			b.WriteString(", paused")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s: %d/%d objects, %s/%s", s.Phase, s.Copied, s.ToCopy, transfer.FormatBytes(s.BytesDone), transfer.FormatBytes(s.ToCopyBytes))
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
	case s.Paused:
		b.WriteString(", paused")
	case s.Phase == transfer.PhaseDone:
		fmt.Fprintf(&b, ", done in %s", s.Elapsed.Round(time.Second/10))
	case s.Phase == transfer.PhaseCopying && s.ETA >= 0:
		fmt.Fprintf(&b, ", ETA %s", s.ETA.Round(time.Second))
	case s.Phase == transfer.PhaseCopying:
		b.WriteString(", ETA …")
	}
	return b.String()
}

type jsonProgress struct {
	Time        string `json:"time"`
	Phase       string `json:"phase"`
	Listed      bool   `json:"listed"`
	ListedKeys  int64  `json:"listed_keys"`
	ToCopy      int64  `json:"to_copy"`
	ToCopyBytes int64  `json:"to_copy_bytes"`
	Identical   int64  `json:"identical"`
	Copied      int64  `json:"copied"`
	BytesDone   int64  `json:"bytes_done"`
	Failed      int64  `json:"failed"`
	Deleted     int64  `json:"deleted"`
	// BatchCopied is the part of Copied an S3 Batch Operations job made.
	BatchCopied   int64   `json:"copied_by_batch_job,omitempty"`
	InFlight      int     `json:"in_flight"`
	ObjectsPerSec float64 `json:"objects_per_sec"`
	BytesPerSec   float64 `json:"bytes_per_sec"`
	// ETASeconds is null while unknown (before the listing ends, or before
	// a rate is measured).
	ETASeconds *float64 `json:"eta_seconds"`
	Paused     bool     `json:"paused"`
	// ElapsedSeconds is the time since the copy began.
	ElapsedSeconds float64 `json:"elapsed_seconds"`
}

func writeJSON(w io.Writer, s transfer.Snapshot) {
	var eta *float64
	if s.ETA >= 0 {
		v := s.ETA.Seconds()
		eta = &v
	}
	b, _ := json.Marshal(jsonProgress{
		Time: time.Now().UTC().Format(time.RFC3339Nano), Phase: string(s.Phase), Listed: s.Listed, ListedKeys: s.ListedKeys, Paused: s.Paused, ElapsedSeconds: s.Elapsed.Seconds(),
		ToCopy: s.ToCopy, ToCopyBytes: s.ToCopyBytes, Identical: s.Plan.Count[transfer.ClassIdentical],
		Copied: s.Copied, BatchCopied: s.Batch, BytesDone: s.BytesDone, Failed: s.Failed, Deleted: s.Deleted,
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
