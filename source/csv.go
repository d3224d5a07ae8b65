package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"golang.org/x/text/transform"
)

const (
	// maxColumns is Excel's own column limit (XFD); a row with more cells is not a
	// spreadsheet row, and refusing it bounds the memory one record can take.
	maxColumns = 16384
	// minLineCap bounds one physical line of a CSV file, and one row's text, all
	// cells together, of a CSV file or a sheet (see rowCap). Real lines are a few
	// hundred bytes; a 16 MiB line is binary data or a broken export.
	minLineCap = 16 << 20
	// readBufSize is the bufio buffer: large enough that almost every line is read
	// with one ReadSlice and no copying.
	readBufSize = 64 << 10
)

// rowCap is the cap on one row's text, all cells together: the cell cap alone lets
// a row of 16,384 cells hold a gigabyte.
func rowCap(maxCell int) int {
	if maxCell <= 0 {
		maxCell = DefaultMaxCellBytes
	}
	return max(minLineCap, 2*maxCell)
}

// csvReader parses RFC 4180 CSV itself rather than through encoding/csv, for four
// reasons that matter here: row numbers must count blank lines (encoding/csv skips
// them); a line break inside a quoted cell must be kept byte for byte (encoding/csv
// turns "\r\n" into "\n"); an unclosed quote must be reported at the line where it
// opened, before buffering the rest of the file into one field; and the cell-length
// cap must apply while the cell is being read, not after. It is lenient where
// Excel is: a quote inside an unquoted cell (ООО "Ромашка") is kept as text, and
// text after a closing quote is appended to the cell. For every input that
// encoding/csv accepts, the records are the same (see FuzzCSVMatchesEncodingCSV).
type csvReader struct {
	path    string
	closer  io.Closer
	counted *countingReader // the file's bytes read so far, for Position
	size    int64
	br      *bufio.Reader
	delim   byte
	eol     byte // what ends a line: '\n', or '\r' in a file of old Mac line ends
	maxCell int
	maxRows int
	lineCap int // the cap on a line, and on a record
	info    Info
	ctx     context.Context // stops the reading; never nil

	line    int // physical lines read so far, the sep= line included
	row     int // the row number Excel shows for the last record read
	yielded int
	err     error

	rec     []byte // the current record's cells, back to back
	ends    []int  // the end offset of each cell in rec
	lineBuf []byte // a line longer than the bufio buffer, assembled
}

// newCSV prepares to read f as CSV; head is its first bytes, already read.
func newCSV(ctx context.Context, path string, f *os.File, head []byte, opts Options) (*csvReader, error) {
	enc := detectEncoding(head)
	if opts.Encoding != "" {
		named, ok := namedEncoding(opts.Encoding, head)
		if !ok {
			return nil, &FileError{Path: path, Msg: fmt.Sprintf("unknown encoding %q; use one of utf-8, cp1251, utf-16, utf-16le, utf-16be, koi8-r, cp866", opts.Encoding)}
		}
		enc = named
	}
	if msg := notSpreadsheet(head, enc.utf16()); msg != "" {
		return nil, &FileError{Path: path, Msg: msg}
	}
	sample := decodeSample(enc, head)
	// Old Mac exports end lines with CR alone: a sample with CRs and no LF is such
	// a file, and its lines are split on CR (the sniffers see them as LFs).
	eol := byte('\n')
	if bytes.IndexByte(sample, '\n') < 0 && bytes.IndexByte(sample, '\r') >= 0 {
		eol = '\r'
		sample = bytes.ReplaceAll(sample, []byte{'\r'}, []byte{'\n'})
	}
	delim, sepLen, hasSep := sepLine(sample)
	if opts.Delimiter != "" {
		d, ok := namedDelimiter(opts.Delimiter)
		if !ok {
			return nil, &FileError{Path: path, Msg: fmt.Sprintf("unknown delimiter %q; use one of \",\", \";\", \"tab\", \"|\"", opts.Delimiter)}
		}
		delim = d
	} else if !hasSep {
		delim = sniffDelimiter(sample)
	}
	if _, err := f.Seek(int64(enc.skip), io.SeekStart); err != nil {
		return nil, &FileError{Path: path, Msg: "cannot read the file", Err: err}
	}
	counted := &countingReader{r: f, n: int64(enc.skip)}
	var src io.Reader = counted
	if enc.enc != nil {
		src = transform.NewReader(counted, enc.enc.NewDecoder())
	}
	r := newCSVReader(path, src, delim, opts)
	r.ctx = ctx
	r.eol = eol
	r.closer = f
	r.counted = counted
	if fi, err := f.Stat(); err == nil {
		r.size = fi.Size()
	}
	r.info.Encoding = enc.name
	if hasSep {
		// Excel hides the sep= line: the line after it is row 1.
		if _, err := r.br.Discard(sepLen); err != nil {
			return nil, &FileError{Path: path, Msg: "cannot read the file", Err: err}
		}
		r.line = 1
	}
	return r, nil
}

// newCSVReader reads UTF-8 CSV text from src with a known delimiter.
func newCSVReader(path string, src io.Reader, delim byte, opts Options) *csvReader {
	if opts.MaxCellBytes <= 0 {
		opts.MaxCellBytes = DefaultMaxCellBytes
	}
	return &csvReader{
		path:    path,
		br:      bufio.NewReaderSize(src, readBufSize),
		delim:   delim,
		eol:     '\n',
		maxCell: opts.MaxCellBytes,
		maxRows: opts.MaxRows,
		lineCap: rowCap(opts.MaxCellBytes),
		info:    Info{Format: "csv", Encoding: "utf-8", Delimiter: string(delim)},
		ctx:     context.Background(),
	}
}

// decodeSample turns the first bytes of the file into UTF-8 text for the sniffers,
// without the byte-order mark. A character cut by the end of the sample may come
// out as U+FFFD, which the sniffers ignore.
func decodeSample(enc textEncoding, head []byte) []byte {
	b := head[enc.skip:]
	if enc.enc == nil {
		return b
	}
	if enc.utf16() {
		b = b[:len(b)&^1]
	}
	out, _, err := transform.Bytes(enc.enc.NewDecoder(), b)
	if err != nil {
		return nil
	}
	return out
}

func (r *csvReader) Info() Info { return r.info }

func (r *csvReader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

// Next returns the next non-blank row.
func (r *csvReader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	for {
		// A file of millions of blank lines never leaves this loop: each record is
		// a point where a cancelled read stops.
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return Row{}, err
		}
		if err := r.readRecord(); err != nil {
			r.err = err
			return Row{}, err
		}
		if r.blankRecord() {
			continue
		}
		r.yielded++
		if r.maxRows > 0 && r.yielded > r.maxRows {
			r.err = &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the file has more than %d rows, the limit set for this run", r.maxRows)}
			return Row{}, r.err
		}
		s := string(r.rec)
		cells := make([]string, len(r.ends))
		start := 0
		for i, end := range r.ends {
			cells[i] = s[start:end]
			start = end
		}
		return Row{Num: r.row, Cells: cells}, nil
	}
}

// blankRecord reports whether every cell of the current record is empty or white
// space. Most records have a printable ASCII byte, which settles it at once.
func (r *csvReader) blankRecord() bool {
	for _, c := range r.rec {
		if c > ' ' && c < 0x80 {
			return false
		}
	}
	// Cell by cell: the cells lie end to end in rec, and the tail of one and the
	// head of the next can together spell a multi-byte space (\xc2 | \x85 is U+0085)
	// that neither cell holds.
	start := 0
	for _, end := range r.ends {
		if len(bytes.TrimSpace(r.rec[start:end])) != 0 {
			return false
		}
		start = end
	}
	return true
}

// readLine returns the next physical line with its line break, or io.EOF.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice(r.eol)
	if err == bufio.ErrBufferFull {
		r.lineBuf = append(r.lineBuf[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(r.lineBuf) > r.lineCap {
				return nil, &FileError{Path: r.path, Line: r.line + 1, Msg: fmt.Sprintf("a line is longer than %d MiB; this does not look like a CSV table", r.lineCap>>20)}
			}
			line, err = r.br.ReadSlice(r.eol)
			r.lineBuf = append(r.lineBuf, line...)
		}
		line = r.lineBuf
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, &FileError{Path: r.path, Line: r.line + 1, Msg: "cannot read the file", Err: err}
	}
	r.line++
	return line, nil
}

// trimEOL drops the line break ("\n" or "\r\n") from the end of a line, and a lone
// trailing "\r" on the last line of the file, as encoding/csv does. With CR line
// ends (eol '\r'), the one "\r" is the line break.
func trimEOL(b []byte, eol byte) []byte {
	if n := len(b); n > 0 && b[n-1] == eol {
		b = b[:n-1]
		if eol == '\r' {
			return b
		}
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// readRecord reads one record (one spreadsheet row, possibly several lines) into
// r.rec and r.ends, counting it in r.row.
func (r *csvReader) readRecord() error {
	line, err := r.readLine()
	if err != nil {
		return err
	}
	r.row++
	r.rec, r.ends = r.rec[:0], r.ends[:0]
	pos := 0
	for {
		fieldStart := len(r.rec)
		if pos < len(line) && line[pos] == '"' {
			quoteLine := r.line
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The cell goes on past this line, line break included.
					r.rec = append(r.rec, line[pos:]...)
					if len(r.rec)-fieldStart > r.maxCell {
						return &FileError{Path: r.path, Line: quoteLine, Msg: fmt.Sprintf("a cell that starts with a quote on this line is longer than %d bytes; most likely the quote is never closed: check the quotes on this line", r.maxCell)}
					}
					if line, err = r.readLine(); err != nil {
						if err == io.EOF {
							return &FileError{Path: r.path, Line: quoteLine, Msg: "a quote (\") opened on this line is never closed; close it or remove it and save the file again"}
						}
						return err
					}
					pos = 0
					continue
				}
				r.rec = append(r.rec, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					r.rec = append(r.rec, '"')
					pos++
					continue
				}
				break
			}
		}
		// An unquoted cell, or what follows a closing quote: up to the delimiter or
		// the end of the line.
		rest := line[pos:]
		j := bytes.IndexByte(rest, r.delim)
		last := j < 0
		if last {
			rest = trimEOL(rest, r.eol)
		} else {
			rest = rest[:j]
			pos += j + 1
		}
		r.rec = append(r.rec, rest...)
		if len(r.rec)-fieldStart > r.maxCell {
			return &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("column %d has a cell longer than %d bytes", len(r.ends)+1, r.maxCell)}
		}
		r.ends = append(r.ends, len(r.rec))
		if len(r.ends) > maxColumns {
			return &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the row has more than %d columns, more than Excel allows", maxColumns)}
		}
		// Quoted cells may go on over many lines, each under the cell cap: the row
		// as a whole has its own cap.
		if len(r.rec) > r.lineCap {
			return &FileError{Path: r.path, Line: r.row, Msg: fmt.Sprintf("the row holds more than %d MiB of text; this is not a normal staff list", r.lineCap>>20)}
		}
		if last {
			break
		}
	}
	r.clean()
	return nil
}

// clean applies cleanBytes to each cell of the current record, compacting rec.
func (r *csvReader) clean() {
	if !needsClean(r.rec) {
		return
	}
	w, start := 0, 0
	for i, end := range r.ends {
		cell := cleanBytes(r.rec[start:end])
		w += copy(r.rec[w:], cell)
		start = end
		r.ends[i] = w
	}
	r.rec = r.rec[:w]
}

// Position reports how many of the file's bytes have been read (including what is
// buffered but not yet parsed) and the file's size, so a progress display can
// estimate the rows a CSV holds.
func (r *csvReader) Position() (read, size int64) {
	if r.counted == nil {
		return 0, 0
	}
	return r.counted.n, r.size
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
