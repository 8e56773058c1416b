package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/preflight"
	"github.com/s3migrate/s3migrate/transfer"
)

// The --json forms of jobs, preflight and verify: one JSON object on
// stdout, for scripts, with the same facts the text prints and the same
// exit code. Keys are raw there (JSON escapes them), where the text
// escapes them for people.

// printJSON writes v as one indented JSON object.
func printJSON(w io.Writer, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Write(append(b, '\n'))
}

type jobsJSON struct {
	Dir  string    `json:"dir"`
	Jobs []jobJSON `json:"jobs"`
}

type jobJSON struct {
	ID   string `json:"id"`
	Path string `json:"path"`
	// State is the journal's state; Running is true only while a process
	// holds the journal (PID and Host say which).
	State   string    `json:"state,omitempty"`
	Running bool      `json:"running"`
	PID     int       `json:"pid,omitempty"`
	Host    string    `json:"host,omitempty"`
	Src     string    `json:"src,omitempty"`
	Dst     string    `json:"dst,omitempty"`
	Planned int64     `json:"planned"`
	Done    int64     `json:"done"`
	Failed  int64     `json:"failed"`
	Pending int64     `json:"pending"`
	Skipped int64     `json:"skipped"`
	Bytes   int64     `json:"bytes_copied"`
	Created time.Time `json:"created,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
	// BatchJob is the S3 Batch Operations job a batch migration handed its
	// copy to, with its last known state.
	BatchJob *batchJobJSON `json:"batch_job,omitempty"`
	// Error says why the journal could not be read.
	Error string `json:"error,omitempty"`
}

type batchJobJSON struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Read  bool   `json:"report_read"`
}

func jobOf(s journal.Summary) jobJSON {
	j := jobJSON{ID: s.ID, Path: s.Path}
	if s.Err != nil {
		j.Error = s.Err.Error()
		return j
	}
	j.State, j.Running, j.PID, j.Host = string(s.State), s.Held, s.HolderPID, s.HolderHost
	j.Src, j.Dst = s.Src.String(), s.Dst.String()
	j.Planned, j.Done, j.Failed, j.Pending, j.Skipped, j.Bytes = s.Done+s.Pending+s.Failed, s.Done, s.Failed, s.Pending, s.Skipped, s.Bytes
	j.Created, j.Updated = s.Created.UTC(), s.Updated.UTC()
	if b, ok, err := journal.ReadBatchJob(s.Path); err == nil && ok {
		j.BatchJob = &batchJobJSON{ID: b.ID, State: b.State, Read: b.Read}
	}
	return j
}

type preflightJSON struct {
	Checks []checkJSON `json:"checks"`
	Failed int         `json:"failed"`
}

type checkJSON struct {
	Name   string `json:"name"`
	Status string `json:"status"` // pass, warn or fail
	Reason string `json:"reason"`
	Fix    string `json:"fix,omitempty"`
}

func preflightOf(checks []preflight.Check) preflightJSON {
	out := preflightJSON{Checks: []checkJSON{}}
	for _, c := range checks {
		status := map[preflight.Status]string{preflight.StatusPass: "pass", preflight.StatusWarn: "warn", preflight.StatusFail: "fail"}[c.Status]
		out.Checks = append(out.Checks, checkJSON{Name: c.Name, Status: status, Reason: c.Reason, Fix: c.Fix})
		if c.Status == preflight.StatusFail {
			out.Failed++
		}
	}
	return out
}

type verifyJSON struct {
	Checked    int64          `json:"checked"`
	Verified   int64          `json:"verified"`
	Mismatches []mismatchJSON `json:"mismatches"`
	// Unchecked could not be read: neither intact nor different.
	Unchecked []mismatchJSON `json:"unchecked"`
}

type mismatchJSON struct {
	Key    string `json:"key"`
	What   string `json:"what,omitempty"`
	Detail string `json:"detail"`
}

func verifyOf(res *transfer.VerifyResult) verifyJSON {
	out := verifyJSON{Checked: res.Checked, Verified: res.Verified, Mismatches: []mismatchJSON{}, Unchecked: []mismatchJSON{}}
	for _, m := range res.Mismatches {
		out.Mismatches = append(out.Mismatches, mismatchJSON{Key: m.Rel, What: m.What, Detail: m.Detail})
	}
	for _, u := range res.Unchecked {
		out.Unchecked = append(out.Unchecked, mismatchJSON{Key: u.Rel, Detail: u.Detail})
	}
	return out
}
