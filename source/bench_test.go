package source

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// BenchmarkCSV reads a 1,000,000-row, 10-column UTF-8 CSV (about 90 MB).
func BenchmarkCSV(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "uid;Фамилия;Имя;Отчество;E-mail;Телефон;Город;Должность;Дата;Комментарий")
	for i := 1; i < rows; i++ {
		fmt.Fprintf(w, "%d;Иванов;Иван;Иванович;user%d@example.ru;+7912%07d;Москва;\"Инженер; ведущий\";26.07.1988;\n", i, i, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	benchmarkRead(b, path, rows)
}

// BenchmarkXLSX reads a 100,000-row workbook of 8 Cyrillic text columns written by
// excelize's stream writer (unique strings, so the shared-string table is large).
func BenchmarkXLSX(b *testing.B) {
	const rows = 100_000
	path := filepath.Join(b.TempDir(), "big.xlsx")
	if err := writeBigXLSX(path, rows); err != nil {
		b.Fatal(err)
	}
	benchmarkRead(b, path, rows)
}

func writeBigXLSX(path string, rows int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"uid", "Фамилия", "Имя", "Отчество", "E-mail", "Телефон", "Город", "Должность"}); err != nil {
		return err
	}
	for i := 2; i <= rows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		row := []any{i, fmt.Sprintf("Иванов%d", i), "Иван", fmt.Sprintf("Иванович%d", i%100),
			fmt.Sprintf("user%d@example.ru", i), 79120000000 + i, "Москва", fmt.Sprintf("Инженер %d", i%50)}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func benchmarkRead(b *testing.B, path string, want int) {
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != want {
			b.Fatalf("read %d rows, want %d", n, want)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/row")
}

// TestMeasureXLSX reads the workbook named by USERIMPORT_MEASURE_XLSX once (making
// it first if missing), with USERIMPORT_MEASURE_LIMIT as excelize's
// UnzipXMLSizeLimit, so that peak memory can be measured from outside:
//
//	USERIMPORT_MEASURE_XLSX=/tmp/big.xlsx USERIMPORT_MEASURE_LIMIT=1048576 \
//	  /usr/bin/time -v ./source.test -test.run TestMeasureXLSX
func TestMeasureXLSX(t *testing.T) {
	path := os.Getenv("USERIMPORT_MEASURE_XLSX")
	if path == "" {
		t.Skip("set USERIMPORT_MEASURE_XLSX to measure")
	}
	if _, err := os.Stat(path); err != nil {
		if err := writeBigXLSXShared(path, 100_000); err != nil {
			t.Fatal(err)
		}
		return
	}
	if v := os.Getenv("USERIMPORT_MEASURE_LIMIT"); v != "" {
		fmt.Sscan(v, &unzipXMLSizeLimit)
	}
	start := time.Now()
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
	}
	t.Logf("limit %d: %d rows in %v", unzipXMLSizeLimit, n, time.Since(start))
}

// writeBigXLSXShared writes the same workbook as writeBigXLSX but with a shared
// string table, as Excel does (the stream writer writes inline strings).
func writeBigXLSXShared(path string, rows int) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"uid", "Фамилия", "Имя", "Отчество", "E-mail", "Телефон", "Город", "Должность"}); err != nil {
		return err
	}
	for i := 2; i <= rows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		row := []any{i, fmt.Sprintf("Иванов%d", i), "Иван", fmt.Sprintf("Иванович%d", i%100),
			fmt.Sprintf("user%d@example.ru", i), 79120000000 + i, "Москва", fmt.Sprintf("Инженер %d", i%50)}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}
