package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/faultproxy"
	"github.com/s3migrate/s3migrate/internal/motoserver"
)

// peer is an S3 server the kill test runs on: its endpoint, the keys of its
// two accounts, and clients acting as each.
type peer struct {
	name                     string
	endpoint                 string
	originKeys, destKeys     [2]string // access key id, secret
	origin, dest             *s3.Client
	newPair                  func(ctx context.Context, name string) (src, dst string, err error)
	small, largeCount, large int
}

func sandboxPeer(t *testing.T) peer {
	if sb == nil {
		t.Skip("end-to-end: needs the sandbox (not started with -short)")
	}
	return peer{
		name: "sandbox", endpoint: sb.Endpoint,
		originKeys: [2]string{sb.Origin.AccessKey, sb.Origin.SecretKey}, destKeys: [2]string{sb.Dest.AccessKey, sb.Dest.SecretKey},
		origin: sb.Client(sb.Origin), dest: sb.Client(sb.Dest),
		newPair: func(ctx context.Context, name string) (string, string, error) {
			src, dst, err := sb.NewPair(ctx, name)
			if err == nil {
				err = sb.GrantRead(ctx, src)
			}
			return src, dst, err
		},
		small: 1200, largeCount: 2, large: 26 << 20,
	}
}

// motoPeer is moto's server: two real accounts and ARNs. It is slower per
// request than the sandbox (Python), so it gets fewer objects.
func motoPeer(t *testing.T) peer {
	m := motoserver.Need(t)
	client := func(a motoserver.Account) *s3.Client {
		return s3.New(s3.Options{Region: motoserver.Region, BaseEndpoint: aws.String(m.URL), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(a.AccessKey, a.SecretKey, "")})
	}
	p := peer{
		name: "moto", endpoint: m.URL,
		originKeys: [2]string{m.Origin.AccessKey, m.Origin.SecretKey}, destKeys: [2]string{m.Dest.AccessKey, m.Dest.SecretKey},
		origin: client(m.Origin), dest: client(m.Dest),
		small: 500, largeCount: 2, large: 16 << 20,
	}
	p.newPair = func(ctx context.Context, name string) (string, string, error) {
		src, dst := fmt.Sprintf("%s-src-%d", name, time.Now().UnixNano()%1e9), fmt.Sprintf("%s-dst-%d", name, time.Now().UnixNano()%1e9)
		for _, b := range []struct {
			c    *s3.Client
			name string
		}{{p.origin, src}, {p.dest, dst}} {
			if _, err := b.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.name)}); err != nil {
				return "", "", err
			}
		}
		return src, dst, nil
	}
	return p
}

// TestKillAndResume: `s3migrate sync` is killed with SIGKILL at a random
// moment; `s3migrate resume` then finishes the migration. Every object
// arrives intact, no multipart upload is left behind, and the resumed run
// re-copies at most what was in flight when the process died. It runs on
// the sandbox and on moto (two accounts, as on AWS).
func TestKillAndResume(t *testing.T) {
	t.Run("sandbox", func(t *testing.T) { killAndResume(t, sandboxPeer(t)) })
	t.Run("moto", func(t *testing.T) { killAndResume(t, motoPeer(t)) })
}

func killAndResume(t *testing.T, p peer) {
	bin := build(t)
	ctx := context.Background()
	src, dst, err := p.newPair(ctx, "kill")
	if err != nil {
		t.Fatal(err)
	}
	small, largeCount, largeSize := p.small, p.largeCount, p.large
	const partSize, concurrency, partConcurrency = 5 << 20, 8, 4
	seed(t, p.origin, src, small, largeCount, largeSize)
	partsPerLarge := (largeSize + partSize - 1) / partSize

	// Every copy request (CopyObject and UploadPartCopy) passes a 30 ms
	// delay, which stretches the run to several seconds and counts them.
	proxy, err := faultproxy.New(p.endpoint, faultproxy.Rule{Fault: faultproxy.Delay, Rate: 1, Match: faultproxy.IsCopy, Delay: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	dir := t.TempDir()
	env := append(os.Environ(), profilesVia(t, dir, proxy.URL(), p.originKeys, p.destKeys)...)
	env = append(env, "XDG_STATE_HOME="+filepath.Join(dir, "state"), "AWS_PROFILE=")

	args := []string{"sync", "s3://" + src, "s3://" + dst, "--source-profile", "o", "--dest-profile", "d", "--mode", "server-side",
		"--concurrency", fmt.Sprint(concurrency), "--multipart-threshold", fmt.Sprint(8 << 20), "--part-size", fmt.Sprint(partSize),
		"--progress", "none", "--no-verify"}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killAfter := time.Duration(700+rand.IntN(1500)) * time.Millisecond
	time.Sleep(killAfter)
	_ = cmd.Process.Kill()
	err = cmd.Wait()
	if err == nil {
		t.Fatalf("the sync finished before the kill at %v: the test did not kill it mid-run", killAfter)
	}
	total := small + largeCount
	before := len(listKeys(t, p.dest, dst))
	t.Logf("%s: killed after %v with %d of %d objects in the destination", p.name, killAfter, before, total)
	if before == 0 || before == total {
		t.Fatalf("killed at %d of %d objects: not mid-run\n%s", before, total, stderr.String())
	}
	if !strings.Contains(stderr.String(), "journal ") {
		t.Fatalf("no journal announced: %s", stderr.String())
	}

	// The killed process left the journal "running", but nobody holds its
	// lock any more: jobs says interrupted.
	jobs := exec.Command(bin, "jobs")
	jobs.Env = env
	if out, err := jobs.CombinedOutput(); err != nil || !strings.Contains(string(out), "interrupted") || strings.Contains(string(out), "running") {
		t.Errorf("jobs after the kill: %v\n%s", err, out)
	}

	resume := exec.Command(bin, "resume", "--progress", "none")
	resume.Env = env
	out, err := resume.CombinedOutput()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "identical") || !strings.Contains(string(out), "resuming ") {
		t.Errorf("resume output:\n%s", out)
	}
	t.Logf("resume:\n%s", out)
	verify := exec.Command(bin, "verify", "s3://"+src, "s3://"+dst, "--source-profile", "o", "--dest-profile", "d")
	verify.Env = env
	if out, err := verify.CombinedOutput(); err != nil || !strings.Contains(string(out), fmt.Sprintf("verified %d of %d objects: all match", total, total)) {
		t.Errorf("verify after resume: %v\n%s", err, out)
	}
	copies := proxy.Stats().Faults[faultproxy.Delay]
	needed := int64(small + largeCount*partsPerLarge)
	extra := copies - needed
	t.Logf("copy requests: %d for %d needed: %d extra (bound: %d in flight)", copies, needed, extra, concurrency+largeCount*partConcurrency)
	if extra < 0 || extra > int64(concurrency+largeCount*partConcurrency) {
		t.Errorf("%d extra copy requests: more than were in flight", extra)
	}
	ups, err := p.dest.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(dst)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups.Uploads) != 0 {
		t.Errorf("%d multipart uploads leaked", len(ups.Uploads))
	}
	compareBuckets(t, p, src, dst)
}

// profilesVia writes an AWS config pair whose two profiles (o and d, with
// the given keys) reach the server through url, and returns the env lines
// that select it.
func profilesVia(t *testing.T, dir, url string, origin, dest [2]string) []string {
	t.Helper()
	cfg := fmt.Sprintf("[profile o]\nregion = us-east-1\nendpoint_url = %[1]s\n[profile d]\nregion = us-east-1\nendpoint_url = %[1]s\n", url)
	creds := fmt.Sprintf("[o]\naws_access_key_id = %s\naws_secret_access_key = %s\n[d]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		origin[0], origin[1], dest[0], dest[1])
	cf, kf := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kf, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"AWS_CONFIG_FILE=" + cf, "AWS_SHARED_CREDENTIALS_FILE=" + kf}
}

// seed puts small objects and, among them in key order (where a kill is
// likely to land), a few multipart ones.
func seed(t *testing.T, c *s3.Client, bucket string, small, large, largeSize int) {
	t.Helper()
	ctx := context.Background()
	work := make(chan int)
	errs := make(chan error, small)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(fmt.Sprintf("small/%05d", i)),
					Body: bytes.NewReader(body(1024+i%1024, i)), Metadata: map[string]string{"i": fmt.Sprint(i)}})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < small; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("seed: %v", err)
	}
	tm := transfermanager.New(c, func(o *transfermanager.Options) { o.PartSizeBytes = 5 << 20 })
	for i := 0; i < large; i++ {
		if _, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String(bucket), Key: aws.String(fmt.Sprintf("small/%05d-large", 150+100*i)),
			Body: bytes.NewReader(body(largeSize, 1000+i)), ContentType: aws.String("application/x-tar")}); err != nil {
			t.Fatalf("seed large: %v", err)
		}
	}
}

func body(n, seed int) []byte {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func listKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// compareBuckets checks every key's bytes (SHA-256), directly on the server.
func compareBuckets(t *testing.T, pr peer, src, dst string) {
	t.Helper()
	hash := func(acc, bucket, key string) (string, error) {
		c := pr.origin
		if acc == "d" {
			c = pr.dest
		}
		out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return "", err
		}
		defer out.Body.Close()
		h := sha256.New()
		if _, err := io.Copy(h, bufio.NewReader(out.Body)); err != nil {
			return "", err
		}
		return fmt.Sprintf("%x", h.Sum(nil)), nil
	}
	srcKeys, dstKeys := listKeys(t, pr.origin, src), listKeys(t, pr.dest, dst)
	if strings.Join(srcKeys, "\n") != strings.Join(dstKeys, "\n") {
		t.Fatalf("key sets differ: %d source, %d destination", len(srcKeys), len(dstKeys))
	}
	bad := 0
	for _, k := range srcKeys {
		a, errA := hash("o", src, k)
		b, errB := hash("d", dst, k)
		if errA != nil || errB != nil || a != b {
			bad++
			if bad < 5 {
				t.Errorf("%s: %v %v differ", k, errA, errB)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d objects lost or corrupted", bad)
	}
}
