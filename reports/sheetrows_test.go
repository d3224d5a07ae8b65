package reports

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"userimport/source"
)

func TestAppendColumnName(t *testing.T) {
	for col, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := string(appendColumnName(nil, col)); got != want {
			t.Errorf("column %d = %s, want %s", col, got, want)
		}
		if got, _ := excelize.ColumnNumberToName(col + 1); got != want {
			t.Errorf("excelize names column %d %s, the test wants %s", col, got, want)
		}
	}
}

// readBack is every row of a workbook's first sheet as excelize and as the tool's own
// reader see it.
func readBack(t *testing.T, path string) (viaExcelize, viaSource [][]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	viaExcelize, err = f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	r, err := source.Open(path, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		viaSource = append(viaSource, row.Cells)
	}
	return viaExcelize, viaSource
}

// writeBoth writes the header and rows once through xlsxSheet (rows spliced in by
// sheetRows) and once through excelize's own StreamWriter, as the reports did before.
func writeBoth(t *testing.T, header []string, rows [][]string) (ours, theirs string) {
	t.Helper()
	dir := t.TempDir()
	x, err := newXLSXSheet(dir, "ours.xlsx", "Лист1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.header(1, header); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := x.row(i+2, r, nil, maxColumns, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.finish(len(header) - 1); err != nil {
		t.Fatal(err)
	}

	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	set := func(num int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			if c != "" {
				vals[i] = c
			}
		}
		for len(vals) > 0 && vals[len(vals)-1] == nil {
			vals = vals[:len(vals)-1]
		}
		if err := sw.SetRow(cellName(0, num), vals); err != nil {
			t.Fatal(err)
		}
	}
	set(1, header)
	for i, r := range rows {
		set(i+2, r)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	theirs = filepath.Join(dir, "theirs.xlsx")
	if err := f.SaveAs(theirs); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "ours.xlsx"), theirs
}

// expectedCell is what a cell holding s reads back as: cut to Excel's length, and a
// byte that is not UTF-8 or a character XML cannot carry as U+FFFD.
func expectedCell(s string) string {
	var b strings.Builder
	units := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if units += utf16.RuneLen(r); units > maxCellChars {
			break
		}
		if (r == utf8.RuneError && size == 1) || !inXMLCharRange(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// checkRoundTrip writes rows through xlsxSheet and reads them back, through excelize
// and through the tool's reader: each cell must come back as expectedCell says, and
// as it comes back when excelize's StreamWriter writes it, except where the text holds
// overlapping _xHHHH_ escapes, which excelize's writer gets wrong (_x0041_x0042_ reads
// back as _x0041B).
func checkRoundTrip(t *testing.T, rows [][]string) {
	t.Helper()
	header := []string{"A", "B", "C"}
	ours, theirs := writeBoth(t, header, rows)
	want := [][]string{header}
	escapes := false
	for _, r := range rows {
		var w []string
		for _, c := range r {
			w = append(w, expectedCell(c))
			escapes = escapes || strings.Contains(c, "_x")
		}
		for len(w) > 0 && w[len(w)-1] == "" {
			w = w[:len(w)-1]
		}
		want = append(want, w)
	}
	oe, os := readBack(t, ours)
	if diff := cmp.Diff(want, oe, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("excelize reads (-written +read back):\n%s", diff)
	}
	// The tool's reader skips blank rows.
	var wantRead [][]string
	for _, w := range want {
		if strings.TrimSpace(strings.Join(w, "")) != "" {
			wantRead = append(wantRead, w)
		}
	}
	if diff := cmp.Diff(wantRead, os, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("the tool's reader reads (-written +read back):\n%s", diff)
	}
	if escapes {
		return
	}
	te, ts := readBack(t, theirs)
	if diff := cmp.Diff(te, oe); diff != "" {
		t.Errorf("excelize reads (-excelize's writer +sheetRows):\n%s", diff)
	}
	if diff := cmp.Diff(ts, os); diff != "" {
		t.Errorf("the tool's reader reads (-excelize's writer +sheetRows):\n%s", diff)
	}
}

func TestSheetRowsReadBackLikeExcelize(t *testing.T) {
	checkRoundTrip(t, [][]string{
		{"Иванов", "  пробел ", "a&b<c>\"d'"},
		{"строка\nвторая", "\tтаб", "cr\r\nlf"},
		{"_x0041_", "_x005F_", "_x0041_x0042_"},
		{"", "только второй", ""},
		{"=1+2", "'apostrophe", "\x01control\x7f"},
		{"\xff\xfe broken", "emoji 🙂", "\uFFFE noncharacter"},
		{strings.Repeat("я", 40000), strings.Repeat("🙂", 20000), "x"},
	})
}

// FuzzSheetRows: any cells come back from the workbook, through excelize and through
// the tool's reader, as written (see checkRoundTrip).
func FuzzSheetRows(f *testing.F) {
	f.Add("a\x1f_x0041_\x1f<&>")
	f.Add(" lead\x1f\x00\x1ftrail ")
	f.Fuzz(func(t *testing.T, joined string) {
		cells := strings.SplitN(joined, "\x1f", 3)
		for len(cells) < 3 {
			cells = append(cells, "")
		}
		checkRoundTrip(t, [][]string{cells, {"x", "y", "z"}})
	})
}
