package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/targets"
	sandboxes "userimport/targets/sandbox"
)

// connection is the platform the page connected to: where, and with which
// credentials (held in memory for this server's life only, never written).
type connection struct {
	req ConnectRequest
	// sandbox, when the page chose the built-in stand-in, serves it until close.
	sandbox *sandbox
}

func (c *connection) close() {
	if c.sandbox != nil {
		c.sandbox.stop()
	}
}

// sandbox is a platform's stand-in served on loopback.
type sandbox struct {
	platform string
	addr     string
	stop     func()
}

// startSandbox serves p's stand-in, accepting any credentials, on a free loopback port.
func startSandbox(p targets.Platform) (*sandbox, error) {
	addr, stop, err := sandboxes.Start(p.NewSandbox(func(targets.Credential) string { return "" }))
	if err != nil {
		return nil, err
	}
	return &sandbox{platform: p.Name, addr: "http://" + addr, stop: stop}, nil
}

// connectRequest is POST /api/connect.
type connectRequest struct {
	URL         string            `json:"url"`
	Sandbox     bool              `json:"sandbox"`
	Credentials map[string]string `json:"credentials"`
	// Options are values of the platform's own flags, by flag name.
	Options map[string]string `json:"options"`
}

// connect answers POST /api/connect: the platform reached and the check before the
// first row run, as import runs it; what is wrong said in one line.
func (a *api) connect(w http.ResponseWriter, r *http.Request, l lang.Lang, req connectRequest) {
	if !a.needFile(w, l) {
		return
	}
	if a.send.running() {
		fail(w, http.StatusConflict, l.Pick("an import is running: stop it first", "идёт загрузка: сначала остановите её"))
		return
	}
	p := a.ws.platform
	c := &connection{req: ConnectRequest{Platform: p.Name, URL: strings.TrimSpace(req.URL), Lang: l,
		Credentials: maps.Clone(req.Credentials), Mode: targets.ModeUpsert, Options: optionsOf(p, req.Options)}}
	if req.Sandbox {
		// One sandbox per server and platform: the preview, the import and a second
		// import after it all see the same accounts.
		if a.conn != nil && a.conn.sandbox != nil && a.conn.sandbox.platform == p.Name {
			c.sandbox, a.conn.sandbox = a.conn.sandbox, nil
		} else {
			sb, err := startSandbox(p)
			if err != nil {
				reply(w, http.StatusOK, map[string]any{"ok": false, "message": err.Error()})
				return
			}
			c.sandbox = sb
		}
		c.req.URL, c.req.Sandbox = c.sandbox.addr, true
	}
	if a.conn != nil {
		a.conn.close()
	}
	a.conn = c
	t, stop, err := a.target(r.Context(), c.req)
	if err == nil {
		defer stop()
		err = importer.Preflight(r.Context(), t)
	}
	if err != nil {
		reply(w, http.StatusOK, map[string]any{"ok": false, "message": say(err, l)})
		return
	}
	out := map[string]any{"ok": true, "message": "", "address": c.req.URL}
	if p.Notice != nil {
		out["notice"] = p.Notice(l)
	}
	reply(w, http.StatusOK, out)
}

// optionsOf keeps the values the page gave for p's own flags, and only those.
func optionsOf(p targets.Platform, given map[string]string) targets.Options {
	o := targets.Options{}
	for _, f := range p.Flags {
		if v := strings.TrimSpace(given[f.Name]); v != "" {
			o[f.Name] = v
		}
	}
	return o
}

// target builds the platform's client for req, through Config.Connect.
func (a *api) target(ctx context.Context, req ConnectRequest) (targets.Target, func(), error) {
	if a.cfg.Connect != nil {
		return a.cfg.Connect(ctx, req)
	}
	p := a.ws.platform
	creds := func(c targets.Credential) string {
		if req.Sandbox {
			return "sandbox"
		}
		if v := req.Credentials[p.Var(c)]; v != "" {
			return v
		}
		return a.cfg.Env(p.Var(c))
	}
	t, err := p.New(targets.Settings{BaseURL: req.URL, Credential: creds, HTTPClient: &http.Client{Timeout: 30 * time.Second},
		Options: req.Options, Mode: req.Mode, Policy: req.Policy})
	return t, func() {}, err
}

// under is the connection's request with the page's policy for existing accounts.
func (c *connection) under(policy string) ConnectRequest {
	req := c.req
	req.Mode, req.Policy = policyOf(policy)
	return req
}

// policyOf turns the page's policy for existing accounts into import's mode and
// update policy: update them (--mode upsert), fill only their empty fields
// (--update-fields missing), or leave them alone (--mode create).
func policyOf(s string) (targets.Mode, targets.Policy) {
	switch s {
	case "missing":
		return targets.ModeUpsert, targets.Policy{UpdateFields: targets.UpdateMissing}
	case "skip":
		return targets.ModeCreate, targets.Policy{}
	}
	return targets.ModeUpsert, targets.Policy{}
}

// sending is the preview or the import the page ran last, or runs now.
type sending struct {
	mu       sync.Mutex
	cancel   context.CancelFunc
	done     chan struct{}
	progress *importer.Progress
	start    time.Time
	preview  *rowSet
	results  *rowSet
	sum      *reports.Summary
	err      error
	stopped  bool
	// resumed says the last import resumed an earlier one: its skipped rows are the
	// ones the earlier run finished.
	resumed bool
	dir     string
}

func (s *sending) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done != nil && !closed(s.done)
}

func closed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// rows is the preview's or the last import's rows; nil while an import runs.
func (s *sending) rows(name string) *rowSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "preview" {
		return s.preview
	}
	if s.done != nil && !closed(s.done) {
		return nil
	}
	return s.results
}

// forget drops the preview and the results: the file they were about is gone.
func (s *sending) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.preview, s.results = nil, nil
}

// stopAndWait stops a running import as Ctrl-C does and waits for its end.
func (s *sending) stopAndWait() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if done != nil {
		<-done
	}
}

// runRequest is POST /api/preview and POST /api/import.
type runRequest struct {
	Policy     string `json:"policy"`
	MaxUpdates string `json:"max_updates"`
	Resume     bool   `json:"resume"`
}

// preview answers POST /api/preview: the engine's plan (read-only lookups) of every
// valid row under the chosen policy.
func (a *api) preview(w http.ResponseWriter, r *http.Request, l lang.Lang, req runRequest) {
	if !a.ready(w, l) {
		return
	}
	limit, err := parseMaxUpdates(req.MaxUpdates)
	if err != nil {
		fail(w, http.StatusBadRequest, say(err, l))
		return
	}
	t, stop, err := a.target(r.Context(), a.conn.under(req.Policy))
	if err != nil {
		fail(w, http.StatusConflict, say(err, l))
		return
	}
	defer stop()
	out := map[string]any{"can_plan": true, "allowed": true, "message": ""}
	set := &rowSet{}
	deps := a.ws.deps()
	deps.Target = t
	deps.Hooks.Row = func(row *reports.Row) { set.add(keep(row)) }
	sum, err := importer.Run(r.Context(), a.ws.options(importer.Plan, l, filepath.Join(a.dir, "plan")), deps)
	if _, noPlan := errors.AsType[*importer.PlanError](err); noPlan {
		// No read-only lookups on this platform: say what an import would try.
		out["can_plan"] = false
		c := a.check
		out["created"], out["invalid"] = c.valid, c.invalid
		out["updated"], out["unchanged"], out["skipped"], out["failed"] = 0, 0, 0, 0
		reply(w, http.StatusOK, out)
		return
	}
	if sum == nil {
		fail(w, http.StatusBadGateway, say(err, l))
		return
	}
	if err != nil {
		out["message"] = say(err, l)
	}
	a.send.mu.Lock()
	a.send.preview = set
	a.send.mu.Unlock()
	out["created"], out["updated"], out["unchanged"], out["skipped"] = sum.Created, sum.Updated, sum.Unchanged, sum.Skipped
	out["invalid"], out["failed"] = sum.Invalid, sum.Failed
	if n, ok := limit.Allows(sum.Updated, sum.Valid); !ok {
		out["allowed"] = false
		out["message"] = fmt.Sprintf(l.Pick("%d existing accounts would change, more than the limit allows (%d)",
			"изменились бы %d существующих учётных записей — больше, чем разрешает ограничение (%d)"), sum.Updated, n)
	}
	reply(w, http.StatusOK, out)
}

// ready answers 409 unless the file is checked and a platform connected; the caller
// holds a.mu.
func (a *api) ready(w http.ResponseWriter, l lang.Lang) bool {
	switch {
	case !a.needFile(w, l):
		return false
	case a.check == nil:
		fail(w, http.StatusConflict, l.Pick("check the file first", "сначала проверьте файл"))
		return false
	case a.conn == nil:
		fail(w, http.StatusConflict, l.Pick("connect to the platform first", "сначала подключитесь к платформе"))
		return false
	case a.send.running():
		fail(w, http.StatusConflict, l.Pick("an import is running", "идёт загрузка"))
		return false
	}
	return true
}

// startImport answers POST /api/import: the engine's import of the edited rows,
// started in the background; /api/progress follows it.
func (a *api) startImport(w http.ResponseWriter, r *http.Request, l lang.Lang, req runRequest) {
	if !a.ready(w, l) {
		return
	}
	limit, err := parseMaxUpdates(req.MaxUpdates)
	if err != nil {
		fail(w, http.StatusBadRequest, say(err, l))
		return
	}
	if prev := a.send.preview; limit.Set() && prev != nil {
		updated := 0
		for i := range prev.rows {
			if prev.rows[i].status == reports.Updated {
				updated++
			}
		}
		if n, ok := limit.Allows(updated, a.check.valid); !ok {
			fail(w, http.StatusConflict, fmt.Sprintf(l.Pick("nothing written: %d existing accounts would change, more than the limit allows (%d)",
				"ничего не записано: изменились бы %d существующих учётных записей — больше, чем разрешает ограничение (%d)"), updated, n))
			return
		}
	}
	// The import outlives this request: its context is the server's, ended by Stop
	// or by the server's close.
	ctx, cancel := context.WithCancel(context.Background())
	t, stop, err := a.target(ctx, a.conn.under(req.Policy))
	if err != nil {
		cancel()
		fail(w, http.StatusConflict, say(err, l))
		return
	}
	opts := a.ws.options(importer.Import, l, a.ws.reportDir)
	opts.Resume = req.Resume
	deps := a.ws.deps()
	deps.Target, deps.Progress = t, &importer.Progress{}
	set := &rowSet{}
	deps.Hooks.Row = func(row *reports.Row) { set.add(keep(row)) }
	s := a.send
	s.mu.Lock()
	s.cancel, s.done, s.progress, s.start = cancel, make(chan struct{}), deps.Progress, time.Now()
	s.sum, s.err, s.stopped, s.dir, s.results = nil, nil, false, a.ws.reportDir, nil
	s.resumed = req.Resume
	done := s.done
	s.mu.Unlock()
	go func() {
		defer close(done)
		defer stop()
		defer cancel()
		sum, err := importer.Run(ctx, opts, deps)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.sum, s.err, s.results = sum, err, set
		s.stopped = ctx.Err() != nil || err != nil && sum != nil && sum.Aborted != ""
	}()
	reply(w, http.StatusAccepted, map[string]any{})
}

// progress answers GET /api/progress.
func (a *api) progress(w http.ResponseWriter, r *http.Request) {
	l := a.langOf(r)
	s := a.send
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{"running": false}
	if s.progress == nil {
		reply(w, http.StatusOK, out)
		return
	}
	p := s.progress
	running := !closed(s.done)
	done, total := p.Done.Load(), p.Total.Load()
	elapsed := time.Since(s.start).Seconds()
	rate, eta := 0.0, -1
	if elapsed > 0 && done > 0 {
		rate = float64(done) / elapsed
		if total > done {
			eta = int(float64(total-done) / rate)
		}
	}
	out = map[string]any{"running": running, "total": total, "done": done,
		"created": p.Created.Load(), "updated": p.Updated.Load(), "unchanged": p.Unchanged.Load(),
		"failed": p.Failed.Load(), "skipped": p.Skipped.Load(), "invalid": p.Invalid.Load(),
		"rate": rate, "eta_seconds": eta, "stopped": s.stopped, "error": "", "can_resume": false, "summary": nil}
	if !running {
		out["summary"] = s.sum
		if s.err != nil {
			out["error"] = say(s.err, l)
		}
		out["can_resume"] = s.stopped
	}
	reply(w, http.StatusOK, out)
}

// stop answers POST /api/stop: the running import stops as after Ctrl-C (no new row;
// the calls in flight finish) and its reports are written.
func (a *api) stop(w http.ResponseWriter, r *http.Request) {
	s := a.send
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	reply(w, http.StatusOK, map[string]any{})
}

// downloads are the files of a report folder the page offers, with what each is.
var downloads = []struct{ name, en, ru string }{
	{"report.html", "the report to read, with the problems grouped", "отчёт для чтения, проблемы сгруппированы"},
	{"annotated.xlsx", "every row, problems marked", "все строки с отмеченными проблемами"},
	{"annotated.csv", "every row, with status and errors", "все строки со статусом и ошибками"},
	{"failed.xlsx", "the rows to fix and run again", "строки, которые нужно исправить и загрузить снова"},
	{"failed.csv", "the rows to fix and run again", "строки, которые нужно исправить и загрузить снова"},
	{"passwords.csv", "the passwords given to new accounts", "пароли новых учётных записей"},
	{"results.csv", "one line per row, for scripts", "по строке на каждую строку файла, для скриптов"},
	{"summary.json", "the counts, for scripts", "итоги, для скриптов"},
}

// results answers GET /api/results.
func (a *api) results(w http.ResponseWriter, r *http.Request) {
	l := a.langOf(r)
	s := a.send
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil || !closed(s.done) {
		fail(w, http.StatusConflict, l.Pick("no import has finished yet", "загрузка ещё не закончилась"))
		return
	}
	type download struct {
		Name  string `json:"name"`
		Label string `json:"label"`
	}
	list := []download{}
	for _, d := range downloads {
		if _, err := os.Stat(filepath.Join(s.dir, d.name)); err == nil {
			list = append(list, download{d.name, l.Pick(d.en, d.ru)})
		}
	}
	reply(w, http.StatusOK, map[string]any{"summary": s.sum, "report_dir": s.dir, "downloads": list, "resumed": s.resumed})
}

// download answers GET /api/download/{name}: one of the report folder's files, by
// the names downloads lists only.
func (a *api) download(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	s := a.send
	s.mu.Lock()
	dir := s.dir
	s.mu.Unlock()
	ok := slices.ContainsFunc(downloads, func(d struct{ name, en, ru string }) bool { return d.name == name })
	if !ok || dir == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Disposition", attachment(name))
	http.ServeFile(w, r, filepath.Join(dir, name))
}

// attachment is a Content-Disposition that downloads a file under name.
func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// parseMaxUpdates reads the page's limit on changed accounts, as import's
// --max-updates (importer.ParseMaxUpdates).
func parseMaxUpdates(s string) (importer.MaxUpdates, error) {
	m, err := importer.ParseMaxUpdates(s)
	if err != nil {
		return m, errMaxUpdates
	}
	return m, nil
}

var errMaxUpdates = textError{en: "the limit on changed accounts is a number (50) or a percentage (10%)",
	ru: "ограничение на изменённые учётные записи — число (50) или процент (10%)"}

// textError is an error of the page's own, in both languages.
type textError struct{ en, ru string }

func (e textError) Error() string           { return e.en }
func (e textError) Text(l lang.Lang) string { return l.Pick(e.en, e.ru) }
