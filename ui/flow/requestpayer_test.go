package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/s3migrate/s3migrate/internal/journal"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// TestRequesterPaysFromTheTUI: a TUI started with --request-payer
// requester sends x-amz-request-payer: requester with every S3 request of
// a migration (a proxy in front of the sandbox counts them), and the
// journal keeps it for a resume.
func TestRequesterPaysFromTheTUI(t *testing.T) {
	useSandbox(t)
	resetSandbox(t)
	var with, without atomic.Int64
	u, _ := url.Parse(sb.Endpoint)
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u); pr.Out.Host = pr.In.Host }}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Request-Payer") == "requester" {
			with.Add(1)
		} else {
			without.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte(fmt.Sprintf("[profile %[2]s]\nregion = us-east-1\nendpoint_url = %[1]s\n[profile %[3]s]\nregion = us-east-1\nendpoint_url = %[1]s\n",
		proxy.URL, sandbox.OriginProfile, sandbox.DestProfile)), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)

	b := backend.New()
	b.RequesterPays = true
	m := screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, SrcBucket: sandbox.OriginBucket,
		DstBucket: sandbox.DestBucket, DstPrefix: "payer/", Items: []string{"docs/"}}
	r, err := b.Start(context.Background(), m, screen.RunOptions{Concurrency: 4, Verify: true, Mode: "relay"})
	if err != nil {
		t.Fatal(err)
	}
	res := <-r.Done()
	if res.Err != nil || res.Result == nil || res.Result.Copied == 0 {
		t.Fatalf("run: %v %+v", res.Err, res.Result)
	}
	if with.Load() == 0 || without.Load() != 0 {
		t.Errorf("%d requests said the requester pays, %d did not", with.Load(), without.Load())
	}
	jd, _, err := journal.ReadDefinition(res.Journal)
	if err != nil {
		t.Fatal(err)
	}
	if def, err := migration.Decode(jd.Spec); err != nil || !def.Options.RequesterPays {
		t.Errorf("the journal's definition %+v, %v: want requester pays kept", def.Options, err)
	}
}
