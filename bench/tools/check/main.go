// Command check makes sure a benchmark run really copied everything, outside
// the timed part of bench/sync.sh: the destination prefix must hold exactly
// the source prefix's keys (relative to each prefix) with the same sizes and
// ETags. A tool that is fast because it skipped objects would otherwise look
// good. With -delete it then removes the destination objects, so that a
// 30,000-object benchmark does not fill the disk with copies.
//
//	check -src-profile sandbox-origin -dst-profile sandbox-dest [-delete] s3://origin-data/bench-3000/ s3://dest-archive/run-1/
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3migrate/s3migrate/bench/tools/internal/s3client"
)

func main() {
	srcProfile := flag.String("src-profile", "sandbox-origin", "AWS profile that lists the source")
	dstProfile := flag.String("dst-profile", "sandbox-dest", "AWS profile that lists (and with -delete, deletes) the destination")
	del := flag.Bool("delete", false, "delete the destination objects after a successful check")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: check [-src-profile P] [-dst-profile P] [-delete] s3://SRC/prefix/ s3://DST/prefix/")
		os.Exit(2)
	}
	n, err := run(context.Background(), *srcProfile, *dstProfile, flag.Arg(0), flag.Arg(1), *del)
	if err != nil {
		fmt.Fprintln(os.Stderr, "check:", err)
		os.Exit(1)
	}
	fmt.Printf("%d objects ok\n", n)
}

type object struct {
	size int64
	etag string
}

func run(ctx context.Context, srcProfile, dstProfile, src, dst string, del bool) (int, error) {
	sb, sp, err := s3client.ParseURL(src)
	if err != nil {
		return 0, err
	}
	db, dp, err := s3client.ParseURL(dst)
	if err != nil {
		return 0, err
	}
	sc, err := s3client.New(ctx, srcProfile, 4)
	if err != nil {
		return 0, err
	}
	dc, err := s3client.New(ctx, dstProfile, 4)
	if err != nil {
		return 0, err
	}
	want := map[string]object{}
	for o, err := range s3client.List(ctx, sc, sb, sp) {
		if err != nil {
			return 0, err
		}
		want[strings.TrimPrefix(aws.ToString(o.Key), sp)] = object{aws.ToInt64(o.Size), aws.ToString(o.ETag)}
	}
	if len(want) == 0 {
		return 0, fmt.Errorf("s3://%s/%s is empty", sb, sp)
	}
	var got []types.ObjectIdentifier
	var problems []string
	for o, err := range s3client.List(ctx, dc, db, dp) {
		if err != nil {
			return 0, err
		}
		got = append(got, types.ObjectIdentifier{Key: o.Key})
		rel := strings.TrimPrefix(aws.ToString(o.Key), dp)
		w, ok := want[rel]
		switch {
		case !ok:
			problems = append(problems, "not in the source: "+rel)
		case w.size != aws.ToInt64(o.Size):
			problems = append(problems, fmt.Sprintf("%s: %d bytes, want %d", rel, aws.ToInt64(o.Size), w.size))
		case w.etag != aws.ToString(o.ETag):
			problems = append(problems, fmt.Sprintf("%s: ETag %s, want %s", rel, aws.ToString(o.ETag), w.etag))
		}
		delete(want, rel)
	}
	for rel := range want {
		problems = append(problems, "missing: "+rel)
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("s3://%s/%s differs from s3://%s/%s in %d keys, e.g. %s", db, dp, sb, sp, len(problems), strings.Join(problems[:min(3, len(problems))], "; "))
	}
	if del {
		for chunk := range slices.Chunk(got, 1000) {
			out, err := dc.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(db), Delete: &types.Delete{Objects: chunk, Quiet: aws.Bool(true)}})
			if err != nil {
				return 0, fmt.Errorf("delete under s3://%s/%s: %w", db, dp, err)
			}
			if len(out.Errors) > 0 {
				return 0, fmt.Errorf("delete s3://%s/%s: %s", db, aws.ToString(out.Errors[0].Key), aws.ToString(out.Errors[0].Message))
			}
		}
	}
	return len(got), nil
}
