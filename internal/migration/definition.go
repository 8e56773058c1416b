package migration

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/transfer"
)

// definitionVersion is the version of the Definition document a journal
// stores; Decode refuses others rather than guess.
const definitionVersion = 1

// Definition is what a migration is: the two folders, the identities, the
// selection and the options. It is stored in the journal, so every front
// end that resumes the migration runs it with the same key mapping and the
// same options. It holds profile names, never credentials.
type Definition struct {
	Version    int               `json:"version"`
	Src        transfer.Location `json:"src"`
	Dst        transfer.Location `json:"dst"`
	SrcProfile string            `json:"src_profile"`
	DstProfile string            `json:"dst_profile"`
	// Items narrow the source to hand-picked folders ("a/") and objects
	// ("a.txt") relative to Src.Prefix; empty means everything under it.
	Items   []string `json:"items,omitempty"`
	Options Options  `json:"options"`
}

// Options shape what a run does. Flags of the sync command and the TUI's
// Options tab both end up here.
type Options struct {
	Mode        transfer.Mode        `json:"mode"`
	Compare     transfer.CompareMode `json:"compare"`
	Concurrency int                  `json:"concurrency"`

	// Delete removes destination keys that are not in the source, inside
	// the destination folder (or the selected items), after the copies.
	Delete bool `json:"delete"`
	// MaxDelete refuses a delete phase that would remove more keys; -1 means
	// no limit.
	MaxDelete int64 `json:"max_delete"`
	// AllowEmptySource lets --delete run when the source lists nothing
	// (which otherwise means a mistyped location, and would empty the
	// destination).
	AllowEmptySource bool `json:"allow_empty_source"`

	ACL          string `json:"acl,omitempty"`
	StorageClass string `json:"storage_class,omitempty"`
	SSE          string `json:"sse,omitempty"`
	SSEKMSKeyID  string `json:"sse_kms_key_id,omitempty"`
	// KeepObjectLock gives each copy its source's Object Lock retention
	// and legal hold (--keep-object-lock).
	KeepObjectLock bool `json:"keep_object_lock,omitempty"`
	// RequesterPays accepts the charges of reading a Requester Pays source
	// (--request-payer requester): a resume sends it again.
	RequesterPays      bool  `json:"requester_pays,omitempty"`
	MultipartThreshold int64 `json:"multipart_threshold,omitempty"`
	PartSize           int64 `json:"part_size,omitempty"`
	// MaxObjectsPerSec and MaxBytesPerSec pace the copy (--max-rate,
	// --max-bandwidth; 0: no limit).
	MaxObjectsPerSec float64 `json:"max_objects_per_sec,omitempty"`
	MaxBytesPerSec   int64   `json:"max_bytes_per_sec,omitempty"`
	// NoVerify skips the check after the copy.
	NoVerify bool `json:"no_verify"`
	// Filter is the --include/--exclude rules, in the order given.
	Filter []Rule `json:"filter,omitempty"`
	// Window keeps objects by size and age.
	Window Window `json:"window,omitzero"`

	// Engine copies: EngineLocal ("" too) or EngineBatch.
	Engine string `json:"engine,omitempty"`
	// BatchBucket is where a batch job's manifest and reports go, in the
	// destination account (s3://bucket/prefix/).
	BatchBucket string `json:"batch_bucket,omitempty"`
	// BatchRole is the IAM role the job runs as.
	BatchRole string `json:"batch_role,omitempty"`
}

// DefaultOptions are the options a migration gets when nothing is said.
func DefaultOptions() Options {
	return Options{Mode: transfer.ModeAuto, Compare: transfer.CompareSizeETag, Concurrency: 32, MaxDelete: -1,
		MultipartThreshold: transfer.DefaultMultipartThreshold, PartSize: transfer.DefaultPartSize}
}

// Encode renders the definition for the journal.
func (d Definition) Encode() ([]byte, error) {
	d.Version = definitionVersion
	return json.Marshal(d)
}

// Decode reads a definition stored by Encode.
func Decode(b []byte) (Definition, error) {
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("read the migration's definition: %w", err)
	}
	if d.Version != definitionVersion {
		return d, fmt.Errorf("migration definition version %d, this s3migrate reads version %d: use the s3migrate that wrote it", d.Version, definitionVersion)
	}
	return d, nil
}

// journalDefinition is what the journal keeps of d: the columns it lists
// and the encoded document.
func (d Definition) journalDefinition() (journal.Definition, error) {
	spec, err := d.Encode()
	if err != nil {
		return journal.Definition{}, err
	}
	return journal.Definition{Src: d.Src, Dst: d.Dst, SrcProfile: d.SrcProfile, DstProfile: d.DstProfile, Spec: spec}, nil
}

// engineOptions are the transfer options of a run of d.
func (d Definition) engineOptions() transfer.Options {
	o := d.Options
	return transfer.Options{
		Src: d.Src, Dst: d.Dst, Mode: o.Mode, Concurrency: o.Concurrency,
		MultipartThreshold: o.MultipartThreshold, PartSize: o.PartSize,
		MaxObjectsPerSec: o.MaxObjectsPerSec, MaxBytesPerSec: o.MaxBytesPerSec,
		ACL: o.ACL, StorageClass: o.StorageClass, SSE: o.SSE, SSEKMSKeyID: o.SSEKMSKeyID,
		KeepObjectLock: o.KeepObjectLock, Delete: o.Delete,
	}
}

// Mapping describes where keys go, for status lines: "s3://a/x/ → s3://b/y/"
// or, with a selection, the items.
func (d Definition) Mapping() string {
	switch len(d.Items) {
	case 0:
		return d.Src.String() + " → " + d.Dst.String()
	case 1:
		return d.Src.URL(d.Src.Prefix+d.Items[0]) + " → " + d.Dst.URL(d.Dst.Prefix+d.Items[0])
	}
	return fmt.Sprintf("%d items of %s → %s", len(d.Items), d.Src, d.Dst)
}
