package batchjob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/s3err"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
)

var sb *sandbox.Sandbox

// object is an object a test puts into its origin bucket.
type object = sandboxtest.Object

// pair makes the test's bucket pair, the origin granting the destination
// account read, with objs in the origin bucket.
func pair(t *testing.T, objs []object) (src, dst string) {
	t.Helper()
	return sandboxtest.Pair(t, sb, objs)
}

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedNone, func(s *sandbox.Sandbox) { sb = s }))
}

// dest is the destination account as the migration would build it on the
// sandbox: the S3 Control client from an SDK configuration and the
// session's endpoint (NewControlClient), and, as without STS, the access
// key id standing for the account id.
func dest(t *testing.T) *batchjob.Client {
	t.Helper()
	sandboxtest.Need(t, sb)
	return &batchjob.Client{
		S3:        sb.Client(sb.Dest),
		Control:   batchjobControl(t, sb.Dest.SecretKey),
		AccountID: sb.Dest.AccessKey,
		Identity:  "profile " + sandbox.DestProfile,
	}
}

// batchjobControl is NewControlClient for the destination account's
// access key with secret.
func batchjobControl(t *testing.T, secret string) batchjob.ControlAPI {
	t.Helper()
	cfg := aws.Config{
		Region:      sandbox.Region,
		Credentials: credentials.NewStaticCredentialsProvider(sb.Dest.AccessKey, secret, ""),
		HTTPClient:  awshttp.NewBuildableClient(),
	}
	return batchjob.NewControlClient(cfg, sb.Endpoint)
}

func getBytes(t *testing.T, c *s3.Client, bucket, key string) []byte {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor polls the job until cond holds (10 s at most).
func waitFor(t *testing.T, c *batchjob.Client, id string, what string, cond func(batchjob.Status) bool) batchjob.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var last batchjob.Status
	for {
		st, err := c.Describe(ctx, id)
		if err != nil {
			t.Fatalf("describe %s: %v", id, err)
		}
		last = st
		if cond(st) {
			return st
		}
		select {
		case <-ctx.Done():
			t.Fatalf("job %s: waited for %s; last status %+v", id, what, last)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func opError(t *testing.T, err error) *s3err.OpError {
	t.Helper()
	var oe *s3err.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T) is not an *s3err.OpError", err, err)
	}
	return oe
}
