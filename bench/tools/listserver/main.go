// Command listserver is the loopback S3 peer of the 10-million-key plan
// benchmark (bench/plan.sh): it answers ListObjectsV2 for synthetic buckets
// whose keys it generates on the fly, in key order, from the keyspace
// package, so serving 10 million keys costs no memory.
//
//	listserver [-addr 127.0.0.1:0] [-seed 1] [-missing 100] [-size 100] [-etag 20] [-extra 50]
//
// It prints "endpoint http://127.0.0.1:PORT" on its first line, then serves
// until SIGINT/SIGTERM, when it prints its request counts to stderr.
//
// Buckets are named after their side and key count: "src-N" is the source
// of N keys, "dst-N" its destination (N up to 999,999,999), so one server
// serves every size. The rates are differences per 10,000 keys (see
// keyspace). It answers, path-style, what planning a migration sends:
// ListObjectsV2 (the S3 XML, continuation tokens, max-keys up to 1000,
// prefix, start-after, encoding-type=url), HeadBucket, GetBucketLocation
// and HeadObject; anything else gets 501 NotImplemented. It accepts any
// signature: it is a benchmark peer, not a server to trust.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/s3migrate/s3migrate/bench/tools/internal/keyspace"
)

type server struct {
	seed  uint64
	rates keyspace.Rates

	lists, heads, other atomic.Int64
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback host:port to listen on")
	seed := flag.Uint64("seed", 1, "seed of the differences")
	r := keyspace.DefaultRates
	flag.IntVar(&r.Missing, "missing", r.Missing, "keys missing from the destination, per 10,000")
	flag.IntVar(&r.Size, "size", r.Size, "keys with another size in the destination, per 10,000")
	flag.IntVar(&r.ETag, "etag", r.ETag, "keys with another ETag (same size) in the destination, per 10,000")
	flag.IntVar(&r.Extra, "extra", r.Extra, "extra destination keys, per 10,000")
	flag.Parse()
	if r.Missing < 0 || r.Size < 0 || r.ETag < 0 || r.Extra < 0 || r.Missing+r.Size+r.ETag > 10000 || r.Extra > 10000 {
		fmt.Fprintln(os.Stderr, "listserver: rates are per 10,000: each ≥ 0, missing+size+etag ≤ 10000, extra ≤ 10000")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listserver:", err)
		os.Exit(1)
	}
	s := &server{seed: *seed, rates: r}
	fmt.Printf("endpoint http://%s\n", ln.Addr())
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
		<-sig
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}()
	if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "listserver:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "listserver: %d listings, %d heads, %d other requests\n", s.lists.Load(), s.heads.Load(), s.other.Load())
}

// bucket is one side of a synthetic pair.
type bucket struct {
	name string
	dst  bool
	sp   keyspace.Space
}

func (s *server) bucket(name string) (bucket, bool) {
	side, n, ok := strings.Cut(name, "-")
	if !ok || (side != "src" && side != "dst") {
		return bucket{}, false
	}
	count, err := strconv.ParseInt(n, 10, 64)
	if err != nil || count < 0 || count > 999_999_999 || strconv.FormatInt(count, 10) != n {
		return bucket{}, false
	}
	return bucket{name: name, dst: side == "dst", sp: keyspace.Space{N: count, Seed: s.seed, Rates: s.rates}}, true
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	b, ok := s.bucket(name)
	if !ok {
		s.other.Add(1)
		s3error(w, r, http.StatusNotFound, "NoSuchBucket", "no such bucket: buckets are src-N and dst-N")
		return
	}
	q := r.URL.Query()
	switch {
	case key == "" && r.Method == http.MethodHead:
		s.other.Add(1)
		w.Header().Set("x-amz-bucket-region", "us-east-1")
		w.WriteHeader(http.StatusOK)
	case key == "" && r.Method == http.MethodGet && q.Has("location"):
		s.other.Add(1)
		writeXML(w, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>`))
	case key == "" && r.Method == http.MethodGet && q.Get("list-type") == "2":
		s.lists.Add(1)
		s.list(w, r, b, q)
	case key != "" && (r.Method == http.MethodHead || r.Method == http.MethodGet):
		s.heads.Add(1)
		s.head(w, r, b, key)
	default:
		s.other.Add(1)
		s3error(w, r, http.StatusNotImplemented, "NotImplemented", "the listing server answers listings, HeadBucket, GetBucketLocation and HeadObject only")
	}
}

// pos is a place in a bucket's key order: key i (phase 0), then the
// destination's extra key after it (phase 1).
type pos struct {
	i     int64
	phase int64
}

func (p pos) next() pos {
	if p.phase == 0 {
		return pos{p.i, 1}
	}
	return pos{p.i + 1, 0}
}

// object returns the object at p, if the bucket has one there.
func (b bucket) object(p pos) (keyspace.Object, bool) {
	switch {
	case p.phase == 0 && !b.dst:
		return b.sp.Src(p.i), true
	case p.phase == 0:
		return b.sp.Dst(p.i)
	case b.dst && b.sp.HasExtra(p.i):
		return b.sp.Extra(p.i), true
	}
	return keyspace.Object{}, false
}

func (b bucket) appendKey(buf []byte, p pos) []byte {
	buf = keyspace.AppendKey(buf, p.i)
	if p.phase == 1 {
		buf = append(buf, keyspace.ExtraSuffix...)
	}
	return buf
}

// first returns the first position whose key is ≥ k (after: > k).
func (b bucket) first(k string, after bool) pos {
	past := func(key string) bool {
		if after {
			return key > k
		}
		return key >= k
	}
	i := int64(sort.Search(int(b.sp.N), func(i int) bool { return past(keyspace.Key(int64(i))) }))
	// The extra key after key i-1 lies between key i-1 and key i.
	if i > 0 && past(keyspace.Key(i-1)+keyspace.ExtraSuffix) {
		return pos{i - 1, 1}
	}
	return pos{i, 0}
}

func (s *server) list(w http.ResponseWriter, r *http.Request, b bucket, q url.Values) {
	prefix := q.Get("prefix")
	maxKeys := 1000
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s3error(w, r, http.StatusBadRequest, "InvalidArgument", "max-keys: want a number ≥ 0")
			return
		}
		maxKeys = min(n, 1000)
	}
	if q.Get("delimiter") != "" {
		s3error(w, r, http.StatusNotImplemented, "NotImplemented", "the listing server does not group by delimiter")
		return
	}
	urlKeys := q.Get("encoding-type") == "url"
	token := q.Get("continuation-token")
	var p pos
	if token != "" {
		i, ph, ok := strings.Cut(token, ".")
		var err1, err2 error
		p.i, err1 = strconv.ParseInt(i, 10, 64)
		p.phase, err2 = strconv.ParseInt(ph, 10, 64)
		if !ok || err1 != nil || err2 != nil || p.i < 0 || p.phase < 0 || p.phase > 1 {
			s3error(w, r, http.StatusBadRequest, "InvalidArgument", "bad continuation token")
			return
		}
	} else {
		p = b.first(prefix, false)
		if sa := q.Get("start-after"); sa != "" {
			if a := b.first(sa, true); a.i > p.i || (a.i == p.i && a.phase > p.phase) {
				p = a
			}
		}
	}

	var body bytes.Buffer
	body.Grow(64 + 300*maxKeys)
	var contents []byte
	count, truncated := 0, false
	var key []byte
	for ; p.i < b.sp.N; p = p.next() {
		o, ok := b.object(p)
		if !ok {
			continue
		}
		key = b.appendKey(key[:0], p)
		if !bytes.HasPrefix(key, []byte(prefix)) {
			break
		}
		if count == maxKeys {
			truncated = true
			break
		}
		count++
		contents = append(contents, "<Contents><Key>"...)
		if urlKeys {
			contents = append(contents, url.QueryEscape(string(key))...)
		} else {
			contents = appendEscaped(contents, string(key))
		}
		contents = append(contents, "</Key><LastModified>"...)
		contents = keyspace.Modified.AppendFormat(contents, "2006-01-02T15:04:05.000Z")
		contents = append(contents, "</LastModified><ETag>&quot;"...)
		contents = append(contents, o.ETag...)
		contents = append(contents, "&quot;</ETag><Size>"...)
		contents = strconv.AppendInt(contents, o.Size, 10)
		contents = append(contents, "</Size><StorageClass>STANDARD</StorageClass></Contents>"...)
	}
	body.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>`)
	body.WriteString(b.name)
	body.WriteString("</Name><Prefix>")
	body.Write(appendEscaped(nil, prefix))
	body.WriteString("</Prefix>")
	if token != "" {
		body.WriteString("<ContinuationToken>" + token + "</ContinuationToken>")
	}
	if sa := q.Get("start-after"); sa != "" {
		body.Write(appendEscaped([]byte("<StartAfter>"), sa))
		body.WriteString("</StartAfter>")
	}
	fmt.Fprintf(&body, "<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>", count, maxKeys)
	if urlKeys {
		body.WriteString("<EncodingType>url</EncodingType>")
	}
	if truncated {
		fmt.Fprintf(&body, "<IsTruncated>true</IsTruncated><NextContinuationToken>%d.%d</NextContinuationToken>", p.i, p.phase)
	} else {
		body.WriteString("<IsTruncated>false</IsTruncated>")
	}
	body.Write(contents)
	body.WriteString("</ListBucketResult>")
	writeXML(w, body.Bytes())
}

func (s *server) head(w http.ResponseWriter, r *http.Request, b bucket, key string) {
	i, extra, ok := keyspace.Index(key)
	var o keyspace.Object
	if ok && i < b.sp.N {
		p := pos{i: i}
		if extra {
			p.phase = 1
		}
		o, ok = b.object(p)
	} else {
		ok = false
	}
	if !ok {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		s3error(w, r, http.StatusNotFound, "NoSuchKey", "no such key")
		return
	}
	if r.Method == http.MethodGet {
		s3error(w, r, http.StatusNotImplemented, "NotImplemented", "the listing server has no object bodies")
		return
	}
	h := w.Header()
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	h.Set("ETag", `"`+o.ETag+`"`)
	h.Set("Last-Modified", keyspace.Modified.Format(http.TimeFormat))
	h.Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
}

func writeXML(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func s3error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	body := appendEscaped([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>"+code+"</Code><Message>"), msg)
	body = append(body, "</Message></Error>"...)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write(body)
}

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\'':
			b = append(b, "&apos;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}
