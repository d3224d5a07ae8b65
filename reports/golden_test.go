package reports_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"userimport/columns"
	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/reports")

// goldenDir holds the expected reports.
var goldenDir = filepath.Join("..", "testdata", "reports")

// header is the input's header row in the fixture rows below.
var header = []string{"Табельный номер", "ФИО", "E-mail", "Телефон", "Дата рождения", "Комментарий"}

var columnsIn = []reports.Column{
	{Index: 0, Header: "Табельный номер", Field: "uid"},
	{Index: 1, Header: "ФИО", Field: "full_name"},
	{Index: 2, Header: "E-mail", Field: "email"},
	{Index: 3, Header: "Телефон", Field: "phone"},
	{Index: 4, Header: "Дата рождения", Field: "birth_date"},
	{Index: 5, Header: "Комментарий", Note: "unknown"},
}

func issue(field, column string, code validate.Code, sev validate.Severity, raw, norm, detail string) validate.Issue {
	return validate.Issue{Field: field, Column: column, Code: code, Severity: sev, Raw: raw, Normalized: norm, Detail: detail}
}

// fixtureRows is a run in miniature: every status, errors and warnings, a platform
// failure, a gap in the row numbers (a blank row 5), short and long rows, values a
// spreadsheet would run as formulas, and markup that must never run in report.html.
func fixtureRows() []*reports.Row {
	return []*reports.Row{
		{Num: 3, Key: "T1", Status: reports.Created, TargetID: "101",
			Cells: []string{"T1", "Иванов Иван Иванович", "ivanov@example.ru", "8 (912) 345-67-89", "26.07.1988", ""}},
		{Num: 4, Key: "T2", Status: reports.Invalid,
			Cells: []string{"T2", "Петрова Анна", "petrova.mail.ru", "=1+2", "31.02.1990", "@SUM(A1)"},
			Issues: []validate.Issue{
				issue("email", "E-mail", validate.CodeEmailInvalid, validate.Error, "petrova.mail.ru", "", ""),
				issue("phone", "Телефон", validate.CodePhoneInvalid, validate.Error, "=1+2", "", ""),
				issue("birth_date", "Дата рождения", validate.CodeDateInvalid, validate.Error, "31.02.1990", "", ""),
			}},
		{Num: 6, Key: "T3", Status: reports.Updated, TargetID: "-7",
			Cells: []string{"T3", "Сидоров Пётр Ильич", "sidorov@gmial.com", "+7 912 000-00-01"},
			Issues: []validate.Issue{
				issue("email", "E-mail", validate.CodeEmailTypo, validate.Warning, "sidorov@gmial.com", "sidorov@gmail.com", "sidorov@gmail.com"),
				issue("gender", "gender", validate.CodeGenderInferred, validate.Warning, "", "male", "Ильич"),
			}},
		{Num: 7, Key: "T4", Status: reports.Failed, FailCode: "rejected", Failure: "email: already used by another account",
			Cells: []string{"T4", "Кузнецова Ольга", "olga@example.ru", "9123456780", "", "", "лишняя ячейка"}},
		{Num: 8, Key: "T5", Status: reports.Invalid,
			Cells: []string{"T5", "<script>alert(1)</script>", "t5@example.ru", "\tTAB", "", "-cmd"},
			Issues: []validate.Issue{
				issue("full_name", "ФИО", validate.CodeNameInvalid, validate.Error, "<script>alert(1)</script>", "", ""),
				issue("uid", "Табельный номер", validate.CodeDuplicate, validate.Error, "T5", "T5", "3"),
			}},
		{Num: 9, Key: "T6", Status: reports.Unchanged, TargetID: "106",
			Cells: []string{"T6", "Орлов Олег"}},
		{Num: 10, Key: "", Status: reports.Invalid,
			Cells: []string{"", "Белова Вера", "belova@example.ru"},
			Issues: []validate.Issue{
				issue("uid", "Табельный номер", validate.CodeRequired, validate.Error, "", "", ""),
			}},
		{Num: 11, Key: "T8", Status: reports.Skipped, Cells: []string{"T8", "Зайцев Захар"}},
	}
}

// fixtureSummary is the summary the importer would pass to Finish for fixtureRows.
func fixtureSummary(dir string, info source.Info) *reports.Summary {
	s := &reports.Summary{Target: "ispring", Mode: "upsert", Input: "staff." + info.Format, ElapsedMS: 1234, ReportDir: dir,
		Source: &reports.SourceInfo{Info: info, HeaderRow: 2, Columns: columnsIn}}
	var p reports.Tally
	for _, r := range fixtureRows() {
		p.Add(r, lang.Russian)
	}
	p.Fill(s)
	s.Problems = p.Problems()
	return s
}

// runWriter writes fixtureRows through a Writer into a new report folder.
func runWriter(t *testing.T, info source.Info, lang lang.Lang, rows []*reports.Row) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	if err := reports.MkdirReport(dir); err != nil {
		t.Fatal(err)
	}
	w, err := reports.NewWriter(dir, reports.Input{Path: "staff", Info: info, HeaderRow: 2, Header: header, Columns: columnsIn}, lang)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Finish(fixtureSummary(dir, info)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// golden compares got with the golden file name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}

func TestGoldenCSVInput(t *testing.T) {
	tests := []struct {
		name string
		lang lang.Lang
		info source.Info
	}{
		{"ru", lang.Russian, source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ";"}},
		{"en", lang.English, source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ","}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := runWriter(t, tt.info, tt.lang, fixtureRows())
			for _, name := range []string{"results.csv", "annotated.csv", "failed.csv", "report.html"} {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				golden(t, "csv_"+tt.name+"_"+name, got)
			}
			for _, name := range []string{"annotated.xlsx", "failed.xlsx"} {
				if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
					t.Errorf("%s written for CSV input", name)
				}
			}
		})
	}
}

func TestGoldenXLSXInput(t *testing.T) {
	info := source.Info{Format: "xlsx", Sheet: "Сотрудники", Sheets: []string{"Сотрудники"}}
	dir := runWriter(t, info, lang.Russian, fixtureRows())
	for _, name := range []string{"results.csv", "report.html"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "xlsx_ru_"+name, got)
	}
	for _, name := range []string{"annotated.xlsx", "failed.xlsx"} {
		got := dumpXLSX(t, filepath.Join(dir, name))
		golden(t, "xlsx_ru_"+strings.TrimSuffix(name, ".xlsx")+".json", got)
	}
	for _, name := range []string{"annotated.csv", "failed.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s written for XLSX input", name)
		}
	}
}

// xlsxDump is a workbook read back with excelize: what a person sees.
type xlsxDump struct {
	Sheets []string          `json:"sheets"`
	Panes  excelize.Panes    `json:"panes"`
	Filter string            `json:"filter"`
	Rows   []dumpRow         `json:"rows"`
	Fills  map[string]string `json:"fills"`
	Notes  map[string]string `json:"notes"`
}

// dumpRow is one non-empty row of a sheet and its number.
type dumpRow struct {
	Row   int      `json:"row"`
	Cells []string `json:"cells"`
}

// dumpXLSX reads a workbook's first sheet: cell values by row number, the fill colour
// of every filled cell, every note, the frozen panes and the filter range. It fails
// the test on any formula.
func dumpXLSX(t *testing.T, path string) []byte {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xlsxDump{Sheets: f.GetSheetList(), Fills: map[string]string{}, Notes: map[string]string{}}
	sheet := d.Sheets[0]
	if d.Panes, err = f.GetPanes(sheet); err != nil {
		t.Fatal(err)
	}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			d.Filter = dn.RefersTo
		}
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		d.Rows = append(d.Rows, dumpRow{Row: i + 1, Cells: r})
		for j := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
				t.Errorf("%s: cell %s is a formula: %q", path, cell, formula)
			}
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Fill.Color) > 0 {
				d.Fills[cell] = st.Fill.Color[0]
			}
		}
	}
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		text := c.Text
		for _, p := range c.Paragraph {
			text += p.Text
		}
		d.Notes[c.Cell] = text
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestAnnotatedXLSX checks what a person opening annotated.xlsx relies on, apart from
// the golden file: the same row numbers as the input, red and yellow cells with notes,
// a frozen header and a filter over every row.
func TestAnnotatedXLSX(t *testing.T) {
	info := source.Info{Format: "xlsx", Sheet: "Лист1"}
	dir := runWriter(t, info, lang.English, fixtureRows())
	f, err := excelize.OpenFile(filepath.Join(dir, "annotated.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Лист1"
	for _, r := range fixtureRows() {
		got, err := f.GetCellValue(sheet, "A"+itoa(r.Num))
		if err != nil {
			t.Fatal(err)
		}
		if want := cellAt(r.Cells, 0); got != want {
			t.Errorf("row %d: column A = %q, want %q (row numbers must match the input)", r.Num, got, want)
		}
	}
	if got, _ := f.GetCellValue(sheet, "A2"); got != header[0] {
		t.Errorf("header row 2 = %q", got)
	}
	fill := func(cell string) string {
		id, _ := f.GetCellStyle(sheet, cell)
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 {
			return ""
		}
		return st.Fill.Color[0]
	}
	checks := []struct{ cell, fill string }{
		{"C4", "FFC7CE"}, {"D4", "FFC7CE"}, {"E4", "FFC7CE"}, {"B4", ""},
		{"C6", "FFEB9C"}, {"B8", "FFC7CE"}, {"A8", "FFC7CE"}, {"A10", "FFC7CE"}, {"A3", ""},
	}
	for _, c := range checks {
		if got := fill(c.cell); got != c.fill {
			t.Errorf("fill of %s = %q, want %q", c.cell, got, c.fill)
		}
	}
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	for _, c := range comments {
		notes[c.Cell] = c.Text
	}
	if got := notes["D4"]; got != "not a valid phone number" {
		t.Errorf("note on D4 = %q", got)
	}
	if got := notes["A10"]; got != "a value is required" {
		t.Errorf("note on A10 = %q (an empty required cell is marked too)", got)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v, want the header (row 2) frozen", panes)
	}
	var filter string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filter = dn.RefersTo
		}
	}
	if want := "'Лист1'!$A$2:$J$11"; filter != want {
		t.Errorf("filter = %q, want %q", filter, want)
	}
	// The report's own columns: status, errors, warnings, platform id.
	for cell, want := range map[string]string{"G2": "Статус/Status", "G4": "invalid", "H4": "E-mail: not a valid e-mail address; Телефон: not a valid phone number; Дата рождения: not a date; write it as DD.MM.YYYY", "J3": "101", "G7": "failed", "H7": "platform: email: already used by another account"} {
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// TestFailedRoundTrip feeds failed.csv, written in the input's encoding and delimiter,
// back through source.Open: it must give exactly the invalid and failed rows' cells,
// formula-like values included (the source reader drops the apostrophe the report put
// before them).
func TestFailedRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		info source.Info
		bom  []byte
	}{
		{"Windows1251Semicolon", source.Info{Format: "csv", Encoding: "windows-1251", Delimiter: ";"}, nil},
		{"UTF16LETab", source.Info{Format: "csv", Encoding: "utf-16le", Delimiter: "\t"}, []byte{0xFF, 0xFE}},
		{"UTF8BOMComma", source.Info{Format: "csv", Encoding: "utf-8-bom", Delimiter: ","}, []byte{0xEF, 0xBB, 0xBF}},
		{"UTF8Pipe", source.Info{Format: "csv", Encoding: "utf-8", Delimiter: "|"}, nil},
		{"KOI8R", source.Info{Format: "csv", Encoding: "koi8-r", Delimiter: ";"}, nil},
		{"XLSX", source.Info{Format: "xlsx", Sheet: "Staff"}, []byte("PK")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := runWriter(t, tt.info, lang.Russian, fixtureRows())
			name := "failed.csv"
			opts := source.Options{}
			if tt.info.Format == "xlsx" {
				name = "failed.xlsx"
				opts.Sheet = tt.info.Sheet
			} else if tt.info.Encoding == "koi8-r" {
				opts.Encoding = "koi8-r" // not detected, as with the input itself
			}
			path := filepath.Join(dir, name)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(raw, tt.bom) || (tt.bom == nil && bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF})) {
				t.Errorf("%s starts with % x, want the input's byte-order mark % x", name, raw[:min(4, len(raw))], tt.bom)
			}
			src, err := source.Open(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got := readAll(t, src)
			// The two bookkeeping columns come first (TestFailedFileKeepsIdentity
			// checks them); the rest is the input's rows as they were.
			for i, rec := range got {
				if len(rec) < 2 || i == 0 && (rec[0] != columns.SourceRowHeader || rec[1] != columns.RepeatsHeader) {
					t.Fatalf("failed file row %d: %q, want the bookkeeping columns first", i, rec)
				}
				got[i] = trimTrailing(rec[2:])
				if tt.info.Format == "csv" {
					// The importer takes back the tool's apostrophes in a failed
					// CSV (the reader keeps every apostrophe as typed).
					for j := range got[i] {
						got[i][j] = reports.Unneutralize(got[i][j])
					}
				}
			}
			if tt.info.Format == "csv" {
				if gi := src.Info(); gi.Encoding != tt.info.Encoding || gi.Delimiter != tt.info.Delimiter {
					t.Errorf("read back as %s %q, want %s %q", gi.Encoding, gi.Delimiter, tt.info.Encoding, tt.info.Delimiter)
				}
			}
			want := [][]string{header}
			for _, r := range fixtureRows() {
				if r.Status == reports.Invalid || r.Status == reports.Failed {
					want = append(want, trimTrailing(r.Cells))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("failed rows read back (-want +got):\n%s", diff)
			}
		})
	}
}

func readAll(t *testing.T, src source.Reader) [][]string {
	t.Helper()
	var out [][]string
	for {
		row, err := src.Next()
		if err != nil {
			break
		}
		out = append(out, trimTrailing(row.Cells))
	}
	return out
}

func trimTrailing(c []string) []string {
	for len(c) > 0 && c[len(c)-1] == "" {
		c = c[:len(c)-1]
	}
	return slices.Clone(c)
}
