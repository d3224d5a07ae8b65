package reports_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/validate"
)

// wideInput is a header of n columns whose names alternate in length, so that no two
// neighbours get the same width: the worst case for setting widths run by run.
func wideInput(n int) reports.Input {
	h := make([]string, n)
	cols := make([]reports.Column, 0, n)
	for i := range h {
		h[i] = fmt.Sprintf("c%d", i)
		if i%2 == 1 {
			h[i] = fmt.Sprintf("column number %d of the sheet, long", i)
		}
		cols = append(cols, reports.Column{Index: i, Header: h[i], Note: "unknown"})
	}
	cols[0].Field, cols[0].Note = "uid", ""
	return reports.Input{Path: "wide.xlsx", Info: source.Info{Format: "xlsx", Sheet: "S"}, HeaderRow: 1, Header: h, Columns: cols}
}

// writeWide writes a few rows under a header of n columns through every report.
func writeWide(tb testing.TB, dir string, n int) {
	in := wideInput(n)
	w, err := reports.NewWriter(dir, in, lang.English)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range 3 {
		cells := make([]string, n)
		for j := range cells {
			cells[j] = fmt.Sprintf("r%dc%d", i, j)
		}
		r := &reports.Row{Num: i + 2, Key: cells[0], Status: reports.Valid, Cells: cells}
		if i == 1 {
			r.Status = reports.Invalid
			r.Issues = []validate.Issue{{Field: "uid", Column: in.Header[0], Code: validate.CodeRequired}}
		}
		if err := w.Write(r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Finish(&reports.Summary{}); err != nil {
		tb.Fatal(err)
	}
}

// TestWideHeader: a header as wide as a sheet can be (16,384 columns) writes its
// workbooks at once: column widths used to be set one excelize call per column, each
// call copying every column set before (17 minutes for this header). The workbooks
// keep Excel's limit of 16,384 columns, the report's own columns included.
func TestWideHeader(t *testing.T) {
	const n = 16384
	dir := filepath.Join(t.TempDir(), "r")
	if err := reports.MkdirReport(dir); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	writeWide(t, dir, n)
	t.Logf("%d columns: the reports took %v", n, time.Since(start))

	f, err := excelize.OpenFile(filepath.Join(dir, "annotated.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("S")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || len(rows[0]) != n {
		t.Fatalf("annotated.xlsx: %d rows, header of %d cells; want 4 rows and %d", len(rows), len(rows[0]), n)
	}
	// The report's own four columns are the sheet's last; the input's last columns
	// make way for them.
	if got := rows[0][n-4]; got != "Статус/Status" {
		t.Errorf("header cell %d = %q, want the status column", n-4, got)
	}
	if got := rows[2][n-4]; got != "invalid" {
		t.Errorf("row 3's status = %q", got)
	}
	if got := rows[1][n-5]; got != fmt.Sprintf("r0c%d", n-5) {
		t.Errorf("row 2's last data cell = %q", got)
	}
	if w, _ := f.GetColWidth("S", "B"); w != float64(len(wideInput(n).Header[1])+2) {
		t.Errorf("column B is %v wide, want its header's width", w)
	}

	ff, err := excelize.OpenFile(filepath.Join(dir, "failed.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	frows, err := ff.GetRows("S")
	if err != nil {
		t.Fatal(err)
	}
	if len(frows) != 2 || len(frows[1]) > n || frows[1][2] != "r1c0" {
		t.Errorf("failed.xlsx: %d rows, want 2 with at most %d cells and the data after the bookkeeping", len(frows), n)
	}
}

// BenchmarkWideHeader writes three rows under headers of growing width: the cost per
// column must stay flat (it grew with the square of the width).
func BenchmarkWideHeader(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000, 8000, 16384} {
		b.Run(fmt.Sprintf("cols=%d", n), func(b *testing.B) {
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "r")
				if err := reports.MkdirReport(dir); err != nil {
					b.Fatal(err)
				}
				writeWide(b, dir, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/col")
		})
	}
}
