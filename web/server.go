package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"userimport/lang"
)

// assets are the page: index.html, app.js, app.css and what they use. Everything the
// browser loads comes from here, never from the network (docs/contract.md, "ui").
//
//go:embed assets
var assets embed.FS

// Limits of the server; see docs/contract.md, "ui".
const (
	// maxUpload caps the body of POST /api/file, the spreadsheet.
	maxUpload = 512 << 20
	// maxJSON caps every other request body.
	maxJSON = 1 << 20
	// uploadPath is the one call whose body is a file.
	uploadPath = "/api/file"
	// shutdownGrace is how long requests in flight get to finish at the end.
	shutdownGrace = 5 * time.Second
	// staleAfter is how long a page that pings no more (a crashed browser, a tab
	// killed without its pagehide) counts as open: three of its 20 s pings missed,
	// and at least Idle.
	staleAfter = 3 * time.Minute
)

// contentSecurityPolicy lets the page load only its own script, style and images,
// talk only to this server, and be framed by nobody.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// assetTypes are the content types of the page's files, by extension. Go's mime
// table is not used: on Windows it reads the registry, which often says text/plain
// for .js, and with nosniff the browser would then refuse the script.
var assetTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".json":  "application/json",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
}

// Server is `userimport ui`'s web server: on 127.0.0.1 only, answering only the
// browser that opened the address it printed (a secret in the address, then a
// cookie), until it is stopped or the page has been gone for a while.
type Server struct {
	cfg    Config
	ln     net.Listener
	port   string
	dir    string
	secret string
	api    *api
	log    io.Writer
	pages  *pageWatch
	// busy reports whether an import runs (the api's busy; tests replace it).
	busy func() bool
	// handler is the whole server: the safety rules around the page and the api.
	handler http.Handler
}

// New prepares a server: it listens on a free port of 127.0.0.1, makes the
// owner-only temporary folder for uploads and the secret of the address. Serve
// runs it; until then nothing is answered.
func New(cfg Config) (*Server, error) {
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Env == nil {
		cfg.Env = func(string) string { return "" }
	}
	secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	// "tcp4" and the loopback address: never another interface, whatever the
	// machine's resolver says of "localhost".
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	dir, err := os.MkdirTemp("", "userimport-ui-")
	if err == nil {
		err = os.Chmod(dir, 0o700) // MkdirTemp's 0700, whatever the umask
	}
	if err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("make the folder for uploads: %w", err)
	}
	a, err := newAPI(cfg, dir)
	if err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		cfg: cfg, ln: ln, dir: dir, secret: secret, api: a, log: cfg.Log,
		port:  strconv.Itoa(ln.Addr().(*net.TCPAddr).Port),
		pages: newPageWatch(time.Now()),
		busy:  a.busy,
	}
	s.handler = s.guard(s.routes())
	return s, nil
}

// newSecret is 32 random bytes, base64url: the key of the address.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make the secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// URL is the address to open: it carries the secret, which the first visit trades
// for a cookie.
func (s *Server) URL() string {
	return "http://127.0.0.1:" + s.port + "/?k=" + s.secret
}

// Serve answers until ctx is done, or until no page has been open for Config.Idle
// while no import runs; then it shuts down, stops the api (a running import stops
// as after Ctrl-C) and removes the temporary folder. It is called once.
func (s *Server) Serve(ctx context.Context) error {
	defer os.RemoveAll(s.dir)
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(s.log, "userimport ui: ", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(s.ln) }()
	why, err := s.wait(ctx, served)
	fmt.Fprintf(s.log, "userimport ui: stopping: %s\n", why)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil && err == nil {
		err = serr
	}
	if cerr := s.api.close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// wait returns when the server should stop, saying why; err is the listener's
// failure, if that is why.
func (s *Server) wait(ctx context.Context, served <-chan error) (why string, err error) {
	tick := time.NewTicker(checkEvery(s.cfg.Idle))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return "interrupted", nil
		case err := <-served:
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			return "the listener failed", err
		case now := <-tick.C:
			if s.busy() {
				s.pages.hold(now)
				continue
			}
			if s.pages.gone(now, s.cfg.Idle) {
				return "no page open for " + s.cfg.Idle.String(), nil
			}
		}
	}
}

// checkEvery is how often the idle rule is looked at: a tenth of Idle, between
// 10 ms and a second.
func checkEvery(idle time.Duration) time.Duration {
	return min(max(idle/10, 10*time.Millisecond), time.Second)
}

// pageWatch knows whether a page is open: every request from it (and its ping every
// 20 s) says so; its bye on closing says it is gone, unless another tab or the
// reload speaks again.
type pageWatch struct {
	mu    sync.Mutex
	open  bool
	since time.Time
}

func newPageWatch(now time.Time) *pageWatch { return &pageWatch{since: now} }

// seen is a request from a page.
func (p *pageWatch) seen(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.open, p.since = true, now
}

// bye is a page closing: the idle time starts now.
func (p *pageWatch) bye(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.open, p.since = false, now
}

// hold keeps the idle time from running (an import is busy): it starts afresh after.
func (p *pageWatch) hold(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.since = now
}

// gone reports whether no page has been open for idle: closed that long ago, never
// opened since the start, or silent for longer than a page that pings can be.
func (p *pageWatch) gone(now time.Time, idle time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	wait := idle
	if p.open {
		wait = max(idle, staleAfter)
	}
	return now.Sub(p.since) >= wait
}

// routes are the page, its assets, the lifecycle calls and the api's calls.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { serveAsset(w, r, "index.html") })
	mux.HandleFunc("GET /assets/{file...}", func(w http.ResponseWriter, r *http.Request) {
		serveAsset(w, r, r.PathValue("file"))
	})
	mux.HandleFunc("POST /api/ping", func(w http.ResponseWriter, r *http.Request) {
		s.pages.seen(time.Now())
		writeEmpty(w)
	})
	mux.HandleFunc("POST /api/bye", func(w http.ResponseWriter, r *http.Request) {
		s.pages.bye(time.Now())
		writeEmpty(w)
	})
	s.api.routes(mux)
	return mux
}

// serveAsset answers with one embedded file of the page; a folder or an unknown
// name is 404.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	name = path.Clean("/" + name)[1:]
	b, err := fs.ReadFile(assets, "assets/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ctype, ok := assetTypes[path.Ext(name)]
	if !ok {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func writeEmpty(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "{}\n")
}

// guard is every rule each request passes, in one place (docs/contract.md, "ui"):
// the headers of every answer, the log line, the Host, the Origin, the secret and
// the cookie, the cap on the body.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			// The path escaped and without the query: the secret is in the query,
			// and a path may hold anything a stranger sent.
			fmt.Fprintf(s.log, "%s %s %d\n", r.Method, r.URL.EscapedPath(), rec.status)
		}()
		securityHeaders(rec.Header())
		l := s.pageLang(r)
		if !s.rightHost(r.Host) {
			refuse(rec, r, http.StatusMisdirectedRequest, l.Pick(
				"this server answers only at the address userimport printed",
				"этот сервер отвечает только по адресу, который напечатал userimport"))
			return
		}
		if (r.Method != http.MethodGet && r.Method != http.MethodHead || isAPI(r)) && !s.sameOrigin(r) {
			refuse(rec, r, http.StatusForbidden, l.Pick(
				"refused: the request came from another site",
				"отказано: запрос пришёл с другого сайта"))
			return
		}
		if k, ok := r.URL.Query()["k"]; ok && r.URL.Path == "/" {
			s.trade(rec, r, k[0], l)
			return
		}
		if !s.hasCookie(r) {
			refuse(rec, r, http.StatusForbidden, l.Pick(
				"open the address userimport printed (http://127.0.0.1:…/?k=…)",
				"откройте адрес, который напечатал userimport (http://127.0.0.1:…/?k=…)"))
			return
		}
		limit := int64(maxJSON)
		if r.URL.Path == uploadPath {
			limit = maxUpload
		}
		r.Body = http.MaxBytesReader(rec, r.Body, limit)
		if r.URL.Path != "/api/bye" {
			s.pages.seen(time.Now())
		}
		next.ServeHTTP(rec, r)
	})
}

// trade answers the address with the secret: a cookie holding it, and a redirect to
// "/" so that the secret leaves the address bar (and the history's latest entry).
func (s *Server) trade(w http.ResponseWriter, r *http.Request, k string, l lang.Lang) {
	if !sameSecret(k, s.secret) {
		refuse(w, r, http.StatusForbidden, l.Pick(
			"this address is not the one userimport printed: open the address it printed",
			"это не тот адрес, который напечатал userimport: откройте напечатанный"))
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: s.secret, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	s.pages.seen(time.Now())
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// cookieName is per port: cookies do not tell ports apart, and two servers on one
// machine (two files at once) must not overwrite each other's.
func (s *Server) cookieName() string { return "userimport-" + s.port }

func (s *Server) hasCookie(r *http.Request) bool {
	c, err := r.Cookie(s.cookieName())
	return err == nil && sameSecret(c.Value, s.secret)
}

func sameSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// rightHost reports whether the request named this server: a page of another site
// whose name was made to point at 127.0.0.1 (DNS rebinding) names its own.
func (s *Server) rightHost(host string) bool {
	h, p, err := net.SplitHostPort(host)
	return err == nil && p == s.port && (h == "127.0.0.1" || strings.EqualFold(h, "localhost"))
}

// sameOrigin reports whether a request that changes something or reads the api came
// from this server's own page, by the headers browsers send: Origin and
// Sec-Fetch-Site, each when present.
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		if o != "http://127.0.0.1:"+s.port && o != "http://localhost:"+s.port {
			return false
		}
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

// pageLang is the language to refuse in: the page's ?lang=, else the start's.
func (s *Server) pageLang(r *http.Request) lang.Lang {
	if v := r.URL.Query().Get("lang"); v != "" {
		return lang.Parse(v)
	}
	return s.cfg.Lang
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// securityHeaders are on every answer.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}

// refuse answers a request the rules turn away: JSON for the api (the page shows its
// error), else a short page.
func refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<meta charset=\"utf-8\"><title>userimport</title>\n<p>%s</p>\n", htmlEscape(msg))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// statusRecorder remembers the status of an answer, for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
