package source

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/richardlehane/mscfb"
)

// sniffSize is how much of the file decides the format, the encoding and the
// delimiter: 64 KiB holds the header and a few hundred rows of any real sheet.
const sniffSize = 64 << 10

var (
	magicZIP = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// foreignMagic lists the starts of common files people attach by mistake, with
// what to call them.
var foreignMagic = []struct {
	magic string
	what  string
}{
	{"%PDF", "a PDF document"},
	{"\x89PNG", "a PNG image"},
	{"\xFF\xD8\xFF", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"\x1F\x8B", "a gzip archive"},
	{"Rar!", "a RAR archive"},
	{"7z\xBC\xAF", "a 7-Zip archive"},
	{"{\\rtf", "an RTF document"},
	{"\x7FELF", "a program"},
	{"MZ\x90\x00", "a program"},
}

// Open opens the spreadsheet at path, deciding from its bytes (never its name)
// whether it is CSV or XLSX, and returns a Reader positioned before the first row.
// Every problem with the file is a *FileError that a person can act on.
func Open(path string, opts Options) (Reader, error) {
	return OpenContext(context.Background(), path, opts)
}

// OpenContext is Open with a context that stops the reading: once ctx is done,
// opening (which may scan a workbook's whole table of texts) and every later Next
// stop within one buffer's worth of work and return ctx.Err(), which is not a
// *FileError. ctx is kept by the Reader.
func OpenContext(ctx context.Context, path string, opts Options) (Reader, error) {
	if opts.MaxCellBytes <= 0 {
		opts.MaxCellBytes = DefaultMaxCellBytes
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Only a regular file: opening a named pipe waits for a writer, forever, and a
	// device or a socket never ends; a folder is a mistake to name as such.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &FileError{Path: path, Msg: "cannot open the file", Err: err}
	}
	if msg := notRegular(fi.Mode()); msg != "" {
		return nil, &FileError{Path: path, Msg: msg}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Msg: "cannot open the file", Err: err}
	}
	if fi, err := f.Stat(); err == nil && notRegular(fi.Mode()) != "" {
		f.Close() // replaced since the check above
		return nil, &FileError{Path: path, Msg: notRegular(fi.Mode())}
	}
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		f.Close()
		return nil, &FileError{Path: path, Msg: "cannot read the file", Err: err}
	}
	head = head[:n]
	if n == 0 {
		f.Close()
		return nil, &FileError{Path: path, Msg: "the file is empty; save the spreadsheet again and check that it has rows"}
	}
	switch {
	case bytes.HasPrefix(head, magicZIP):
		err := checkZIPEntries(path, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		if err := checkZIP(path); err != nil {
			return nil, err
		}
		return openXLSX(ctx, path, opts)
	case bytes.HasPrefix(head, magicOLE):
		msg := oleKind(f)
		f.Close()
		return nil, &FileError{Path: path, Msg: msg}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, &FileError{Path: path, Msg: "cannot read the file", Err: err}
	}
	r, err := newCSV(ctx, path, f, head, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// notRegular says what a file that is not a regular file is, and that a regular one
// is wanted; "" for a regular file.
func notRegular(m fs.FileMode) string {
	const want = "save the spreadsheet as a file and give its path"
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "this is a folder, not a file; give the path of the .xlsx or .csv file"
	case m&fs.ModeNamedPipe != 0:
		return "this is a named pipe (FIFO), not a regular file; " + want
	case m&fs.ModeSocket != 0:
		return "this is a socket, not a regular file; " + want
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "this is a device, not a regular file; " + want
	}
	return "this is not a regular file; " + want
}

// maxZIPEntries and maxZIPDirBytes cap the list of parts of a workbook (the ZIP's
// central directory): a real one lists a few dozen parts in a few kilobytes, one
// with a thousand sheets a few thousand in a few hundred. archive/zip keeps a
// record of a few hundred bytes for every entry listed, so a file of millions of
// empty entries would fill memory before a single part is read. The count, the
// list's size and where it starts are in the last bytes of the file, read first;
// archive/zip reads entries from the start of the list until one is not an entry,
// whatever count and size it declares, so the list is measured from the earliest
// start it may take to the end record.
const (
	maxZIPEntries  = 65535
	maxZIPDirBytes = 2 << 20
)

// checkZIPEntries refuses a ZIP file whose central directory may hold more than
// maxZIPEntries entries or more than maxZIPDirBytes. A file whose end record
// cannot be found is left to archive/zip, which says it is damaged.
func checkZIPEntries(path string, f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	const eocdLen, locLen, eocd64Len = 22, 20, 56
	size := fi.Size()
	n := min(size, int64(eocdLen+65535+locLen))
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, size-n); err != nil {
		return nil
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < eocdLen {
		return nil
	}
	end := size - n + int64(i)
	entries := uint64(binary.LittleEndian.Uint16(tail[i+10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(tail[i+12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(tail[i+16:]))
	if i >= locLen && bytes.HasPrefix(tail[i-locLen:], []byte("PK\x06\x07")) {
		// ZIP64: the figures are in the ZIP64 end record the locator points to.
		off := int64(binary.LittleEndian.Uint64(tail[i-locLen+8:]))
		rec := make([]byte, eocd64Len)
		if off >= 0 && off < size {
			if _, err := f.ReadAt(rec, off); err == nil && bytes.HasPrefix(rec, []byte("PK\x06\x06")) {
				end = off
				entries = binary.LittleEndian.Uint64(rec[32:])
				dirSize = binary.LittleEndian.Uint64(rec[40:])
				dirOff = binary.LittleEndian.Uint64(rec[48:])
			}
		}
	}
	start := end
	if dirSize <= uint64(end) {
		start = end - int64(dirSize)
	} else {
		start = 0
	}
	if dirOff < uint64(start) {
		start = int64(dirOff)
	}
	if entries > maxZIPEntries || end-start > maxZIPDirBytes {
		return &FileError{Path: path, Msg: fmt.Sprintf("the workbook lists more parts than any real workbook has (over %d, or a list over %d MiB); this is not a normal staff list", maxZIPEntries, maxZIPDirBytes>>20)}
	}
	return nil
}

// checkZIP refuses ZIP files that are not Excel workbooks, naming what they are
// when that is known (an OpenDocument spreadsheet is the common case).
func checkZIP(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &FileError{Path: path, Msg: "the workbook is damaged (it is not a valid .xlsx file); open it in Excel and save it again", Err: err}
	}
	defer zr.Close()
	hasWorkbook := false
	for _, zf := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		switch name {
		case "xl/workbook.xml", "xl/workbook.bin":
			hasWorkbook = true
		case "mimetype":
			if zf.UncompressedSize64 > 256 {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				continue
			}
			mt, _ := io.ReadAll(io.LimitReader(rc, 256))
			rc.Close()
			if strings.HasPrefix(string(mt), "application/vnd.oasis.opendocument.spreadsheet") {
				return &FileError{Path: path, Msg: "this is an OpenDocument spreadsheet (.ods); save it as .xlsx"}
			}
			if strings.HasPrefix(string(mt), "application/vnd.oasis.opendocument") {
				return &FileError{Path: path, Msg: "this is an OpenDocument file, not a spreadsheet; save the table as .xlsx"}
			}
		case "word/document.xml":
			return &FileError{Path: path, Msg: "this is a Word document, not a spreadsheet; save the table as .xlsx"}
		}
	}
	if !hasWorkbook {
		return &FileError{Path: path, Msg: "this is a ZIP archive, not an Excel workbook; unpack it or save the table as .xlsx"}
	}
	return nil
}

// oleKind tells a legacy .xls from an encrypted .xlsx: both are OLE2 compound
// files, but Excel stores a password-protected workbook as an OLE file holding an
// EncryptionInfo stream. A file whose directory cannot be read is taken for a
// legacy .xls, the far more common case.
func oleKind(r io.ReaderAt) string {
	const xls = "this is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as .xlsx"
	doc, err := mscfb.New(r)
	if err != nil {
		return xls
	}
	other := false
	for i := 0; i < 1000; i++ { // a real directory has a handful of entries
		entry, err := doc.Next()
		if err != nil {
			break
		}
		switch entry.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return "the workbook is password-protected; remove the password and save it again"
		case "Workbook", "Book":
			return xls
		case "WordDocument", "PowerPoint Document":
			other = true
		}
	}
	if other {
		return "this is an old Office document, not a spreadsheet; save the table as .xlsx"
	}
	return xls
}

// notSpreadsheet checks the first bytes of a file that is not a ZIP or OLE file
// for things that are plainly not text tables. utf16 says the text is UTF-16, where
// NUL bytes are normal.
func notSpreadsheet(head []byte, utf16 bool) string {
	for _, m := range foreignMagic {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return "this is " + m.what + ", not a spreadsheet; export the table as .xlsx or .csv"
		}
	}
	if utf16 {
		return ""
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 512)])
	switch {
	case bytes.HasPrefix(lower, []byte("<?xml")) && bytes.Contains(lower, []byte("urn:schemas-microsoft-com:office:spreadsheet")),
		bytes.HasPrefix(lower, []byte("<?xml")) && bytes.Contains(lower, []byte("progid=\"excel.sheet\"")):
		return "this is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")),
		bytes.HasPrefix(lower, []byte("<table")):
		return "this is a web page (HTML) with a spreadsheet name; open it in Excel and save it as .xlsx"
	}
	// Control characters other than tab, line breaks and form feed never occur in
	// a text table; random binary data is full of them. One percent allows a stray
	// character in a real file.
	ctrl := 0
	for _, c := range head {
		if c == 0 {
			return "this is not a spreadsheet (the file holds binary data); export the table as .xlsx or .csv"
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F {
			ctrl++
		}
	}
	if ctrl*100 > len(head) {
		return "this is not a spreadsheet (the file holds binary data); export the table as .xlsx or .csv"
	}
	return ""
}
