// Command seed puts n small objects (1–16 KiB) under an S3 prefix, for
// bench/sync.sh. Sizes and bytes are derived from the object's index, so
// every run seeds the same data set; keys spread over 16 folders
// (data/p00/obj-000000.bin …) like the Go benchmark's, because real buckets
// are nested and some tools list folder by folder.
//
//	seed -profile sandbox-origin -n 3000 s3://origin-data/bench-3000/
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/bench/tools/internal/s3client"
)

func main() {
	profile := flag.String("profile", "sandbox-origin", "AWS profile that writes the objects")
	n := flag.Int("n", 3000, "number of objects")
	conc := flag.Int("concurrency", 32, "PutObject calls in flight")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: seed [-profile P] [-n N] [-concurrency C] s3://bucket/prefix/")
		os.Exit(2)
	}
	if err := run(context.Background(), *profile, flag.Arg(0), *n, *conc); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

// Key is the i-th seeded key under prefix.
func Key(prefix string, i int) string {
	return fmt.Sprintf("%sdata/p%02d/obj-%06d.bin", prefix, i%16, i)
}

// body returns the i-th object's bytes: 1 KiB to 16 KiB, the same every run.
func body(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	b := make([]byte, 1024+r.IntN(15*1024+1))
	for j := range b {
		b[j] = byte(r.Uint32())
	}
	return b
}

func run(ctx context.Context, profile, loc string, n, conc int) error {
	bucket, prefix, err := s3client.ParseURL(loc)
	if err != nil {
		return err
	}
	c, err := s3client.New(ctx, profile, conc)
	if err != nil {
		return err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				key := Key(prefix, i)
				_, err := c.PutObject(ctx, &s3.PutObjectInput{
					Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body(i)),
				})
				if err != nil {
					errs <- fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when no worker failed
}
