package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
	"userimport/outcome"
	"userimport/reports"
	"userimport/source"
	"userimport/validate"
)

// rowState is what the page shows of one row after a run: its status, its problems
// (the routine notes left out), why the platform refused it, what a plan would change.
type rowState struct {
	num      int
	status   reports.Status
	issues   []validate.Issue
	failCode string
	failure  string
	changes  []outcome.Change
}

// keep copies what the page needs from a finished row (the importer reuses the row).
func keep(row *reports.Row) rowState {
	rs := rowState{num: row.Num, status: row.Status, failCode: row.FailCode, failure: row.Failure,
		changes: slices.Clone(row.Changes)}
	for _, is := range row.Issues {
		if is.Severity == validate.Warning && reports.Routine(string(is.Code)) {
			continue
		}
		rs.issues = append(rs.issues, is)
	}
	return rs
}

func (rs *rowState) hasError() bool { return validate.HasErrors(rs.issues) }

// rowSet is the rows of one run the page pages through, in file order.
type rowSet struct {
	rows  []rowState
	byNum map[int]int
}

func (s *rowSet) add(rs rowState) {
	if s.byNum == nil {
		s.byNum = map[int]int{}
	}
	s.byNum[rs.num] = len(s.rows)
	s.rows = append(s.rows, rs)
}

func (s *rowSet) get(num int) *rowState {
	if i, ok := s.byNum[num]; ok {
		return &s.rows[i]
	}
	return nil
}

// checked is the last check of the whole file: its summary and the rows with
// problems, kept up to date as the page edits them.
type checked struct {
	sum     *reports.Summary
	set     rowSet
	mapping *columns.Mapping
	// counts follow the edits: a row fixed in the grid turns valid at once.
	rows, valid, invalid, warnings int
	routine                        string
}

// runCheck answers POST /api/check: the engine's check (importer.Run, Kind
// Validate) over the edited rows, its report in the server's folder.
func (a *api) runCheck(w http.ResponseWriter, r *http.Request, l lang.Lang, _ none) {
	if !a.needFile(w, l) {
		return
	}
	if !a.ws.ready() {
		fail(w, http.StatusConflict, l.Pick("map the columns first: a required field has no column", "сначала сопоставьте столбцы: у обязательного поля нет столбца"))
		return
	}
	c, err := a.ws.check(r.Context(), l, filepath.Join(a.dir, "check"))
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, say(err, l))
		return
	}
	a.check = c
	reply(w, http.StatusOK, c.json(l, a.ws.edits))
}

// check runs the engine's check over every row and keeps the rows with problems.
func (ws *workspace) check(ctx context.Context, l lang.Lang, dir string) (*checked, error) {
	c := &checked{mapping: ws.insp.Mapping}
	deps := ws.deps()
	deps.Hooks.Row = func(row *reports.Row) {
		if rs := keep(row); len(rs.issues) > 0 {
			c.set.add(rs)
		}
	}
	opts := ws.options(importer.Validate, l, dir)
	opts.NoCopies = true
	sum, err := importer.Run(ctx, opts, deps)
	if sum == nil {
		return nil, err
	}
	c.sum = sum
	c.rows, c.valid, c.invalid, c.warnings = sum.Rows, sum.Valid, sum.Invalid, sum.Warnings
	c.routine = routineLine(sum.Problems, l)
	return c, nil
}

// routineLine says the routine notes in one line ("login made from the e-mail: 43
// rows").
func routineLine(problems []reports.Problem, l lang.Lang) string {
	var parts []string
	for _, p := range problems {
		if p.Routine {
			parts = append(parts, fmt.Sprintf("%s: %d %s", p.Example, p.Rows, l.Plural(p.Rows, "row", "rows", "строка", "строки", "строк")))
		}
	}
	return strings.Join(parts, "; ")
}

type checkJSON struct {
	Rows     int           `json:"rows"`
	Valid    int           `json:"valid"`
	Invalid  int           `json:"invalid"`
	Warnings int           `json:"warnings"`
	Problems []problemJSON `json:"problems"`
	Routine  string        `json:"routine"`
	Edited   int           `json:"edited"`
}

type problemJSON struct {
	Code     string `json:"code"`
	Column   string `json:"column"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
	FirstRow int    `json:"first_row"`
}

func (c *checked) json(l lang.Lang, edits int) checkJSON {
	out := checkJSON{Rows: c.rows, Valid: c.valid, Invalid: c.invalid, Warnings: c.warnings, Routine: c.routine, Edited: edits, Problems: []problemJSON{}}
	for _, p := range c.sum.Problems {
		if !p.Routine {
			out.Problems = append(out.Problems, problemJSON{Code: p.Code, Column: p.Column, Message: p.Example,
				Severity: p.Severity, Count: p.Rows, FirstRow: p.FirstRow})
		}
	}
	return out
}

// pageJSON is one page of a row set.
type pageJSON struct {
	Total   int       `json:"total"`
	Page    int       `json:"page"`
	Size    int       `json:"size"`
	Headers []string  `json:"headers"`
	Rows    []rowJSON `json:"rows"`
}

type rowJSON struct {
	Row     int              `json:"row"`
	Cells   []string         `json:"cells"`
	Status  string           `json:"status"`
	Issues  []issueJSON      `json:"issues"`
	Changes []outcome.Change `json:"changes"`
	Failure string           `json:"failure"`
}

type issueJSON struct {
	Col      int    `json:"col"`
	Field    string `json:"field"`
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
	Like     int    `json:"like,omitempty"`
}

// rows answers GET /api/rows: one page of the check's, the preview's or the
// results' rows, filtered.
func (a *api) rows(w http.ResponseWriter, r *http.Request, l lang.Lang, _ none) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("size"))
	size = min(cmp.Or(max(size, 0), 50), 500)
	page = max(page, 0)
	if !a.needFile(w, l) {
		return
	}
	set, m := a.rowSet(q.Get("set"))
	if set == nil {
		fail(w, http.StatusConflict, l.Pick("nothing to show yet: run this step first", "показывать пока нечего: сначала выполните этот шаг"))
		return
	}
	keep := filterOf(q.Get("filter"))
	// The filter is one pass over the set's rows: 200,000 rows take about a
	// millisecond (BenchmarkPage).
	var picked []*rowState
	total := 0
	from := page * size
	for i := range set.rows {
		if !keep(&set.rows[i]) {
			continue
		}
		if total >= from && total < from+size {
			picked = append(picked, &set.rows[i])
		}
		total++
	}
	out := pageJSON{Total: total, Page: page, Size: size, Headers: a.ws.insp.Header.Cells, Rows: []rowJSON{}}
	for _, rs := range picked {
		out.Rows = append(out.Rows, a.rowJSON(rs, m, l))
	}
	reply(w, http.StatusOK, out)
}

// rowSet is the set the page asked for and the columns its issues are placed by.
func (a *api) rowSet(name string) (*rowSet, *columns.Mapping) {
	if a.ws.insp == nil {
		return nil, nil // the file reads no more as it did (another sheet, say)
	}
	switch name {
	case "", "check":
		if a.check != nil {
			return &a.check.set, a.check.mapping
		}
	case "preview", "results":
		if set := a.send.rows(name); set != nil {
			return set, a.ws.insp.Mapping
		}
	}
	return nil, nil
}

// filterOf is the test of GET /api/rows's filter.
func filterOf(f string) func(*rowState) bool {
	switch f {
	case "errors":
		return func(rs *rowState) bool { return rs.hasError() }
	case "warnings":
		return func(rs *rowState) bool { return !rs.hasError() && len(rs.issues) > 0 }
	case "create":
		return func(rs *rowState) bool { return rs.status == reports.Created }
	case "update":
		return func(rs *rowState) bool { return rs.status == reports.Updated }
	case "unchanged", "skipped", "failed", "invalid":
		return func(rs *rowState) bool { return string(rs.status) == f }
	case "problems":
		return func(rs *rowState) bool { return rs.status == reports.Failed || rs.status == reports.Invalid }
	}
	return func(*rowState) bool { return true }
}

func (a *api) rowJSON(rs *rowState, m *columns.Mapping, l lang.Lang) rowJSON {
	n := len(a.ws.insp.Header.Cells)
	out := rowJSON{Row: rs.num, Cells: a.ws.tbl.cells(rs.num, n), Status: string(rs.status), Failure: rs.failure,
		Issues: []issueJSON{}, Changes: rs.changes}
	if out.Cells == nil {
		out.Cells = make([]string, n)
	}
	for _, is := range rs.issues {
		ij := issueJSON{Col: columnOf(is, m), Field: is.Field, Code: string(is.Code), Severity: is.Severity.String(), Message: is.Message(l)}
		if fix, ok := fixOf(is); ok && ij.Col >= 0 {
			ij.Fix = fix
			if a.check != nil {
				ij.Like = a.check.like(fixKey(is))
			}
		}
		out.Issues = append(out.Issues, ij)
	}
	return out
}

// columnOf is the column an issue is about: its field's, or the column with its
// header; -1 when it is about the row.
func columnOf(is validate.Issue, m *columns.Mapping) int {
	if i := m.Index(columns.Field(is.Field)); i >= 0 {
		return i
	}
	if is.Column != "" {
		for _, c := range m.Columns {
			if c.Header == is.Column {
				return c.Index
			}
		}
	}
	return -1
}

// fixOf is the one-click fix of an issue, where the engine found one: the domain a
// typo meant, the first of two phones, a two-digit year written out, the day-first
// reading of an ambiguous date (the common one in Russian files).
func fixOf(is validate.Issue) (string, bool) {
	var fix string
	switch is.Code {
	case validate.CodeEmailTypo:
		fix = is.Detail
	case validate.CodePhoneMultiple, validate.CodeDateYearGuessed:
		fix = is.Normalized
	case validate.CodeDateAmbiguous:
		fix, _, _ = strings.Cut(is.Detail, ", ")
	}
	return fix, fix != "" && fix != is.Raw
}

// fixKey says which fixes are "like" each other: the same code, and for a typo the
// same domain mended the same way (every gmial.com → gmail.com).
func fixKey(is validate.Issue) string {
	if is.Code == validate.CodeEmailTypo {
		_, from, _ := strings.Cut(is.Raw, "@")
		_, to, _ := strings.Cut(is.Detail, "@")
		return string(is.Code) + "|" + strings.ToLower(from) + "|" + to
	}
	return string(is.Code)
}

// like counts the rows with a fix of key.
func (c *checked) like(key string) int {
	n := 0
	for i := range c.set.rows {
		for _, is := range c.set.rows[i].issues {
			if _, ok := fixOf(is); ok && fixKey(is) == key {
				n++
				break
			}
		}
	}
	return n
}

// cellRequest is POST /api/cell.
type cellRequest struct {
	Row   int    `json:"row"`
	Col   int    `json:"col"`
	Value string `json:"value"`
}

// editCell answers POST /api/cell: the cell written, and its row checked again at
// once by the engine.
func (a *api) editCell(w http.ResponseWriter, r *http.Request, l lang.Lang, req cellRequest) {
	if !a.needFile(w, l) {
		return
	}
	if req.Row <= a.ws.insp.Header.Num {
		fail(w, http.StatusBadRequest, l.Pick("the header is not edited here: choose the columns in step 2", "заголовок здесь не правится: столбцы выбираются на шаге 2"))
		return
	}
	if err := a.edit(r.Context(), l, cellEdit{req.Row, req.Col, req.Value}); err != nil {
		fail(w, http.StatusBadRequest, say(err, l))
		return
	}
	out := map[string]any{}
	if rs := a.current(req.Row); rs != nil {
		out["row"] = a.rowJSON(rs, a.ws.insp.Mapping, l)
	} else {
		out["row"] = rowJSON{Row: req.Row, Cells: a.ws.tbl.cells(req.Row, len(a.ws.insp.Header.Cells)), Status: string(reports.Valid), Issues: []issueJSON{}}
	}
	if a.check != nil {
		out["check"] = a.check.json(l, a.ws.edits)
	}
	reply(w, http.StatusOK, out)
}

// current is the state of row num in the set the page edits: the check's, or the
// results' after an import.
func (a *api) current(num int) *rowState {
	if set := a.send.rows("results"); set != nil {
		if rs := set.get(num); rs != nil {
			return rs
		}
	}
	if a.check != nil {
		return a.check.set.get(num)
	}
	return nil
}

// cellEdit is one cell the page writes.
type cellEdit struct {
	num, col int
	value    string
}

// edit writes cells and checks their rows again, in one run of the engine over the
// header and those rows; the check's counts and the rows' state in the check and in
// the last import's results follow.
func (a *api) edit(ctx context.Context, l lang.Lang, edits ...cellEdit) error {
	rows := map[int]bool{}
	for _, e := range edits {
		if err := a.ws.tbl.set(e.num, e.col, e.value); err != nil {
			return err
		}
		a.ws.edits++
		rows[e.num] = true
	}
	fresh, err := a.ws.checkRows(ctx, l, rows, filepath.Join(a.dir, "row"))
	if err != nil {
		return err
	}
	for _, e := range edits {
		a.settle(e.num, e.col, fresh[e.num])
	}
	return nil
}

// settle puts row num's fresh check, after an edit of its cell col, in the check and
// in the last import's results.
func (a *api) settle(num, col int, fresh rowState) {
	if c := a.check; c != nil {
		was := c.set.get(num)
		if was == nil {
			// A row without problems is not in the set: it was valid.
			c.set.add(rowState{num: num, status: reports.Valid})
			was = c.set.get(num)
		}
		now := fresh
		now.issues = keepDuplicates(was.issues, fresh.issues, col, c.mapping)
		c.recount(was, now)
		was.issues, was.status = now.issues, now.status
	}
	if rs := a.resultRow(num); rs != nil {
		rs.issues = keepDuplicates(rs.issues, fresh.issues, col, a.ws.insp.Mapping)
		switch {
		case validate.HasErrors(rs.issues):
			rs.status = reports.Invalid
		case rs.status == reports.Invalid:
			// Fixed: it goes with the next send.
			rs.status = reports.Valid
		}
	}
}

// keepDuplicates is a row's fresh issues with its old duplicate ones: a duplicate is a
// matter of the whole file, which a one-row check cannot see, so it stays until its
// own cell is edited or the file is checked again.
func keepDuplicates(old, fresh []validate.Issue, edited int, m *columns.Mapping) []validate.Issue {
	out := slices.Clone(fresh)
	for _, is := range old {
		if is.Code == validate.CodeDuplicate && columnOf(is, m) != edited {
			out = append(out, is)
		}
	}
	return out
}

func (a *api) resultRow(num int) *rowState {
	if set := a.send.rows("results"); set != nil {
		return set.get(num)
	}
	return nil
}

// recount moves the counts from what a row was to what it is.
func (c *checked) recount(was *rowState, now rowState) {
	switch before, after := was.hasError(), now.hasError(); {
	case before && !after:
		c.invalid--
		c.valid++
	case !before && after:
		c.invalid++
		c.valid--
	}
}

// checkRows runs the engine's check over the header and the rows nums: the same
// reading, mapping and rules as the whole file, in one run however many rows a fix
// touched (a duplicate among them shows too).
func (ws *workspace) checkRows(ctx context.Context, l lang.Lang, nums map[int]bool, dir string) (map[int]rowState, error) {
	header := ws.insp.Header.Num
	deps := importer.Deps{Open: func(ctx context.Context) (source.Reader, error) {
		return ws.tbl.only(ctx, func(n int) bool { return n <= header || nums[n] }), nil
	}}
	got := map[int]rowState{}
	for n := range nums {
		got[n] = rowState{num: n, status: reports.Valid}
	}
	deps.Hooks.Row = func(row *reports.Row) {
		if nums[row.Num] {
			got[row.Num] = keep(row)
		}
	}
	opts := ws.options(importer.Validate, l, dir)
	opts.NoCopies = true
	if sum, err := importer.Run(ctx, opts, deps); sum == nil {
		return got, err
	}
	return got, nil
}

// fixRequest is POST /api/fix.
type fixRequest struct {
	Row  int    `json:"row"`
	Col  int    `json:"col"`
	Code string `json:"code"`
	All  bool   `json:"all"`
}

// fix answers POST /api/fix: the engine's suggestion written into the cell, for one
// row or for every row with the same kind of fix.
func (a *api) fix(w http.ResponseWriter, r *http.Request, l lang.Lang, req fixRequest) {
	if !a.needFile(w, l) {
		return
	}
	if a.check == nil {
		fail(w, http.StatusConflict, l.Pick("check the file first", "сначала проверьте файл"))
		return
	}
	rs := a.check.set.get(req.Row)
	var key string
	if rs != nil {
		for _, is := range rs.issues {
			if _, ok := fixOf(is); ok && string(is.Code) == req.Code && columnOf(is, a.check.mapping) == req.Col {
				key = fixKey(is)
			}
		}
	}
	if key == "" {
		fail(w, http.StatusConflict, l.Pick("this cell has no suggested fix any more", "у этой ячейки больше нет готового исправления"))
		return
	}
	var todo []cellEdit
	for i := range a.check.set.rows {
		row := &a.check.set.rows[i]
		if !req.All && row.num != req.Row {
			continue
		}
		for _, is := range row.issues {
			if fix, ok := fixOf(is); ok && fixKey(is) == key {
				todo = append(todo, cellEdit{row.num, columnOf(is, a.check.mapping), fix})
				break
			}
		}
	}
	if err := a.edit(r.Context(), l, todo...); err != nil {
		fail(w, http.StatusInternalServerError, say(err, l))
		return
	}
	reply(w, http.StatusOK, map[string]any{"fixed": len(todo), "check": a.check.json(l, a.ws.edits)})
}

// downloadCorrected answers GET /api/download/corrected: the edited file in the
// input's own format.
func (a *api) downloadCorrected(w http.ResponseWriter, r *http.Request, l lang.Lang, _ none) {
	if !a.needFile(w, l) {
		return
	}
	base := strings.TrimSuffix(a.ws.name, filepath.Ext(a.ws.name))
	ext := ".csv"
	if a.ws.tbl.info.Format == "xlsx" {
		ext = ".xlsx"
	}
	w.Header().Set("Content-Disposition", attachment(base+"-corrected"+ext))
	var err error
	if ext == ".xlsx" {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = a.ws.tbl.writeXLSX(w)
	} else {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = a.ws.tbl.writeCSV(w)
	}
	if err != nil {
		a.logf("corrected file: %v", err)
	}
}
