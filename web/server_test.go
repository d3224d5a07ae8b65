package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"userimport/lang"
)

// lockedBuffer is a log the server writes from its goroutines and the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a server serving in the background for one test.
type running struct {
	s    *Server
	base string // http://127.0.0.1:PORT
	log  *lockedBuffer
	stop context.CancelFunc
	done chan error
}

// serve starts a server with cfg and stops it when the test ends.
func serve(t *testing.T, cfg Config) *running {
	t.Helper()
	log := &lockedBuffer{}
	cfg.Log = log
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &running{s: s, base: "http://127.0.0.1:" + s.port, log: log, stop: stop, done: make(chan error, 1)}
	go func() { r.done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after its context ended")
		}
	})
	return r
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// request is one request of a test: what differs from a page's own.
type request struct {
	method, path string
	host         string // "" for 127.0.0.1:PORT
	cookie       bool
	header       map[string]string
}

func (r *running) do(t *testing.T, q request) *http.Response {
	t.Helper()
	req, err := http.NewRequest(q.method, r.base+q.path, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	if q.host != "" {
		req.Host = q.host
	}
	if q.cookie {
		req.AddCookie(&http.Cookie{Name: r.s.cookieName(), Value: r.s.secret})
	}
	for k, v := range q.header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestSafetyRules: only the page opened from the printed address is answered
// (docs/contract.md, "ui").
func TestSafetyRules(t *testing.T) {
	r := serve(t, Config{Lang: lang.English})
	port := r.s.port
	tests := []struct {
		name string
		req  request
		want int
	}{
		{"no cookie", request{method: "GET", path: "/"}, http.StatusForbidden},
		{"no cookie, api", request{method: "POST", path: "/api/ping"}, http.StatusForbidden},
		{"no cookie, asset", request{method: "GET", path: "/assets/index.html"}, http.StatusForbidden},
		{"wrong k", request{method: "GET", path: "/?k=wrong"}, http.StatusForbidden},
		{"empty k", request{method: "GET", path: "/?k="}, http.StatusForbidden},
		{"wrong cookie", request{method: "GET", path: "/", header: map[string]string{"Cookie": r.s.cookieName() + "=nope"}}, http.StatusForbidden},
		{"foreign Origin, POST", request{method: "POST", path: "/api/ping", cookie: true, header: map[string]string{"Origin": "http://evil.example"}}, http.StatusForbidden},
		{"foreign Origin, api GET", request{method: "GET", path: "/api/state", cookie: true, header: map[string]string{"Origin": "http://evil.example"}}, http.StatusForbidden},
		{"other port's Origin", request{method: "POST", path: "/api/ping", cookie: true, header: map[string]string{"Origin": "http://127.0.0.1:1"}}, http.StatusForbidden},
		{"cross-site fetch", request{method: "POST", path: "/api/ping", cookie: true, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, http.StatusForbidden},
		{"same-site fetch", request{method: "POST", path: "/api/ping", cookie: true, header: map[string]string{"Sec-Fetch-Site": "same-site"}}, http.StatusForbidden},
		{"rebound Host", request{method: "GET", path: "/", cookie: true, host: "evil.example:" + port}, http.StatusMisdirectedRequest},
		{"LAN Host", request{method: "GET", path: "/", cookie: true, host: "192.168.1.5:" + port}, http.StatusMisdirectedRequest},
		{"Host without port", request{method: "GET", path: "/", cookie: true, host: "127.0.0.1"}, http.StatusMisdirectedRequest},
		{"Host, other port", request{method: "GET", path: "/", cookie: true, host: "127.0.0.1:1"}, http.StatusMisdirectedRequest},
		{"rebound Host with k", request{method: "GET", path: "/?k=" + r.s.secret, host: "evil.example:" + port}, http.StatusMisdirectedRequest},

		{"page", request{method: "GET", path: "/", cookie: true}, http.StatusOK},
		{"page at localhost", request{method: "GET", path: "/", cookie: true, host: "localhost:" + port}, http.StatusOK},
		{"ping", request{method: "POST", path: "/api/ping", cookie: true}, http.StatusOK},
		{"ping, own Origin", request{method: "POST", path: "/api/ping", cookie: true, header: map[string]string{
			"Origin": "http://127.0.0.1:" + port, "Sec-Fetch-Site": "same-origin"}}, http.StatusOK},
		{"ping, localhost Origin", request{method: "POST", path: "/api/ping", cookie: true, host: "localhost:" + port, header: map[string]string{
			"Origin": "http://localhost:" + port}}, http.StatusOK},
		{"typed address", request{method: "GET", path: "/", cookie: true, header: map[string]string{"Sec-Fetch-Site": "none"}}, http.StatusOK},
		{"unknown asset", request{method: "GET", path: "/assets/nope.js", cookie: true}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.do(t, tt.req)
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if c := resp.Header.Get("Set-Cookie"); c != "" {
				t.Errorf("a cookie given: %s", c)
			}
		})
	}
}

// TestSecretBecomesCookie: the printed address sets an HttpOnly, SameSite=Strict
// cookie and sends the browser to "/", which the cookie then opens.
func TestSecretBecomesCookie(t *testing.T) {
	r := serve(t, Config{})
	resp, err := noRedirect.Get(r.s.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("status %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v, want one", cookies)
	}
	c := cookies[0]
	if c.Value != r.s.secret || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("cookie %+v: want the secret, HttpOnly, SameSite=Strict, Path=/", c)
	}
	if !strings.Contains(resp.Header.Get("Set-Cookie"), "SameSite=Strict") {
		t.Errorf("Set-Cookie %q", resp.Header.Get("Set-Cookie"))
	}
	req, _ := http.NewRequest("GET", r.base+"/", nil)
	req.AddCookie(c)
	page, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK || page.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("the page with the cookie: %d %s", page.StatusCode, page.Header.Get("Content-Type"))
	}
}

// TestHeadersAndLog: every answer, refused or not, carries the CSP and nosniff; the
// log names method, path and status, never the secret or a query.
func TestHeadersAndLog(t *testing.T) {
	r := serve(t, Config{})
	reqs := []request{
		{method: "GET", path: "/?k=" + r.s.secret},
		{method: "GET", path: "/?k=" + r.s.secret + "x"},
		{method: "GET", path: "/"},
		{method: "GET", path: "/", cookie: true},
		{method: "GET", path: "/?lang=ru&name=Иванов", cookie: true},
		{method: "GET", path: "/assets/index.html", cookie: true},
		{method: "GET", path: "/nope", cookie: true},
		{method: "POST", path: "/api/ping", cookie: true},
		{method: "POST", path: "/api/ping", cookie: true, header: map[string]string{"Origin": "http://evil.example"}},
		{method: "GET", path: "/", cookie: true, host: "evil.example:" + r.s.port},
	}
	for _, q := range reqs {
		resp := r.do(t, q)
		h := resp.Header
		if h.Get("Content-Security-Policy") != contentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: headers %v", q.method, q.path, h)
		}
	}
	r.stop()
	<-r.done
	r.done <- nil // for the cleanup
	log := r.log.String()
	for _, bad := range []string{r.s.secret, "?", "k=", "lang=", "Иванов", "Cookie", "userimport-" + r.s.port} {
		if strings.Contains(log, bad) {
			t.Errorf("the log holds %q:\n%s", bad, log)
		}
	}
	for _, want := range []string{"GET / 303\n", "GET / 403\n", "GET / 200\n", "POST /api/ping 200\n", "GET /nope 404\n", "GET / 421\n"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log has no %q:\n%s", want, log)
		}
	}
}

// TestLoopbackOnly: the server listens on 127.0.0.1 and nowhere else; its folder is
// the owner's alone and is gone once Serve returns.
func TestLoopbackOnly(t *testing.T) {
	r := serve(t, Config{})
	addr := r.s.ln.Addr().(*net.TCPAddr)
	if !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("listens on %v, want 127.0.0.1", addr)
	}
	if !strings.HasPrefix(r.s.URL(), "http://127.0.0.1:"+r.s.port+"/?k=") {
		t.Errorf("URL %q", r.s.URL())
	}
	if ip := otherAddress(); ip != nil {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), r.s.port), time.Second); err == nil {
			c.Close()
			t.Errorf("answers at %v", ip)
		}
	}
	fi, err := os.Stat(r.s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("the folder is %v, want 0700", fi.Mode().Perm())
	}
	if err := os.WriteFile(r.s.dir+"/upload.xlsx", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.stop()
	if err := <-r.done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	r.done <- nil
	if _, err := os.Stat(r.s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder is still there: %v", err)
	}
}

// otherAddress is an address of this machine other than loopback, nil if none.
func otherAddress() net.IP {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP
		}
	}
	return nil
}

// TestIdleStop: with no page ever opened, the server stops after Idle; while an
// import is busy it does not; a closed page starts the idle time.
func TestIdleStop(t *testing.T) {
	t.Run("no page", func(t *testing.T) {
		r := serve(t, Config{Idle: 50 * time.Millisecond})
		select {
		case err := <-r.done:
			r.done <- err
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("still serving with no page")
		}
		if _, err := os.Stat(r.s.dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the folder is still there: %v", err)
		}
	})
	t.Run("busy", func(t *testing.T) {
		var busy atomic.Bool
		busy.Store(true)
		log := &lockedBuffer{}
		s, err := New(Config{Idle: 50 * time.Millisecond, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		s.busy = busy.Load
		done := make(chan error, 1)
		go func() { done <- s.Serve(context.Background()) }()
		select {
		case <-done:
			t.Fatal("stopped while an import was busy")
		case <-time.After(400 * time.Millisecond):
		}
		busy.Store(false)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("still serving once the import ended")
		}
	})
	t.Run("bye", func(t *testing.T) {
		r := serve(t, Config{Idle: 300 * time.Millisecond})
		page := request{method: "POST", path: "/api/ping", cookie: true}
		for range 4 { // a page open longer than Idle keeps it
			r.do(t, page)
			time.Sleep(100 * time.Millisecond)
		}
		select {
		case <-r.done:
			t.Fatal("stopped with a page open")
		default:
		}
		start := time.Now()
		r.do(t, request{method: "POST", path: "/api/bye", cookie: true})
		select {
		case err := <-r.done:
			r.done <- err
			if d := time.Since(start); d < 250*time.Millisecond {
				t.Errorf("stopped %v after bye, want Idle", d)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("still serving after the page said bye")
		}
	})
}

func TestPageWatch(t *testing.T) {
	t0 := time.Unix(1000, 0)
	idle := time.Minute
	p := newPageWatch(t0)
	if p.gone(t0.Add(59*time.Second), idle) || !p.gone(t0.Add(idle), idle) {
		t.Error("no page: gone after Idle from the start")
	}
	p.seen(t0.Add(time.Minute))
	if p.gone(t0.Add(3*time.Minute), idle) {
		t.Error("an open page counted gone before staleAfter")
	}
	if !p.gone(t0.Add(time.Minute+staleAfter), idle) {
		t.Error("a page silent for staleAfter still counted open")
	}
	p.bye(t0.Add(2 * time.Minute))
	if p.gone(t0.Add(2*time.Minute+59*time.Second), idle) || !p.gone(t0.Add(3*time.Minute), idle) {
		t.Error("closed page: gone after Idle from its bye")
	}
	p.seen(t0.Add(2*time.Minute + 30*time.Second)) // a reload
	if p.gone(t0.Add(4*time.Minute), idle) {
		t.Error("a reload did not cancel the bye")
	}
}

// TestBodyCap: a request body past the cap is cut off for the handler.
func TestBodyCap(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(s.dir)
	defer s.ln.Close()
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "too big", http.StatusRequestEntityTooLarge)
		}
	})
	h := s.guard(read)
	for _, tt := range []struct {
		path string
		size int
		want int
	}{
		{"/api/read", maxJSON, http.StatusOK},
		{"/api/read", maxJSON + 1, http.StatusRequestEntityTooLarge},
		{uploadPath, maxJSON + 1, http.StatusOK},
	} {
		req := httptest.NewRequest("POST", "http://127.0.0.1:"+s.port+tt.path, bytes.NewReader(make([]byte, tt.size)))
		req.AddCookie(&http.Cookie{Name: s.cookieName(), Value: s.secret})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.want {
			t.Errorf("%s with %d bytes: %d, want %d", tt.path, tt.size, w.Code, tt.want)
		}
	}
}

func TestAssetTypes(t *testing.T) {
	for name, want := range map[string]string{
		"index.html": "text/html; charset=utf-8",
		"app.js":     "text/javascript; charset=utf-8",
		"app.css":    "text/css; charset=utf-8",
	} {
		w := httptest.NewRecorder()
		serveAsset(w, httptest.NewRequest("GET", "/assets/"+name, nil), name)
		if w.Code == http.StatusNotFound {
			continue // not written yet
		}
		if got := w.Header().Get("Content-Type"); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	w := httptest.NewRecorder()
	serveAsset(w, httptest.NewRequest("GET", "/assets/../server.go", nil), "../server.go")
	if w.Code != http.StatusNotFound {
		t.Errorf("outside the assets: %d", w.Code)
	}
}
