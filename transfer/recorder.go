package transfer

// Recorder receives what a run plans and does, so it can be journaled. The
// engine calls it from its workers: implementations must be safe for
// concurrent use and should not block for long (batch the writes).
type Recorder interface {
	// Planned is called once per diff entry, in key order.
	Planned(e Entry)
	// Finished is called when an entry is settled: err == nil means copied
	// (or deleted); strategy is "copy", "multipart copy", "relay", "marker"
	// or "delete".
	Finished(e Entry, strategy string, attempts int, err error)
	// UploadStarted records a multipart upload for the destination key, so
	// a resumed run can continue it (or abort it) instead of leaking it.
	UploadStarted(rel, uploadID, srcETag string, partSize int64)
	// PartDone records one completed part.
	PartDone(rel string, part int32, etag string)
	// UploadEnded is called when the upload was completed or aborted.
	UploadEnded(rel string)
	// Upload returns the recorded upload of a destination key, if any.
	Upload(rel string) (Upload, bool)
}

// Upload is a multipart upload recorded by an earlier run.
type Upload struct {
	ID       string
	SrcETag  string
	PartSize int64
	// Parts maps part numbers to their ETags.
	Parts map[int32]string
}

// nopRecorder records nothing.
type nopRecorder struct{}

func (nopRecorder) Planned(Entry)                               {}
func (nopRecorder) Finished(Entry, string, int, error)          {}
func (nopRecorder) UploadStarted(string, string, string, int64) {}
func (nopRecorder) PartDone(string, int32, string)              {}
func (nopRecorder) UploadEnded(string)                          {}
func (nopRecorder) Upload(string) (Upload, bool)                { return Upload{}, false }
