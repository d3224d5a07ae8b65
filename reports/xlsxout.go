package reports

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"

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

// maxColumns is Excel's limit on a sheet's columns (the last is XFD). A report sheet
// keeps the columns before it and drops the rest, which Excel would refuse to open.
const maxColumns = 16384

// maxWidthCols caps the columns that get a width of their own; past them Excel's
// default width serves. excelize's SetColWidth copies every column set before it on
// each call (and each run of columns as one column apiece), so widths cost the square
// of the columns set, or the cube for one call per column: a 16,384-column header took
// 17 minutes. A width is set for each run of equal widths among the first
// maxWidthCols columns, and for the report's own columns, so the cost stays a few
// milliseconds whatever the width of the sheet (256 columns of alternating widths
// took 40 ms a workbook; 100 take 5).
const maxWidthCols = 100

// colRun is the width of columns first..last, 0-based and inclusive.
type colRun struct {
	first, last int
	width       float64
}

// appendWidths appends the widths of the columns from at on, one run per stretch of
// equal widths, for the first of them up to column maxWidthCols.
func appendWidths(runs []colRun, at int, widths []float64) []colRun {
	for i, w := range widths {
		col := at + i
		if col >= maxWidthCols {
			break
		}
		if n := len(runs); n > 0 && runs[n-1].last == col-1 && runs[n-1].width == w {
			runs[n-1].last = col
			continue
		}
		runs = append(runs, colRun{first: col, last: col, width: w})
	}
	return runs
}

// headerWidth is a data column's width: as wide as its header, within bounds.
func headerWidth(h string) float64 {
	return float64(min(max(utf8.RuneCountInString(h)+2, minColWidth), maxColWidth))
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
	late  []int // marked columns past a row's cells

	headerRow int
	lastRow   int
	notes     int
	capNote   string // the header note when notes ran out

	styleHead, styleErr, styleWarn, styleGood, styleBad int

	vals []any
}

// newXLSXSheet starts a workbook with one sheet named sheet (the input's, so --sheet
// finds the same name) and the column widths given.
func newXLSXSheet(dir, name, sheet string, widths []colRun) (*xlsxSheet, error) {
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
	for _, run := range widths {
		if err == nil && run.width > 0 && run.first < maxColumns {
			err = x.sw.SetColWidth(run.first+1, min(run.last, maxColumns-1)+1, run.width)
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
	for _, c := range cells[:min(len(cells), maxColumns)] {
		x.vals = append(x.vals, excelize.Cell{StyleID: x.styleHead, Value: c})
	}
	return x.setRow(num)
}

// row writes one data row at row num (or, should rows ever come out of order, right
// after the last one): cells from the first column, marks colouring and noting them by
// column (a marked column past the row's cells gets an empty coloured cell), then
// extra from column extraAt on. The work is the row's cells and marks, however wide
// the sheet; columns past maxColumns are dropped.
func (x *xlsxSheet) row(num int, cells []string, marks map[int]cellMark, extraAt int, extra []any) error {
	if num <= x.lastRow {
		num = x.lastRow + 1
	}
	cells = cells[:min(len(cells), maxColumns)]
	x.cells = x.cells[:0]
	for i, v := range cells {
		var m cellMark
		if len(marks) > 0 {
			m = marks[i]
		}
		if err := x.add(num, i, v, m); err != nil {
			return err
		}
	}
	if len(marks) > 0 {
		x.late = x.late[:0]
		for col := range marks {
			if col >= len(cells) && col < min(extraAt, maxColumns) {
				x.late = append(x.late, col)
			}
		}
		slices.Sort(x.late)
		for _, col := range x.late {
			if err := x.add(num, col, "", marks[col]); err != nil {
				return err
			}
		}
	}
	for i, v := range extra {
		if c, ok := cellOf(v); ok && extraAt+i < maxColumns {
			c.col = extraAt + i
			x.cells = append(x.cells, c)
		}
	}
	if err := x.rows.row(num, x.cells); err != nil {
		return fmt.Errorf("write %s row %d: %w", x.name, num, err)
	}
	x.lastRow = num
	return nil
}

// add puts the cell at col of row num in x.cells, styled and noted as m says.
func (x *xlsxSheet) add(num, col int, v string, m cellMark) error {
	style := 0
	switch m.severity {
	case 1:
		style = x.styleWarn
	case 2:
		style = x.styleErr
	}
	if v != "" || style != 0 {
		x.cells = append(x.cells, sheetCell{col: col, style: style, text: v})
	}
	if m.note != "" {
		return x.note(col, num, m.note)
	}
	return nil
}

// cellOf is a data row's cell from what the callers pass: nil for none, a string, or
// an excelize.Cell with a style and a string or no value.
func cellOf(v any) (sheetCell, bool) {
	switch v := v.(type) {
	case string:
		return sheetCell{text: v}, true
	case excelize.Cell:
		s, _ := v.Value.(string)
		return sheetCell{style: v.StyleID, text: s}, true
	}
	return sheetCell{}, false
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
// killed while writing a workbook. Only regular files are removed: a link or anything
// else under a report file's name is refused (*FolderError), one under a temporary
// file's name left alone.
func removeStale(dir string, names ...string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read report folder: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if rows, _ := filepath.Match(sheetRowsPattern, e.Name()); rows || isExcelizeTemp(e.Name()) {
			names = append(names, e.Name())
		}
	}
	for _, n := range names {
		if err := removeRegular(filepath.Join(dir, n)); err != nil {
			if _, ok := errors.AsType[*FolderError](err); ok {
				return err
			}
			return fmt.Errorf("remove old %s: %w", n, err)
		}
	}
	return nil
}
