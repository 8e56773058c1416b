package bucketconfig

import (
	"fmt"
	"io"
	"strings"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/internal/printable"
	"github.com/s3migrate/s3migrate/internal/s3err"
)

// TextOptions say how a front end asks for what the text mentions.
type TextOptions struct {
	// ApplyHow is how the operator applies: "--apply", "a".
	ApplyHow string
	// AskHow is how the bucket policy is asked for: "with --only policy".
	AskHow string
	// Brief leaves out the diffs, rewrites, held-back parts and notes
	// (the command's --json prints them as JSON).
	Brief bool
}

// WriteText is the plan as bucket-config prints it and the TUI's Bucket
// tab shows it: per configuration that needs reading, its state, the
// destination's value → the proposed one as a line diff ("    - ", "    + "
// lines), what was rewritten, held back and why, and notes; then one line
// per quiet state and the counts. Keys and values are printed escaped.
func (r *Result) WriteText(w io.Writer, o TextOptions) {
	s, brief := r.Sides, o.Brief
	fmt.Fprintf(w, "bucket configuration: s3://%s%s → s3://%s%s\n", s.SrcBucket, sessionName(s.Src, " (%s)"), s.DstBucket, sessionName(s.Dst, " (%s)"))
	if c := r.Create; c != nil {
		fmt.Fprintf(w, "\ns3://%s does not exist: %s creates it first%s, %s\n", s.DstBucket, o.ApplyHow, sessionName(s.Dst, ", as %s"), c.Summary())
	}
	// Configurations with nothing to say share one line per state, after
	// the ones that need reading.
	quiet := map[State][]string{}
	for _, it := range r.Items {
		switch it.State {
		case Absent, Same, Unsupported:
			if len(it.Held) == 0 {
				quiet[it.State] = append(quiet[it.State], string(it.Kind))
				continue
			}
		}
		fmt.Fprintf(w, "\n%-20s %s\n", it.Kind, r.Label(it, o.AskHow))
		if it.Err != nil {
			fmt.Fprintf(w, "    %s\n", printable.String(s3err.Summary(it.Err)))
		}
		if brief {
			continue
		}
		switch it.State {
		case Change, Ask:
			fmt.Fprintln(w, "    destination now → proposed (- removed, + added):")
			for _, l := range bucketpolicy.LineDiff(it.Current, it.Proposed) {
				fmt.Fprintf(w, "    %c %s\n", l.Op, printable.String(l.Text))
			}
		case Reported, HeldBack:
			if it.Source != "" {
				fmt.Fprintln(w, "    on the source:")
				for _, l := range strings.Split(it.Source, "\n") {
					fmt.Fprintf(w, "      %s\n", printable.String(l))
				}
			}
		}
		for _, rw := range it.Rewrites {
			fmt.Fprintf(w, "    rewritten: %s: %s → %s (%s)\n", printable.String(rw.Field), printable.String(rw.From), printable.String(rw.To), rw.Why)
		}
		for _, h := range it.Held {
			line := "    held back: " + h.What + ": " + h.Why
			if h.Fix != "" {
				line += ": " + h.Fix
			}
			fmt.Fprintln(w, printable.String(line))
		}
		for _, n := range it.Notes {
			fmt.Fprintf(w, "    note: %s\n", printable.String(n))
		}
	}
	if len(quiet) > 0 {
		fmt.Fprintln(w)
	}
	for _, q := range []struct {
		st    State
		label string
	}{{Same, "same on both"}, {Absent, "none on the source (nothing to move)"}, {Unsupported, "not supported by the server"}} {
		if len(quiet[q.st]) > 0 {
			fmt.Fprintf(w, "%s: %s\n", q.label, strings.Join(quiet[q.st], ", "))
		}
	}
	fmt.Fprintf(w, "\nsummary: %s\n", r.Counts())
}

// sessionName formats a session's name for the text; "" for none (the
// TUI's tests plan without sessions).
func sessionName(s *awsauth.Session, format string) string {
	if s == nil {
		return ""
	}
	return fmt.Sprintf(format, s.Name())
}
