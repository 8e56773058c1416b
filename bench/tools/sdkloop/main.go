// Command sdkloop is the baseline of bench/sync.sh: the copy loop anyone
// would write with the AWS SDK for Go v2 alone. It lists the source prefix
// and, while the listing goes on, CopyObjects every key to the destination
// prefix with a fixed number of workers — no diff, no journal, no
// verification, no retries beyond the SDK's own. One identity does it all
// (the destination's, which the origin bucket policy lets read), as with
// `aws s3 sync`.
//
//	sdkloop -profile sandbox-dest -concurrency 32 s3://origin-data/bench-3000/ s3://dest-archive/run-1/
//
// It exits 1 if any copy failed, printing the first errors.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/bench/tools/internal/s3client"
)

func main() {
	profile := flag.String("profile", "sandbox-dest", "AWS profile that lists the source and copies")
	conc := flag.Int("concurrency", 32, "CopyObject calls in flight")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: sdkloop [-profile P] [-concurrency C] s3://SRC/prefix/ s3://DST/prefix/")
		os.Exit(2)
	}
	start := time.Now()
	copied, failed, err := run(context.Background(), *profile, flag.Arg(0), flag.Arg(1), *conc)
	fmt.Fprintf(os.Stderr, "sdkloop: %d copied, %d failed in %.2fs\n", copied, failed, time.Since(start).Seconds())
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkloop:", err)
		os.Exit(1)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

func run(ctx context.Context, profile, src, dst string, conc int) (copied, failed int64, err error) {
	sb, sp, err := s3client.ParseURL(src)
	if err != nil {
		return 0, 0, err
	}
	db, dp, err := s3client.ParseURL(dst)
	if err != nil {
		return 0, 0, err
	}
	c, err := s3client.New(ctx, profile, conc)
	if err != nil {
		return 0, 0, err
	}

	keys := make(chan string, 1000) // one listing page ahead of the workers
	var ok, bad atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for key := range keys {
				dkey := dp + strings.TrimPrefix(key, sp)
				_, err := c.CopyObject(ctx, &s3.CopyObjectInput{
					Bucket:     aws.String(db),
					Key:        aws.String(dkey),
					CopySource: aws.String(copySource(sb, key)),
				})
				if err != nil {
					if bad.Add(1) <= 5 {
						fmt.Fprintf(os.Stderr, "sdkloop: copy s3://%s/%s: %v\n", sb, key, err)
					}
					continue
				}
				ok.Add(1)
			}
		})
	}
	var listErr error
	for o, err := range s3client.List(ctx, c, sb, sp) {
		if err != nil {
			listErr = err
			break
		}
		keys <- aws.ToString(o.Key)
	}
	close(keys)
	wg.Wait()
	return ok.Load(), bad.Load(), listErr
}

// copySource is CopyObject's "bucket/key" with the key URL-encoded segment
// by segment, as S3 expects.
func copySource(bucket, key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return bucket + "/" + strings.Join(segs, "/")
}
