package reports_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/validate"
)

// formulaStart reports whether a spreadsheet could run cell as a formula: a tab or a
// carriage return first, or = + - @ (or ＝ ＋ － ＠) after any leading spaces and
// zero-width characters.
func formulaStart(cell string) bool {
	if cell != "" && (cell[0] == '\t' || cell[0] == '\r') {
		return true
	}
	rest := strings.TrimLeftFunc(cell, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\u200b\u200c\u200d\u2060\ufeff", r)
	})
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && strings.ContainsRune("=+-@＝＋－＠", r)
}

// TestFormulaInjection writes values that spreadsheets run as formulas into every
// report and checks that none of them can run: CSV cells carry the apostrophe, XLSX
// cells are plain strings holding the value as it was.
func TestFormulaInjection(t *testing.T) {
	evil := []string{"=HYPERLINK(\"http://x\",\"y\")", "+7 912", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
		" =2+2", "\u00a0=1+1", "＝1+1", "\u3000@SUM(A1)", "\u200b－1"}
	rows := []*reports.Row{
		{Num: 3, Key: evil[0], Status: reports.Invalid, Cells: append([]string(nil), evil...),
			Issues: []validate.Issue{{Field: "email", Column: "E-mail", Code: validate.CodeEmailInvalid, Raw: evil[2]}}},
		{Num: 4, Key: "T2", Status: reports.Failed, TargetID: "=cmd", FailCode: "rejected", Failure: "=2+2", Cells: append([]string(nil), evil...)},
		{Num: 5, Key: " =1", Status: reports.Failed, TargetID: "＝cmd", FailCode: "rejected", Failure: "\u00a0=2+2", Cells: append([]string(nil), evil...)},
	}
	t.Run("CSV", func(t *testing.T) {
		dir := runWriter(t, source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ","}, lang.English, rows)
		for _, name := range []string{"results.csv", "annotated.csv", "failed.csv"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(bytes.NewReader(b))
			r.FieldsPerRecord = -1
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if formulaStart(cell) {
						t.Errorf("%s: cell %q would run as a formula", name, cell)
					}
				}
			}
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		dir := runWriter(t, source.Info{Format: "xlsx", Sheet: "S"}, lang.English, rows)
		for _, name := range []string{"annotated.xlsx", "failed.xlsx"} {
			f, err := excelize.OpenFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.GetRows("S")
			if err != nil {
				t.Fatal(err)
			}
			for ri, row := range got {
				for ci, v := range row {
					cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
					if fm, _ := f.GetCellFormula("S", cell); fm != "" {
						t.Errorf("%s %s: formula %q", name, cell, fm)
					}
					if typ, _ := f.GetCellType("S", cell); v != "" && typ != excelize.CellTypeInlineString {
						t.Errorf("%s %s: type %v, want a plain string", name, cell, typ)
					}
				}
			}
			// The annotated copy keeps the header's columns, the failed file every cell.
			first, col, want := 3, 0, evil[:len(header)]
			if name == "failed.xlsx" {
				first, col, want = 2, 2, evil // after the bookkeeping columns
			}
			if diff := cmp.Diff(want, got[first-1][col:col+len(want)]); diff != "" {
				t.Errorf("%s: values not kept as they were (-want +got):\n%s", name, diff)
			}
			f.Close()
		}
	})
}

// TestNoFailedFile: a run with no invalid or failed row writes no failed file and
// removes one an earlier run left.
func TestNoFailedFile(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			info := source.Info{Format: format, Encoding: "utf-8", Delimiter: ";"}
			dir := filepath.Join(t.TempDir(), "r")
			if err := reports.MkdirReport(dir); err != nil {
				t.Fatal(err)
			}
			// An earlier run wrote a failed file (and nobody edited it since).
			w, err := reports.NewWriter(dir, reports.Input{Info: info, HeaderRow: 1, Header: header, Columns: columnsIn}, lang.English)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range fixtureRows() {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Finish(&reports.Summary{}); err != nil {
				t.Fatal(err)
			}
			stale := filepath.Join(dir, "failed."+format)
			if _, err := os.Stat(stale); err != nil {
				t.Fatal(err)
			}
			w, err = reports.NewWriter(dir, reports.Input{Info: info, HeaderRow: 1, Header: header, Columns: columnsIn}, lang.English)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range fixtureRows() {
				if r.Status != reports.Invalid && r.Status != reports.Failed {
					if err := w.Write(r); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := w.Finish(&reports.Summary{}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(stale); !os.IsNotExist(err) {
				t.Errorf("failed.%s exists after a run with no failed rows (%v)", format, err)
			}
			for _, name := range []string{"annotated." + format, "report.html", "results.csv"} {
				fi, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("%s mode %v, want 0600", name, fi.Mode().Perm())
				}
			}
		})
	}
}

// TestReportHTMLEscapes: markup in a cell is shown as text, the page loads nothing
// from the network, and two runs give the same bytes.
func TestReportHTMLEscapes(t *testing.T) {
	info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ";"}
	a, err := os.ReadFile(filepath.Join(runWriter(t, info, lang.English, fixtureRows()), "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(runWriter(t, info, lang.English, fixtureRows()), "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("report.html differs between two runs over the same rows")
	}
	page := string(a)
	if strings.Contains(page, "<script>alert(1)") {
		t.Error("a cell's <script> is in the page unescaped")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the cell's markup is not shown as text")
	}
	// The only address is the SVG namespace, which is a name, not a fetch; the CSP
	// forbids loading anything.
	if n := strings.Count(page, "://"); n != 1 || !strings.Contains(page, "default-src 'none'") {
		t.Errorf("the page holds %d addresses or no content security policy", n)
	}
}

// TestReportHTMLCapsTable: past MaxHTMLProblems the table stops and the page says so.
func TestReportHTMLCapsTable(t *testing.T) {
	rows := benchRows(reports.MaxHTMLProblems*30 + 300)
	info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ";"}
	page, err := os.ReadFile(filepath.Join(runWriter(t, info, lang.English, rows), "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(page), `data-code="phone_invalid"`); got != reports.MaxHTMLProblems {
		t.Errorf("%d problem rows in the table, want %d", got, reports.MaxHTMLProblems)
	}
	if !strings.Contains(string(page), "The table holds the first 10000 of 10010 problems") {
		t.Error("the page does not say the table was cut")
	}
}

// TestPrintSummary: counts, groups and the report files, coloured only when asked.
func TestPrintSummary(t *testing.T) {
	info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ";"}
	dir := runWriter(t, info, lang.English, fixtureRows())
	s := fixtureSummary(dir, info)
	s.FailedFile = "failed.csv"
	tests := []struct {
		name  string
		lang  lang.Lang
		color bool
		want  []string
	}{
		{"EnglishPlain", lang.English, false, []string{"8 rows: 1 created, 1 updated, 1 unchanged, 3 invalid, 1 failed, 1 skipped",
			filepath.Join(dir, "report.html"), filepath.Join(dir, "failed.csv"), filepath.Join(dir, "annotated.csv")}},
		{"RussianColour", lang.Russian, true, []string{"строк: создано", "\x1b[31m", filepath.Join(dir, "report.html")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			reports.PrintSummary(&b, s, tt.lang, tt.color)
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("summary lacks %q:\n%s", w, out)
				}
			}
			if !tt.color && strings.Contains(out, "\x1b[") {
				t.Errorf("colour without a terminal:\n%q", out)
			}
		})
	}
	if reports.ColorTerminal(&bytes.Buffer{}, "") {
		t.Error("a buffer is not a terminal")
	}
}

// FuzzCSVReport writes arbitrary cells through failed.csv in several dialects and
// reads them back with encoding/csv: the writer never fails or panics, every cell
// comes back neutralized, and the apostrophe is the only change.
func FuzzCSVReport(f *testing.F) {
	f.Add("=1+2", "Иванов", "a;b", ",")
	f.Add("\"quoted\"", "line\nbreak", "", ";")
	f.Add("@x", "\tTab", "+7 912", "\t")
	f.Add("-", "'", "''=", "|")
	f.Fuzz(func(t *testing.T, a, b, c, delim string) {
		cells := []string{a, b, c}
		for _, s := range cells {
			if !utf8Valid(s) || strings.ContainsRune(s, '\r') {
				return // source cells are valid UTF-8; encoding/csv folds \r\n
			}
		}
		info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: delim}
		dir := filepath.Join(t.TempDir(), "r")
		if err := reports.MkdirReport(dir); err != nil {
			t.Fatal(err)
		}
		w, err := reports.NewWriter(dir, reports.Input{Info: info, HeaderRow: 1, Header: []string{"h1", "h2", "h3"}}, lang.English)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&reports.Row{Num: 2, Status: reports.Invalid, Cells: cells}); err != nil {
			t.Fatal(err)
		}
		if err := w.Finish(&reports.Summary{}); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "failed.csv"))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(raw))
		if delim == ";" || delim == "\t" || delim == "|" {
			r.Comma = rune(delim[0])
		}
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("failed.csv does not parse: %v\n%q", err, raw)
		}
		// The failed file's first two columns are its bookkeeping (see
		// TestFailedFileKeepsIdentity); the row's own cells follow.
		want := []string{reports.Neutralize(a), reports.Neutralize(b), reports.Neutralize(c)}
		if len(recs) != 2 || len(recs[1]) != 5 || !cmp.Equal(want, recs[1][2:]) {
			t.Errorf("read back %q, want %q", recs, want)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestNotesCapped: past MaxNotes a problem cell is still coloured, the message stays in
// the Errors column, and a note on the header says the notes ran out.
func TestNotesCapped(t *testing.T) {
	n := reports.MaxNotes + 50
	rows := make([]*reports.Row, n)
	for i := range rows {
		rows[i] = &reports.Row{Num: i + 3, Status: reports.Invalid, Cells: []string{"T", "Имя", "bad"},
			Issues: []validate.Issue{{Field: "email", Column: "E-mail", Code: validate.CodeEmailInvalid, Raw: "bad"}}}
	}
	dir := runWriter(t, source.Info{Format: "xlsx", Sheet: "S"}, lang.English, rows)
	f, err := excelize.OpenFile(filepath.Join(dir, "annotated.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	comments, err := f.GetComments("S")
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != reports.MaxNotes+1 {
		t.Errorf("%d notes, want %d and one on the header", len(comments), reports.MaxNotes)
	}
	var headerNote string
	for _, c := range comments {
		if c.Cell == "A2" {
			headerNote = c.Text
		}
	}
	if !strings.Contains(headerNote, "Errors column") {
		t.Errorf("header note = %q", headerNote)
	}
	last := "C" + itoa(n+2)
	id, _ := f.GetCellStyle("S", last)
	st, _ := f.GetStyle(id)
	if st == nil || len(st.Fill.Color) == 0 || st.Fill.Color[0] != "FFC7CE" {
		t.Errorf("%s is not red past the cap", last)
	}
	if v, _ := f.GetCellValue("S", "H"+itoa(n+2)); v != "E-mail: not a valid e-mail address" {
		t.Errorf("errors column past the cap = %q", v)
	}
}

// TestNeutralizedRoundTrip: the formula-like values issue 14 added to Neutralize (past
// leading spaces, and in full width) come back from failed.csv through the source
// reader as they were: the reader takes off the apostrophe the report put before them.
// Until the reader knows the new cases it gives the apostrophe back, and the test says
// so and skips.
func TestNeutralizedRoundTrip(t *testing.T) {
	cells := []string{" =2+2", "  +7 912", "＝1+1", "＋7", "－5", "＠x", "\u3000@SUM(A1)", "\u2003-1", "\n=1"}
	info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ";"}
	dir := filepath.Join(t.TempDir(), "r")
	if err := reports.MkdirReport(dir); err != nil {
		t.Fatal(err)
	}
	head := make([]string, len(cells))
	for i := range head {
		head[i] = fmt.Sprintf("c%d", i)
	}
	w, err := reports.NewWriter(dir, reports.Input{Path: "in.csv", Info: info, HeaderRow: 1, Header: head}, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&reports.Row{Num: 2, Status: reports.Invalid, Cells: cells}); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(&reports.Summary{}); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open(filepath.Join(dir, "failed.csv"), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Next(); err != nil { // the header
		t.Fatal(err)
	}
	row, err := src.Next()
	if err != nil {
		t.Fatal(err)
	}
	got := row.Cells[2:] // after the bookkeeping columns
	for i, want := range cells {
		// The reader keeps the apostrophe; the importer takes it back in a file the
		// tool wrote, by Unneutralize.
		if i >= len(got) || reports.Unneutralize(got[i]) != want {
			t.Errorf("cell %d read back as %q, want %q", i, cellAt(got, i), want)
		}
	}
}
