package reports

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// MaxNotes caps the notes (Excel comments) one workbook gets. excelize's StreamWriter
// cannot write notes; they are added through the File API while the sheet streams
// (notes live in their own parts, which the stream does not touch), and that API keeps
// every note in memory and checks each new one against all earlier ones, so the cost
// grows with the square of their number (2,000 notes measured at about 60 ms). Past
// the cap a cell is still coloured and its message is in the Errors column of the same
// row; a note on the header says so.
const MaxNotes = 2000

// noteAuthor is the author Excel shows on every note.
const noteAuthor = "userimport"

// Fill colours: Excel's own "Bad" and "Neutral" cell styles, which people know.
const (
	colorErrorFill = "FFC7CE"
	colorErrorFont = "9C0006"
	colorWarnFill  = "FFEB9C"
	colorWarnFont  = "9C5700"
	colorGoodFill  = "C6EFCE"
	colorGoodFont  = "006100"
	colorHeadFill  = "D9E1F2"
)

// cellMark is how one cell is marked: its style and the note on it.
type cellMark struct {
	severity int // 0 none, 1 warning, 2 error
	note     string
}

// xlsxSheet streams one sheet of a report workbook: rows in ascending order, cells as
// plain strings (never formulas, whatever they start with), problem cells coloured
// with a note, the header frozen and filtered.
type xlsxSheet struct {
	path  string
	name  string // the file name, for errors
	f     *excelize.File
	sw    *excelize.StreamWriter
	sheet string

	rows  *sheetRows // the data rows, spliced in when the workbook is written
	cells []sheetCell

	headerRow int
	lastRow   int
	notes     int
	capNote   string // the header note when notes ran out

	styleHead, styleErr, styleWarn, styleGood, styleBad int

	vals []any
}

// newXLSXSheet starts a workbook with one sheet named sheet (the input's, so --sheet
// finds the same name) and the column widths given.
func newXLSXSheet(dir, name, sheet string, widths []float64) (*xlsxSheet, error) {
	// Temporary files, excelize's (its stream writer's past 16 MB) and the data rows'
	// (sheetRows), go in the report folder, which is owner-only, rather than /tmp,
	// which is shared and on many systems held in memory.
	x := &xlsxSheet{path: filepath.Join(dir, name), name: name, f: excelize.NewFile(excelize.Options{TmpDir: dir})}
	x.sheet = "Sheet1"
	if sheet != "" && sheet != x.sheet {
		if err := x.f.SetSheetName(x.sheet, sheet); err == nil {
			x.sheet = sheet
		}
	}
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.f.NewStyle(s)
		return id
	}
	fill := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	wrapTop := &excelize.Alignment{Vertical: "top", WrapText: true}
	x.styleHead = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(colorHeadFill), Alignment: wrapTop})
	x.styleErr = style(&excelize.Style{Font: &excelize.Font{Color: colorErrorFont}, Fill: fill(colorErrorFill)})
	x.styleWarn = style(&excelize.Style{Font: &excelize.Font{Color: colorWarnFont}, Fill: fill(colorWarnFill)})
	x.styleGood = style(&excelize.Style{Font: &excelize.Font{Color: colorGoodFont}})
	x.styleBad = style(&excelize.Style{Font: &excelize.Font{Color: colorErrorFont, Bold: true}})
	if err == nil {
		x.sw, err = x.f.NewStreamWriter(x.sheet)
	}
	if err == nil {
		x.rows, err = newSheetRows(dir)
	}
	for i, w := range widths {
		if err == nil && w > 0 {
			err = x.sw.SetColWidth(i+1, i+1, w)
		}
	}
	if err != nil {
		x.f.Close()
		if x.rows != nil {
			x.rows.close()
		}
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return x, nil
}

// header writes the header row at row num and freezes the rows up to it. It must be
// the first row written.
func (x *xlsxSheet) header(num int, cells []string) error {
	x.headerRow = num
	err := x.sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: num, TopLeftCell: cellName(0, num+1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: cellName(0, num+1), ActiveCell: cellName(0, num+1), Pane: "bottomLeft"}},
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", x.name, err)
	}
	x.vals = x.vals[:0]
	for _, c := range cells {
		x.vals = append(x.vals, excelize.Cell{StyleID: x.styleHead, Value: c})
	}
	return x.setRow(num)
}

// row writes one data row at row num (or, should rows ever come out of order, right
// after the last one); marks colour cells and note them, by column.
func (x *xlsxSheet) row(num int, cells []string, marks map[int]cellMark, extra []any) error {
	if num <= x.lastRow {
		num = x.lastRow + 1
	}
	x.cells = x.cells[:0]
	for i, v := range cells {
		m := marks[i]
		style := 0
		switch m.severity {
		case 1:
			style = x.styleWarn
		case 2:
			style = x.styleErr
		}
		x.cells = append(x.cells, sheetCell{set: v != "" || style != 0, style: style, text: v})
		if m.note != "" {
			if err := x.note(i, num, m.note); err != nil {
				return err
			}
		}
	}
	for _, v := range extra {
		x.cells = append(x.cells, cellOf(v))
	}
	if err := x.rows.row(num, x.cells); err != nil {
		return fmt.Errorf("write %s row %d: %w", x.name, num, err)
	}
	x.lastRow = num
	return nil
}

// cellOf is a data row's cell from what the callers pass: nil for none, a string, or
// an excelize.Cell with a style and a string or no value.
func cellOf(v any) sheetCell {
	switch v := v.(type) {
	case string:
		return sheetCell{set: true, text: v}
	case excelize.Cell:
		s, _ := v.Value.(string)
		return sheetCell{set: true, style: v.StyleID, text: s}
	}
	return sheetCell{}
}

func (x *xlsxSheet) setRow(num int) error {
	// Trailing nils would still count in the row's span; drop them.
	for len(x.vals) > 0 && x.vals[len(x.vals)-1] == nil {
		x.vals = x.vals[:len(x.vals)-1]
	}
	if err := x.sw.SetRow(cellName(0, num), x.vals); err != nil {
		return fmt.Errorf("write %s row %d: %w", x.name, num, err)
	}
	x.lastRow = num
	return nil
}

// note adds a note to a cell, up to MaxNotes.
func (x *xlsxSheet) note(col, row int, text string) error {
	if x.notes >= MaxNotes {
		return nil
	}
	x.notes++
	err := x.f.AddComment(x.sheet, excelize.Comment{Cell: cellName(col, row), Author: noteAuthor, Text: text, Width: 300, Height: 80})
	if err != nil {
		return fmt.Errorf("write %s note: %w", x.name, err)
	}
	return nil
}

// finish sets the filter over the header and every row, adds the header note saying
// the notes ran out (when they did), and saves the workbook. Notes and the filter go
// in before the stream is flushed: the flush writes the sheet's filter and the link to
// its notes from the same worksheet the File API changed.
func (x *xlsxSheet) finish(lastCol int) error {
	defer x.f.Close()
	if x.headerRow > 0 {
		ref := cellName(0, x.headerRow) + ":" + cellName(max(lastCol, 0), max(x.lastRow, x.headerRow))
		if err := x.f.AutoFilter(x.sheet, ref, nil); err != nil {
			return fmt.Errorf("write %s filter: %w", x.name, err)
		}
		if x.capNote != "" && x.notes >= MaxNotes {
			x.notes = 0 // one more, on the header
			if err := x.note(0, x.headerRow, x.capNote); err != nil {
				return err
			}
		}
	}
	defer x.rows.close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", x.name, err)
	}
	if err := x.rows.finish(); err != nil {
		return fmt.Errorf("write %s: %w", x.name, err)
	}
	// SaveAs creates the file with mode 0666&^umask; make it owner-only before any
	// personal data goes in, by creating it first and writing through the handle.
	out, err := Create(filepath.Dir(x.path), filepath.Base(x.path))
	if err != nil {
		return err
	}
	// The fastest deflate level: the profile of a 100,000-row validate showed
	// compression as a tenth of the run, and a report is written once and read once;
	// the file comes out about a third bigger.
	x.f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return &spliceZip{ZipWriter: zw, rows: x.rows.f}
	})
	if _, err := x.f.WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", x.name, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", x.name, err)
	}
	return nil
}

// abandon drops an unfinished workbook and its temporary files.
func (x *xlsxSheet) abandon() {
	x.f.Close()
	x.rows.close()
}

// cellName is the A1 name of a 0-based column and a 1-based row.
func cellName(col, row int) string {
	s, err := excelize.CoordinatesToCellName(col+1, max(row, 1))
	if err != nil {
		return "A1"
	}
	return s
}

// removeStale deletes report files an earlier run left that this run does not write,
// so the folder never mixes two runs, and the temporary files of a run that was
// killed while writing a workbook.
func removeStale(dir string, names ...string) error {
	temps, _ := filepath.Glob(filepath.Join(dir, excelizeTemp))
	rows, _ := filepath.Glob(filepath.Join(dir, sheetRowsPattern))
	temps = append(temps, rows...)
	for _, n := range names {
		temps = append(temps, filepath.Join(dir, n))
	}
	for _, p := range temps {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old %s: %w", filepath.Base(p), err)
		}
	}
	return nil
}

// excelizeTemp matches the temporary files excelize's stream writer makes
// (os.CreateTemp(dir, "excelize-")).
const excelizeTemp = "excelize-*"

// clip shortens s to n runes for display, with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
