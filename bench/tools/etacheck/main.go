// Command etacheck reads the JSON lines of `s3migrate sync --progress json`
// on stdin and says how honest the progress display was: at what share of
// the copy the exact total and the first ETA were known, and, at half-way,
// the ETA shown against the time the copy really took from there. It is a
// measurement for bench/sync.sh, not a test: the machine is shared and a
// timed assertion would only measure the noise.
//
//	s3migrate sync … --progress json | etacheck
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

type line struct {
	Summary        bool     `json:"summary"`
	Time           string   `json:"time"`
	Phase          string   `json:"phase"`
	Listed         bool     `json:"listed"`
	ToCopy         int64    `json:"to_copy"`
	Copied         int64    `json:"copied"`
	ETASeconds     *float64 `json:"eta_seconds"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
}

func main() {
	var total int64
	copyEnd := -1.0 // elapsed seconds when the copy ended: the summary's (the copy's duration)
	atTotal, atETA := int64(-1), int64(-1)
	var half *line
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			fmt.Fprintln(os.Stderr, "etacheck: not a JSON line:", sc.Text())
			os.Exit(2)
		}
		if l.Summary {
			copyEnd = l.ElapsedSeconds
			continue
		}
		if _, err := time.Parse(time.RFC3339Nano, l.Time); err != nil {
			fmt.Fprintln(os.Stderr, "etacheck: bad time:", l.Time)
			os.Exit(2)
		}
		if l.Listed && atTotal < 0 {
			atTotal, total = l.Copied, l.ToCopy
		}
		if l.Listed && l.ETASeconds != nil && *l.ETASeconds > 0 && atETA < 0 {
			atETA = l.Copied
		}
		if l.Phase == "copying" && half == nil && total > 0 && l.Copied >= total/2 && l.ETASeconds != nil {
			h := l
			half = &h
		}
	}
	if total <= 0 {
		fmt.Println("etacheck: the listing never completed")
		os.Exit(1)
	}
	share := func(n int64) string {
		if n < 0 {
			return "never"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
	}
	fmt.Printf("exact total (%d) known at %s copied; first ETA at %s copied\n", total, share(atTotal), share(atETA))
	if half == nil || copyEnd < 0 {
		fmt.Println("no progress line at half-way (the copy was shorter than the 1 s between lines), or no summary")
		return
	}
	real := copyEnd - half.ElapsedSeconds
	fmt.Printf("at half-way (%d copied, %.1f s): ETA %.1f s, the copy took %.1f s more (ETA ÷ real %.2f)\n",
		half.Copied, half.ElapsedSeconds, *half.ETASeconds, real, *half.ETASeconds/real)
}
