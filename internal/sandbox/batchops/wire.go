package batchops

import "encoding/xml"

// The S3 Control job API's REST-XML shapes, as the AWS SDK for Go v2
// (service/s3control) serializes and deserializes them: element names are
// the member names, lists wrap their items in <member>, maps in
// <entry><key/><value/></entry>. Requests carry the namespace below; tags
// without a namespace match any, so a request decodes either way.
// testdata/*.golden pins the request side; the SDK client in the end-to-end
// tests reads the response side.

const xmlns = "http://awss3control.amazonaws.com/doc/2018-08-20/"

type xCreateJobRequest struct {
	XMLName              xml.Name     `xml:"CreateJobRequest"`
	ClientRequestToken   string       `xml:"ClientRequestToken"`
	ConfirmationRequired *bool        `xml:"ConfirmationRequired"`
	Description          string       `xml:"Description"`
	Manifest             *xManifest   `xml:"Manifest"`
	ManifestGenerator    *xAnyElement `xml:"ManifestGenerator"`
	Operation            *xOperation  `xml:"Operation"`
	Priority             *int32       `xml:"Priority"`
	Report               *xReport     `xml:"Report"`
	RoleArn              string       `xml:"RoleArn"`
	Tags                 []xTag       `xml:"Tags>member"`
}

// xAnyElement records that an element was present, whatever it held.
type xAnyElement struct {
	Inner []byte `xml:",innerxml"`
}

type xManifest struct {
	Spec     *xManifestSpec     `xml:"Spec,omitempty"`
	Location *xManifestLocation `xml:"Location,omitempty"`
}

type xManifestSpec struct {
	Format string   `xml:"Format"`
	Fields []string `xml:"Fields>member,omitempty"`
}

type xManifestLocation struct {
	ObjectArn       string `xml:"ObjectArn"`
	ObjectVersionId string `xml:"ObjectVersionId,omitempty"`
	ETag            string `xml:"ETag"`
}

// xOperation holds the one operation of a job. Only S3PutObjectCopy is
// emulated; Other catches the rest so they are refused by name.
type xOperation struct {
	S3PutObjectCopy *xCopyOperation `xml:"S3PutObjectCopy,omitempty"`
	Other           []xNamedElement `xml:",any"`
}

type xNamedElement struct {
	XMLName xml.Name
}

type xCopyOperation struct {
	TargetResource            string       `xml:"TargetResource,omitempty"`
	CannedAccessControlList   string       `xml:"CannedAccessControlList,omitempty"`
	AccessControlGrants       *xAnyElement `xml:"AccessControlGrants,omitempty"`
	MetadataDirective         string       `xml:"MetadataDirective,omitempty"`
	ModifiedSinceConstraint   string       `xml:"ModifiedSinceConstraint,omitempty"`
	NewObjectMetadata         *xMetadata   `xml:"NewObjectMetadata,omitempty"`
	NewObjectTagging          []xTag       `xml:"NewObjectTagging>member,omitempty"`
	RedirectLocation          string       `xml:"RedirectLocation,omitempty"`
	RequesterPays             bool         `xml:"RequesterPays,omitempty"`
	StorageClass              string       `xml:"StorageClass,omitempty"`
	UnModifiedSinceConstraint string       `xml:"UnModifiedSinceConstraint,omitempty"`
	SSEAwsKmsKeyId            string       `xml:"SSEAwsKmsKeyId,omitempty"`
	TargetKeyPrefix           string       `xml:"TargetKeyPrefix,omitempty"`
	ObjectLockLegalHoldStatus string       `xml:"ObjectLockLegalHoldStatus,omitempty"`
	ObjectLockMode            string       `xml:"ObjectLockMode,omitempty"`
	ObjectLockRetainUntilDate string       `xml:"ObjectLockRetainUntilDate,omitempty"`
	BucketKeyEnabled          bool         `xml:"BucketKeyEnabled,omitempty"`
	ChecksumAlgorithm         string       `xml:"ChecksumAlgorithm,omitempty"`
}

type xMetadata struct {
	CacheControl       string   `xml:"CacheControl,omitempty"`
	ContentDisposition string   `xml:"ContentDisposition,omitempty"`
	ContentEncoding    string   `xml:"ContentEncoding,omitempty"`
	ContentLanguage    string   `xml:"ContentLanguage,omitempty"`
	UserMetadata       []xEntry `xml:"UserMetadata>entry,omitempty"`
	ContentLength      *int64   `xml:"ContentLength,omitempty"`
	ContentMD5         string   `xml:"ContentMD5,omitempty"`
	ContentType        string   `xml:"ContentType,omitempty"`
	HttpExpiresDate    string   `xml:"HttpExpiresDate,omitempty"`
	RequesterCharged   bool     `xml:"RequesterCharged,omitempty"`
	SSEAlgorithm       string   `xml:"SSEAlgorithm,omitempty"`
}

type xEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xReport struct {
	Bucket              string `xml:"Bucket,omitempty"`
	ExpectedBucketOwner string `xml:"ExpectedBucketOwner,omitempty"`
	Format              string `xml:"Format,omitempty"`
	Enabled             bool   `xml:"Enabled"`
	Prefix              string `xml:"Prefix,omitempty"`
	ReportScope         string `xml:"ReportScope,omitempty"`
}

type xCreateJobResult struct {
	XMLName xml.Name `xml:"CreateJobResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	JobId   string   `xml:"JobId"`
}

type xDescribeJobResult struct {
	XMLName xml.Name       `xml:"DescribeJobResult"`
	Xmlns   string         `xml:"xmlns,attr"`
	Job     xJobDescriptor `xml:"Job"`
}

type xJobDescriptor struct {
	JobId                string      `xml:"JobId"`
	ConfirmationRequired bool        `xml:"ConfirmationRequired"`
	Description          string      `xml:"Description,omitempty"`
	JobArn               string      `xml:"JobArn"`
	Status               string      `xml:"Status"`
	Manifest             *xManifest  `xml:"Manifest,omitempty"`
	Operation            *xOperation `xml:"Operation,omitempty"`
	Priority             int32       `xml:"Priority"`
	ProgressSummary      *xProgress  `xml:"ProgressSummary,omitempty"`
	StatusUpdateReason   string      `xml:"StatusUpdateReason,omitempty"`
	FailureReasons       []xFailure  `xml:"FailureReasons>member,omitempty"`
	Report               *xReport    `xml:"Report,omitempty"`
	CreationTime         string      `xml:"CreationTime"`
	TerminationDate      string      `xml:"TerminationDate,omitempty"`
	RoleArn              string      `xml:"RoleArn"`
	SuspendedDate        string      `xml:"SuspendedDate,omitempty"`
	SuspendedCause       string      `xml:"SuspendedCause,omitempty"`
}

type xProgress struct {
	TotalNumberOfTasks     int64   `xml:"TotalNumberOfTasks"`
	NumberOfTasksSucceeded int64   `xml:"NumberOfTasksSucceeded"`
	NumberOfTasksFailed    int64   `xml:"NumberOfTasksFailed"`
	Timers                 xTimers `xml:"Timers"`
}

type xTimers struct {
	ElapsedTimeInActiveSeconds int64 `xml:"ElapsedTimeInActiveSeconds"`
}

type xFailure struct {
	FailureCode   string `xml:"FailureCode"`
	FailureReason string `xml:"FailureReason"`
}

type xUpdateJobStatusResult struct {
	XMLName            xml.Name `xml:"UpdateJobStatusResult"`
	Xmlns              string   `xml:"xmlns,attr"`
	JobId              string   `xml:"JobId"`
	Status             string   `xml:"Status"`
	StatusUpdateReason string   `xml:"StatusUpdateReason,omitempty"`
}

type xListJobsResult struct {
	XMLName   xml.Name             `xml:"ListJobsResult"`
	Xmlns     string               `xml:"xmlns,attr"`
	NextToken string               `xml:"NextToken,omitempty"`
	Jobs      []xJobListDescriptor `xml:"Jobs>member"`
}

type xJobListDescriptor struct {
	JobId           string     `xml:"JobId"`
	Description     string     `xml:"Description,omitempty"`
	Operation       string     `xml:"Operation"`
	Priority        int32      `xml:"Priority"`
	Status          string     `xml:"Status"`
	CreationTime    string     `xml:"CreationTime"`
	TerminationDate string     `xml:"TerminationDate,omitempty"`
	ProgressSummary *xProgress `xml:"ProgressSummary,omitempty"`
}

// xErrorResponse is the S3 Control error body: the SDK reads Code and
// Message from inside <Error> (IsWrappedWithErrorTag).
type xErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}
