package reports_test

import (
	"path/filepath"
	"testing"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
)

// BenchmarkStageWrite is the report stage per row: reports.Writer.Write of one row
// (results.csv, and for an XLSX input the annotated copy), with Finish outside the
// timing. ns/op and allocs/op are per row; one row in thirty is invalid.
func BenchmarkStageWrite(b *testing.B) {
	rows := benchRows(4096)
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "r")
			if err := reports.MkdirReport(dir); err != nil {
				b.Fatal(err)
			}
			info := source.Info{Format: format, Encoding: "utf-8", Delimiter: ";", Sheet: "Staff"}
			w, err := reports.NewWriter(dir, reports.Input{Info: info, HeaderRow: 2, Header: header, Columns: columnsIn}, lang.Russian)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := *rows[i&4095]
				r.Num = i + 3
				if err := w.Write(&r); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.StopTimer()
			if err := w.Finish(&reports.Summary{Rows: i}); err != nil {
				b.Fatal(err)
			}
		})
	}
}
