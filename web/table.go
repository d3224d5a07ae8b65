package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/xuri/excelize/v2"

	"userimport/source"
)

// table is a file's rows held in memory as its reader gave them (title lines and the
// header included, blank rows left out, each with the number the spreadsheet shows),
// so that the page can edit cells and every run reads the edited rows through
// importer.Deps.Open: the engine checks and sends what the page shows.
type table struct {
	mu   sync.RWMutex
	info source.Info
	rows []source.Row
}

// loadTable reads the whole file at path as the command line would read it.
func loadTable(ctx context.Context, path string, opts source.Options) (*table, error) {
	src, err := source.OpenContext(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	t := &table{}
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		t.rows = append(t.rows, row)
	}
	t.info = src.Info()
	return t, nil
}

// index is the position of row num in t.rows, or -1. The caller holds t.mu.
func (t *table) index(num int) int {
	i := sort.Search(len(t.rows), func(i int) bool { return t.rows[i].Num >= num })
	if i < len(t.rows) && t.rows[i].Num == num {
		return i
	}
	return -1
}

// cells returns a copy of row num's cells, padded to n columns; nil when there is no
// such row.
func (t *table) cells(num, n int) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i := t.index(num)
	if i < 0 {
		return nil
	}
	out := make([]string, max(n, len(t.rows[i].Cells)))
	copy(out, t.rows[i].Cells)
	return out
}

// set writes value into row num's cell col. The cell is then what the administrator
// typed: the marks the file had on it (a formula without a value, a rounded number)
// no longer apply.
func (t *table) set(num, col int, value string) error {
	if col < 0 || col >= maxColumns {
		return fmt.Errorf("no column %d", col)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := t.index(num)
	if i < 0 {
		return fmt.Errorf("no row %d", num)
	}
	r := &t.rows[i]
	for len(r.Cells) <= col {
		r.Cells = append(r.Cells, "")
	}
	r.Cells[col] = value
	r.NoValue = slices.DeleteFunc(r.NoValue, func(c int) bool { return c == col })
	r.Rounded = slices.DeleteFunc(r.Rounded, func(c int) bool { return c == col })
	return nil
}

// maxColumns bounds the column an edit may name: Excel's last column is XFD, 16,384.
const maxColumns = 16384

// reader reads the table as a source.Reader, for one run; it stops when ctx is done.
func (t *table) reader(ctx context.Context) source.Reader { return &cursor{t: t, ctx: ctx} }

// only reads the rows whose number keep accepts: a run over the header and one row.
func (t *table) only(ctx context.Context, keep func(num int) bool) source.Reader {
	return &cursor{t: t, ctx: ctx, keep: keep}
}

// cursor is one run's position in a table.
type cursor struct {
	t    *table
	ctx  context.Context
	i    int
	keep func(num int) bool
}

func (c *cursor) Next() (source.Row, error) {
	if err := c.ctx.Err(); err != nil {
		return source.Row{}, err
	}
	c.t.mu.RLock()
	defer c.t.mu.RUnlock()
	for c.keep != nil && c.i < len(c.t.rows) && !c.keep(c.t.rows[c.i].Num) {
		c.i++
	}
	if c.i >= len(c.t.rows) {
		return source.Row{}, io.EOF
	}
	r := c.t.rows[c.i]
	c.i++
	// The caller owns what Next returns (source.Reader), and the page may edit the
	// table while a run reads it.
	r.Cells, r.NoValue, r.Rounded = slices.Clone(r.Cells), slices.Clone(r.NoValue), slices.Clone(r.Rounded)
	return r, nil
}

// Info is how the file was read, with its last row known exactly: the progress of a
// run over a CSV then has a total from the start, as an XLSX sheet's dimension gives.
func (c *cursor) Info() source.Info {
	c.t.mu.RLock()
	defer c.t.mu.RUnlock()
	info := c.t.info
	if n := len(c.t.rows); n > 0 {
		info.LastRow = c.t.rows[n-1].Num
	}
	return info
}

func (c *cursor) Close() error { return nil }

// writeCSV writes the table as CSV with the file's own delimiter, in UTF-8 with a BOM
// (which Excel needs to read Cyrillic right), each row on the line it had: a blank line
// stands for each blank row, so that row numbers stay what the reports said.
func (t *table) writeCSV(w io.Writer) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if d := []rune(t.info.Delimiter); len(d) == 1 {
		cw.Comma = d[0]
	}
	cw.UseCRLF = true
	line := 1
	for _, r := range t.rows {
		for ; line < r.Num; line++ {
			cw.Write(nil)
		}
		if err := cw.Write(r.Cells); err != nil {
			return err
		}
		line++
	}
	cw.Flush()
	return cw.Error()
}

// writeXLSX writes the table as a workbook of one sheet, named as the sheet read, each
// row at the number it had and every cell as text (so that 00123 and long numbers stay
// as they are).
func (t *table) writeXLSX(w io.Writer) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.info.Sheet
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		vals := make([]any, len(r.Cells))
		for i, c := range r.Cells {
			vals[i] = c
		}
		if err := sw.SetRow("A"+strconv.Itoa(r.Num), vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
