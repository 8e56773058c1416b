package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// SeedSize selects how much sample data Start puts into the origin bucket.
type SeedSize int

const (
	// SeedFull is the demo data set: a few thousand objects under nested
	// prefixes, one object above the multipart threshold, odd keys.
	SeedFull SeedSize = iota
	// SeedSmall is a quick set for tests: a few dozen objects, the same
	// shapes, and a 20 MiB object instead of the large one.
	SeedSmall
	// SeedNone creates the buckets and nothing else.
	SeedNone
)

// LargeObjectKey is the seeded object above the default multipart threshold.
const LargeObjectKey = "backups/2026-11-01/db-dump.tar"

// Client returns an S3 client signed as acc, with path-style addressing.
// Clients are shared per account, so callers may ask for one per request
// without opening a connection pool each time. The sandbox serves plain
// HTTP on loopback, so AWS_CA_BUNDLE does not apply; the buildable client
// keeps it working where it is set anyway.
func (s *Sandbox) Client(acc Account) *s3.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[acc.AccessKey+":"+acc.SecretKey]; ok {
		return c
	}
	c := s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(acc.AccessKey, acc.SecretKey, ""),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = 256
		}),
		DisableLogOutputChecksumValidationSkipped: true,
	})
	if s.clients == nil {
		s.clients = map[string]*s3.Client{}
	}
	s.clients[acc.AccessKey+":"+acc.SecretKey] = c
	return c
}

// OwnerPolicy is the statement the sandbox puts on the origin bucket so its
// owner keeps access once any policy exists (the gateway stops consulting the
// ACL then). It also makes every migration merge into an existing policy.
func OwnerPolicy(bucket, ownerAccess string) string {
	return fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnerFullAccess",
      "Effect": "Allow",
      "Principal": {"AWS": ["%s"]},
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::%s", "arn:aws:s3:::%s/*"]
    }
  ]
}`, ownerAccess, bucket, bucket)
}

func (s *Sandbox) setup(ctx context.Context, size SeedSize) error {
	origin, dest := s.Client(s.Origin), s.Client(s.Dest)
	if _, err := origin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(OriginBucket)}); err != nil {
		return fmt.Errorf("sandbox: create %s: %w", OriginBucket, err)
	}
	if _, err := dest.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(DestBucket)}); err != nil {
		return fmt.Errorf("sandbox: create %s: %w", DestBucket, err)
	}
	if _, err := origin.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
		Bucket: aws.String(OriginBucket),
		Policy: aws.String(OwnerPolicy(OriginBucket, s.Origin.AccessKey)),
	}); err != nil {
		return fmt.Errorf("sandbox: owner policy on %s: %w", OriginBucket, err)
	}
	if size == SeedNone {
		return nil
	}
	return Seed(ctx, origin, OriginBucket, size)
}

// SeedObject is one object of the sample data set.
type SeedObject struct {
	Key          string
	Size         int
	ContentType  string
	CacheControl string
	Metadata     map[string]string
	Tags         map[string]string
}

// SeedObjects returns the sample data set for size, in a fixed order.
func SeedObjects(size SeedSize) []SeedObject {
	var objs []SeedObject
	r := rand.New(rand.NewPCG(1, 2))
	months, days, hours := 6, 28, 12
	images := 400
	large := 80 << 20
	if size == SeedSmall {
		months, days, hours, images, large = 1, 2, 3, 6, 20<<20
	}
	for m := 1; m <= months; m++ {
		for d := 1; d <= days; d++ {
			for h := 0; h < hours; h++ {
				objs = append(objs, SeedObject{
					Key:         fmt.Sprintf("logs/2026/%02d/%02d/events-%02d.json", m, d, h*2),
					Size:        1024 + r.IntN(15*1024),
					ContentType: "application/json",
				})
			}
		}
	}
	kinds := []string{"cats", "dogs", "birds", "landscapes"}
	for i := 0; i < images; i++ {
		k := kinds[i%len(kinds)]
		objs = append(objs, SeedObject{
			Key:          fmt.Sprintf("images/%s/img-%04d.jpg", k, i),
			Size:         4096 + r.IntN(60*1024),
			ContentType:  "image/jpeg",
			CacheControl: "public, max-age=86400",
			Metadata:     map[string]string{"camera": "seed-cam", "album": k},
		})
	}
	for _, q := range []string{"q1", "q2", "q3", "q4"} {
		objs = append(objs, SeedObject{
			Key:         "reports/2025/" + q + ".csv",
			Size:        2048 + r.IntN(8192),
			ContentType: "text/csv",
			Metadata:    map[string]string{"owner": "finance"},
			Tags:        map[string]string{"classification": "internal", "quarter": q},
		})
	}
	objs = append(objs,
		SeedObject{Key: "reports/", Size: 0},
		SeedObject{Key: "docs/quarterly report 2026.pdf", Size: 3000, ContentType: "application/pdf"},
		SeedObject{Key: "docs/résumé – ünïcødé.txt", Size: 120, ContentType: "text/plain; charset=utf-8"},
		SeedObject{Key: "docs/日本語/ファイル.txt", Size: 64, ContentType: "text/plain; charset=utf-8"},
		SeedObject{Key: "docs/a+b=c&d.txt", Size: 10, ContentType: "text/plain"},
		SeedObject{Key: "docs/empty.txt", Size: 0, ContentType: "text/plain"},
		SeedObject{Key: LargeObjectKey, Size: large, ContentType: "application/x-tar",
			Metadata: map[string]string{"source-host": "db-1"}, Tags: map[string]string{"retention": "7y"}},
	)
	return objs
}

// Content returns the deterministic bytes of a seeded object.
func Content(key string, size int) []byte {
	b := make([]byte, size)
	var seed uint64
	for _, c := range []byte(key) {
		seed = seed*31 + uint64(c)
	}
	r := rand.New(rand.NewPCG(seed, uint64(size)))
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := len(b) &^ 7; i < len(b); i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

// Seed uploads SeedObjects(size) into bucket with client.
func Seed(ctx context.Context, client *s3.Client, bucket string, size SeedSize) error {
	objs := SeedObjects(size)
	work := make(chan SeedObject)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	tm := transfermanager.New(client)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := putSeed(ctx, client, tm, bucket, o); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, o := range objs {
		work <- o
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func putSeed(ctx context.Context, client *s3.Client, tm *transfermanager.Client, bucket string, o SeedObject) error {
	body := Content(o.Key, o.Size)
	var tagging *string
	if len(o.Tags) > 0 {
		v := url.Values{}
		for k, val := range o.Tags {
			v.Set(k, val)
		}
		tagging = aws.String(v.Encode())
	}
	ct := aws.String(o.ContentType)
	if o.ContentType == "" {
		ct = nil
	}
	cc := aws.String(o.CacheControl)
	if o.CacheControl == "" {
		cc = nil
	}
	if o.Size > 16<<20 {
		_, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(o.Key), Body: bytes.NewReader(body),
			ContentType: ct, CacheControl: cc, Metadata: o.Metadata, Tagging: tagging,
		})
		if err != nil {
			return fmt.Errorf("seed s3://%s/%s: %w", bucket, o.Key, err)
		}
		return nil
	}
	_, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(o.Key), Body: bytes.NewReader(body),
		ContentType: ct, CacheControl: cc, Metadata: o.Metadata, Tagging: tagging,
	})
	if err != nil {
		return fmt.Errorf("seed s3://%s/%s: %w", bucket, strings.TrimPrefix(o.Key, "/"), err)
	}
	return nil
}

var _ = types.ObjectStorageClassStandard
