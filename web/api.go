package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"userimport/lang"
)

// api answers the page's JSON calls (docs/ui.md lists them). One api serves one
// server: one administrator, one file at a time.
type api struct {
	cfg Config
	// dir is the server's owner-only temporary folder: uploads and the reports of
	// checks and previews.
	dir string

	// mu guards ws and check: one call at a time reads, checks or edits the file (the
	// page waits for each answer anyway).
	mu    sync.Mutex
	ws    *workspace
	check *checked
	// conn is the platform connected to, send the preview or import in progress
	// or done; each has its own lock, so that progress is read while a run goes.
	conn *connection
	send *sending
}

// newAPI prepares the answers to the page; dir is the server's temporary folder.
func newAPI(cfg Config, dir string) (*api, error) {
	a := &api{cfg: cfg, dir: dir, send: &sending{}}
	if a.cfg.Env == nil {
		a.cfg.Env = func(string) string { return "" }
	}
	if cfg.File != "" {
		ws, err := openWorkspace(cfg.File, cfg)
		if err != nil {
			return nil, err
		}
		a.ws = ws
	}
	return a, nil
}

// routes registers the JSON calls under /api/ (all but the lifecycle's ping and bye,
// which server.go answers).
func (a *api) routes(mux *http.ServeMux) {
	// The calls that read or change the file and the choices made about it: one at a
	// time, under a.mu.
	mux.HandleFunc("GET /api/state", handle(a, a.state))
	mux.HandleFunc("POST /api/read", handle(a, a.read))
	mux.HandleFunc("POST /api/profile", handle(a, a.saveProfile))
	mux.HandleFunc("POST /api/check", handle(a, a.runCheck))
	mux.HandleFunc("GET /api/rows", handle(a, a.rows))
	mux.HandleFunc("POST /api/cell", handle(a, a.editCell))
	mux.HandleFunc("POST /api/fix", handle(a, a.fix))
	mux.HandleFunc("GET /api/download/corrected", handle(a, a.downloadCorrected))
	mux.HandleFunc("POST /api/connect", handle(a, a.connect))
	mux.HandleFunc("POST /api/preview", handle(a, a.preview))
	mux.HandleFunc("POST /api/import", handle(a, a.startImport))
	// The upload streams before it takes the lock; the calls about a running import
	// take only its own lock, so that progress is read while it goes.
	mux.HandleFunc("POST /api/file", a.upload)
	mux.HandleFunc("GET /api/progress", a.progress)
	mux.HandleFunc("POST /api/stop", a.stop)
	mux.HandleFunc("GET /api/results", a.results)
	mux.HandleFunc("GET /api/download/{name}", a.download)
}

// busy reports whether an import is running: the server does not stop for an idle
// page then.
func (a *api) busy() bool { return a.send.running() }

// close stops a running import as Ctrl-C does and waits for it, and ends a sandbox.
func (a *api) close() error {
	a.send.stopAndWait()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn != nil {
		a.conn.close()
	}
	return nil
}

// logf writes one line to the server's log: never a cell, a header or a secret.
func (a *api) logf(format string, args ...any) {
	if a.cfg.Log != nil {
		fmt.Fprintf(a.cfg.Log, "userimport ui: "+format+"\n", args...)
	}
}

// none is the body of a call that has none.
type none struct{}

// handle is the shape of every call about the file: the page's language, the JSON
// body decoded into a Req (an empty body is Req's zero), and the api's lock held
// while fn answers.
func handle[Req any](a *api, fn func(w http.ResponseWriter, r *http.Request, l lang.Lang, req Req)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l := a.langOf(r)
		var req Req
		if !decode(w, r, &req, l) {
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		fn(w, r, l, req)
	}
}

// langOf is the language the page asked in (?lang=), else the server's.
func (a *api) langOf(r *http.Request) lang.Lang {
	if v := r.URL.Query().Get("lang"); v != "" {
		return lang.Parse(v)
	}
	return a.cfg.Lang
}

// reply writes v as JSON.
func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// fail answers with one line for a person.
func fail(w http.ResponseWriter, status int, msg string) {
	reply(w, status, map[string]string{"error": msg})
}

// decode reads the JSON body of r into v; false (and the answer written) when it
// cannot. The server has capped the body (maxJSON).
func decode(w http.ResponseWriter, r *http.Request, v any, l lang.Lang) bool {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		fail(w, http.StatusBadRequest, l.Pick("the page sent a request the server cannot read: reload the page",
			"страница прислала запрос, который сервер не может прочитать: обновите страницу"))
		return false
	}
	return true
}

// texter is an error that can say itself in the page's language.
type texter interface{ Text(lang.Lang) string }

// say is err for a person in l: the engine's own words where it has them.
func say(err error, l lang.Lang) string {
	var t texter
	if errors.As(err, &t) {
		return strings.TrimSpace(t.Text(l))
	}
	return err.Error()
}

// needFile answers 409 when no file is open yet; the caller holds a.mu.
func (a *api) needFile(w http.ResponseWriter, l lang.Lang) bool {
	if a.ws == nil || a.ws.tbl == nil {
		fail(w, http.StatusConflict, l.Pick("choose a file first", "сначала выберите файл"))
		return false
	}
	return true
}
