package source

import (
	"context"
	"io"
	"sort"
	"strings"
)

const (
	// maxMerges caps how many merged ranges are remembered, so that a hostile sheet
	// cannot make the reader's memory grow.
	maxMerges = 10000
	// maxMergeRows and maxMergeCols bound the merged ranges that are filled: a real
	// merged header or group is a few cells; a range over a million rows would turn
	// empty rows into data.
	maxMergeRows = 1000
	maxMergeCols = 256
	// maxMergedCells caps the cells the merged ranges cover, together: filling them
	// in is work for every row they cover, and ten thousand ranges of a thousand rows
	// by 256 columns, stacked on each other, would be billions of cells. 4 million
	// is a merged department beside every one of a hundred thousand people.
	maxMergedCells = 1 << 22
)

// merge is one merged range, 1-based inclusive, and the value of its top-left cell.
type merge struct {
	top, left, bottom, right int
	value                    string
}

// merges are a sheet's merged ranges, sorted by top row, and the state of filling
// them in as rows go by.
type merges struct {
	list   []merge
	next   int // list[next:] have not started yet
	active []*merge
}

// fillMerged writes the value of each merged range into every cell it covers, so a
// merged header "Телефон" over two columns names both, and a department merged
// down a group of people applies to each of them. Excel keeps the value only in
// the top-left cell; the others read as empty. Rows must come in increasing order.
func (e *merges) fillMerged(row int, cells []string) []string {
	for e.next < len(e.list) && e.list[e.next].top <= row {
		e.active = append(e.active, &e.list[e.next])
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

var tagSheetDataEnd = []byte("</sheetData>")

// scanMerges finds a worksheet's merged ranges. They are stored after all the rows,
// so the one thing the streaming reader cannot learn in its own pass; this pass
// only inflates the sheet and looks for the end of sheetData with bytes.Index, then
// reads the elements after it with the sheet's own scanner, whose tags are capped
// (encoding/xml buffered any attribute whole: one of 900 MB there took 3 GB). The
// reader runs it alongside loading the shared strings, on another core. Damage after
// the rows is not fatal: the ranges found before it are kept. ctx stops the scan.
func scanMerges(ctx context.Context, r io.Reader) ([]merge, error) {
	s := newXMLScannerContext(ctx, r)
	if err := s.skipPast(tagSheetDataEnd); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if err == io.ErrUnexpectedEOF {
			return nil, nil // no rows, or none ended: the reader says so itself
		}
		return nil, err
	}
	var list []merge
	area := 0
	for len(list) < maxMerges {
		k, err := s.next()
		if err != nil || k == tokEOF {
			break
		}
		if k != tokStart || !s.is("mergeCell") {
			continue
		}
		ref, ok := s.attr("ref")
		if !ok {
			continue
		}
		m, ok := parseRange(string(ref))
		if !ok {
			continue
		}
		if area += (m.bottom - m.top + 1) * (m.right - m.left + 1); area > maxMergedCells {
			break
		}
		list = append(list, m)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].top < list[j].top })
	return list, nil
}

// parseRange reads "A1:C2" into a merge small enough to fill.
func parseRange(ref string) (merge, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return merge{}, false
	}
	c1, r1, ok1 := parseCellRef([]byte(a))
	c2, r2, ok2 := parseCellRef([]byte(b))
	if !ok1 || !ok2 || r1 == 0 || r2 == 0 {
		return merge{}, false
	}
	m := merge{top: min(r1, r2), bottom: max(r1, r2), left: min(c1, c2), right: max(c1, c2)}
	if m.bottom-m.top >= maxMergeRows || m.right-m.left >= maxMergeCols {
		return merge{}, false
	}
	return m, true
}

// Excel's limits: a sheet has at most 1,048,576 rows and 16,384 columns (XFD).
const (
	maxSheetRows = 1 << 20
	maxSheetCols = 1 << 14
)

// parseCellRef reads a cell reference such as "B12" (or "$B$12", or "b12") into its
// 1-based column and row; the row is 0 when the reference has none. It fails on
// anything else and on a column or row beyond Excel's limits.
func parseCellRef(ref []byte) (col, row int, ok bool) {
	i := 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	start := i
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxSheetCols {
			return 0, 0, false
		}
	}
	if i == start {
		return 0, 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	for ; i < len(ref); i++ {
		c := ref[i]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
		if row > maxSheetRows {
			return 0, 0, false
		}
	}
	return col, row, true
}
