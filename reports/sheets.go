package reports

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"userimport/columns"
	"userimport/lang"
	"userimport/validate"
)

// The extra columns of the annotated copy. Their headers carry both languages and
// match no alias of package columns, so a person who runs the tool on the annotated
// copy itself gets them listed as unknown columns, never read as a field ("Статус"
// alone is the alias of the status field).
var annotatedHeads = []string{"Статус/Status", "Ошибки/Errors", "Предупреждения/Warnings", "ID на платформе/Platform ID"}

// Widths of the annotated copy's columns, in Excel's units (characters of the default
// font): data columns as wide as their header within these bounds.
const (
	minColWidth    = 10
	maxColWidth    = 40
	errorsColWidth = 60
)

// sheetReports writes the two reports that copy the input: annotated (every row, with
// its outcome and problem cells marked) and failed (only the rows still to fix, in the
// input's own format and headers, created on the first such row). It runs on its own
// goroutine, fed rows in order by Writer.
type sheetReports struct {
	dir   string
	in    Input
	lang  lang.Lang
	xlsx  bool
	width int
	// xlCols is how many of the input's columns the annotated workbook keeps: width,
	// or fewer when the report's own columns would pass Excel's last column.
	xlCols int
	pad    []string // empty cells that pad a short row of annotated.csv
	// fieldCol gives the column of each field that has one.
	fieldCol map[string]int

	acsv *csvFile
	axl  *xlsxSheet

	// failedName is the failed file's name: failed.xlsx, or failed-2.xlsx when a
	// person edited failed.xlsx (see failedFiles).
	failedName string
	fcsv       *csvFile
	fxl        *xlsxSheet
	fRow       int // the last row written to failed.xlsx
	anyFail    bool
	// fSrcCol and fRepCol are the failed file's bookkeeping columns: the input's own
	// when it is a failed file, else two put first, shifting the input's columns by
	// fShift. fCells and fMarks are a row's cells and marks there.
	fSrcCol, fRepCol, fShift int
	fCells                   []string
	fMarks                   map[int]cellMark

	lastRow int
	marks   map[int]cellMark
	extra   []string
}

// Report file names.
const (
	annotatedCSV  = "annotated.csv"
	annotatedXLSX = "annotated.xlsx"
	reportHTML    = "report.html"
)

func newSheetReports(dir, failedName string, in Input, l lang.Lang) (*sheetReports, error) {
	s := &sheetReports{dir: dir, failedName: failedName, in: in, lang: l, xlsx: in.Info.Format == "xlsx", marks: make(map[int]cellMark), fMarks: make(map[int]cellMark)}
	header := in.Header
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	s.fieldCol = make(map[string]int)
	for _, c := range in.Columns {
		if c.Field == "" {
			continue
		}
		if _, dup := s.fieldCol[c.Field]; !dup {
			s.fieldCol[c.Field] = c.Index
		}
		s.width = max(s.width, c.Index+1)
	}
	s.width = max(s.width, len(header), 1)
	heads := make([]string, s.width)
	copy(heads, header)
	s.in.Header = heads

	var err error
	if s.xlsx {
		// The report's own columns must fit in Excel's 16,384: an input as wide as
		// that loses its last columns in the annotated copy.
		s.xlCols = min(s.width, maxColumns-len(annotatedHeads))
		widths := make([]float64, 0, min(s.xlCols, maxWidthCols))
		for _, h := range heads[:min(s.xlCols, maxWidthCols)] {
			widths = append(widths, headerWidth(h))
		}
		runs := appendWidths(nil, 0, widths)
		for i, w := range []float64{18, errorsColWidth, maxColWidth, 18} {
			runs = append(runs, colRun{first: s.xlCols + i, last: s.xlCols + i, width: w})
		}
		if s.axl, err = newXLSXSheet(dir, annotatedXLSX, in.Info.Sheet, runs); err != nil {
			return nil, err
		}
		s.axl.capNote = capNoteText(l)
		vals := append(append([]string(nil), heads[:s.xlCols]...), annotatedHeads...)
		if err = s.axl.header(max(in.HeaderRow, 1), vals); err != nil {
			s.axl.abandon()
			return nil, err
		}
		s.lastRow = max(in.HeaderRow, 1)
		return s, nil
	}
	if s.acsv, err = createCSV(dir, annotatedCSV, in.Info); err != nil {
		return nil, err
	}
	for s.lastRow = 1; s.lastRow < in.HeaderRow; s.lastRow++ {
		if err = s.acsv.blank(); err != nil {
			return nil, err
		}
	}
	if err = s.acsv.write(heads, annotatedHeads); err != nil {
		return nil, err
	}
	return s, nil
}

func capNoteText(l lang.Lang) string {
	return l.Pick("Only the first problem cells have notes; every message is in the Errors column.",
		"Примечания есть только у первых ячеек с ошибками; сообщения обо всех ошибках — в столбце «Ошибки/Errors».")
}

// mark fills s.marks with the problem cells of r.
func (s *sheetReports) mark(r *Row) {
	clear(s.marks)
	for _, i := range r.Issues {
		col, ok := s.fieldCol[i.Field]
		if !ok {
			continue // a value from --set, or a field with no column: the Errors column says it
		}
		m := s.marks[col]
		sev := 1
		if i.Severity == validate.Error {
			sev = 2
		}
		m.severity = max(m.severity, sev)
		msg := clip(i.Message(s.lang), maxMessage)
		if m.note != "" {
			m.note += "\n"
		}
		m.note += msg
		s.marks[col] = m
	}
}

// write adds r to the annotated copy and, when it still needs fixing, to the failed
// rows.
func (s *sheetReports) write(r *Row) error {
	s.mark(r)
	failed := r.Status == Invalid || r.Status == Failed
	status := statusWord(r.Status, s.lang)
	errs := peopleText(r, s.lang, validate.Error)
	warns := peopleText(r, s.lang, validate.Warning)
	cells := r.Cells
	if s.xlsx {
		// Cells past the header's last column have no header and no field; the
		// report's own columns start there.
		cells = cells[:min(len(cells), s.xlCols)]
		statusStyle := s.axl.styleGood
		if failed {
			statusStyle = s.axl.styleBad
		}
		extra := []any{
			excelize.Cell{StyleID: statusStyle, Value: status},
			nilIfEmpty(errs), nilIfEmpty(warns), nilIfEmpty(clip(r.TargetID, maxShown)),
		}
		if err := s.axl.row(r.Num, cells, s.marks, s.xlCols, extra); err != nil {
			return err
		}
	} else {
		cells = cells[:min(len(cells), s.width)]
		for s.lastRow+1 < r.Num {
			if err := s.acsv.blank(); err != nil {
				return err
			}
			s.lastRow++
		}
		s.lastRow = max(s.lastRow+1, r.Num)
		s.extra = append(s.extra[:0], status, errs, warns, clip(r.TargetID, maxShown))
		if len(s.pad) < s.width {
			s.pad = make([]string, s.width)
		}
		if err := s.acsv.write(cells, s.pad[:s.width-len(cells)], s.extra); err != nil {
			return err
		}
	}
	if failed {
		return s.writeFailed(r)
	}
	return nil
}

// writeFailed adds r to the failed rows, creating the file on the first one. Each
// row keeps its identity there: the row of the original file it came from, and for a
// duplicate the earlier row it repeats and by which key (package columns' SourceRow
// and Repeats), so that fixing and running the failed file treats a duplicate as one
// until the person changes its key, and a note's "row 2" is never read as the failed
// file's own row 2. The two columns come first, before the input's own (whose cells
// past the header, if any, are kept); a failed file run again already has them, in
// place.
func (s *sheetReports) writeFailed(r *Row) error {
	var err error
	if !s.anyFail {
		s.anyFail = true
		src, srcOK := s.fieldCol[string(columns.SourceRow)]
		rep, repOK := s.fieldCol[string(columns.Repeats)]
		header := s.in.Header
		if srcOK && repOK {
			s.fSrcCol, s.fRepCol = src, rep
		} else {
			s.fShift = 2
			s.fSrcCol, s.fRepCol = 0, 1
			header = append([]string{columns.SourceRowHeader, columns.RepeatsHeader}, header...)
		}
		if s.xlsx {
			widths := make([]float64, 0, min(len(header), maxWidthCols))
			for _, h := range header[:min(len(header), maxWidthCols)] {
				widths = append(widths, headerWidth(h))
			}
			if s.fShift > 0 {
				widths[0], widths[1] = 18, maxColWidth
			}
			if s.fxl, err = newXLSXSheet(s.dir, s.failedName, s.in.Info.Sheet, appendWidths(nil, 0, widths)); err != nil {
				return err
			}
			s.fxl.capNote = capNoteText(s.lang)
			s.fRow = 1
			if err = s.fxl.header(1, header); err != nil {
				return err
			}
		} else {
			if s.fcsv, err = createCSV(s.dir, s.failedName, s.in.Info); err != nil {
				return err
			}
			if err = s.fcsv.write(header); err != nil {
				return err
			}
		}
	}
	origin := r.Origin
	if origin == "" {
		origin = Origin(r.Num, s.in.Path)
	}
	s.fCells = s.fCells[:0]
	if s.fShift > 0 {
		s.fCells = append(s.fCells, "", "")
	}
	s.fCells = append(s.fCells, r.Cells...)
	for len(s.fCells) <= max(s.fSrcCol, s.fRepCol) {
		s.fCells = append(s.fCells, "")
	}
	s.fCells[s.fSrcCol], s.fCells[s.fRepCol] = origin, repeatsText(r)
	if s.xlsx {
		marks := s.marks
		if s.fShift > 0 {
			clear(s.fMarks)
			for c, m := range s.marks {
				s.fMarks[c+s.fShift] = m
			}
			marks = s.fMarks
		}
		s.fRow++
		return s.fxl.row(s.fRow, s.fCells, marks, maxColumns, nil)
	}
	return s.fcsv.write(s.fCells)
}

// Origin is how the failed file names a row of the original file: "5 (staff.xlsx)".
func Origin(row int, path string) string {
	return strconv.Itoa(row) + " (" + filepath.Base(path) + ")"
}

// repeatsText is the Repeats cell of a failed row: the earlier row each duplicate key
// repeats, "2 (staff.xlsx): uid=T000001", joined with "; ".
func repeatsText(r *Row) string {
	var parts []string
	for _, i := range r.Issues {
		if i.Code == validate.CodeDuplicate && i.Severity == validate.Error {
			parts = append(parts, i.Detail+": "+i.Field+"="+i.Normalized)
		}
	}
	return strings.Join(parts, "; ")
}

// finish completes every file: filters and notes, then saves the workbooks.
func (s *sheetReports) finish() error {
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	if s.axl != nil {
		keep(s.axl.finish(s.xlCols + len(annotatedHeads) - 1))
		s.axl = nil
	}
	if s.fxl != nil {
		// The filter spans the bookkeeping columns too (it stopped two short of the
		// last column once they were put first).
		keep(s.fxl.finish(min(s.fShift+s.width, maxColumns) - 1))
		s.fxl = nil
	}
	if s.acsv != nil {
		keep(s.acsv.close())
	}
	if s.fcsv != nil {
		keep(s.fcsv.close())
	}
	return first
}

// abandon closes everything after an error, saving no workbook.
func (s *sheetReports) abandon() {
	if s.axl != nil {
		s.axl.abandon()
	}
	if s.fxl != nil {
		s.fxl.abandon()
	}
	if s.acsv != nil {
		s.acsv.close()
	}
	if s.fcsv != nil {
		s.fcsv.close()
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// statusWord is a row's status as people read it in the annotated copy.
func statusWord(st Status, l lang.Lang) string {
	if l != lang.Russian {
		return string(st)
	}
	switch st {
	case Valid:
		return "верна"
	case Created:
		return "создан"
	case Updated:
		return "обновлён"
	case Unchanged:
		return "без изменений"
	case Invalid:
		return "ошибка в данных"
	case Failed:
		return "не удалось"
	case Skipped:
		return "пропущен"
	}
	return string(st)
}

// peopleText renders the issues of one severity as people read them beside the row:
// `Column: message`, joined with "; ". A platform failure joins the errors.
func peopleText(r *Row, l lang.Lang, sev validate.Severity) string {
	var b strings.Builder
	for _, i := range r.Issues {
		if i.Severity != sev {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		where := i.Column
		if where == "" {
			where = i.Field
		}
		if where != "" {
			b.WriteString(clip(where, maxHeader))
			b.WriteString(": ")
		}
		b.WriteString(clip(i.Message(l), maxMessage))
	}
	if sev == validate.Error && r.Status == Failed {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(l.Pick("platform: ", "платформа: "))
		b.WriteString(clip(r.Failure, maxMessage))
	}
	return clip(b.String(), maxRowText)
}
