// Package livetest drives the browser screen on the live backend and the
// embedded sandbox. It is its own package because the sandbox's gateway
// changes the working directory, which the browser's golden files are
// found relative to.
package livetest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/browser"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

var sb *sandbox.Sandbox

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedSmall, func(s *sandbox.Sandbox) { sb = s }))
}

// The browser's finding keys on the live backend and the sandbox: the
// preview's HEAD, tags and ranged GET, a search below, a prefix count and
// the destination pane, with real requests and signatures.
func TestLiveBrowserOnTheSandbox(t *testing.T) {
	sandboxtest.Need(t, sb)
	t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	t.Setenv("AWS_PROFILE", "")
	body := strings.Repeat("a line of text\n", 700) // 10.3 KiB
	_, err := sb.Client(sb.Origin).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(sandbox.OriginBucket), Key: aws.String("notes/read me.txt"), Body: strings.NewReader(body),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"author": "ops"}, Tagging: aws.String("kind=notes"),
	})
	if err != nil {
		t.Fatal(err)
	}
	state := &screen.State{Backend: backend.New(), Styles: style.New(true),
		SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, SrcBucket: sandbox.OriginBucket, DstBucket: sandbox.DestBucket,
		Where: "notes/"}
	d := uitest.NewDriver(t, state, browser.New())

	d.Press("p")
	v := d.View()
	for _, want := range []string{"read me.txt", "10.3 KiB (10,500 B)", "type   text/plain", "author: ops", "kind: notes",
		"a line of text", "content: first 4.0 KiB of 10.3 KiB"} {
		if !strings.Contains(v, want) {
			t.Errorf("the live preview lacks %q:\n%s", want, v)
		}
	}

	// Seeded objects are random bytes: headers and tags, content refused.
	d.Press("left", "/")
	d.TypeText("q3")
	d.Press("tab")
	if v := d.View(); !strings.Contains(v, "reports/2025/q3.csv") || !strings.Contains(v, "1 match · all") {
		t.Errorf("the live search below:\n%s", v)
	}
	v = d.View()
	for _, want := range []string{"text/csv", "owner: finance", "classification: internal", "quarter: q3", "content: binary: not shown"} {
		if !strings.Contains(v, want) {
			t.Errorf("the preview of a search match lacks %q:\n%s", want, v)
		}
	}

	d.Press("esc", "esc", "p") // back to the level, the selection pane
	// backups/ docs/ images/ logs/ notes/ reports/
	d.Press("g", "down", "down", "c", "t")
	if v := d.View(); !strings.Contains(v, "▸   ▹ images/") {
		t.Fatalf("the cursor should be on images/:\n%s", v)
	}
	v = d.View()
	if !strings.Contains(v, "images/: 6 objects") || !strings.Contains(v, "s3://dest-archive/images/") || !strings.Contains(v, "nothing there yet") {
		t.Errorf("the live count and destination pane:\n%s", v)
	}
}
