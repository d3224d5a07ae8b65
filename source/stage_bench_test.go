package source_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"userimport/internal/people"
	"userimport/source"
)

// benchRows is the size of the files the per-row read benchmarks make: big enough
// that opening the file is noise next to reading its rows.
const benchRows = 50_000

// writeStaff writes benchRows messy rows of the project's generator (the same data
// as bench/gendata -seed 1 -errors 0.03) as CSV or XLSX.
func writeStaff(b *testing.B, format string) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "staff."+format)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rows := people.Rows(1, benchRows, people.Mess{ErrorRate: 0.03})
	if format == "xlsx" {
		_, err = people.WriteXLSX(f, rows)
	} else {
		_, err = people.WriteCSV(f, rows, people.CSVOptions{})
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkStageReadCSV and BenchmarkStageReadXLSX are the source stage of the
// pipeline per row: ns/row, allocs/row and B/row for the whole read, opening
// included, of a generated staff file.
func BenchmarkStageReadCSV(b *testing.B)  { benchRead(b, writeStaff(b, "csv")) }
func BenchmarkStageReadXLSX(b *testing.B) { benchRead(b, writeStaff(b, "xlsx")) }

func benchRead(b *testing.B, path string) {
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := source.Open(path, source.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		r.Close()
	}
	reportPerRow(b, rows)
}

// reportPerRow turns the benchmark's totals into per-row figures. allocs/row and
// B/row come from the runtime's counters over the whole run, so they are exact
// whatever b.N is.
func reportPerRow(b *testing.B, rows int) {
	b.Helper()
	if rows == 0 {
		return
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
