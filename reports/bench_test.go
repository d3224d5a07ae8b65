package reports_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/validate"
)

// benchRows makes n rows like a real file's: ten columns, one row in thirty invalid.
func benchRows(n int) []*reports.Row {
	rows := make([]*reports.Row, n)
	for i := range rows {
		num := i + 3
		r := &reports.Row{Num: num, Key: fmt.Sprintf("T%06d", i), Status: reports.Valid,
			Cells: []string{fmt.Sprintf("T%06d", i), "Иванов Иван Иванович", fmt.Sprintf("user%d@example.ru", i), "8 (912) 345-67-89", "26.07.1988", "комментарий"}}
		if i%30 == 0 {
			r.Status = reports.Invalid
			r.Issues = []validate.Issue{{Field: "phone", Column: "Телефон", Code: validate.CodePhoneInvalid, Raw: "8 (912) 345-67-89"}}
		}
		rows[i] = r
	}
	return rows
}

// BenchmarkWriter100k writes 100,000 rows through every report, as validate does:
// the figure to compare with the project's target of a 100k-row validate in 3 s.
func BenchmarkWriter100k(b *testing.B) {
	rows := benchRows(100000)
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			info := source.Info{Format: format, Encoding: "utf-8", Delimiter: ";", Sheet: "Staff"}
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "r")
				if err := reports.MkdirReport(dir); err != nil {
					b.Fatal(err)
				}
				w, err := reports.NewWriter(dir, reports.Input{Info: info, HeaderRow: 2, Header: header, Columns: columnsIn}, lang.Russian)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range rows {
					if err := w.Write(r); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Finish(&reports.Summary{Rows: len(rows)}); err != nil {
					b.Fatal(err)
				}
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.HeapSys)/(1<<20), "heapsys-MiB")
		})
	}
}

// TestWriterMemoryIsConstant streams a million rows through the reports of a CSV
// input and checks that the heap stays small: the writer holds a batch of rows, the
// capped table of report.html and the error groups, never the rows.
func TestWriterMemoryIsConstant(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million rows")
	}
	dir := filepath.Join(t.TempDir(), "r")
	if err := reports.MkdirReport(dir); err != nil {
		t.Fatal(err)
	}
	info := source.Info{Format: "csv", Encoding: "windows-1251", Delimiter: ";"}
	w, err := reports.NewWriter(dir, reports.Input{Info: info, HeaderRow: 2, Header: header, Columns: columnsIn}, lang.Russian)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000000
	var peak uint64
	for i := range n {
		r := &reports.Row{Num: i + 3, Key: fmt.Sprintf("T%07d", i), Status: reports.Valid,
			Cells: []string{fmt.Sprintf("T%07d", i), "Иванов Иван Иванович", fmt.Sprintf("user%d@example.ru", i), "8 (912) 345-67-89", "26.07.1988", "комментарий"}}
		if i%30 == 0 {
			r.Status = reports.Invalid
			r.Issues = []validate.Issue{{Field: "phone", Column: "Телефон", Code: validate.CodePhoneInvalid, Raw: "8 (912) 345-67-89"}}
		}
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		if i%200000 == 199999 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		}
	}
	if err := w.Finish(&reports.Summary{Rows: n}); err != nil {
		t.Fatal(err)
	}
	// The capped problem table is about 10,000 × 200 bytes; rows themselves would be
	// hundreds of megabytes.
	if peak > 32<<20 {
		t.Errorf("heap reached %d MiB writing %d rows; the writer must not keep rows", peak>>20, n)
	}
	t.Logf("peak heap %.1f MiB for %d rows", float64(peak)/(1<<20), n)
}
