package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"userimport/columns"
	"userimport/config"
	"userimport/importer"
	"userimport/lang"
	"userimport/platforms"
	"userimport/reports"
	"userimport/source"
	"userimport/targets"
	"userimport/validate"
)

// workspace is the file the page works on and the choices made about it: the
// platform, how the file is read, the columns and the values for empty cells. The
// rows are in tbl, edited in place.
type workspace struct {
	// name is the file's name as the administrator knows it; path where it is read.
	name, path string
	// reportDir is where an import's report folder goes (see Config.ReportDir).
	reportDir string
	platform  targets.Platform
	src       source.Options
	overrides []columns.Override
	sets      map[columns.Field]string
	tbl       *table
	// insp is how the header and columns read; readErr why the file cannot be read as
	// asked (then tbl and insp are nil).
	insp    *importer.Table
	readErr error
	edits   int
}

// openWorkspace opens the file at path, read as the command line would, with no
// platform chosen yet.
func openWorkspace(path string, cfg Config) (*workspace, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &source.FileError{Path: path, Msg: "cannot open the file", Err: err}
	}
	ws := &workspace{name: filepath.Base(path), path: path, sets: map[columns.Field]string{}}
	ws.reportDir = cfg.ReportDir
	if ws.reportDir == "" {
		ws.reportDir = path + ".report"
	}
	return ws, nil
}

// options are the importer's options for a run of kind over the workspace.
func (ws *workspace) options(kind importer.Kind, l lang.Lang, reportDir string) importer.Options {
	o := importer.DefaultOptions()
	o.Kind, o.Input, o.Source, o.Map, o.Lang, o.ReportDir = kind, ws.path, ws.src, ws.overrides, l, reportDir
	o.Schema = ws.platform.Schema()
	o.Sets = maps.Clone(ws.sets)
	return o
}

// deps are the importer's dependencies for a run over the workspace's (edited) rows.
func (ws *workspace) deps() importer.Deps {
	tbl := ws.tbl
	return importer.Deps{Open: func(ctx context.Context) (source.Reader, error) { return tbl.reader(ctx), nil }}
}

// load reads the file again (a new file, sheet or encoding) and inspects its header.
func (ws *workspace) load(ctx context.Context) {
	ws.tbl, ws.insp, ws.readErr = nil, nil, nil
	tbl, err := loadTable(ctx, ws.path, ws.src)
	if err != nil {
		ws.readErr = err
		return
	}
	ws.tbl = tbl
	ws.edits = 0
	ws.inspect(ctx)
}

// inspect maps the header as a run would with the current choices.
func (ws *workspace) inspect(ctx context.Context) {
	ws.insp, ws.readErr = nil, nil
	if ws.platform.Name == "" || ws.tbl == nil {
		return
	}
	insp, err := importer.Inspect(ws.tbl.reader(ctx), ws.options(importer.Validate, lang.English, ""))
	if err != nil {
		ws.readErr = err
		return
	}
	ws.insp = insp
}

// ready reports whether a check can run: a platform, a readable file, every required
// field with a column or a value.
func (ws *workspace) ready() bool {
	return ws != nil && ws.insp != nil && ws.insp.Err == nil
}

// state answers GET /api/state: the platforms, the file if one is open, the step.
func (a *api) state(w http.ResponseWriter, r *http.Request, l lang.Lang, _ none) {
	out := stateJSON{Lang: string(l), Platforms: a.platformsJSON(l), Step: "file"}
	if a.ws != nil {
		if a.ws.tbl == nil && a.ws.readErr == nil {
			a.ws.load(r.Context())
		}
		out.File = a.ws.reading(l)
		out.Platform = a.ws.platform.Name
		out.Step = "read"
	}
	reply(w, http.StatusOK, out)
}

type stateJSON struct {
	Lang      string         `json:"lang"`
	Platforms []platformJSON `json:"platforms"`
	File      *readingJSON   `json:"file"`
	Platform  string         `json:"platform"`
	Step      string         `json:"step"`
}

type platformJSON struct {
	Name   string      `json:"name"`
	Title  string      `json:"title"`
	Plan   bool        `json:"plan"`
	Fields []fieldJSON `json:"fields"`
	Env    []envJSON   `json:"env"`
	// Options are the platform's own flags (import --api, --default-department …),
	// offered when connecting.
	Options []optionJSON `json:"options"`
}

type optionJSON struct {
	Name string `json:"name"`
	Help string `json:"help"`
	Bool bool   `json:"bool"`
}

type fieldJSON struct {
	Field     string `json:"field"`
	Required  bool   `json:"required"`
	Generated bool   `json:"generated"`
	Label     string `json:"label"`
}

type envJSON struct {
	Name   string `json:"name"`
	Set    bool   `json:"set"`
	Secret bool   `json:"secret"`
	Alt    int    `json:"alt"`
}

func (a *api) platformsJSON(l lang.Lang) []platformJSON {
	var out []platformJSON
	for _, p := range platforms.All() {
		pj := platformJSON{Name: p.Name, Title: p.Title, Plan: p.CanPlan(), Fields: fieldsOf(p.Schema())}
		for _, e := range p.Env {
			pj.Env = append(pj.Env, envJSON{Name: e.Name, Set: a.cfg.Env(e.Name) != "", Secret: e.Role.Secret(), Alt: e.Alt})
		}
		pj.Options = []optionJSON{}
		for _, f := range p.Flags {
			pj.Options = append(pj.Options, optionJSON{Name: f.Name, Help: f.HelpIn(l), Bool: f.Kind == targets.BoolFlag})
		}
		out = append(out, pj)
	}
	return out
}

func fieldsOf(s *validate.Schema) []fieldJSON {
	var out []fieldJSON
	for _, r := range s.Fields {
		label := string(r.Field)
		if al := columns.Aliases(r.Field); len(al) > 0 {
			label = al[0]
		}
		out = append(out, fieldJSON{Field: string(r.Field), Required: r.Required, Label: label,
			Generated: r.Required && (r.Field == columns.Login && s.GenerateLogin || r.Field == columns.Password && s.GeneratePassword)})
	}
	return out
}

// upload answers POST /api/file: the file (part "file") is streamed into a folder of
// its own in the server's owner-only folder, under its own base name (which the
// reports quote), and read. Parsing the form instead would spill a large file into
// the system's temporary folder. The server has capped the body (maxUpload).
func (a *api) upload(w http.ResponseWriter, r *http.Request) {
	l := a.langOf(r)
	path, platform, err := a.receive(r)
	if err != nil {
		a.logf("upload: %v", err)
		fail(w, http.StatusBadRequest, l.Pick("the file did not arrive whole: choose it again", "файл пришёл не целиком: выберите его ещё раз"))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.send.running() {
		os.RemoveAll(filepath.Dir(path))
		fail(w, http.StatusConflict, l.Pick("an import is running: stop it or wait for its end first", "идёт загрузка: сначала остановите её или дождитесь конца"))
		return
	}
	a.send.forget()
	ws := &workspace{name: filepath.Base(path), path: path, sets: map[columns.Field]string{}}
	ws.reportDir = a.cfg.ReportDir
	if ws.reportDir == "" {
		ws.reportDir = filepath.Join(a.cfg.WorkDir, ws.name+".report")
	}
	if a.ws != nil {
		ws.platform = a.ws.platform
	}
	if p, ok := platforms.Lookup(platform); ok {
		ws.platform = p
	}
	a.ws, a.check = ws, nil
	ws.load(r.Context())
	reply(w, http.StatusOK, ws.reading(l))
}

// receive streams the multipart body of an upload: the file into the server's
// folder, the platform as its value.
func (a *api) receive(r *http.Request) (path, platform string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", "", err
		}
		switch part.FormName() {
		case "file":
			if path, err = a.keep(part, part.FileName()); err != nil {
				return "", "", err
			}
		case "platform":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			platform = string(b)
		}
	}
	if path == "" {
		return "", "", errors.New("no part named file")
	}
	return path, platform, nil
}

// keep saves an upload under a folder of its own in the server's folder.
func (a *api) keep(file io.Reader, filename string) (string, error) {
	name := filepath.Base(strings.ReplaceAll(filename, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	dir, err := os.MkdirTemp(a.dir, "file")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, file); err != nil {
		f.Close()
		os.RemoveAll(dir)
		return "", err
	}
	return path, f.Close()
}

// readRequest is POST /api/read: each field given changes that choice.
type readRequest struct {
	Platform  *string           `json:"platform"`
	Sheet     *string           `json:"sheet"`
	Encoding  *string           `json:"encoding"`
	Delimiter *string           `json:"delimiter"`
	Map       map[string]string `json:"map"`
	Sets      map[string]string `json:"sets"`
}

// read answers POST /api/read: the file read again as asked.
func (a *api) read(w http.ResponseWriter, r *http.Request, l lang.Lang, req readRequest) {
	if a.ws == nil {
		fail(w, http.StatusConflict, l.Pick("choose a file first", "сначала выберите файл"))
		return
	}
	if a.send.running() {
		fail(w, http.StatusConflict, l.Pick("an import is running: stop it or wait for its end first", "идёт загрузка: сначала остановите её или дождитесь конца"))
		return
	}
	ws := a.ws
	reload := ws.tbl == nil
	if req.Platform != nil {
		p, ok := platforms.Lookup(*req.Platform)
		if !ok {
			fail(w, http.StatusBadRequest, l.Pick("unknown platform ", "неизвестная платформа ")+*req.Platform)
			return
		}
		ws.platform = p
	}
	for _, c := range []struct {
		got *string
		to  *string
	}{{req.Sheet, &ws.src.Sheet}, {req.Encoding, &ws.src.Encoding}, {req.Delimiter, &ws.src.Delimiter}} {
		if c.got != nil && *c.got != *c.to {
			*c.to, reload = *c.got, true
		}
	}
	if reload {
		// Another sheet or encoding has other headers: the columns chosen for the
		// old ones do not carry over, and edits to the old rows are gone, with the
		// preview and the results about them.
		ws.overrides = nil
		ws.load(r.Context())
		a.send.forget()
	}
	if req.Map != nil && ws.tbl != nil {
		ws.overrides = ws.overridesFor(r.Context(), req.Map)
	}
	if req.Sets != nil {
		ws.sets = setsOf(req.Sets)
	}
	ws.inspect(r.Context())
	a.check = nil
	reply(w, http.StatusOK, ws.reading(l))
}

// overridesFor turns the page's choice for every column into --map overrides: only
// where it differs from what the tool recognises by itself, so that a saved profile
// keeps working when a header is renamed.
func (ws *workspace) overridesFor(ctx context.Context, choice map[string]string) []columns.Override {
	auto := map[string]string{}
	plain := *ws
	plain.overrides = nil
	if insp, err := importer.Inspect(ws.tbl.reader(ctx), plain.options(importer.Validate, lang.English, "")); err == nil {
		for _, c := range insp.Mapping.Columns {
			if c.Header != "" {
				auto[c.Header] = string(c.Field)
			}
		}
	}
	var out []columns.Override
	for _, h := range slices.Sorted(maps.Keys(choice)) {
		f := strings.TrimSpace(choice[h])
		if f == "" {
			f = "-"
		}
		got := auto[h]
		if got == "" {
			got = "-"
		}
		if _, known := auto[h]; !known || got == f {
			continue
		}
		if f == "-" {
			out = append(out, columns.Override{Header: h, Field: "-"})
			continue
		}
		if fld, ok := columns.Lookup(f); ok {
			out = append(out, columns.Override{Header: h, Field: fld})
		}
	}
	return out
}

// setsOf reads the page's values for empty cells; an empty value is none.
func setsOf(in map[string]string) map[columns.Field]string {
	out := map[columns.Field]string{}
	for k, v := range in {
		f, ok := columns.Lookup(k)
		if v = strings.TrimSpace(v); ok && v != "" {
			out[f] = v
		}
	}
	return out
}

// readingJSON is how the file was read, for step 2.
type readingJSON struct {
	Name      string            `json:"name"`
	Format    string            `json:"format"`
	Encoding  string            `json:"encoding"`
	Delimiter string            `json:"delimiter"`
	Sheet     string            `json:"sheet"`
	Sheets    []string          `json:"sheets"`
	Encodings []string          `json:"encodings"`
	HeaderRow int               `json:"header_row"`
	Rows      int               `json:"rows"`
	Columns   []reports.Column  `json:"columns"`
	Samples   []reports.Sample  `json:"samples"`
	Fields    []fieldJSON       `json:"fields"`
	Missing   []missingJSON     `json:"missing"`
	Sets      map[string]string `json:"sets"`
	Error     string            `json:"error"`
}

type missingJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// encodings are the CSV encodings the page offers (the source package reads more).
var encodings = []string{"utf-8", "windows-1251", "utf-16", "koi8-r", "cp866"}

// sampleRows is how many decoded rows step 2 shows.
const sampleRows = 3

func (ws *workspace) reading(l lang.Lang) *readingJSON {
	out := &readingJSON{Name: ws.name, Encodings: encodings, Sets: map[string]string{}, Columns: []reports.Column{}, Samples: []reports.Sample{}}
	for f, v := range ws.sets {
		out.Sets[string(f)] = v
	}
	if ws.platform.Name != "" {
		out.Fields = fieldsOf(ws.platform.Schema())
	}
	if ws.readErr != nil {
		out.Error = say(ws.readErr, l)
	}
	if ws.tbl == nil {
		return out
	}
	info := ws.tbl.info
	out.Format, out.Encoding, out.Delimiter, out.Sheet, out.Sheets = info.Format, info.Encoding, info.Delimiter, info.Sheet, info.Sheets
	if ws.insp == nil {
		if ws.platform.Name == "" && out.Error == "" {
			out.Error = l.Pick("choose the platform the people go to", "выберите платформу, в которую загружаются люди")
		}
		return out
	}
	out.HeaderRow = ws.insp.Header.Num
	out.Columns = ws.insp.Source.Columns
	ws.tbl.mu.RLock()
	for _, row := range ws.tbl.rows {
		if row.Num <= out.HeaderRow {
			continue
		}
		out.Rows++
		if len(out.Samples) < sampleRows {
			out.Samples = append(out.Samples, reports.Sample{Row: row.Num, Cells: slices.Clone(row.Cells)})
		}
	}
	ws.tbl.mu.RUnlock()
	out.Missing = missingOf(ws.insp.Err, l)
	return out
}

// missingOf says, field by field, why a run would stop at the columns.
func missingOf(err error, l lang.Lang) []missingJSON {
	if err == nil {
		return nil
	}
	ce, ok := errors.AsType[*importer.ColumnsError](err)
	if !ok {
		return []missingJSON{{Message: say(err, l)}}
	}
	var out []missingJSON
	used := map[int]bool{}
	for _, f := range ce.Missing {
		msg := fmt.Sprintf(l.Pick("%s: no column holds it; choose one below, or give a value for every row",
			"%s: нет столбца; выберите его ниже или задайте значение для всех строк"), f)
		if g, ok := columns.Suggest(f, ce.Columns, ce.Samples, used); ok {
			used[g.Column.Index] = true
			msg += fmt.Sprintf(l.Pick(" (the column «%s» looks like it)", " (похоже, это столбец «%s»)"), g.Column.Header)
		}
		out = append(out, missingJSON{Field: string(f), Message: msg})
	}
	return out
}

// profileRequest is POST /api/profile.
type profileRequest struct {
	Name string `json:"name"`
}

// saveProfile answers POST /api/profile: the platform, the columns and the values for
// empty cells saved as a profile the command line uses (--profile NAME).
func (a *api) saveProfile(w http.ResponseWriter, r *http.Request, l lang.Lang, req profileRequest) {
	name := strings.TrimSpace(req.Name)
	switch {
	case name == "":
		fail(w, http.StatusBadRequest, l.Pick("give the profile a name", "дайте профилю название"))
		return
	case a.cfg.ConfigPath == "":
		fail(w, http.StatusConflict, l.Pick("no settings file to save profiles in", "нет файла настроек для профилей"))
		return
	case !a.ws.ready():
		fail(w, http.StatusConflict, l.Pick("map the columns first", "сначала сопоставьте столбцы"))
		return
	}
	m := map[string]string{}
	for _, c := range a.ws.insp.Source.Columns {
		switch {
		case c.Field != "":
			m[c.Header] = c.Field
		case c.Note == "ignored":
			m[c.Header] = "-"
		}
	}
	sets := map[string]string{}
	for f, v := range a.ws.sets {
		if f != columns.Password {
			sets[string(f)] = v
		}
	}
	err := config.Update(a.cfg.ConfigPath, name, func(p *config.Profile) {
		p.Target, p.Map, p.Set = a.ws.platform.Name, m, nil
		if len(sets) > 0 {
			p.Set = sets
		}
		p.Sheet, p.Encoding, p.Delimiter = a.ws.src.Sheet, a.ws.src.Encoding, a.ws.src.Delimiter
	})
	if err != nil {
		fail(w, http.StatusInternalServerError, say(err, l))
		return
	}
	reply(w, http.StatusOK, map[string]string{"path": a.cfg.ConfigPath, "use": "userimport import FILE --profile " + name})
}
