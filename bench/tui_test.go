package bench

import (
	"context"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/ui/app"
	"github.com/s3migrate/s3migrate/ui/backend"
	"github.com/s3migrate/s3migrate/ui/flow"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
)

// countingModel counts every message the program delivers, and quits once
// the run has reached the summary.
type countingModel struct {
	inner *app.Model
	msgs  int
}

func (c *countingModel) Init() tea.Cmd { return c.inner.Init() }

func (c *countingModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c.msgs++
	_, cmd := c.inner.Update(msg)
	if c.inner.Current() == screen.Summary {
		return c, tea.Quit
	}
	return c, cmd
}

func (c *countingModel) View() tea.View { return c.inner.View() }

// migrationTo is the bench migration of the seeded objects into dst.
func migrationTo(s *seeded, dst string) screen.Migration {
	return screen.Migration{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile,
		SrcBucket: s.bucket, DstBucket: dst, Items: []string{"data/"}, Compare: "size-etag"}
}

// runHeadless copies with the TUI's backend and nothing on screen.
func runHeadless(tb tb, s *seeded, dst string, opt screen.RunOptions) time.Duration {
	tb.Helper()
	start := time.Now()
	r, err := backend.New().Start(context.Background(), migrationTo(s, dst), opt)
	if err != nil {
		tb.Fatalf("start: %v", err)
	}
	res := <-r.Done()
	if res.Err != nil || res.Result.Copied != int64(len(s.keys)) {
		tb.Fatalf("headless run: copied %v, err %v", res.Result, res.Err)
	}
	return time.Since(start)
}

// runWithTUI copies the same way with the whole TUI program running on a
// fake terminal (no input, output discarded) at 120×40, from the run screen
// to the summary; it returns the time and the number of messages.
func runWithTUI(tb tb, s *seeded, dst string, opt screen.RunOptions) (time.Duration, int) {
	tb.Helper()
	m := app.New(backend.New(), style.New(true), flow.Screens(), screen.Running)
	c := m.State()
	mig := migrationTo(s, dst)
	c.SrcProfile, c.DstProfile, c.SrcBucket, c.DstBucket, c.Items, c.Options = mig.SrcProfile, mig.DstProfile, mig.SrcBucket, mig.DstBucket, mig.Items, opt
	cm := &countingModel{inner: m}
	start := time.Now()
	p := tea.NewProgram(cm, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40), tea.WithoutSignals())
	if _, err := p.Run(); err != nil {
		tb.Fatalf("program: %v", err)
	}
	elapsed := time.Since(start)
	if r := c.Result; r == nil || r.Err != nil || r.Result.Copied != int64(len(s.keys)) {
		tb.Fatalf("TUI run: %+v", r)
	}
	return elapsed, cm.msgs
}

// BenchmarkTUIOverhead: the same copy with and without the TUI program
// running, in ABBA rounds; also the messages the program received per
// object (the engine sends none: the screen polls a snapshot on a tick).
// Run it with -benchtime 1x.
func BenchmarkTUIOverhead(b *testing.B) {
	if sb == nil {
		b.Skip("needs the sandbox")
	}
	b.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	b.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	b.Setenv("AWS_PROFILE", "")
	b.Setenv("XDG_STATE_HOME", b.TempDir())
	n, conc := *flagObjects, *flagConcurrency
	s := seed(b, n)
	opt := screen.RunOptions{Concurrency: conc, Compare: "size-etag"}
	var plain, tui []float64
	msgs := 0
	for i, which := range abba(*flagRounds) {
		dst := freshBucket(b, which)
		var d time.Duration
		if which == "loop" { // abba's first variant: here, headless
			d = runHeadless(b, s, dst, opt)
			plain = append(plain, rate(n, d))
		} else {
			var k int
			d, k = runWithTUI(b, s, dst, opt)
			tui = append(tui, rate(n, d))
			msgs += k
		}
		verify(b, s, dst)
		b.Logf("run %d %-8s %8s  %7.0f obj/s", i+1, map[string]string{"loop": "headless", "engine": "tui"}[which], d.Round(time.Millisecond), rate(n, d))
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(median(plain), "headless-obj/s")
	b.ReportMetric(median(tui), "tui-obj/s")
	b.ReportMetric(median(tui)/median(plain), "ratio")
	b.ReportMetric(float64(msgs)/float64(n*len(tui)), "msgs/object")
}
