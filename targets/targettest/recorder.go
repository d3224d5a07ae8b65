package targettest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Request is one request a Recorder passed on.
type Request struct {
	Method, Path, Query, Body string
}

// Recorder passes each request on to Next and keeps a copy of it, so that a client's
// test can say what the client sent. It is safe for concurrent use.
type Recorder struct {
	Next http.Handler

	mu   sync.Mutex
	seen []Request
}

// ServeHTTP records r and serves it with Next.
func (rc *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rc.mu.Lock()
	rc.seen = append(rc.seen, Request{r.Method, r.URL.Path, r.URL.RawQuery, string(body)})
	rc.mu.Unlock()
	rc.Next.ServeHTTP(w, r)
}

// Requests are the requests passed on so far, in order.
func (rc *Recorder) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.seen...)
}

// Writes are the requests other than GET, in order: those that may change an account.
func (rc *Recorder) Writes() []Request {
	var out []Request
	for _, r := range rc.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}
