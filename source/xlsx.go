package source

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	// unzipSizeLimit caps the unzipped size of a workbook: 1 GiB is ten times the
	// largest real staff list and stops a zip bomb long before it fills the disk
	// (excelize's default is about 16 GB).
	unzipSizeLimit = 1 << 30
	// defaultUnzipXMLSizeLimit is the size above which excelize extracts a sheet or the
	// shared strings to a temp file and streams it instead of parsing it in memory.
	// Measured with TestMeasureXLSX on 100,000 rows × 8 columns (29 MB sheet XML,
	// 6.9 MB shared strings), peak RSS and CPU (user+sys) for the whole read:
	// 1 MiB: 41 MB, 2.9 s; 4 MiB: 43 MB, 2.9 s; 8 MiB: 150 MB, 2.2 s; 16 MiB
	// (excelize's default): 134 MB, 1.9 s. A shared-string table parsed in memory
	// costs about 15 bytes of RSS per byte of XML and saves a syscall per string
	// cell; 4 MiB keeps that cost under about 60 MB (the project's budget is 150 MB
	// for the whole run) while small workbooks stay fully in memory. The sheet
	// itself is streamed from a temp file either way.
	defaultUnzipXMLSizeLimit = 4 << 20
	// dateFormat is how date cells are rendered, whatever their number format: the
	// form Russian Excel shows and the validator reads.
	dateFormat = "dd.mm.yyyy"
)

// unzipXMLSizeLimit is a variable only so that the measurement in
// TestMeasureXLSX can try other values.
var unzipXMLSizeLimit int64 = defaultUnzipXMLSizeLimit

// xlsxReader streams one sheet with excelize's Rows iterator.
type xlsxReader struct {
	path    string
	f       *excelize.File
	rows    *excelize.Rows
	info    Info
	maxCell int
	maxRows int

	row     int // the iterator's count: the Excel row number
	yielded int
	lastRow int // the last row number the dimension promises
	extras  sheetExtras
	err     error
}

// openXLSX opens an .xlsx workbook and positions a reader on the chosen sheet.
func openXLSX(path string, opts Options) (Reader, error) {
	f, err := excelize.OpenFile(path, excelize.Options{
		UnzipSizeLimit:    unzipSizeLimit,
		UnzipXMLSizeLimit: unzipXMLSizeLimit,
	})
	if err != nil {
		return nil, xlsxOpenError(path, err)
	}
	r := &xlsxReader{path: path, f: f, maxCell: opts.MaxCellBytes, maxRows: opts.MaxRows}
	if err := r.init(opts); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func xlsxOpenError(path string, err error) error {
	msg := "the workbook is damaged or is not an .xlsx file; open it in Excel and save it again as .xlsx"
	switch {
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		msg = "the workbook is encrypted or in an unsupported format; remove the password and save it as .xlsx"
	case strings.Contains(err.Error(), "unzip size"):
		msg = fmt.Sprintf("the workbook unpacks to more than %d MiB; this is not a normal staff list", unzipSizeLimit>>20)
	}
	return &FileError{Path: path, Msg: msg, Err: err}
}

func (r *xlsxReader) init(opts Options) error {
	sheets := r.f.GetSheetList()
	if len(sheets) == 0 {
		return &FileError{Path: r.path, Msg: "the workbook has no sheets"}
	}
	sheet, ferr := chooseSheet(r.f, sheets, opts.Sheet)
	if ferr != nil {
		ferr.Path = r.path
		return ferr
	}
	r.info = Info{Format: "xlsx", Sheet: sheet, Sheets: sheets}
	if err := renderDatesAsDates(r.f); err != nil {
		return &FileError{Path: r.path, Msg: "cannot read the workbook's cell formats; open it in Excel and save it again", Err: err}
	}
	if dim, err := r.f.GetSheetDimension(sheet); err == nil && dim != "" {
		ref := dim
		if i := strings.LastIndexByte(ref, ':'); i >= 0 {
			ref = ref[i+1:]
		}
		if _, row, err := excelize.CellNameToCoordinates(ref); err == nil {
			r.lastRow = row
			r.info.LastRow = row
		}
	}
	extras, err := scanSheet(r.path, sheet)
	if err != nil {
		return &FileError{Path: r.path, Msg: "the sheet is damaged; open the workbook in Excel and save it again", Err: err}
	}
	r.extras = extras
	rows, err := r.f.Rows(sheet)
	if err != nil {
		return &FileError{Path: r.path, Msg: "cannot read sheet " + strconv.Quote(sheet), Err: err}
	}
	r.rows = rows
	return nil
}

// chooseSheet picks the sheet by name (case-insensitive), then by 1-based number;
// with no choice, the first visible sheet, since a hidden first sheet is usually a
// lookup list the user never sees.
func chooseSheet(f *excelize.File, sheets []string, want string) (string, *FileError) {
	want = strings.TrimSpace(want)
	if want == "" {
		for _, s := range sheets {
			if visible, err := f.GetSheetVisible(s); err == nil && visible {
				return s, nil
			}
		}
		return sheets[0], nil
	}
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), want) {
			return s, nil
		}
	}
	if n, err := strconv.Atoi(want); err == nil && n >= 1 && n <= len(sheets) {
		return sheets[n-1], nil
	}
	return "", &FileError{Msg: fmt.Sprintf("there is no sheet %q; the workbook has: %s", want, strings.Join(sheets, ", "))}
}

func (r *xlsxReader) Info() Info { return r.info }

func (r *xlsxReader) Close() error {
	var err error
	if r.rows != nil {
		err = r.rows.Close()
		r.rows = nil
	}
	if r.f != nil {
		if cerr := r.f.Close(); err == nil {
			err = cerr
		}
		r.f = nil
	}
	return err
}

// Next returns the next non-blank row. Date cells come as DD.MM.YYYY, numbers as
// their stored digits; see renderDatesAsDates and plainNumber.
func (r *xlsxReader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	if r.rows == nil {
		return Row{}, &FileError{Path: r.path, Msg: "the reader is closed"}
	}
	for r.rows.Next() {
		r.row++
		cells, err := r.rows.Columns()
		if err != nil {
			r.err = &FileError{Path: r.path, Line: r.row, Msg: "the sheet is damaged at this row; open the workbook in Excel and save it again", Err: err}
			return Row{}, r.err
		}
		var rounded []int
		for i, c := range cells {
			if len(c) > r.maxCell {
				r.err = &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("column %d has a cell longer than %d bytes", i+1, r.maxCell)}
				return Row{}, r.err
			}
			if p := plainNumber(c); p != c {
				c = p
				rounded = append(rounded, i)
			}
			cells[i] = cleanString(c)
		}
		// A row blank but for the continuation of a range merged further up is
		// still blank: the person sees an empty row.
		noValue := r.extras.noValue[r.row]
		blank := isBlank(cells) && len(noValue) == 0
		cells = r.extras.fillMerged(r.row, cells)
		if blank {
			continue
		}
		r.yielded++
		if r.maxRows > 0 && r.yielded > r.maxRows {
			r.err = &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the sheet has more than %d rows, the limit set for this run", r.maxRows)}
			return Row{}, r.err
		}
		return Row{Num: r.row, Cells: cells, NoValue: noValue, Rounded: rounded}, nil
	}
	if err := r.rows.Error(); err != nil {
		r.err = &FileError{Path: r.path, Line: r.row, Msg: "the sheet has more rows than Excel allows; the file is damaged", Err: err}
		return Row{}, r.err
	}
	if r.row < r.lastRow {
		r.err = &FileError{Path: r.path, Line: r.row + 1, Msg: fmt.Sprintf("the sheet is damaged: it should have %d rows but ends after row %d; open the workbook in Excel and save it again", r.lastRow, r.row)}
		return Row{}, r.err
	}
	r.err = io.EOF
	return Row{}, r.err
}
