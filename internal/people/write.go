package people

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"iter"

	"github.com/xuri/excelize/v2"
)

// CSVOptions choose how a CSV file looks. The separator is always ';', as Russian Excel
// writes it.
type CSVOptions struct {
	// BOM starts the file with a UTF-8 byte order mark and ends lines with CRLF, as
	// Excel's "CSV UTF-8" does.
	BOM bool
}

// WriteCSV writes the header and rows as a ';'-separated UTF-8 CSV and returns the
// deliberate problems of the rows written.
func WriteCSV(w io.Writer, rows iter.Seq[Row], o CSVOptions) (Expected, error) {
	exp := Expected{Errors: []Problem{}, Warnings: []Problem{}}
	bw := bufio.NewWriterSize(w, 256<<10)
	if o.BOM {
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return exp, fmt.Errorf("write csv: %w", err)
		}
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = o.BOM
	if err := cw.Write(Header[:]); err != nil {
		return exp, fmt.Errorf("write csv header: %w", err)
	}
	for r := range rows {
		if err := cw.Write(r.Cells[:]); err != nil {
			return exp, fmt.Errorf("write csv row %d: %w", r.Num, err)
		}
		exp.Add(&r)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return exp, fmt.Errorf("write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return exp, fmt.Errorf("write csv: %w", err)
	}
	return exp, nil
}

// SheetName is the name of the one sheet of a generated workbook.
const SheetName = "Сотрудники"

// dateFormat is how a Russian Excel shows a date cell.
const dateFormat = "dd.mm.yyyy"

// columnWidths are the widths of the columns in characters, wide enough to read the
// file in Excel without resizing.
var columnWidths = [NumColumns]float64{16, 36, 18, 34, 20, 14, 6, 18, 34, 36}

// WriteXLSX writes the header and rows as a workbook with one sheet, SheetName, and
// returns the deliberate problems of the rows written. It uses excelize's stream
// writer, so memory stays flat however many rows there are. Birth dates become date
// cells shown as dd.mm.yyyy and some phones numbers, as in files Excel users make.
func WriteXLSX(w io.Writer, rows iter.Seq[Row]) (exp Expected, err error) {
	exp = Expected{Errors: []Problem{}, Warnings: []Problem{}}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close workbook: %w", cerr)
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), SheetName); err != nil {
		return exp, fmt.Errorf("name sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return exp, fmt.Errorf("open sheet stream: %w", err)
	}
	format := dateFormat
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return exp, fmt.Errorf("make date style: %w", err)
	}
	for i, width := range columnWidths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return exp, fmt.Errorf("set column width: %w", err)
		}
	}
	values := make([]any, NumColumns)
	for i, h := range Header {
		values[i] = h
	}
	if err := sw.SetRow("A1", values); err != nil {
		return exp, fmt.Errorf("write header: %w", err)
	}
	for r := range rows {
		for i, c := range r.Cells {
			if c == "" {
				values[i] = nil
			} else {
				values[i] = c
			}
		}
		if r.Phone != 0 {
			values[ColPhone] = r.Phone
		}
		if !r.Birth.IsZero() {
			values[ColBirth] = excelize.Cell{StyleID: dateStyle, Value: r.Birth}
		}
		cell, err := excelize.CoordinatesToCellName(1, r.Num)
		if err != nil {
			return exp, fmt.Errorf("write row %d: %w", r.Num, err)
		}
		if err := sw.SetRow(cell, values); err != nil {
			return exp, fmt.Errorf("write row %d: %w", r.Num, err)
		}
		exp.Add(&r)
	}
	if err := sw.Flush(); err != nil {
		return exp, fmt.Errorf("flush sheet: %w", err)
	}
	// excelize's Write builds the whole archive in a memory buffer and then copies it
	// out; handing it a zip writer on w instead streams the archive straight to w, so a
	// large workbook costs no more memory than a small one. The buffer Write then
	// copies is empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.Write(io.Discard); err != nil {
		return exp, fmt.Errorf("write workbook: %w", err)
	}
	return exp, nil
}
