package reports

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"

	"userimport/lang"
	"userimport/validate"
)

// MaxHTMLProblems caps the problem table of report.html. Ten thousand rows keep the page
// quick to open and to filter in any browser; the annotated copy and results.csv list
// every problem, and the page says so when the table is cut.
const MaxHTMLProblems = 10000

// maxHTMLValue caps a raw or normalized value in the table: enough to recognise it.
const maxHTMLValue = 200

//go:embed report.html.tmpl
var reportTemplateText string

// reportTemplate is parsed once; html/template escapes every value by its context, so
// a cell holding <script> is shown as text and never runs.
var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"rowsWord": rowsWord}).Parse(reportTemplateText))

// rowsWord is "rows" after a count, in the page's language: Russian has three forms
// (1 строка, 2 строки, 5 строк).
func rowsWord(l string, n int) string {
	return lang.Lang(l).Plural(n, "row", "rows", "строка", "строки", "строк")
}

// htmlProblem is one line of the problem table: one issue in one cell.
type htmlProblem struct {
	Row        int
	Column     string
	Code       string
	Severity   string // "error" or "warning"
	Raw        string
	Normalized string
	Message    string
}

type groupKey struct {
	sev   validate.Severity
	field string
	code  string
}

// htmlGroup counts the rows with one kind of problem in one field.
type htmlGroup struct {
	Severity string
	Column   string
	Code     string
	Rows     int
	Message  string
	FirstRow int
	sev      validate.Severity
	field    string
}

// htmlReport collects, while rows stream by, what report.html needs: the problem groups
// (a few dozen at most) and the first MaxHTMLProblems problems. Nothing else of a row
// is kept.
type htmlReport struct {
	lang     lang.Lang
	problems []htmlProblem
	total    int
	groups   map[groupKey]*htmlGroup
	seen     map[groupKey]bool // the current row's groups, so a row counts once per group
}

func newHTMLReport(l lang.Lang) *htmlReport {
	return &htmlReport{lang: l, groups: make(map[groupKey]*htmlGroup), seen: make(map[groupKey]bool)}
}

func (h *htmlReport) add(r *Row) {
	clear(h.seen)
	count := func(k groupKey, column, msg string) {
		if h.seen[k] {
			return
		}
		h.seen[k] = true
		if g, ok := h.groups[k]; ok {
			g.Rows++
			return
		}
		h.groups[k] = &htmlGroup{Severity: severityName(k.sev), Column: column, Code: k.code, Rows: 1, Message: msg, FirstRow: r.Num, sev: k.sev, field: k.field}
	}
	keep := func(p htmlProblem) {
		h.total++
		if len(h.problems) < MaxHTMLProblems {
			p.Raw, p.Normalized = clip(p.Raw, maxHTMLValue), clip(p.Normalized, maxHTMLValue)
			h.problems = append(h.problems, p)
		}
	}
	// Messages and headers are clipped here, values in keep (see clip.go).
	for _, i := range r.Issues {
		column := clip(cmp.Or(i.Column, i.Field), maxHeader)
		msg := clip(i.Message(h.lang), maxMessage)
		count(groupKey{i.Severity, i.Field, string(i.Code)}, column, msg)
		keep(htmlProblem{Row: r.Num, Column: column, Code: string(i.Code), Severity: severityName(i.Severity), Raw: i.Raw, Normalized: i.Normalized, Message: msg})
	}
	if r.Status == Failed {
		column := h.lang.Pick("platform", "платформа")
		code := clip(cmp.Or(r.FailCode, "failed"), maxHeader)
		failure := clip(r.Failure, maxMessage)
		count(groupKey{validate.Error, "", code}, column, failure)
		keep(htmlProblem{Row: r.Num, Column: column, Code: code, Severity: "error", Message: failure})
	}
}

func severityName(s validate.Severity) string {
	if s == validate.Warning {
		return "warning"
	}
	return "error"
}

// htmlCount is one tile of the summary and one bar of the chart.
type htmlCount struct {
	Label string
	N     int
	Class string
	// The bar: its width in the chart's units and its vertical position.
	Width, Y, TextX, TextY int
}

// htmlPage is what the template renders.
type htmlPage struct {
	Lang        string
	T           map[string]string
	Summary     *Summary
	Source      string
	Counts      []htmlCount
	ChartHeight int
	Errors      []htmlGroup
	Warnings    []htmlGroup
	Problems    []htmlProblem
	Total       int
	Capped      bool
	Codes       []string
	Files       []string
}

// Chart geometry, in SVG user units.
const (
	chartBarWidth = 420
	chartBarH     = 22
	chartGap      = 8
)

func (h *htmlReport) page(s *Summary, files []string) *htmlPage {
	p := &htmlPage{Lang: string(h.lang), T: htmlText(h.lang), Summary: s, Files: files, Total: h.total, Problems: h.problems, Capped: h.total > len(h.problems)}
	if p.Lang == "" {
		p.Lang = string(lang.English)
	}
	if s.Source != nil {
		src := s.Source.Info
		p.Source = src.Format
		if src.Format == "csv" {
			delim := src.Delimiter
			if delim == "\t" {
				delim = "tab"
			}
			p.Source += fmt.Sprintf(", %s, %q", src.Encoding, delim)
		} else if src.Sheet != "" {
			p.Source += ", " + h.lang.Pick("sheet", "лист") + " «" + src.Sheet + "»"
		}
		if s.Source.HeaderRow > 0 {
			p.Source += ", " + h.lang.Pick("header in row ", "заголовок в строке ") + strconv.Itoa(s.Source.HeaderRow)
		}
	}
	t := p.T
	add := func(label string, n int, class string) {
		p.Counts = append(p.Counts, htmlCount{Label: label, N: n, Class: class})
	}
	if s.DryRun && s.Created+s.Updated+s.Unchanged+s.Failed == 0 {
		add(t["valid"], s.Valid, "ok")
		add(t["invalid"], s.Invalid, "bad")
	} else {
		add(t["created"], s.Created, "ok")
		add(t["updated"], s.Updated, "upd")
		add(t["unchanged"], s.Unchanged, "same")
		add(t["invalid"], s.Invalid, "bad")
		add(t["failed"], s.Failed, "fail")
		if s.Skipped > 0 {
			add(t["skipped"], s.Skipped, "same")
		}
	}
	most := 0
	for _, c := range p.Counts {
		most = max(most, c.N)
	}
	for i := range p.Counts {
		c := &p.Counts[i]
		if most > 0 {
			c.Width = c.N * chartBarWidth / most
		}
		if c.N > 0 {
			c.Width = max(c.Width, 2) // a row or two must still show
		}
		c.Y = i * (chartBarH + chartGap)
		c.TextX = c.Width + 6
		c.TextY = c.Y + chartBarH/2 + 5
	}
	p.ChartHeight = len(p.Counts)*(chartBarH+chartGap) - chartGap

	codes := map[string]bool{}
	for _, g := range h.groups {
		if g.sev == validate.Warning {
			p.Warnings = append(p.Warnings, *g)
		} else {
			p.Errors = append(p.Errors, *g)
		}
		codes[g.Code] = true
	}
	order := func(a, b htmlGroup) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.field, b.field), cmp.Compare(a.Code, b.Code))
	}
	slices.SortFunc(p.Errors, order)
	slices.SortFunc(p.Warnings, order)
	for c := range codes {
		p.Codes = append(p.Codes, c)
	}
	slices.Sort(p.Codes)
	return p
}

// writeHTML renders report.html.
func (h *htmlReport) write(w io.Writer, s *Summary, files []string) error {
	return reportTemplate.Execute(w, h.page(s, files))
}

// htmlText is the page's fixed text in each language.
func htmlText(l lang.Lang) map[string]string {
	if l == lang.Russian {
		return map[string]string{
			"title": "Отчёт об импорте", "dry": "проверка без записи", "input": "Файл", "read": "Прочитан как",
			"target": "Платформа", "mode": "Режим", "rows": "Строк", "warnings": "Предупреждений",
			"valid": "Верных", "invalid": "С ошибками", "created": "Создано", "updated": "Обновлено",
			"unchanged": "Без изменений", "failed": "Не удалось", "skipped": "Пропущено",
			"chart": "Итоги по строкам", "errors": "Ошибки", "warnGroups": "Предупреждения",
			"noErrors": "Ошибок нет: все строки верны.", "column": "Столбец", "code": "Код",
			"message": "Что не так", "first": "Первая строка", "count": "Строк",
			"problems": "Строки с замечаниями", "row": "Строка", "raw": "В файле", "normalized": "После исправления",
			"search": "Поиск…", "allCodes": "Все коды", "shown": "Показано", "of": "из",
			"capped": "В таблице первые %d замечаний из %d; все они есть в annotated-файле и в results.csv.",
			"files":  "Файлы отчёта", "aborted": "Запуск остановлен", "none": "Замечаний нет.",
			"fix":     "Исправьте строки в failed-файле и запустите ту же команду на нём.",
			"elapsed": "Время", "sev_error": "ошибка", "sev_warning": "предупреждение",
		}
	}
	return map[string]string{
		"title": "Import report", "dry": "dry run, nothing written", "input": "File", "read": "Read as",
		"target": "Platform", "mode": "Mode", "rows": "Rows", "warnings": "Warnings",
		"valid": "Valid", "invalid": "Invalid", "created": "Created", "updated": "Updated",
		"unchanged": "Unchanged", "failed": "Failed", "skipped": "Skipped",
		"chart": "Outcome of the rows", "errors": "Errors", "warnGroups": "Warnings",
		"noErrors": "No errors: every row is valid.", "column": "Column", "code": "Code",
		"message": "What is wrong", "first": "First row", "count": "Rows",
		"problems": "Rows with problems", "row": "Row", "raw": "In the file", "normalized": "Normalized",
		"search": "Search…", "allCodes": "All codes", "shown": "Shown", "of": "of",
		"capped": "The table holds the first %d of %d problems; every one is in the annotated file and in results.csv.",
		"files":  "Report files", "aborted": "The run stopped early", "none": "No problems.",
		"fix":     "Fix the rows in the failed file and run the same command on it.",
		"elapsed": "Time", "sev_error": "error", "sev_warning": "warning",
	}
}
