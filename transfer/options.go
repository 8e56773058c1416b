package transfer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Mode chooses how objects travel.
type Mode string

// The copy modes.
const (
	// ModeAuto copies server-side when the destination identity can read
	// the source, and relays through this machine otherwise.
	ModeAuto Mode = "auto"
	// ModeServerSide always uses CopyObject / UploadPartCopy.
	ModeServerSide Mode = "server-side"
	// ModeRelay streams every object: GET as the origin identity, PUT as the
	// destination identity.
	ModeRelay Mode = "relay"
)

// ParseMode validates a --mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeAuto, ModeServerSide, ModeRelay:
		return m, nil
	}
	return "", &UsageError{Msg: "--mode " + s + ": want auto, server-side or relay"}
}

// Sizes that S3 imposes and defaults this tool picks.
const (
	// MaxCopyObjectSize is the largest source CopyObject accepts.
	MaxCopyObjectSize = 5 << 30
	// DefaultMultipartThreshold: larger objects are copied in parts, in
	// parallel. Lower than S3's 5 GiB limit so large objects go faster.
	DefaultMultipartThreshold = 64 << 20
	// DefaultPartSize is the part size of multipart copies.
	DefaultPartSize = 16 << 20
	// DefaultRelayMemory bounds the bytes relay mode buffers at once.
	DefaultRelayMemory = 256 << 20
	maxParts           = 10000
)

// Options configure an Engine.
type Options struct {
	Src, Dst Location
	Mode     Mode
	// Concurrency is the number of objects in flight (changeable while running).
	Concurrency int
	// MultipartThreshold: objects larger than this use multipart copy.
	MultipartThreshold int64
	// PartSize of multipart copies (grown when an object would need more
	// than 10,000 parts).
	PartSize int64
	// PartConcurrency is the number of parts of one object in flight.
	PartConcurrency int
	// RelayMemory bounds the bytes buffered by relay copies at once.
	RelayMemory int64
	// MaxObjectsPerSec and MaxBytesPerSec pace the run (0: as fast as the
	// concurrency allows); see pacer.
	MaxObjectsPerSec float64
	MaxBytesPerSec   int64

	ACL          string // canned ACL for the copies, "" to leave it alone
	StorageClass string // "" keeps the source's class
	SSE          string // "AES256" or "aws:kms", "" for the bucket default
	SSEKMSKeyID  string
	// KeepObjectLock gives each copy its source's Object Lock retention
	// (mode and retain-until date) and legal hold, read as the origin
	// identity (two requests per object). The destination bucket must have
	// Object Lock enabled.
	KeepObjectLock bool

	DryRun bool // plan and count, change nothing
	Delete bool // remove keys that exist only in the destination

	// Recorder journals the plan and each object's outcome (nil: none).
	Recorder Recorder

	// MaxAttempts is how often one object is tried before it is recorded as
	// failed (each try already includes the SDK's own retries).
	MaxAttempts int
}

func (o *Options) defaults() {
	if o.Mode == "" {
		o.Mode = ModeAuto
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 32
	}
	if o.MultipartThreshold <= 0 {
		o.MultipartThreshold = DefaultMultipartThreshold
	}
	if o.MultipartThreshold > MaxCopyObjectSize {
		o.MultipartThreshold = MaxCopyObjectSize
	}
	if o.PartSize <= 0 {
		o.PartSize = DefaultPartSize
	}
	if o.PartSize < 5<<20 {
		o.PartSize = 5 << 20
	}
	if o.PartConcurrency <= 0 {
		o.PartConcurrency = 4
	}
	if o.RelayMemory <= 0 {
		o.RelayMemory = DefaultRelayMemory
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
}

// S3API is the part of the S3 client the engine uses.
type S3API interface {
	ListAPI
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	GetObjectTagging(context.Context, *s3.GetObjectTaggingInput, ...func(*s3.Options)) (*s3.GetObjectTaggingOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	CopyObject(context.Context, *s3.CopyObjectInput, ...func(*s3.Options)) (*s3.CopyObjectOutput, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	UploadPartCopy(context.Context, *s3.UploadPartCopyInput, ...func(*s3.Options)) (*s3.UploadPartCopyOutput, error)
	CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	ListParts(context.Context, *s3.ListPartsInput, ...func(*s3.Options)) (*s3.ListPartsOutput, error)
	ListMultipartUploads(context.Context, *s3.ListMultipartUploadsInput, ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error)
	GetBucketOwnershipControls(context.Context, *s3.GetBucketOwnershipControlsInput, ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
	GetObjectRetention(context.Context, *s3.GetObjectRetentionInput, ...func(*s3.Options)) (*s3.GetObjectRetentionOutput, error)
	GetObjectLegalHold(context.Context, *s3.GetObjectLegalHoldInput, ...func(*s3.Options)) (*s3.GetObjectLegalHoldOutput, error)
}

// Endpoints are the two identities of a migration.
type Endpoints struct {
	// Src is the origin identity: lists the source, and reads it in relay mode.
	Src S3API
	// Dst is the destination identity: writes the destination and, for
	// server-side copies, reads the source.
	Dst S3API
	// SrcViaDst is the destination identity's client for the source
	// bucket's region (server-side reads of source headers); nil means Dst,
	// which is right when both buckets share a region or an endpoint.
	SrcViaDst S3API
	// SrcName and DstName describe the identities in messages ("profile x").
	SrcName, DstName string
	// ServerSide is false when the two sides are different S3 services, so
	// only relay is possible.
	ServerSide bool
	// PolicyHint is the command that would grant the destination identity
	// read access to the source (shown with access-denied errors).
	PolicyHint string
}

func (ep Endpoints) srcViaDst() S3API {
	if ep.SrcViaDst != nil {
		return ep.SrcViaDst
	}
	return ep.Dst
}
