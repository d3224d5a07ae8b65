package source

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	// maxExtras caps how many merged ranges and formula cells without a value are
	// remembered, so that a hostile sheet cannot make the reader's memory grow.
	maxExtras = 10000
	// maxMergeRows and maxMergeCols bound the merged ranges that are filled: a real
	// merged header or group is a few cells; a range over a million rows would turn
	// empty rows into data.
	maxMergeRows = 1000
	maxMergeCols = 256
	scanChunk    = 256 << 10
)

// merge is one merged range, 1-based inclusive, and the value of its top-left cell.
type merge struct {
	top, left, bottom, right int
	value                    string
}

// sheetExtras is what the Rows iterator cannot tell while streaming, gathered by
// one quick byte scan of the sheet before reading it: merged ranges (they are
// stored after all the rows) and formula cells with no cached value (the iterator
// returns them as empty strings, like blank cells).
type sheetExtras struct {
	merges  []merge // sorted by top row
	next    int     // merges[next:] have not started yet
	active  []*merge
	noValue map[int][]int // row → 0-based columns
}

// fillMerged writes the value of each merged range into every cell it covers, so a
// merged header "Телефон" over two columns names both, and a department merged
// down a group of people applies to each of them. Excel keeps the value only in
// the top-left cell; the others read as empty.
func (e *sheetExtras) fillMerged(row int, cells []string) []string {
	for e.next < len(e.merges) && e.merges[e.next].top <= row {
		e.active = append(e.active, &e.merges[e.next])
		e.next++
	}
	kept := e.active[:0]
	for _, m := range e.active {
		if m.bottom < row {
			continue
		}
		kept = append(kept, m)
		if row == m.top {
			if m.left-1 < len(cells) {
				m.value = cells[m.left-1]
			}
		}
		if m.value == "" {
			continue
		}
		for len(cells) < m.right {
			cells = append(cells, "")
		}
		for c := m.left - 1; c < m.right; c++ {
			if cells[c] == "" {
				cells[c] = m.value
			}
		}
	}
	e.active = kept
	return cells
}

// scanSheet finds the sheet's part in the package and scans it; see sheetExtras.
func scanSheet(file, sheet string) (sheetExtras, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return sheetExtras{}, err
	}
	defer zr.Close()
	part, err := sheetPart(&zr.Reader, sheet)
	if err != nil || part == nil {
		return sheetExtras{}, err
	}
	rc, err := part.Open()
	if err != nil {
		return sheetExtras{}, err
	}
	defer rc.Close()
	return scanSheetXML(rc)
}

func findPart(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
}

func readPart(zr *zip.Reader, name string, v any) error {
	f := findPart(zr, name)
	if f == nil {
		return errors.New("missing " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
}

// sheetPart resolves a sheet name to its XML part through the workbook and its
// relationships, as excelize does internally.
func sheetPart(zr *zip.Reader, sheet string) (*zip.File, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readPart(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := readPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	for _, s := range wb.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID != s.RID {
				continue
			}
			target := r.Target
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join("xl", target)
			}
			return findPart(zr, target), nil
		}
	}
	return nil, nil
}

var (
	tagSheetDataEnd = []byte("</sheetData>")
	tagCell         = []byte("<c")
	tagCellEnd      = []byte("</c>")
	tagFormula      = []byte("<f")
	tagValue        = []byte("<v")
)

// scanSheetXML reads a worksheet's XML once, looking at bytes rather than parsing
// every element: inside sheetData it only visits cells that contain "<f", and
// after sheetData it decodes the few elements there to find mergeCell ranges.
func scanSheetXML(r io.Reader) (sheetExtras, error) {
	ex := sheetExtras{noValue: map[int][]int{}}
	nNoValue := 0
	buf := make([]byte, 0, 2*scanChunk)
	chunk := make([]byte, scanChunk)
	var tail io.Reader
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		eof := err == io.EOF
		if err != nil && !eof {
			return ex, err
		}
		region, done := buf, false
		if i := bytes.Index(buf, tagSheetDataEnd); i >= 0 {
			region, done = buf[:i], true
		}
		cut := len(region)
		if !done && !eof {
			// Keep the last, possibly incomplete cell for the next round.
			if i := bytes.LastIndex(region, tagCell); i >= 0 {
				cut = i
			} else {
				cut = max(0, len(region)-len(tagCell))
			}
		}
		nNoValue += findNoValue(region[:cut], ex.noValue, maxExtras-nNoValue)
		if done {
			tail = io.MultiReader(bytes.NewReader(buf[len(region):]), r)
			break
		}
		if eof {
			return ex, nil
		}
		buf = append(buf[:0], buf[cut:]...)
	}
	dec := xml.NewDecoder(tail)
	for len(ex.merges) < maxExtras {
		tok, err := dec.RawToken()
		if err != nil {
			break // the tail is only for merges; damage there is not fatal
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "mergeCell" {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local != "ref" {
				continue
			}
			if m, ok := parseRange(a.Value); ok {
				ex.merges = append(ex.merges, m)
			}
		}
	}
	sort.SliceStable(ex.merges, func(i, j int) bool { return ex.merges[i].top < ex.merges[j].top })
	return ex, nil
}

// parseRange reads "A1:C2" into a merge small enough to fill.
func parseRange(ref string) (merge, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return merge{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return merge{}, false
	}
	m := merge{top: min(r1, r2), bottom: max(r1, r2), left: min(c1, c2), right: max(c1, c2)}
	if m.bottom-m.top >= maxMergeRows || m.right-m.left >= maxMergeCols {
		return merge{}, false
	}
	return m, true
}

// findNoValue records, for each cell in region holding a formula but no <v>
// element, its row and 0-based column; it returns how many it recorded, at most
// limit. A cached empty string (<v></v>) is a value and is not recorded.
func findNoValue(region []byte, out map[int][]int, limit int) int {
	found := 0
	for found < limit {
		i := bytes.Index(region, tagFormula)
		if i < 0 {
			return found
		}
		if i+2 < len(region) && region[i+2] != '>' && region[i+2] != ' ' && region[i+2] != '/' {
			region = region[i+2:]
			continue
		}
		start := bytes.LastIndex(region[:i], tagCell)
		end := bytes.Index(region[i:], tagCellEnd)
		if start < 0 || end < 0 {
			return found
		}
		cell := region[start : i+end]
		region = region[i+end:]
		if bytes.Contains(cell, tagValue) {
			continue
		}
		ref := cellRef(cell)
		col, row, err := excelize.CellNameToCoordinates(ref)
		if err != nil {
			continue
		}
		out[row] = append(out[row], col-1)
		found++
	}
	return found
}

// cellRef returns the r attribute of a cell's start tag.
func cellRef(cell []byte) string {
	tagEnd := bytes.IndexByte(cell, '>')
	if tagEnd < 0 {
		return ""
	}
	tag := cell[:tagEnd]
	i := bytes.Index(tag, []byte(` r="`))
	if i < 0 {
		return ""
	}
	rest := tag[i+4:]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}
