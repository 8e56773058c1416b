// Package batchops emulates the S3 Batch Operations job API (S3 Control:
// CreateJob, DescribeJob, UpdateJobStatus, ListJobs) for the sandbox, and
// runs the jobs' S3PutObjectCopy tasks against the sandbox's own S3 server.
//
// It is an emulator, not AWS: it follows the documented request and response
// shapes (pinned by the golden files in testdata, captured from the AWS SDK
// for Go v2) and the documented semantics of the copy operation, manifest
// and completion report, and says where it differs (README, "S3 Batch
// Operations emulator"). A job runs with the credentials of the account that
// created it; the job's role is checked for form only and its policies are
// not evaluated. Job state lives in memory: it is gone when the process ends.
package batchops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// DefaultCopyLimit is the largest object S3PutObjectCopy copies: 5 GB, the
// CopyObject limit (5,368,709,120 bytes).
const DefaultCopyLimit int64 = 5 << 30

// Job statuses, as the API spells them.
const (
	StatusNew        = "New"
	StatusPreparing  = "Preparing"
	StatusSuspended  = "Suspended"
	StatusReady      = "Ready"
	StatusActive     = "Active"
	StatusCompleting = "Completing"
	StatusComplete   = "Complete"
	StatusCancelling = "Cancelling"
	StatusCancelled  = "Cancelled"
	StatusFailing    = "Failing"
	StatusFailed     = "Failed"
)

// Config sets up an Emulator.
type Config struct {
	// Region names the jobs' Region in their ARNs.
	Region string
	// Client returns the S3 client a job of accountID runs with (reads the
	// manifest, copies, writes the report).
	Client func(accountID string) (*s3.Client, error)
	// Concurrency is the number of tasks a job runs at once (default 8).
	Concurrency int
	// CopyLimit is the largest source object a copy task accepts (default
	// DefaultCopyLimit). Tests lower it.
	CopyLimit int64
}

// Caller is the authenticated identity of a request.
type Caller struct {
	// AccountID is the account the caller belongs to; jobs are kept per
	// account.
	AccountID string
	// AccessKey is also accepted as x-amz-account-id (the sandbox has no
	// STS, so s3migrate's identity of a sandbox profile is its access key).
	AccessKey string
}

type callerKey struct{}

// WithCaller returns ctx carrying the authenticated caller; ServeHTTP
// refuses requests without one.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// Emulator serves the job API and runs jobs. Its zero value is not usable:
// call New.
type Emulator struct {
	cfg Config

	mu        sync.Mutex
	jobs      map[string]*job // by job id
	tokens    map[string]string
	copyLimit int64
	taskDelay time.Duration
	wg        sync.WaitGroup
	closed    bool
}

// New returns an Emulator.
func New(cfg Config) *Emulator {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.CopyLimit <= 0 {
		cfg.CopyLimit = DefaultCopyLimit
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &Emulator{cfg: cfg, jobs: map[string]*job{}, tokens: map[string]string{}, copyLimit: cfg.CopyLimit}
}

// SetCopyLimit changes the copy size limit for tasks started from now on
// (a test knob: a small limit stands for 5 GB). n <= 0 restores the default.
func (e *Emulator) SetCopyLimit(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n <= 0 {
		n = e.cfg.CopyLimit
	}
	e.copyLimit = n
}

// SetTaskDelay makes every task wait d before it runs (a test knob, to
// catch a job while it is Active).
func (e *Emulator) SetTaskDelay(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.taskDelay = d
}

// Close cancels every job that has not ended and waits for their goroutines.
func (e *Emulator) Close() {
	e.mu.Lock()
	e.closed = true
	for _, j := range e.jobs {
		j.cancel()
	}
	e.mu.Unlock()
	e.wg.Wait()
}

// job is one job's state. Fields after mu are guarded by it.
type job struct {
	id, account, arn string
	req              xCreateJobRequest
	created          time.Time
	cancel           context.CancelFunc
	confirm          chan struct{} // closed by UpdateJobStatus Ready

	mu              sync.Mutex
	status          string
	statusReason    string
	failures        []xFailure
	total           int64
	succeeded       int64
	failed          int64
	activeSince     time.Time
	activeElapsed   time.Duration
	terminated      time.Time
	suspended       time.Time
	suspendedCause  string
	cancelRequested bool
	confirmed       bool
}

func (j *job) setStatus(s string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.setStatusLocked(s)
}

func (j *job) setStatusLocked(s string) {
	now := time.Now()
	if j.status == StatusActive && s != StatusActive && !j.activeSince.IsZero() {
		j.activeElapsed += now.Sub(j.activeSince)
		j.activeSince = time.Time{}
	}
	if s == StatusActive {
		j.activeSince = now
	}
	switch s {
	case StatusComplete, StatusCancelled, StatusFailed:
		j.terminated = now
	case StatusSuspended:
		j.suspended = now
	}
	j.status = s
}

func (j *job) progress() *xProgress {
	el := j.activeElapsed
	if !j.activeSince.IsZero() {
		el += time.Since(j.activeSince)
	}
	return &xProgress{
		TotalNumberOfTasks:     j.total,
		NumberOfTasksSucceeded: j.succeeded,
		NumberOfTasksFailed:    j.failed,
		Timers:                 xTimers{ElapsedTimeInActiveSeconds: int64(el / time.Second)},
	}
}

// apiError is an error answer of the job API.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidRequest", fmt.Sprintf(format, args...)}
}

// ServeHTTP answers the job API under /v20180820/jobs. The request's
// context must carry the authenticated Caller (WithCaller).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller, ok := r.Context().Value(callerKey{}).(Caller)
	if !ok || caller.AccountID == "" {
		writeError(w, &apiError{http.StatusForbidden, "AccessDenied", "the caller is not one of the accounts that run jobs"})
		return
	}
	hdr := r.Header.Get("X-Amz-Account-Id")
	if hdr == "" {
		writeError(w, badRequest("missing x-amz-account-id header"))
		return
	}
	if hdr != caller.AccountID && (caller.AccessKey == "" || hdr != caller.AccessKey) {
		writeError(w, &apiError{http.StatusForbidden, "AccessDenied", fmt.Sprintf("x-amz-account-id %s is not the caller's account", hdr)})
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	rest, ok := strings.CutPrefix(path, "/v20180820/jobs")
	if !ok {
		writeError(w, &apiError{http.StatusNotImplemented, "NotImplemented", "the sandbox emulates only the S3 Control job API (/v20180820/jobs)"})
		return
	}
	var (
		out any
		err error
	)
	switch {
	case rest == "" && r.Method == http.MethodPost:
		out, err = e.createJob(caller, r)
	case rest == "" && r.Method == http.MethodGet:
		out, err = e.listJobs(caller.AccountID, r)
	case strings.Count(rest, "/") == 1 && r.Method == http.MethodGet:
		out, err = e.describeJob(caller.AccountID, rest[1:])
	case strings.HasSuffix(rest, "/status") && strings.Count(rest, "/") == 2 && r.Method == http.MethodPost:
		out, err = e.updateJobStatus(caller.AccountID, strings.TrimSuffix(rest[1:], "/status"), r)
	default:
		err = &apiError{http.StatusNotImplemented, "NotImplemented", fmt.Sprintf("%s %s is not emulated", r.Method, r.URL.Path)}
	}
	if err != nil {
		ae, ok := err.(*apiError)
		if !ok {
			ae = &apiError{http.StatusInternalServerError, "InternalServiceException", err.Error()}
		}
		writeError(w, ae)
		return
	}
	writeXML(w, http.StatusOK, out)
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", newRequestID())
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeXML(w, e.status, xErrorResponse{Code: e.code, Message: e.message, RequestID: newRequestID(), HostID: "sandbox"})
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

func newJobID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (e *Emulator) createJob(caller Caller, r *http.Request) (any, error) {
	account := caller.AccountID
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, badRequest("read body: %v", err)
	}
	var req xCreateJobRequest
	if err := xml.Unmarshal(body, &req); err != nil {
		return nil, &apiError{http.StatusBadRequest, "MalformedXML", err.Error()}
	}
	if err := validateCreateJob(&req, caller); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "the sandbox is shutting down"}
	}
	// ClientRequestToken makes CreateJob idempotent: the same token gives
	// the same job.
	tokKey := account + "\x00" + req.ClientRequestToken
	if id, ok := e.tokens[tokKey]; ok {
		return xCreateJobResult{Xmlns: xmlns, JobId: id}, nil
	}
	id := newJobID()
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{
		id: id, account: account, req: req, created: time.Now(), cancel: cancel,
		arn:     fmt.Sprintf("arn:aws:s3:%s:%s:job/%s", e.cfg.Region, account, id),
		confirm: make(chan struct{}),
		status:  StatusNew,
	}
	e.jobs[id] = j
	e.tokens[tokKey] = id
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.run(ctx, j)
	}()
	return xCreateJobResult{Xmlns: xmlns, JobId: id}, nil
}

func (e *Emulator) lookup(account, id string) (*job, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j, ok := e.jobs[id]
	if !ok || j.account != account {
		return nil, &apiError{http.StatusNotFound, "NotFoundException", "The specified job was not found: " + id}
	}
	return j, nil
}

func (e *Emulator) describeJob(account, id string) (any, error) {
	j, err := e.lookup(account, id)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	d := xJobDescriptor{
		JobId:                j.id,
		ConfirmationRequired: j.req.ConfirmationRequired != nil && *j.req.ConfirmationRequired,
		Description:          j.req.Description,
		JobArn:               j.arn,
		Status:               j.status,
		Manifest:             j.req.Manifest,
		Operation:            j.req.Operation,
		ProgressSummary:      j.progress(),
		StatusUpdateReason:   j.statusReason,
		FailureReasons:       append([]xFailure(nil), j.failures...),
		Report:               j.req.Report,
		CreationTime:         isoTime(j.created),
		TerminationDate:      isoTime(j.terminated),
		RoleArn:              j.req.RoleArn,
		SuspendedDate:        isoTime(j.suspended),
		SuspendedCause:       j.suspendedCause,
	}
	if j.req.Priority != nil {
		d.Priority = *j.req.Priority
	}
	return xDescribeJobResult{Xmlns: xmlns, Job: d}, nil
}

func (e *Emulator) updateJobStatus(account, id string, r *http.Request) (any, error) {
	j, err := e.lookup(account, id)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	want := q.Get("requestedJobStatus")
	reason := q.Get("statusUpdateReason")
	j.mu.Lock()
	defer j.mu.Unlock()
	switch want {
	case StatusReady:
		// Only a job waiting for its confirmation can be confirmed.
		if j.status != StatusSuspended || j.confirmed {
			return nil, &apiError{http.StatusBadRequest, "JobStatusException",
				fmt.Sprintf("job %s is %s; only a Suspended job awaiting confirmation can be set to Ready", id, j.status)}
		}
		j.confirmed = true
		j.suspendedCause = ""
		j.setStatusLocked(StatusReady)
		close(j.confirm)
	case StatusCancelled:
		switch j.status {
		case StatusComplete, StatusCancelled, StatusFailed, StatusFailing, StatusCompleting:
			return nil, &apiError{http.StatusBadRequest, "JobStatusException",
				fmt.Sprintf("job %s is %s and can no longer be cancelled", id, j.status)}
		case StatusCancelling:
		default:
			j.cancelRequested = true
			j.setStatusLocked(StatusCancelling)
			j.cancel()
		}
	default:
		return nil, badRequest("requestedJobStatus must be Ready or Cancelled, not %q", want)
	}
	if reason != "" {
		j.statusReason = reason
	}
	return xUpdateJobStatusResult{Xmlns: xmlns, JobId: j.id, Status: j.status, StatusUpdateReason: j.statusReason}, nil
}

func (e *Emulator) listJobs(account string, r *http.Request) (any, error) {
	q := r.URL.Query()
	statuses := map[string]bool{}
	for _, v := range q["jobStatuses"] {
		for _, s := range strings.Split(v, ",") {
			if s != "" {
				statuses[s] = true
			}
		}
	}
	max := 1000
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return nil, badRequest("maxResults must be 0..1000")
		}
		if n > 0 {
			max = n
		}
	}
	start := 0
	if v := q.Get("nextToken"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, badRequest("invalid nextToken")
		}
		start = n
	}
	e.mu.Lock()
	var js []*job
	for _, j := range e.jobs {
		if j.account == account {
			js = append(js, j)
		}
	}
	e.mu.Unlock()
	sort.Slice(js, func(a, b int) bool {
		if !js[a].created.Equal(js[b].created) {
			return js[a].created.After(js[b].created)
		}
		return js[a].id < js[b].id
	})
	out := xListJobsResult{Xmlns: xmlns, Jobs: []xJobListDescriptor{}}
	n := 0
	for _, j := range js {
		j.mu.Lock()
		st := j.status
		if len(statuses) > 0 && !statuses[st] {
			j.mu.Unlock()
			continue
		}
		if n >= start && len(out.Jobs) < max {
			d := xJobListDescriptor{
				JobId: j.id, Description: j.req.Description, Operation: "S3PutObjectCopy",
				Status: st, CreationTime: isoTime(j.created), TerminationDate: isoTime(j.terminated),
				ProgressSummary: j.progress(),
			}
			if j.req.Priority != nil {
				d.Priority = *j.req.Priority
			}
			out.Jobs = append(out.Jobs, d)
		} else if n >= start {
			j.mu.Unlock()
			out.NextToken = strconv.Itoa(n)
			break
		}
		n++
		j.mu.Unlock()
	}
	return out, nil
}
