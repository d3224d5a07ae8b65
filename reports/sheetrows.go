package reports

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"userimport/internal/xlsxesc"
)

// sheetRows writes a worksheet's data rows as SpreadsheetML into a temporary file in
// the report folder; xlsxSheet splices them into the sheet excelize writes.
//
// excelize's StreamWriter took two fifths of a 100,000-row XLSX validate: per cell it
// escapes the text through a new strings.Builder, a ReplaceAll and a regular
// expression, names the cell through fmt-like code, and keeps every row in a buffer
// that grows to 16 MB before it goes to disk. Here a row is one buffer written to a
// file, each character looked at once. excelize still writes everything else (the
// header row, styles, frozen pane, filter, notes, column widths), so the workbook's
// structure stays its own.
type sheetRows struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
}

// sheetCell is one cell of a data row: its 0-based column, and a style, text or both.
type sheetCell struct {
	col   int
	style int
	text  string
}

func newSheetRows(dir string) (*sheetRows, error) {
	f, err := os.CreateTemp(dir, sheetRowsPattern)
	if err != nil {
		return nil, err
	}
	return &sheetRows{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// sheetRowsPattern names the temporary files; removeStale clears a killed run's.
const sheetRowsPattern = ".userimport-rows-*.xml"

// row writes row num: cells, in ascending columns below maxColumns.
func (s *sheetRows) row(num int, cells []sheetCell) error {
	b := append(s.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(num), 10)
	b = append(b, `">`...)
	for _, c := range cells {
		b = append(b, `<c r="`...)
		b = appendColumnName(b, c.col)
		b = strconv.AppendInt(b, int64(num), 10)
		b = append(b, '"')
		if c.style != 0 {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(c.style), 10)
			b = append(b, '"')
		}
		if c.text == "" {
			b = append(b, `></c>`...)
			continue
		}
		b = append(b, ` t="inlineStr"><is><t`...)
		if t := c.text; t != "" && (isXMLSpace(t[0]) || isXMLSpace(t[len(t)-1])) {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendCellText(b, c.text)
		b = append(b, `</t></is></c>`...)
	}
	b = append(b, `</row>`...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

// appendColumnName appends the letters of 0-based column col: A, …, Z, AA, ….
func appendColumnName(b []byte, col int) []byte {
	var name [4]byte // XFD, Excel's last column, is three letters
	i := len(name)
	for n := col + 1; n > 0 && i > 0; n = (n - 1) / 26 {
		i--
		name[i] = byte('A' + (n-1)%26)
	}
	return append(b, name[i:]...)
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// maxCellChars is Excel's limit on a cell's length, in UTF-16 code units; excelize
// cuts longer text there too.
const maxCellChars = 32767

// appendCellText appends s as the text of an inline string, as excelize writes it:
// cut to Excel's length limit, XML-escaped (a line feed stays a line feed), a
// character XML 1.0 cannot carry, or a byte that is not UTF-8, as U+FFFD, and a
// literal _xHHHH_ (which Excel would read as an escaped character) with its
// underscore escaped as _x005F_.
func appendCellText(b []byte, s string) []byte {
	units := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if units += utf16.RuneLen(r); units > maxCellChars {
			break
		}
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\uFFFD"...)
		case r == '_' && xlsxesc.At(s, i):
			b = append(b, "_x005F_"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&#34;"...)
		case r == '\'':
			b = append(b, "&#39;"...)
		case r == '\t':
			b = append(b, "&#x9;"...)
		case r == '\r':
			b = append(b, "&#xD;"...)
		case r == '\n':
			b = append(b, '\n')
		case !inXMLCharRange(r):
			b = append(b, "\uFFFD"...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// inXMLCharRange is XML 1.0's Char production, as encoding/xml's escaping checks it.
func inXMLCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// finish flushes the rows and leaves the file ready to be read from the start.
func (s *sheetRows) finish() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}

// close removes the temporary file.
func (s *sheetRows) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// sheetDataEnd is where the rows go: excelize's StreamWriter writes it once, after
// the rows it was given (the header), and no cell text can hold it, since a cell's
// "<" is always escaped.
var sheetDataEnd = []byte("</sheetData>")

// splicer passes a worksheet's XML through and puts rows in before </sheetData>.
type splicer struct {
	w       io.Writer
	rows    io.Reader
	carry   []byte // the end of what came so far, which may be the start of the marker
	spliced bool
}

func (s *splicer) Write(p []byte) (int, error) {
	if s.spliced {
		return s.w.Write(p)
	}
	data := append(s.carry, p...)
	if i := bytes.Index(data, sheetDataEnd); i >= 0 {
		if _, err := s.w.Write(data[:i]); err != nil {
			return 0, err
		}
		if _, err := io.Copy(s.w, s.rows); err != nil {
			return 0, fmt.Errorf("copy the rows: %w", err)
		}
		s.spliced = true
		s.carry = nil
		if _, err := s.w.Write(data[i:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	// Keep what could be the marker's first bytes; pass the rest on.
	keep := min(len(data), len(sheetDataEnd)-1)
	if _, err := s.w.Write(data[:len(data)-keep]); err != nil {
		return 0, err
	}
	s.carry = append(s.carry[:0:0], data[len(data)-keep:]...)
	return len(p), nil
}

// spliceZip is the zip writer excelize writes the workbook through: the worksheet's
// entry goes through a splicer.
type spliceZip struct {
	excelize.ZipWriter
	rows   io.Reader
	sheets []*splicer
}

func (z *spliceZip) Create(name string) (io.Writer, error) {
	w, err := z.ZipWriter.Create(name)
	if err != nil || !isWorksheet(name) {
		return w, err
	}
	s := &splicer{w: w, rows: z.rows}
	z.sheets = append(z.sheets, s)
	return s, nil
}

func (z *spliceZip) Close() error {
	for _, s := range z.sheets {
		if !s.spliced {
			if _, err := s.w.Write(s.carry); err != nil {
				return err
			}
		}
	}
	if len(z.sheets) != 1 || !z.sheets[0].spliced {
		z.ZipWriter.Close()
		return errors.New("the rows found no place in the worksheet (an excelize change?)")
	}
	return z.ZipWriter.Close()
}

func isWorksheet(name string) bool {
	const dir = "xl/worksheets/"
	return len(name) > len(dir) && name[:len(dir)] == dir && !bytes.ContainsRune([]byte(name[len(dir):]), '/')
}
