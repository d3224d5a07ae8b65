package source

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// maxPartXML caps the small parts decoded whole with encoding/xml (the workbook,
// its relationships, the styles): real ones are kilobytes, a style sheet with
// thousands of formats a few megabytes.
const maxPartXML = 64 << 20

// book is what the reader needs from the workbook besides the sheet itself.
type book struct {
	zr       *zip.ReadCloser
	sheets   []bookSheet
	date1904 bool
	// strings and styles are found through the workbook's relationships, falling
	// back to the usual names.
	stringsPart, stylesPart string
}

type bookSheet struct {
	name   string
	hidden bool
	part   string // the worksheet's path in the package; "" if unresolved
}

// openBook opens the package and reads the workbook part: sheets, their visibility
// and parts, and the date system.
func openBook(path string) (*book, error) {
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
	b := &book{zr: zr}
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

func (b *book) readWorkbook() error {
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if b.find("xl/workbook.xml") == nil {
		return errNoWorkbook
	}
	if err := b.decode("xl/workbook.xml", &wb); err != nil {
		return err
	}
	// A workbook without relationships is damaged, but its sheets may still be
	// found by their usual names below.
	_ = b.decode("xl/_rels/workbook.xml.rels", &rels)
	b.date1904, _ = strconv.ParseBool(strings.TrimSpace(wb.Pr.Date1904))
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			b.stringsPart = t
		case strings.HasSuffix(r.Type, "/styles"):
			b.stylesPart = t
		}
	}
	if b.stringsPart == "" {
		b.stringsPart = "xl/sharedStrings.xml"
	}
	if b.stylesPart == "" {
		b.stylesPart = "xl/styles.xml"
	}
	for i, s := range wb.Sheets {
		part := targets[s.RID]
		if part == "" {
			part = "xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml"
		}
		b.sheets = append(b.sheets, bookSheet{
			name:   s.Name,
			hidden: s.State == "hidden" || s.State == "veryHidden",
			part:   part,
		})
	}
	return nil
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

func (b *book) decode(name string, v any) error {
	f := b.find(name)
	if f == nil {
		return errors.New("missing " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxPartXML)).Decode(v)
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
func (b *book) readStyles() ([]cellStyle, error) {
	if b.find(b.stylesPart) == nil {
		return nil, nil
	}
	var ss struct {
		NumFmts []struct {
			ID     int    `xml:"numFmtId,attr"`
			Code   string `xml:"formatCode,attr"`
			Code16 string `xml:"http://schemas.microsoft.com/office/spreadsheetml/2015/02/main formatCode16,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID *int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := b.decode(b.stylesPart, &ss); err != nil {
		return nil, err
	}
	custom := make(map[int]string, len(ss.NumFmts))
	for _, nf := range ss.NumFmts {
		c := nf.Code
		if nf.Code16 != "" {
			c = nf.Code16
		}
		custom[nf.ID] = c
	}
	styles := make([]cellStyle, len(ss.Xfs))
	for i, xf := range ss.Xfs {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		styles[i] = classifyFormat(id, custom)
	}
	return styles, nil
}

// classifyFormat says what number format id does, given the custom formats: a
// custom format is a date when its code shows a day or year, a built-in one when it
// is one of the built-in date formats.
func classifyFormat(id int, custom map[int]string) cellStyle {
	c, isCustom := custom[id]
	switch {
	case isCustom && isDateFormat(c), !isCustom && isBuiltInDate(id):
		return cellStyle{kind: xfDate}
	case isCustom && isZeroPadding(c):
		return cellStyle{kind: xfPad, pad: len(c)}
	}
	return cellStyle{kind: xfRaw}
}

// sharedStrings is the workbook's table of strings, which cells of type "s" refer to
// by index. The text is kept in memory, as one string sliced per entry, up to
// memLimit bytes; a larger table goes to a temporary file read back per cell, so a
// workbook of millions of distinct strings reads in bounded memory.
type sharedStrings struct {
	arena string   // in memory: all entries, back to back
	offs  []uint32 // entry i is arena[offs[i]:offs[i+1]]
	file  *os.File // spilled: the entries' text, and then their offsets
	n     int      // the number of entries
	index int64    // spilled: where the offsets start in file
}

// loadSharedStrings reads the shared-string part, if any. Each entry is cleaned as
// cells are (cleanString); an entry longer than maxCell is kept uncleaned and cut
// to maxCell+1 bytes, so that using it still fails the cell-length check.
func (b *book) loadSharedStrings(maxCell int, memLimit int64) (*sharedStrings, error) {
	f := b.find(b.stringsPart)
	if f == nil {
		return &sharedStrings{offs: []uint32{0}}, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sp := &spill{limit: memLimit}
	defer sp.abandon()
	offs := []uint32{0}
	s := newXMLScanner(rc)
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
				if err := sp.add(offs, nil); err != nil {
					return nil, err
				}
				offs = sp.offs(offs)
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
			if err := sp.add(offs, v); err != nil {
				return nil, err
			}
			offs = sp.offs(offs)
		}
	}
	return sp.finish(offs)
}

// spill accumulates the shared strings' text in memory up to limit bytes, then in
// a temporary file.
type spill struct {
	limit int64
	mem   []byte
	file  *os.File
	size  int64
	w     []byte // write buffer for file
}

func (sp *spill) add(offs []uint32, v []byte) error {
	if sp.file == nil && int64(len(sp.mem)+len(v)) > sp.limit {
		f, err := os.CreateTemp("", "userimport-sst-*")
		if err != nil {
			return err
		}
		sp.file = f
		if _, err := f.Write(sp.mem); err != nil {
			return err
		}
		sp.mem = nil
	}
	if sp.size+int64(len(v)) > unzipSizeLimit {
		return errUnzipSize
	}
	sp.size += int64(len(v))
	if sp.file == nil {
		sp.mem = append(sp.mem, v...)
		return nil
	}
	sp.w = append(sp.w, v...)
	if len(sp.w) >= 1<<20 {
		return sp.flush()
	}
	return nil
}

// offs records the end of the entry just added.
func (sp *spill) offs(offs []uint32) []uint32 { return append(offs, uint32(sp.size)) }

func (sp *spill) flush() error {
	if len(sp.w) == 0 {
		return nil
	}
	_, err := sp.file.Write(sp.w)
	sp.w = sp.w[:0]
	return err
}

// finish returns the table; in a spilled table the offsets follow the text in the
// file, so memory holds neither.
func (sp *spill) finish(offs []uint32) (*sharedStrings, error) {
	if sp.file == nil {
		return &sharedStrings{arena: string(sp.mem), offs: offs, n: len(offs) - 1}, nil
	}
	if err := sp.flush(); err != nil {
		return nil, err
	}
	var buf [4]byte
	for _, o := range offs {
		buf[0], buf[1], buf[2], buf[3] = byte(o), byte(o>>8), byte(o>>16), byte(o>>24)
		sp.w = append(sp.w, buf[:]...)
		if len(sp.w) >= 1<<20 {
			if err := sp.flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := sp.flush(); err != nil {
		return nil, err
	}
	t := &sharedStrings{file: sp.file, n: len(offs) - 1, index: sp.size}
	sp.file = nil // handed over
	return t, nil
}

// abandon removes a temporary file that finish did not hand over.
func (sp *spill) abandon() {
	if sp.file != nil {
		sp.file.Close()
		os.Remove(sp.file.Name())
	}
}

// get returns entry i, and false for an index outside the table.
func (t *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= t.n {
		return "", false
	}
	if t.file == nil {
		return t.arena[t.offs[i]:t.offs[i+1]], true
	}
	var ob [8]byte
	if _, err := t.file.ReadAt(ob[:], t.index+4*int64(i)); err != nil {
		return "", false
	}
	a := uint32(ob[0]) | uint32(ob[1])<<8 | uint32(ob[2])<<16 | uint32(ob[3])<<24
	z := uint32(ob[4]) | uint32(ob[5])<<8 | uint32(ob[6])<<16 | uint32(ob[7])<<24
	if z < a {
		return "", false
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
	err := t.file.Close()
	os.Remove(t.file.Name())
	t.file = nil
	return err
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
		if EscapeAt(b, i) {
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
		if EscapeAt(b, i) {
			return i
		}
	}
	return -1
}

// EscapeAt reports whether s holds one of Excel's _xHHHH_ escapes at i. The report
// writer asks it too: a literal _xHHHH_ in a cell must be written escaped, or Excel
// (and this reader) would decode it.
func EscapeAt[T ~string | ~[]byte](s T, i int) bool {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return false
	}
	for j := i + 2; j < i+6; j++ {
		if c := s[j]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// copyRune writes r's UTF-8 encoding at the start of dst (at most 3 bytes for a
// 16-bit value, within the 7 the escape took) and returns its length.
func copyRune(dst []byte, r rune) int {
	var tmp [4]byte
	n := copy(tmp[:], string(r))
	return copy(dst, tmp[:n])
}
