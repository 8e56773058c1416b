package migration

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/internal/sandbox"
	"github.com/s3migrate/s3migrate/internal/sandbox/sandboxtest"
	"github.com/s3migrate/s3migrate/transfer"
)

var sb *sandbox.Sandbox

func TestMain(m *testing.M) {
	os.Exit(sandboxtest.Run(m, sandbox.SeedNone, func(s *sandbox.Sandbox) { sb = s }))
}

// The frontier moves only over settled rows, in key order.
func TestFrontier(t *testing.T) {
	f := newFrontier()
	if _, _, ok, _ := f.bound(); ok {
		t.Fatal("a bound before anything was dispatched")
	}
	for _, r := range []string{"a", "b", "c"} {
		f.dispatched(r)
	}
	f.settled("b")
	if hi, incl, ok, n := f.bound(); !ok || hi != "a" || incl || n != 1 {
		t.Errorf("a in flight: bound %q incl %v ok %v settles %d, want below a", hi, incl, ok, n)
	}
	f.settled("a")
	if hi, incl, _, _ := f.bound(); hi != "c" || incl {
		t.Errorf("c in flight: bound %q incl %v, want below c", hi, incl)
	}
	f.settled("c")
	f.settled("zz") // not dispatched (a delete): ignored
	if hi, incl, _, n := f.bound(); hi != "c" || !incl || n != 3 {
		t.Errorf("all settled: bound %q incl %v settles %d, want up to c", hi, incl, n)
	}
	f.reset()
	if _, _, ok, _ := f.bound(); ok {
		t.Error("a bound after reset")
	}
}

// The check of a run finds what went missing or changed after the copy,
// the same whether it runs in one pass or in ranges behind the copy, over
// a folder or over hand-picked items (an object whose name prefixes another
// key included).
func TestVerifyRangesFindDamage(t *testing.T) {
	sandboxtest.Need(t, sb)
	t.Setenv("AWS_CONFIG_FILE", sb.ConfigFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", sb.CredentialsFile)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	ctx := context.Background()
	src, dst, err := sb.NewPair(ctx, "mig-verify")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.GrantRead(ctx, src); err != nil {
		t.Fatal(err)
	}
	origin, dest := sb.Client(sb.Origin), sb.Client(sb.Dest)
	keys := []string{"a.txt", "a.txt.bak", "a/1", "a/2", "a/3", "b/1", "b/2", "c/1"}
	for _, k := range keys {
		if _, err := origin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String(k), Body: strings.NewReader("body of " + k)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		items []string
		want  int64 // objects copied
	}{
		{"folder", nil, 8},
		{"items", []string{"a.txt", "a/", "b/"}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := transfer.ParseLocation("s3://" + src)
			d, _ := transfer.ParseLocation("s3://" + dst + "/" + tc.name)
			p, err := Open(ctx, sandbox.OriginProfile, sandbox.DestProfile, s, d, transfer.CompareSizeETag, awsauth.Options{MaxConns: 8})
			if err != nil {
				t.Fatal(err)
			}
			p.Items = tc.items
			opt := DefaultOptions()
			opt.NoVerify = true
			m, err := New(p, Definition{SrcProfile: sandbox.OriginProfile, DstProfile: sandbox.DestProfile, Options: opt}, "", false)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if out := m.Run(ctx, RunOptions{}); out.Err != nil || out.Result.Copied != tc.want {
				t.Fatalf("copy: %v, %+v", out.Err, out.Result)
			}
			// Damage after the copy: one object gone, one with other bytes.
			root := tc.name + "/"
			if _, err := dest.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(dst), Key: aws.String(root + "a/2")}); err != nil {
				t.Fatal(err)
			}
			if _, err := dest.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(dst), Key: aws.String(root + "b/1"), Body: strings.NewReader("longer, other bytes")}); err != nil {
				t.Fatal(err)
			}
			for _, split := range [][]string{nil, {"a/1"}, {"a.txt", "a/3", "b/1"}} {
				v := m.newVerifier(ctx)
				for _, hi := range split {
					if err := v.upTo(ctx, hi, true, false); err != nil {
						t.Fatal(err)
					}
				}
				if err := v.upTo(ctx, "", false, true); err != nil {
					t.Fatal(err)
				}
				rep := v.finish()
				var what []string
				for _, mm := range rep.Mismatches {
					what = append(what, mm.Rel+":"+mm.What)
				}
				slices.Sort(what)
				if rep.Checked != tc.want || rep.Verified != tc.want-2 || !slices.Equal(what, []string{"a/2:missing", "b/1:size"}) || rep.Unchecked != 0 {
					t.Errorf("split %v: checked %d verified %d mismatches %v unchecked %d", split, rep.Checked, rep.Verified, what, rep.Unchecked)
				}
			}
		})
	}
}
