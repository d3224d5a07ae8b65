package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

const (
	// unzipSizeLimit caps the unzipped size of a workbook: 1 GiB is ten times the
	// largest real staff list and stops a zip bomb long before it fills the disk
	// or memory. The declared sizes are checked on opening, and archive/zip fails
	// a part that inflates to more than it declared.
	unzipSizeLimit = 1 << 30
	// defaultUnzipXMLSizeLimit is how much shared-string text is kept in memory;
	// a larger table goes to a temporary file (see sharedStrings). 64 MiB is the
	// text of several million distinct cells, more than any staff list, and keeps
	// the whole run inside its 150 MB budget.
	defaultUnzipXMLSizeLimit = 64 << 20
)

// unzipXMLSizeLimit is a variable only so that tests and the measurement in
// TestMeasureXLSX can try other values.
var unzipXMLSizeLimit int64 = defaultUnzipXMLSizeLimit

// xlsxReader streams one sheet of a workbook with its own scanner of the sheet's XML
// (see xmlScanner), in one pass: values, shared and inline strings, number formats
// (dates, the 1904 date system), formulas without a cached value and the sheet's
// dimension all come from that pass. Only the merged ranges, stored after the rows,
// take a separate quick scan.
type xlsxReader struct {
	path    string
	ctx     context.Context // stops the reading; never nil
	book    *book
	sst     *sharedStrings
	styles  []cellStyle
	merges  merges
	body    io.ReadCloser // the sheet part, inflating
	counted *countingReader
	// partSize is the sheet part's size unpacked, for Position.
	partSize int64
	s        *xmlScanner
	info     Info
	maxCell  int
	maxRows  int
	maxRow   int // the cap on a row's text, all cells together (see rowCap)

	row     int // the number of the last row read
	yielded int
	done    bool
	err     error

	// Scratch reused from row to row.
	vals   []byte    // the text of the row's cells that are not shared strings
	cells  []cellVal // the row's cells, in order
	shared int       // the length of the row's shared strings, together
	rowCap int       // the length of the last row, to size the next
}

// cellVal is one cell of the row being read: a shared string, or the text
// vals[a:b] to be turned into a string with the rest of the row.
type cellVal struct {
	col    int // 1-based
	shared bool
	s      string
	a, b   int
	num    bool // a number: plainNumber applies
	noVal  bool // a formula without a cached value
}

// openXLSX opens an .xlsx workbook and positions a reader on the chosen sheet.
func openXLSX(ctx context.Context, path string, opts Options) (Reader, error) {
	b, err := openBook(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, xlsxOpenError(path, err)
	}
	r := &xlsxReader{path: path, ctx: ctx, book: b, maxCell: opts.MaxCellBytes, maxRows: opts.MaxRows, maxRow: rowCap(opts.MaxCellBytes)}
	if err := r.init(opts); err != nil {
		r.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return r, nil
}

func xlsxOpenError(path string, err error) error {
	msg := "the workbook is damaged or is not an .xlsx file; open it in Excel and save it again as .xlsx"
	if tm, ok := errors.AsType[*tooMany](err); ok {
		return &FileError{Path: path, Msg: tm.Error() + "; this is not a normal staff list"}
	}
	switch {
	case errors.Is(err, errNoWorkbook):
		msg = "the workbook is encrypted or in an unsupported format; remove the password and save it as .xlsx"
	case errors.Is(err, errUnzipSize):
		msg = fmt.Sprintf("the workbook unpacks to more than %d MiB; this is not a normal staff list", unzipSizeLimit>>20)
	}
	return &FileError{Path: path, Msg: msg, Err: err}
}

func (r *xlsxReader) init(opts Options) error {
	if len(r.book.sheets) == 0 {
		return &FileError{Path: r.path, Msg: "the workbook has no sheets"}
	}
	sheets := r.book.names()
	i, ferr := chooseSheet(r.book.sheets, opts.Sheet)
	if ferr != nil {
		ferr.Path = r.path
		return ferr
	}
	sheet := r.book.sheets[i]
	r.info = Info{Format: "xlsx", Sheet: sheet.name, Sheets: sheets}
	damaged := func(err error) error {
		return &FileError{Path: r.path, Msg: "the sheet is damaged; open the workbook in Excel and save it again", Err: err}
	}
	part := r.book.find(sheet.part)
	if part == nil {
		return &FileError{Path: r.path, Msg: "cannot read sheet " + strconv.Quote(sheet.name), Err: errors.New("missing " + sheet.part)}
	}

	// The merged ranges are at the end of the sheet: find them on another core
	// while this one reads the styles and the shared strings.
	var (
		wg       sync.WaitGroup
		mergeErr error
	)
	wg.Go(func() {
		rc, err := part.Open()
		if err != nil {
			mergeErr = err
			return
		}
		defer rc.Close()
		r.merges.list, mergeErr = scanMerges(r.ctx, rc)
	})
	styles, serr := r.book.readStyles()
	var sst *sharedStrings
	var sstErr error
	if serr == nil {
		sst, sstErr = r.book.loadSharedStrings(r.maxCell, unzipXMLSizeLimit)
	}
	wg.Wait()
	r.sst = sst
	var tm *tooMany
	switch {
	case r.ctx.Err() != nil:
		return r.ctx.Err()
	case errors.As(serr, &tm):
		return &FileError{Path: r.path, Msg: tm.Error() + "; this is not a normal staff list"}
	case serr != nil:
		return &FileError{Path: r.path, Msg: "cannot read the workbook's cell formats; open it in Excel and save it again", Err: serr}
	case errors.Is(sstErr, errTooManyStrings):
		return &FileError{Path: r.path, Msg: fmt.Sprintf("the workbook's table of texts has more than %d entries; this is not a normal staff list", maxSharedStrings)}
	case sstErr != nil:
		return &FileError{Path: r.path, Msg: "cannot read the workbook's text; open it in Excel and save it again", Err: sstErr}
	case mergeErr != nil:
		return damaged(mergeErr)
	}
	r.styles = styles

	body, err := part.Open()
	if err != nil {
		return damaged(err)
	}
	r.body = body
	r.counted = &countingReader{r: body}
	r.partSize = int64(part.UncompressedSize64)
	if err := r.start(r.counted); err != nil {
		return damaged(err)
	}
	return nil
}

// Position reports how much of the sheet's XML has been read and its size, so a
// progress display can estimate the rows of a sheet whose dimension does not say
// (files written by programs other than Excel often claim A1).
func (r *xlsxReader) Position() (read, size int64) {
	if r.counted == nil {
		return 0, 0
	}
	return r.counted.n, r.partSize
}

// start reads the sheet's XML up to its rows; the dimension on the way says how many
// to expect.
func (r *xlsxReader) start(sheet io.Reader) error {
	if r.ctx == nil {
		r.ctx = context.Background()
	}
	if r.maxRow == 0 {
		r.maxRow = rowCap(r.maxCell)
	}
	r.s = newXMLScannerContext(r.ctx, sheet)
	for {
		k, err := r.s.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			r.done = true
			return nil
		}
		if k != tokStart {
			continue
		}
		switch {
		case r.s.is("dimension"):
			if ref, ok := r.s.attr("ref"); ok {
				if i := strings.LastIndexByte(string(ref), ':'); i >= 0 {
					ref = ref[i+1:]
				}
				if _, row, ok := parseCellRef(ref); ok && row > 0 {
					r.info.LastRow = row
				}
			}
		case r.s.is("sheetData"):
			r.done = r.s.selfClose
			return nil
		}
	}
}

// chooseSheet picks the sheet by name (case-insensitive), then by 1-based number;
// with no choice, the first visible sheet, since a hidden first sheet is usually a
// lookup list the user never sees.
func chooseSheet(sheets []bookSheet, want string) (int, *FileError) {
	want = strings.TrimSpace(want)
	if want == "" {
		for i, s := range sheets {
			if !s.hidden {
				return i, nil
			}
		}
		return 0, nil
	}
	for i, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s.name), want) {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(want); err == nil && n >= 1 && n <= len(sheets) {
		return n - 1, nil
	}
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
	}
	return 0, &FileError{Msg: fmt.Sprintf("there is no sheet %q; the workbook has: %s", want, strings.Join(names, ", "))}
}

func (r *xlsxReader) Info() Info { return r.info }

func (r *xlsxReader) Close() error {
	var errs []error
	if r.body != nil {
		errs = append(errs, r.body.Close())
		r.body = nil
	}
	if r.sst != nil {
		errs = append(errs, r.sst.Close())
		r.sst = nil
	}
	if r.book != nil {
		errs = append(errs, r.book.Close())
		r.book = nil
	}
	return errors.Join(errs...)
}

// Next returns the next non-blank row. Date cells come as DD.MM.YYYY, numbers as
// their stored digits; see cellStyle and plainNumber.
func (r *xlsxReader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	if r.book == nil {
		return Row{}, &FileError{Path: r.path, Msg: "the reader is closed"}
	}
	for !r.done {
		k, err := r.s.next()
		if err != nil {
			return Row{}, r.damaged(r.row+1, err)
		}
		switch {
		case k == tokEOF:
			// The rows must end with </sheetData>: a sheet cut short is damaged,
			// however many rows its dimension promised.
			r.err = &FileError{Path: r.path, Line: r.row + 1, Msg: fmt.Sprintf("the sheet is damaged: it breaks off after row %d; open the workbook in Excel and save it again", r.row)}
			return Row{}, r.err
		case k == tokEnd && r.s.is("sheetData"):
			r.done = true
		case k == tokStart && r.s.is("row"):
			// A row may be long to read (merged ranges to fill): each is a point
			// where a cancelled read stops.
			if err := r.ctx.Err(); err != nil {
				r.err = err
				return Row{}, err
			}
			num := r.row + 1
			if v, ok := r.s.attr("r"); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(string(v))); err == nil && n > r.row {
					num = n
				}
			}
			if num > maxSheetRows {
				r.err = &FileError{Path: r.path, Line: r.row, Msg: "the sheet has more rows than Excel allows; the file is damaged"}
				return Row{}, r.err
			}
			r.row = num
			if r.s.selfClose {
				continue
			}
			row, ok, err := r.readRow()
			if err != nil {
				r.err = err
				return Row{}, err
			}
			if ok {
				return row, nil
			}
		}
	}
	// The dimension is a hint for progress, not a promise: a sheet claiming
	// A1:XFD1048576 over three rows has three rows.
	r.err = io.EOF
	return Row{}, r.err
}

func (r *xlsxReader) damaged(line int, err error) error {
	if ctxErr := r.ctx.Err(); ctxErr != nil {
		r.err = ctxErr // cancelled, not damaged
		return r.err
	}
	r.err = &FileError{Path: r.path, Line: line, Msg: "the sheet is damaged at this row; open the workbook in Excel and save it again", Err: err}
	return r.err
}

func (r *xlsxReader) tooLong(col int) error {
	r.err = &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("column %d has a cell longer than %d bytes", col, r.maxCell)}
	return r.err
}

// rowTooLong is a row whose text, all cells together, is over the cap.
func (r *xlsxReader) rowTooLong() error {
	r.err = &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the row holds more than %d MiB of text; this is not a normal staff list", r.maxRow>>20)}
	return r.err
}

// tooWide is a row with more cells than Excel has columns.
func (r *xlsxReader) tooWide() error {
	r.err = &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the row has more than %d columns, more than Excel allows", maxSheetCols)}
	return r.err
}

// readRow reads the cells of the row whose start tag was just read, up to its end
// tag, and returns it unless it is blank.
func (r *xlsxReader) readRow() (Row, bool, error) {
	r.vals, r.cells, r.shared = r.vals[:0], r.cells[:0], 0
	col, n := 0, 0
	for {
		k, err := r.s.next()
		if err != nil {
			return Row{}, false, r.damaged(r.row, err)
		}
		if k == tokEOF {
			return Row{}, false, r.damaged(r.row, io.ErrUnexpectedEOF)
		}
		if k == tokEnd {
			if r.s.is("row") {
				break
			}
			continue
		}
		if !r.s.is("c") {
			if err := r.s.skipElement(); err != nil {
				return Row{}, false, r.damaged(r.row, err)
			}
			continue
		}
		// Excel writes at most one cell per column: more cells than columns, with
		// references or without, is a hostile row, and counting them bounds the
		// row's memory and time.
		col++
		n++
		if ref, ok := r.s.attr("r"); ok && len(ref) > 0 {
			c, _, ok := parseCellRef(ref)
			if !ok {
				return Row{}, false, r.damaged(r.row, fmt.Errorf("bad cell reference %q", ref))
			}
			col = c
		}
		if col > maxSheetCols || n > maxSheetCols {
			return Row{}, false, r.tooWide()
		}
		if err := r.readCell(col); err != nil {
			return Row{}, false, err
		}
		if len(r.vals)+r.shared > r.maxRow {
			return Row{}, false, r.rowTooLong()
		}
	}
	return r.finishRow()
}

// readCell reads the cell whose start tag was just read and, unless it has neither
// a value nor a formula, appends it to r.cells. It renders the value as excelize's
// row iterator did with the formats rewritten (see cellStyle): the reader's
// contract with the rest of the program is unchanged.
func (r *xlsxReader) readCell(col int) error {
	typ, _ := r.s.attr("t")
	var t string
	switch string(typ) {
	case "":
	case "s":
		t = "s"
	case "str":
		t = "str"
	case "inlineStr":
		t = "inlineStr"
	case "b":
		t = "b"
	case "d":
		t = "d"
	default:
		t = "n"
	}
	style := 0
	if sv, ok := r.s.attr("s"); ok {
		if n, err := strconv.Atoi(string(sv)); err == nil {
			style = n
		}
	}
	hasV, hasF := false, false
	a := len(r.vals)
	if !r.s.selfClose {
		for {
			k, err := r.s.next()
			if err != nil {
				return r.damaged(r.row, err)
			}
			if k == tokEOF {
				return r.damaged(r.row, io.ErrUnexpectedEOF)
			}
			if k == tokEnd {
				if r.s.is("c") {
					break
				}
				continue
			}
			switch {
			case r.s.is("v"):
				hasV = true
				if r.s.selfClose {
					continue
				}
				r.vals = r.vals[:a] // the last <v> wins, as in encoding/xml
				if r.vals, err = r.s.charData(r.vals, a+r.maxCell); err != nil {
					if err == errTextTooLong {
						return r.tooLong(col)
					}
					return r.damaged(r.row, err)
				}
			case r.s.is("f"):
				hasF = true
				if err := r.s.skipElement(); err != nil {
					return r.damaged(r.row, err)
				}
			case r.s.is("is"):
				if t != "inlineStr" {
					if err := r.s.skipElement(); err != nil {
						return r.damaged(r.row, err)
					}
					continue
				}
				r.vals = r.vals[:a]
				if err := r.readInline(col, a+r.maxCell); err != nil {
					return err
				}
			default:
				if err := r.s.skipElement(); err != nil {
					return r.damaged(r.row, err)
				}
			}
		}
	}
	cv := cellVal{col: col, noVal: hasF && !hasV}
	raw := r.vals[a:]
	switch t {
	case "s":
		if len(raw) == 0 {
			break
		}
		idx, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil {
			idx = 0
		}
		cv.shared = true
		cv.s, _ = r.sst.get(idx)
		r.vals = r.vals[:a]
	case "inlineStr":
		r.vals = append(r.vals[:a], bstrUnmarshal(raw)...)
	case "str":
	case "b":
		switch string(raw) {
		case "1":
			r.vals = append(r.vals[:a], "TRUE"...)
		case "0":
			r.vals = append(r.vals[:a], "FALSE"...)
		}
	default: // a number ("n", or "e" an error, or "d" a date)
		v := string(raw)
		if t == "d" {
			v = isoDateSerial(v)
		} else {
			v = normalizeNumber(v)
		}
		if style > 0 && style < len(r.styles) {
			switch st := r.styles[style]; st.kind {
			case xfDate:
				v = formatDate(v, r.book.date1904)
			case xfPad:
				v = formatPad(v, st.pad)
			}
		}
		cv.num = t != "d"
		if v != string(raw) {
			r.vals = append(r.vals[:a], v...)
		}
	}
	if cv.shared {
		if cv.s == "" && !hasF {
			return nil
		}
		if len(cv.s) > r.maxCell {
			return r.tooLong(col)
		}
		r.shared += len(cv.s)
		r.cells = append(r.cells, cv)
		return nil
	}
	cv.a, cv.b = a, len(r.vals)
	if cv.a == cv.b && !hasF {
		return nil
	}
	if cv.b-cv.a > r.maxCell {
		return r.tooLong(col)
	}
	r.cells = append(r.cells, cv)
	return nil
}

// readInline reads an inline string (<is>): the text of its <t> elements and of
// those in its rich-text runs, but not its phonetic runs (<rPh>). limit is where
// r.vals may grow to: the cell's start plus the cell cap, for all its runs together.
func (r *xlsxReader) readInline(col, limit int) error {
	if r.s.selfClose {
		return nil
	}
	depth, phonetic := 1, 0
	for depth > 0 {
		k, err := r.s.next()
		if err != nil {
			return r.damaged(r.row, err)
		}
		switch k {
		case tokEOF:
			return r.damaged(r.row, io.ErrUnexpectedEOF)
		case tokEnd:
			depth--
			if r.s.is("rPh") {
				phonetic--
			}
		case tokStart:
			if r.s.selfClose {
				continue
			}
			depth++
			switch {
			case r.s.is("rPh"):
				phonetic++
			case r.s.is("t") && phonetic == 0:
				if r.vals, err = r.s.charData(r.vals, limit); err != nil {
					if err == errTextTooLong {
						return r.tooLong(col)
					}
					return r.damaged(r.row, err)
				}
			}
		}
	}
	return nil
}

// finishRow turns the cells read into a Row: one string for the text of the whole
// row, sliced per cell, rather than one allocation per cell.
func (r *xlsxReader) finishRow() (Row, bool, error) {
	n := 0
	if len(r.cells) > 0 {
		n = r.cells[len(r.cells)-1].col
	}
	cells := make([]string, 0, max(n, r.rowCap))
	text := string(r.vals)
	var rounded, noValue []int
	for _, cv := range r.cells {
		v := cv.s
		if !cv.shared {
			v = text[cv.a:cv.b]
		}
		// Place the cell at its column; a cell out of order goes at the end, as
		// excelize did.
		for len(cells) < cv.col-1 {
			cells = append(cells, "")
		}
		i := len(cells)
		if cv.num {
			if p := plainNumber(v); p != v {
				v = p
				rounded = append(rounded, i)
			}
		}
		if !cv.shared {
			v = cleanString(v)
		}
		cells = append(cells, v)
		if cv.noVal {
			noValue = append(noValue, cv.col-1)
		}
	}
	r.rowCap = len(cells)
	// A row blank but for the continuation of a range merged further up is still
	// blank: the person sees an empty row.
	blank := isBlank(cells) && len(noValue) == 0
	cells = r.merges.fillMerged(r.row, cells)
	if blank {
		return Row{}, false, nil
	}
	r.yielded++
	if r.maxRows > 0 && r.yielded > r.maxRows {
		return Row{}, false, &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the sheet has more than %d rows, the limit set for this run", r.maxRows)}
	}
	return Row{Num: r.row, Cells: cells, NoValue: noValue, Rounded: rounded}, true, nil
}
