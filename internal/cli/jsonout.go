package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/s3migrate/s3migrate/internal/estimate"
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

// diff --json is JSON lines, as --progress json: one object per listed
// key, then the summary (a plan of millions of keys streams, and a script
// reads the keys as they come).
type diffEntryJSON struct {
	Class string `json:"class"`
	Key   string `json:"key"`
	Size  int64  `json:"size"`
	// Reason says why a changed key differs.
	Reason string `json:"reason,omitempty"`
}

type diffSummaryJSON struct {
	Summary       bool                 `json:"summary"`
	Classes       map[string]classJSON `json:"classes"`
	FilteredKeys  int64                `json:"left_out_by_filters,omitempty"`
	FilteredBytes int64                `json:"left_out_bytes,omitempty"`
	Differ        bool                 `json:"differ"`
	Estimate      *estimateJSON        `json:"estimate,omitempty"`
}

type classJSON struct {
	Objects int64 `json:"objects"`
	Bytes   int64 `json:"bytes"`
}

type estimateJSON struct {
	Prices          string       `json:"prices"`
	Objects         int64        `json:"objects"`
	Bytes           int64        `json:"bytes"`
	Origin          requestsJSON `json:"origin_requests"`
	Dest            requestsJSON `json:"destination_requests"`
	MovedBytes      int64        `json:"transfer_bytes"`
	OriginUSD       float64      `json:"origin_usd"`
	DestUSD         float64      `json:"destination_usd"`
	TransferUSD     float64      `json:"transfer_usd"`
	BatchUSD        float64      `json:"batch_job_usd,omitempty"`
	TotalUSD        float64      `json:"total_usd"`
	FloorSeconds    float64      `json:"duration_floor_seconds"`
	ExpectedSeconds float64      `json:"duration_expected_seconds,omitempty"`
}

type requestsJSON struct {
	Write  int64 `json:"put_copy_list"`
	Read   int64 `json:"get_head"`
	Delete int64 `json:"delete"`
}

func printJSONLine(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	w.Write(append(b, '\n'))
}

func diffEntryOf(e transfer.Entry) diffEntryJSON {
	d := diffEntryJSON{Class: e.Class.String(), Key: e.Rel, Size: e.Src.Size}
	switch e.Class {
	case transfer.ClassExtra:
		d.Size = e.Dst.Size
	case transfer.ClassChanged:
		d.Reason = e.Reason
	}
	return d
}

func estimateOf(e *estimate.Estimate, p estimate.Prices) *estimateJSON {
	c, d := e.Price(p), e.Duration()
	out := &estimateJSON{Prices: p.Source, Objects: e.Objects, Bytes: e.Bytes,
		Origin:     requestsJSON{Write: e.Origin.Write, Read: e.Origin.Read, Delete: e.Origin.Delete},
		Dest:       requestsJSON{Write: e.Dest.Write, Read: e.Dest.Read, Delete: e.Dest.Delete},
		MovedBytes: e.RelayBytes + e.CrossRegionBytes,
		OriginUSD:  c.Origin, DestUSD: c.Dest, TransferUSD: c.Transfer, BatchUSD: c.Batch, TotalUSD: c.Total(),
		FloorSeconds: d.Floor.Seconds()}
	if !e.Settings().Batch {
		// A batch job's pace is AWS's: only its floor is known.
		out.ExpectedSeconds = d.Expected.Seconds()
	}
	return out
}

type profilesJSON struct {
	Profiles []profileJSON `json:"profiles"`
}

type profileJSON struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Account   string `json:"account,omitempty"`
	ARN       string `json:"arn,omitempty"`
	Principal string `json:"principal,omitempty"`
	Region    string `json:"region,omitempty"`
	Endpoint  string `json:"endpoint,omitempty"`
	// Checked says the profile was tried (not with --no-resolve); OK that
	// it resolved to an identity. Status is the text column's words.
	Checked bool   `json:"checked"`
	OK      bool   `json:"ok"`
	Status  string `json:"status"`
}

func profilesOf(rows []profileRow) profilesJSON {
	out := profilesJSON{Profiles: []profileJSON{}}
	for _, r := range rows {
		out.Profiles = append(out.Profiles, profileJSON{Name: r.info.Name, Kind: string(r.info.Kind), Account: r.id.Account, ARN: r.id.ARN,
			Principal: r.id.Principal, Region: r.info.Region, Endpoint: r.info.EndpointURL, Checked: r.checked, OK: r.ok, Status: r.status})
	}
	return out
}
