// Package sandboxtest starts one sandbox per test binary (the gateway allows
// one per process), for packages whose integration tests need S3.
package sandboxtest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/testenv"
)

// Run is the body of a TestMain: unless -short, it starts a sandbox with
// the seed and hands it to set, runs the tests, stops the sandbox, and
// returns the exit code. With -short, set is not called and the tests that
// need the sandbox skip themselves.
//
// First of all it makes the test binary hermetic (testenv.Isolate): the
// developer's AWS_* and XDG_* variables and HOME are out of reach.
func Run(m *testing.M, seed sandbox.SeedSize, set func(*sandbox.Sandbox)) int {
	flag.Parse()
	cleanup, err := testenv.Isolate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer cleanup()
	if testing.Short() {
		return m.Run()
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Seed: seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start sandbox:", err)
		return 2
	}
	set(sb)
	code := m.Run()
	sb.Close()
	return code
}

// Need skips an integration test when the package's sandbox was not
// started (go test -short).
func Need(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	if sb == nil {
		t.Skip("integration test: needs the sandbox (not started with -short)")
	}
}

// Object is one object Pair puts into the origin bucket; ContentType,
// Metadata and Tags are left out when empty.
type Object struct {
	Key         string
	Body        []byte
	ContentType string
	Metadata    map[string]string
	Tags        map[string]string
}

// Pair makes a bucket pair named after the test, whose origin grants the
// destination account read, and puts objs into the origin bucket as the
// origin account. It skips the test without the sandbox.
func Pair(t *testing.T, sb *sandbox.Sandbox, objs []Object) (src, dst string) {
	t.Helper()
	Need(t, sb)
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, t.Name())
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin := sb.Client(sb.Origin)
	for _, o := range objs {
		in := &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(o.Key), Body: bytes.NewReader(o.Body), Metadata: o.Metadata}
		if o.ContentType != "" {
			in.ContentType = aws.String(o.ContentType)
		}
		if len(o.Tags) > 0 {
			v := url.Values{}
			for k, val := range o.Tags {
				v.Set(k, val)
			}
			in.Tagging = aws.String(v.Encode())
		}
		if _, err := origin.PutObject(ctx, in); err != nil {
			t.Fatalf("put %q: %v", o.Key, err)
		}
	}
	return src, dst
}
