package source

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"userimport/internal/xlsxesc"
)

// Caps on the workbook's own tables, each far above what Excel writes, so that a
// small hostile file cannot make the reader's memory grow with what it declares.
const (
	// maxSheets caps the sheets a workbook lists, and maxRels its relationships
	// (a part for each sheet, plus styles, strings, theme and a few more).
	maxSheets = 4096
	maxRels   = 2 * maxSheets
	// maxNameBytes caps a sheet's name: Excel allows 31 characters, 62 bytes in
	// Cyrillic. maxTargetBytes caps a relationship's target, a path in the package.
	maxNameBytes   = 1024
	maxTargetBytes = 4096
	// maxCellXfs caps the cell formats: Excel's own limit is 64,000 unique cell
	// formats (65,490 in recent versions); maxNumFmts the custom number formats, of
	// which Excel keeps a few hundred. A workbook over either was not written by
	// Excel.
	maxCellXfs = 1 << 16
	maxNumFmts = 1 << 16
)

// maxSharedStrings caps the entries of the shared-string table. The text and its
// offsets spill to temporary files as they grow, so memory is bounded whatever the
// count, but every entry costs four bytes on disk and a scan: 16.7 million is the
// text of a million people in 16 columns, all different, and a table of empty
// entries packed a thousand to one in the ZIP (150 million in a 1 MB file) is
// refused in under a second rather than spilled to 600 MB of temporary file. A
// variable for the tests.
var maxSharedStrings = 1 << 24

// errTooManyStrings is a shared-string table over maxSharedStrings.
var errTooManyStrings = errors.New("too many shared strings")

// tooMany is a workbook table over its cap: what it is, the cap, and whether the cap
// is Excel's own limit, for the message.
type tooMany struct {
	what  string
	max   int
	excel bool
}

func (e *tooMany) Error() string {
	s := fmt.Sprintf("the workbook has more than %d %s", e.max, e.what)
	if e.excel {
		s += ", more than Excel allows"
	}
	return s
}

// book is what the reader needs from the workbook besides the sheet itself.
type book struct {
	zr       *zip.ReadCloser
	sheets   []bookSheet
	date1904 bool
	// strings and styles are found through the workbook's relationships, falling
	// back to the usual names.
	stringsPart, stylesPart string
	// ctx stops the scans of the parts (see xmlScanner.ctx).
	ctx context.Context
}

type bookSheet struct {
	name   string
	hidden bool
	part   string // the worksheet's path in the package; "" if unresolved
}

// openBook opens the package and reads the workbook part: sheets, their visibility
// and parts, and the date system.
func openBook(ctx context.Context, path string) (*book, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > unzipSizeLimit {
		zr.Close()
		return nil, errUnzipSize
	}
	b := &book{zr: zr, ctx: ctx}
	if err := b.readWorkbook(); err != nil {
		zr.Close()
		return nil, err
	}
	return b, nil
}

// errUnzipSize is a workbook whose parts unpack to more than unzipSizeLimit.
var errUnzipSize = fmt.Errorf("unzip size exceeds the limit of %d bytes", unzipSizeLimit)

// errNoWorkbook is a package without xl/workbook.xml (a binary .xlsb has
// xl/workbook.bin instead).
var errNoWorkbook = errors.New("missing xl/workbook.xml")

// scan opens part name and calls fn for each start tag of its XML, with the tag's
// depth (1 for the root element), until fn returns an error or the part ends. A
// missing part is an error.
func (b *book) scan(name string, fn func(s *xmlScanner, depth int) error) error {
	f := b.find(name)
	if f == nil {
		return errors.New("missing " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s := newXMLScannerContext(b.ctx, rc)
	depth := 0
	for {
		k, err := s.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEOF:
			return nil
		case tokEnd:
			depth--
		case tokStart:
			if err := fn(s, depth+1); err != nil {
				return err
			}
			if !s.selfClose {
				depth++
			}
		}
	}
}

// readWorkbook reads the sheets (xl/workbook.xml: workbook > sheets > sheet) and
// where their parts are (its relationships), with the package's own scanner rather
// than encoding/xml, which would buffer any attribute whole: the sheets, their names
// and the relationships are capped, so the workbook part cannot fill memory.
func (b *book) readWorkbook() error {
	if b.find("xl/workbook.xml") == nil {
		return errNoWorkbook
	}
	type sheetEntry struct {
		name, state, rid string
	}
	var entries []sheetEntry
	parent := ""
	err := b.scan("xl/workbook.xml", func(s *xmlScanner, depth int) error {
		if depth == 2 {
			parent = string(s.name)
		}
		switch {
		case depth == 2 && s.is("workbookPr"):
			if v, ok := s.attrText("date1904"); ok {
				b.date1904, _ = strconv.ParseBool(strings.TrimSpace(v))
			}
		case depth == 3 && parent == "sheets" && s.is("sheet"):
			if len(entries) == maxSheets {
				return &tooMany{"sheets", maxSheets, false}
			}
			var e sheetEntry
			e.name, _ = s.attrText("name")
			if len(e.name) > maxNameBytes {
				return fmt.Errorf("a sheet's name is %d bytes long", len(e.name))
			}
			e.state, _ = s.attrText("state")
			if rid, ok := s.attrPrefixed("id"); ok && len(rid) <= maxTargetBytes {
				e.rid = string(appendDecoded(nil, rid))
			}
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// A workbook without relationships is damaged, but its sheets may still be
	// found by their usual names below.
	targets := map[string]string{}
	nrels := 0
	err = b.scan("xl/_rels/workbook.xml.rels", func(s *xmlScanner, depth int) error {
		if depth != 2 || !s.is("Relationship") {
			return nil
		}
		if nrels++; nrels > maxRels {
			return &tooMany{"relationships between its parts", maxRels, false}
		}
		id, _ := s.attrText("Id")
		typ, _ := s.attrText("Type")
		t, _ := s.attrText("Target")
		if len(id) > maxTargetBytes || len(t) > maxTargetBytes {
			return nil // not a part this reader could open
		}
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[id] = t
		switch {
		case strings.HasSuffix(typ, "/sharedStrings"):
			b.stringsPart = t
		case strings.HasSuffix(typ, "/styles"):
			b.stylesPart = t
		}
		return nil
	})
	if tm, ok := errors.AsType[*tooMany](err); ok {
		return tm
	}
	if ctxErr := b.ctxErr(); ctxErr != nil {
		return ctxErr
	}
	if b.stringsPart == "" {
		b.stringsPart = "xl/sharedStrings.xml"
	}
	if b.stylesPart == "" {
		b.stylesPart = "xl/styles.xml"
	}
	for i, e := range entries {
		part := targets[e.rid]
		if part == "" {
			part = "xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml"
		}
		b.sheets = append(b.sheets, bookSheet{
			name:   e.name,
			hidden: e.state == "hidden" || e.state == "veryHidden",
			part:   part,
		})
	}
	return nil
}

// ctxErr is the error of a cancelled book, nil otherwise.
func (b *book) ctxErr() error {
	if b.ctx == nil {
		return nil
	}
	return b.ctx.Err()
}

// find returns the package part named name, matched as Excel does: without regard
// to case, and with backslashes taken for slashes.
func (b *book) find(name string) *zip.File {
	for _, f := range b.zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
}

func (b *book) names() []string {
	out := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		out[i] = s.name
	}
	return out
}

func (b *book) Close() error { return b.zr.Close() }

// xfKind is what a cell format does to a number, for this reader: show it as a
// date, pad it with zeros, or leave the stored value as it is.
type xfKind uint8

const (
	xfRaw xfKind = iota
	xfDate
	xfPad
)

// cellStyle is one entry of the workbook's cellXfs, reduced to what the reader needs.
type cellStyle struct {
	kind xfKind
	pad  int // xfPad: the number of digits
}

// readStyles reads the cell formats: for each xf (the s attribute of a cell), whether
// its number format is a date, a zero padding ("000000", which the person sees and
// means: a personnel number 000123) or anything else, whose rendering ("#,##0.00"
// would turn 1234567.891 into "1,234,567.89") the importer must not see. A workbook
// without styles has none: every cell is raw.
//
// The part is scanned, not decoded whole (styleSheet > numFmts > numFmt and
// styleSheet > cellXfs > xf, as encoding/xml matched them): each custom format is
// classified as it is read, so its code is not kept, and both lists are capped.
func (b *book) readStyles() ([]cellStyle, error) {
	if b.find(b.stylesPart) == nil {
		return nil, nil
	}
	custom := map[int]cellStyle{}
	nfmts := 0
	var xfs []int // each xf's numFmtId
	parent := ""
	err := b.scan(b.stylesPart, func(s *xmlScanner, depth int) error {
		if depth == 2 {
			parent = string(s.name)
		}
		switch {
		case depth == 3 && parent == "numFmts" && s.is("numFmt"):
			if nfmts++; nfmts > maxNumFmts {
				return &tooMany{"number formats", maxNumFmts, true}
			}
			id, err := intAttr(s, "numFmtId")
			if err != nil {
				return err
			}
			code, _ := s.attrText("formatCode")
			if c16, ok := s.attrText("formatCode16"); ok && c16 != "" {
				code = c16
			}
			custom[id] = classifyCode(code)
		case depth == 3 && parent == "cellXfs" && s.is("xf"):
			if len(xfs) == maxCellXfs {
				return &tooMany{"cell formats", maxCellXfs, true}
			}
			id, err := intAttr(s, "numFmtId")
			if err != nil {
				return err
			}
			xfs = append(xfs, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	styles := make([]cellStyle, len(xfs))
	for i, id := range xfs {
		styles[i] = classifyFormat(id, custom)
	}
	return styles, nil
}

// intAttr reads an integer attribute as encoding/xml did: spaces around it are
// allowed, anything else that is not a number is an error; missing is 0.
func intAttr(s *xmlScanner, name string) (int, error) {
	v, ok := s.attr(name)
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(v)))
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a number", name, v)
	}
	return n, nil
}

// classifyCode says what a custom number format does: a date when its code shows
// a day or year, a zero padding, or nothing the reader renders.
func classifyCode(code string) cellStyle {
	switch {
	case isDateFormat(code):
		return cellStyle{kind: xfDate}
	case isZeroPadding(code):
		return cellStyle{kind: xfPad, pad: len(code)}
	}
	return cellStyle{kind: xfRaw}
}

// classifyFormat says what number format id does, given the custom formats
// (classified): a custom format as its code says, a built-in one is a date when it
// is one of the built-in date formats.
func classifyFormat(id int, custom map[int]cellStyle) cellStyle {
	if st, ok := custom[id]; ok {
		return st
	}
	if isBuiltInDate(id) {
		return cellStyle{kind: xfDate}
	}
	return cellStyle{kind: xfRaw}
}

// sharedStrings is the workbook's table of strings, which cells of type "s" refer to
// by index. The text and the entries' offsets are kept in memory up to memLimit bytes
// together, in chunks of fixed size (so the table never grows by copying itself:
// a slice that doubles holds its old and new arrays at once); a larger table goes to
// two temporary files, the text and the offsets, read back per cell, so a workbook
// of millions of strings, or of millions of empty ones, reads in bounded memory.
type sharedStrings struct {
	text  []string   // in memory: the text, back to back, in chunks of chunk bytes
	chunk int        // the size of a text chunk
	offs  [][]uint32 // in memory: entry i ends at offs[i>>offShift][i&offMask]
	file  *os.File   // spilled: the text
	ofile *os.File   // spilled: the offsets, four bytes each, little-endian
	n     int        // the number of entries
}

// The offsets are kept in chunks of 1<<offShift.
const (
	offShift = 16
	offMask  = 1<<offShift - 1
	// textChunk is the size of a chunk of text in memory, at least; a chunk is
	// never smaller than the longest entry, so an entry spans at most two.
	textChunk = 1 << 20
)

// loadSharedStrings reads the shared-string part, if any. Each entry is cleaned as
// cells are (cleanString); an entry longer than maxCell is kept uncleaned and cut
// to maxCell+1 bytes, so that using it still fails the cell-length check.
func (b *book) loadSharedStrings(maxCell int, memLimit int64) (*sharedStrings, error) {
	f := b.find(b.stringsPart)
	if f == nil {
		return newSpill(maxCell, memLimit, 0).finish()
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sp := newSpill(maxCell, memLimit, f.UncompressedSize64)
	defer sp.abandon()
	s := newXMLScannerContext(b.ctx, rc)
	var text []byte
	// depth of <rPh> (phonetic runs, not part of the text) and whether inside <si>.
	inSI, phonetic := false, 0
	for {
		k, err := s.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			break
		}
		switch {
		case k == tokStart && s.is("si"):
			inSI, phonetic, text = true, 0, text[:0]
			if s.selfClose {
				inSI = false
				if err := sp.add(nil); err != nil {
					return nil, err
				}
			}
		case k == tokStart && s.is("rPh") && !s.selfClose:
			phonetic++
		case k == tokEnd && s.is("rPh"):
			phonetic--
		case k == tokStart && s.is("t") && inSI && phonetic == 0 && !s.selfClose:
			if text, err = s.charData(text, maxCell+1); err != nil && err != errTextTooLong {
				return nil, err
			}
			if err == errTextTooLong {
				// Keep the start; skip the rest of this <t>.
				text = text[:maxCell+1]
				if err := s.skipPast([]byte("</")); err != nil {
					return nil, err
				}
			}
		case k == tokEnd && s.is("si") && inSI:
			inSI = false
			v := bstrUnmarshal(text)
			if len(v) > maxCell {
				v = v[:maxCell+1]
			} else {
				v = cleanBytes(v)
			}
			if err := sp.add(v); err != nil {
				return nil, err
			}
		}
	}
	return sp.finish()
}

// spill accumulates the shared strings' text and offsets in memory up to limit
// bytes together, then in two temporary files.
type spill struct {
	limit int64
	hint  uint64 // the part's size: the text is no longer, so no chunk need be
	t     sharedStrings
	cur   strings.Builder // the text chunk being filled
	size  int64           // the text's length
	w, ow []byte          // spilled: write buffers for t.file and t.ofile
}

func newSpill(maxCell int, limit int64, hint uint64) *spill {
	sp := &spill{limit: limit, hint: hint}
	sp.t.chunk = max(textChunk, maxCell+1)
	sp.t.offs = [][]uint32{{0}}
	return sp
}

// add appends one entry.
func (sp *spill) add(v []byte) error {
	t := &sp.t
	if t.n >= maxSharedStrings {
		return errTooManyStrings
	}
	if sp.size+int64(len(v)) > unzipSizeLimit {
		return errUnzipSize
	}
	if t.file == nil && sp.size+int64(len(v))+4*int64(t.n+2) > sp.limit {
		if err := sp.spill(); err != nil {
			return err
		}
	}
	sp.size += int64(len(v))
	t.n++
	if t.file != nil {
		sp.w = append(sp.w, v...)
		sp.ow = appendUint32(sp.ow, uint32(sp.size))
		if len(sp.w) >= 1<<20 || len(sp.ow) >= 1<<20 {
			return sp.flush()
		}
		return nil
	}
	for len(v) > 0 {
		if sp.cur.Cap() == 0 {
			sp.cur.Grow(int(min(uint64(t.chunk), max(sp.hint, 64))))
		}
		k := min(len(v), t.chunk-sp.cur.Len())
		sp.cur.Write(v[:k])
		v = v[k:]
		if sp.cur.Len() == t.chunk {
			t.text = append(t.text, sp.cur.String())
			sp.cur = strings.Builder{}
		}
	}
	last := &t.offs[len(t.offs)-1]
	if len(*last) == 1<<offShift {
		t.offs = append(t.offs, make([]uint32, 0, 1<<offShift))
		last = &t.offs[len(t.offs)-1]
	}
	*last = append(*last, uint32(sp.size))
	return nil
}

// spill moves what memory holds to two new temporary files.
func (sp *spill) spill() error {
	t := &sp.t
	for _, f := range []**os.File{&t.file, &t.ofile} {
		var err error
		if *f, err = os.CreateTemp("", "userimport-sst-*"); err != nil {
			return err
		}
	}
	for _, c := range append(t.text, sp.cur.String()) {
		if _, err := io.WriteString(t.file, c); err != nil {
			return err
		}
	}
	t.text, sp.cur = nil, strings.Builder{}
	for _, chunk := range t.offs {
		for _, o := range chunk {
			sp.ow = appendUint32(sp.ow, o)
		}
		if err := sp.flush(); err != nil {
			return err
		}
	}
	t.offs = nil
	return nil
}

func appendUint32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func (sp *spill) flush() error {
	if len(sp.w) > 0 {
		if _, err := sp.t.file.Write(sp.w); err != nil {
			return err
		}
		sp.w = sp.w[:0]
	}
	if len(sp.ow) > 0 {
		if _, err := sp.t.ofile.Write(sp.ow); err != nil {
			return err
		}
		sp.ow = sp.ow[:0]
	}
	return nil
}

// finish returns the table, handing the temporary files, if any, over to it.
func (sp *spill) finish() (*sharedStrings, error) {
	t := sp.t
	if t.file == nil {
		t.text = append(t.text, sp.cur.String())
		return &t, nil
	}
	if err := sp.flush(); err != nil {
		return nil, err
	}
	sp.t.file, sp.t.ofile = nil, nil // handed over
	return &t, nil
}

// abandon removes the temporary files that finish did not hand over.
func (sp *spill) abandon() {
	for _, f := range []*os.File{sp.t.file, sp.t.ofile} {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
}

// get returns entry i, and false for an index outside the table.
func (t *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= t.n {
		return "", false
	}
	if t.file == nil {
		a := int(t.offs[i>>offShift][i&offMask])
		z := int(t.offs[(i+1)>>offShift][(i+1)&offMask])
		if z <= a {
			return "", true
		}
		ca, cz := a/t.chunk, (z-1)/t.chunk
		if ca == cz {
			return t.text[ca][a-ca*t.chunk : z-ca*t.chunk], true
		}
		// An entry across two chunks, the one case that allocates.
		return t.text[ca][a-ca*t.chunk:] + t.text[cz][:z-cz*t.chunk], true
	}
	var ob [8]byte
	if _, err := t.ofile.ReadAt(ob[:], 4*int64(i)); err != nil {
		return "", false
	}
	a := uint32(ob[0]) | uint32(ob[1])<<8 | uint32(ob[2])<<16 | uint32(ob[3])<<24
	z := uint32(ob[4]) | uint32(ob[5])<<8 | uint32(ob[6])<<16 | uint32(ob[7])<<24
	if z < a {
		return "", false
	}
	if z == a {
		return "", true
	}
	buf := make([]byte, z-a)
	if _, err := t.file.ReadAt(buf, int64(a)); err != nil {
		return "", false
	}
	return string(buf), true
}

func (t *sharedStrings) Close() error {
	if t == nil || t.file == nil {
		return nil
	}
	var errs []error
	for _, f := range []*os.File{t.file, t.ofile} {
		errs = append(errs, f.Close())
		os.Remove(f.Name())
	}
	t.file, t.ofile = nil, nil
	return errors.Join(errs...)
}

// bstrUnmarshal decodes the _xHHHH_ escapes Excel uses for characters XML 1.0
// cannot carry (_x0008_ is a backspace; _x005F_ is an escaped underscore), in place,
// as excelize does.
func bstrUnmarshal(b []byte) []byte {
	i := indexEscape(b, 0)
	if i < 0 {
		return b
	}
	w := i
	for i < len(b) {
		if xlsxesc.At(b, i) {
			v, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
			switch {
			case v == 0x5F:
				b[w] = '_'
				w++
			case 0xD800 <= v && v <= 0xDFFF:
				// A lone surrogate is no character; excelize drops it.
			default:
				w += copyRune(b[w:i+7], rune(v))
			}
			i += 7
			continue
		}
		b[w] = b[i]
		w++
		i++
	}
	return b[:w]
}

func indexEscape(b []byte, from int) int {
	for i := from; i+7 <= len(b); i++ {
		if xlsxesc.At(b, i) {
			return i
		}
	}
	return -1
}

// copyRune writes r's UTF-8 encoding at the start of dst (at most 3 bytes for a
// 16-bit value, within the 7 the escape took) and returns its length.
func copyRune(dst []byte, r rune) int {
	var tmp [4]byte
	n := copy(tmp[:], string(r))
	return copy(dst, tmp[:n])
}
