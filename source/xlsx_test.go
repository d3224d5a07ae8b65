package source

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// oracleRows reads a sheet the way the reader did before it had its own parser:
// excelize's Rows iterator over a workbook whose formats were rewritten so that
// dates render as dd.mm.yyyy, zero paddings pad and everything else comes raw. It
// is the reference the differential test holds the new parser to.
func oracleRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := oracleRewriteFormats(f); err != nil {
		t.Fatal(err)
	}
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cells {
			cells[i] = cleanString(plainNumber(c))
		}
		if !isBlank(cells) {
			out = append(out, cells)
		}
	}
	return out
}

// oracleRewriteFormats is the reader's former renderDatesAsDates.
func oracleRewriteFormats(f *excelize.File) error {
	code := "dd.mm.yyyy"
	sid, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		return err
	}
	ss := f.Styles
	dateID := *ss.CellXfs.Xf[sid].NumFmtID
	custom := map[int]string{}
	rawID := 164
	for _, nf := range ss.NumFmts.NumFmt {
		custom[nf.NumFmtID] = nf.FormatCode
		rawID = max(rawID, nf.NumFmtID+1)
	}
	for i := range ss.CellXfs.Xf {
		xf := &ss.CellXfs.Xf[i]
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		c, isCustom := custom[id]
		switch {
		case isCustom && isDateFormat(c), !isCustom && isBuiltInDate(id):
			xf.NumFmtID = &dateID
		case isCustom && isZeroPadding(c):
		default:
			xf.NumFmtID = &rawID
		}
	}
	return nil
}

func newRows(t *testing.T, path string) [][]string {
	t.Helper()
	g := readAll(t, path, Options{})
	if g.Error != "" {
		t.Fatal(g.Error)
	}
	var out [][]string
	for _, r := range g.Rows {
		// The iterator cannot tell a formula without a value from a blank cell:
		// rows blank but for such formulas are left out here, as it leaves them.
		if !isBlank(r.Cells) {
			out = append(out, r.Cells)
		}
	}
	return out
}

var hugeDate = regexp.MustCompile(`^\d\d\.\d\d\.(-\d+|\d{6,})$`)

// TestXLSXMatchesExcelize writes workbooks of random cells of every kind (shared
// and inline strings, numbers of every size, booleans, formulas, dates and times in
// many formats, zero paddings, money and percent formats) and checks that the
// parser reads every cell exactly as excelize's iterator did.
func TestXLSXMatchesExcelize(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("Seed", seed), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "random.xlsx")
			writeRandomWorkbook(t, path, seed, seed%2 == 0)
			want, got := oracleRows(t, path), newRows(t, path)
			// Past the year 29000 (serial 1e7) excelize's dates overflow into
			// nonsense such as "26.02.-245114526541"; the parser leaves the number.
			for i := range want {
				for j := range want[i] {
					if i < len(got) && j < len(got[i]) && hugeDate.MatchString(want[i][j]) {
						if n, err := strconv.ParseFloat(got[i][j], 64); err == nil && math.Abs(n) >= maxDateSerial {
							want[i][j] = got[i][j]
						}
					}
				}
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("(-excelize +parser):\n%s", diff)
			}
		})
	}
}

func writeRandomWorkbook(t *testing.T, path string, seed uint64, stream bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	f := excelize.NewFile()
	defer f.Close()
	var styles []int
	for _, code := range []string{"dd.mm.yyyy", "d mmmm yyyy", `[$-419]dd/mm/yyyy;@`, "yyyy-mm-dd hh:mm", "000000", "00000", "#,##0.00", "0.00%", "h:mm", "@"} {
		c := code
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &c})
		if err != nil {
			t.Fatal(err)
		}
		styles = append(styles, id)
	}
	for _, builtin := range []int{0, 1, 2, 4, 10, 11, 14, 15, 17, 20, 22, 49} {
		id, err := f.NewStyle(&excelize.Style{NumFmt: builtin})
		if err != nil {
			t.Fatal(err)
		}
		styles = append(styles, id)
	}
	texts := []string{"Иванов", "  пробел ", "a&b<c>\"d'", "строка\nвторая", "_x0041_ и _x005F_x0041_", "1E+5", "00123",
		"\u00a0нбсп\u200b", "TRUE", "", "=1+2", "тел. +7 (912) 345-67-89", "x\r\ny"}
	value := func() any {
		switch rng.IntN(9) {
		case 0, 1:
			return texts[rng.IntN(len(texts))]
		case 2:
			return rng.Int64N(1e12)
		case 3:
			return rng.Int64N(1e18) * []int64{1, -1}[rng.IntN(2)]
		case 4:
			return rng.Float64() * []float64{1, 100, 1e5, 3e6, 1e16}[rng.IntN(5)]
		case 5:
			return float64(61+rng.IntN(3e6)) + []float64{0, 0.5, 0.999999, 0.25}[rng.IntN(4)]
		case 6:
			return rng.IntN(2) == 0
		case 7:
			return -rng.Float64() * 1000
		}
		return nil
	}
	const sheet = "Sheet1"
	var sw *excelize.StreamWriter
	if stream {
		var err error
		if sw, err = f.NewStreamWriter(sheet); err != nil {
			t.Fatal(err)
		}
	}
	for r := 1; r <= 300; r++ {
		if rng.IntN(10) == 0 {
			continue // a gap
		}
		n := 1 + rng.IntN(12)
		var row []any
		for c := 1; c <= n; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			v := value()
			st := styles[rng.IntN(len(styles))]
			if stream {
				row = append(row, excelize.Cell{StyleID: st, Value: v})
				continue
			}
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(sheet, cell, cell, st); err != nil {
				t.Fatal(err)
			}
		}
		if stream {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := sw.SetRow(cell, row); err != nil {
				t.Fatal(err)
			}
		}
		if !stream && rng.IntN(8) == 0 {
			cell, _ := excelize.CoordinatesToCellName(n+1, r)
			f.SetCellFormula(sheet, cell, "A1&B1")
		}
	}
	if stream {
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestDateSerials pins the date rendering at the edges of both date systems, as
// Excel shows them.
func TestDateSerials(t *testing.T) {
	tests := []struct {
		name string
		v    string
		d04  bool
		want string
	}{
		{"Zero1900", "0", false, "00.01.1900"},
		{"First1900", "1", false, "01.01.1900"},
		{"Feb28In1900", "59", false, "28.02.1900"},
		{"LotusLeapDay", "60", false, "29.02.1900"},
		{"March1900", "61", false, "01.03.1900"},
		{"Birthday", "32350", false, "26.07.1988"},
		{"Noon", "45356.5", false, "05.03.2024"},
		{"AlmostMidnightRoundsUp", "45356.999999", false, "06.03.2024"},
		{"LastExcelDay", "2958465", false, "31.12.9999"},
		{"Zero1904", "0", true, "01.01.1904"},
		{"First1904", "1", true, "02.01.1904"},
		{"Sixty1904", "60", true, "01.03.1904"},
		{"Birthday1904", "30888", true, "26.07.1988"},
		{"Negative", "-1", false, "-1"},
		{"Text", "abc", false, "abc"},
		{"Huge", "1E+300", false, "1E+300"},
		{"NaN", "NaN", false, "NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDate(tt.v, tt.d04); got != tt.want {
				t.Errorf("formatDate(%q, %v) = %q, want %q", tt.v, tt.d04, got, tt.want)
			}
		})
	}
}

func TestFormatPad(t *testing.T) {
	// The wants are what excelize's formatter gives for "000000".
	tests := []struct{ v, want string }{
		{"123", "000123"}, {"7", "000007"}, {"0", "000000"}, {"-7", "-000007"}, {"12.5", "000013"},
		{"13.5", "000014"}, {"0.4", "000000"}, {"0.5", "000001"}, {"2.5", "000003"}, {"1234567", "1234567"},
		{"1E+20", "100000000000000000000"}, {"-0.4", "-000000"}, {"1.23456789012346E+17", "123456789012346000"},
		{"abc", "abc"}, {"99999.5", "100000"}, {"-12.5", "-000013"},
	}
	for _, tt := range tests {
		if got := formatPad(tt.v, 6); got != tt.want {
			t.Errorf("formatPad(%q) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestSharedStringsSpill reads a workbook whose shared strings exceed the memory
// bound, so that they go to a temporary file, and checks that it reads the same.
func TestSharedStringsSpill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.xlsx")
	if err := writeBigXLSXShared(path, 300); err != nil {
		t.Fatal(err)
	}
	want := readAll(t, path, Options{})
	old := unzipXMLSizeLimit
	unzipXMLSizeLimit = 100
	defer func() { unzipXMLSizeLimit = old }()
	got := readAll(t, path, Options{})
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("spilled table reads differently (-memory +file):\n%s", diff)
	}
	if len(got.Rows) != 300 || got.Rows[299].Cells[1] != "Иванов300" {
		t.Errorf("rows: %d, last %v", len(got.Rows), got.Rows[len(got.Rows)-1])
	}
}

// sheetXML wraps rows in a minimal worksheet.
func sheetXML(rows string) string { return sheetXMLDim("A1", rows) }

// sheetXMLDim is sheetXML with the dimension dim.
func sheetXMLDim(dim, rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="` + dim + `"/><sheetData>` +
		rows + `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`
}

// workbookWithSheet builds an .xlsx package around one worksheet XML, with a small
// shared-string table and a date style (xf 1).
func workbookWithSheet(sheet []byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name, body string) {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	add("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	add("xl/sharedStrings.xml", `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Фамилия</t></si><si><r><t>Имя</t></r><r><t xml:space="preserve"> полностью</t></r><rPh><t>фонетика</t></rPh></si><si/></sst>`)
	add("xl/styles.xml", `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(sheet)
	zw.Close()
	return b.Bytes()
}

// TestSheetXML reads hand-written worksheets for what excelize never writes:
// namespace prefixes, cells without references, comments, CDATA, entities,
// phonetic runs and a damaged sheet.
func TestSheetXML(t *testing.T) {
	tests := []struct {
		name  string
		dim   string
		rows  string
		want  []Row
		error string
	}{
		{
			// The dimension is a hint for progress, not a promise (issue 14, item 16).
			name: "DimensionIsAHint",
			dim:  "A1:XFD1048576",
			rows: `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>`,
			want: []Row{{Num: 1, Cells: []string{"1", "1"}}, {Num: 2, Cells: []string{"2"}}, {Num: 3, Cells: []string{"3"}}},
		},
		{
			// Rows that stop without </sheetData> are a sheet cut short.
			name:  "BreaksOff",
			rows:  `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`,
			want:  []Row{{Num: 1, Cells: []string{"1"}}, {Num: 2, Cells: []string{"2"}}},
			error: "input: line 3: the sheet is damaged: it breaks off after row 2; open the workbook in Excel and save it again",
		},
		{
			name: "SharedInlineAndMerged",
			rows: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>` +
				`<row r="3"><c r="A3" t="inlineStr"><is><t>a &amp; b &#1046;&#x416;</t></is></c><c r="B3" s="1"><v>32350</v></c><c r="C3" t="s"><v>2</v></c></row>`,
			want: []Row{
				{Num: 1, Cells: []string{"Фамилия", "Фамилия", "Имя полностью"}},
				{Num: 3, Cells: []string{"a & b ЖЖ", "26.07.1988"}},
			},
		},
		{
			name: "PrefixesNoRefsCommentsCDATA",
			rows: `<x:row><x:c t="inlineStr"><x:is><x:t><![CDATA[<cdata>]]></x:t></x:is></x:c><!-- a comment --><x:c><x:v>1.5E3</x:v></x:c></x:row>` +
				`<x:row><x:c t="str"><x:f>A1</x:f><x:v>007</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c><x:f>1/0</x:f></x:c></x:row>`,
			want: []Row{
				{Num: 1, Cells: []string{"<cdata>", "1500"}},
				{Num: 2, Cells: []string{"007", "TRUE", ""}, NoValue: []int{2}},
			},
		},
		{
			name: "LongNumberRounded",
			rows: `<row r="1"><c r="A1"><v>123456789012345678</v></c><c r="B1" t="inlineStr"><is><t>1.5E+20</t></is></c></row>`,
			want: []Row{{Num: 1, Cells: []string{"123456789012346000", "1.5E+20"}, Rounded: []int{0}}},
		},
		{
			name:  "ColumnPastXFD",
			rows:  `<row r="1"><c r="XFE1"><v>1</v></c></row>`,
			error: "input: line 1: the sheet is damaged at this row; open the workbook in Excel and save it again",
		},
		{
			name:  "Unterminated",
			rows:  `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`,
			want:  []Row{{Num: 1, Cells: []string{"1"}}},
			error: "input: line 2: the sheet is damaged at this row; open the workbook in Excel and save it again",
		},
		{
			name:  "TooManyRows",
			rows:  `<row r="1"><c r="A1"><v>1</v></c></row><row r="1048577"><c r="A1048577"><v>2</v></c></row>`,
			want:  []Row{{Num: 1, Cells: []string{"1", "1"}}},
			error: "input: line 1: the sheet has more rows than Excel allows; the file is damaged",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := sheetXMLDim(cmp.Or(tt.dim, "A1"), tt.rows)
			if tt.name == "Unterminated" || tt.name == "BreaksOff" {
				sheet = sheetXML("")[:strings.Index(sheetXML(""), "<sheetData>")+len("<sheetData>")] + tt.rows
			}
			path := filepath.Join(t.TempDir(), "input")
			if err := os.WriteFile(path, workbookWithSheet([]byte(sheet)), 0o600); err != nil {
				t.Fatal(err)
			}
			got := readAll(t, path, Options{})
			want := golden{Rows: tt.want, Error: tt.error}
			got.Info = Info{}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCellTooLong checks that the cell-length cap holds for every kind of cell,
// including a shared string, and names the column.
func TestCellTooLong(t *testing.T) {
	long := strings.Repeat("я", 40)
	for _, rows := range []string{
		`<row r="1"><c r="B1" t="inlineStr"><is><t>` + long + `</t></is></c></row>`,
		`<row r="1"><c r="B1" t="str"><v>` + long + `</v></c></row>`,
	} {
		path := filepath.Join(t.TempDir(), "input")
		os.WriteFile(path, workbookWithSheet([]byte(sheetXML(rows))), 0o600)
		g := readAll(t, path, Options{MaxCellBytes: 50})
		if want := "input: line 1: column 2 has a cell longer than 50 bytes"; g.Error != want {
			t.Errorf("error %q, want %q", g.Error, want)
		}
	}
	path := filepath.Join(t.TempDir(), "input")
	os.WriteFile(path, workbookWithSheet([]byte(sheetXML(`<row r="1"><c r="C1" t="s"><v>1</v></c></row>`))), 0o600)
	if g := readAll(t, path, Options{MaxCellBytes: 10}); g.Error != "input: line 1: column 3 has a cell longer than 10 bytes" {
		t.Errorf("shared string: error %q", g.Error)
	}
}

// FuzzXLSX feeds arbitrary bytes to the parser as a sheet's XML, with a shared
// string table and a date style to refer to: it never panics, stops with nil or a
// *FileError, and yields rows in increasing order with cells within the cap. (The
// sheet goes in from memory: a zip and a file per input made the fuzzing engine
// stall.)
func FuzzXLSX(f *testing.F) {
	f.Add([]byte(sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45356.5</v></c></row>`)))
	f.Add([]byte(sheetXML(`<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c><c><f>1</f></c></row>`)))
	f.Add([]byte(sheetXML(`<row r="2"><c r="A2" t="str"><v>&#1046;&amp;<![CDATA[x]]><!--c--></v></c><c t="d"><v>2024-03-05T00:00:00Z</v></c></row>`)))
	f.Add([]byte(`<worksheet><sheetData><row r="5"><c r="ZZ5" s="2"><v>1E+17</v></c><c t="b"><v>0</v></c>`))
	sp := newSpill(1<<10, 1<<20, 0)
	sp.add([]byte("Фамилия"))
	sp.add([]byte("Имя"))
	sst, _ := sp.finish()
	styles := []cellStyle{{}, {kind: xfDate}, {kind: xfPad, pad: 6}}
	f.Fuzz(func(t *testing.T, sheet []byte) {
		const maxCell = 1 << 10
		r := &xlsxReader{path: "input", book: &book{}, sst: sst, styles: styles, maxCell: maxCell}
		list, _ := scanMerges(context.Background(), bytes.NewReader(sheet))
		r.merges = merges{list: list}
		if err := r.start(bytes.NewReader(sheet)); err != nil {
			return
		}
		last := 0
		for {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if _, ok := err.(*FileError); !ok {
					t.Fatalf("error %T %v", err, err)
				}
				return
			}
			if row.Num <= last {
				t.Fatalf("row %d after row %d", row.Num, last)
			}
			last = row.Num
			for _, c := range row.Cells {
				if len(c) > maxCell {
					t.Fatalf("a cell of %d bytes passed the cap", len(c))
				}
			}
		}
	})
}

// FuzzXMLText checks the character-data decoder on its own: it never panics, and
// text without markup or entities comes back unchanged however the input is split
// across reads.
func FuzzXMLText(f *testing.F) {
	f.Add("plain text", 3)
	f.Add("a&amp;b&#x416;\r\nc", 1)
	f.Add("<![CDATA[x]]>y", 5)
	f.Fuzz(func(t *testing.T, text string, chunk int) {
		chunk = 1 + (chunk&0xff)%64
		s := newXMLScanner(&chunkReader{data: []byte(text + "</t>"), n: chunk})
		got, err := s.charData(nil, 1<<20)
		if err != nil {
			return
		}
		if !strings.ContainsAny(text, "<&\r") && string(got) != text {
			t.Fatalf("charData(%q) = %q", text, got)
		}
		whole, _ := newXMLScanner(strings.NewReader(text+"</t>")).charData(nil, 1<<20)
		if string(whole) != string(got) {
			t.Fatalf("split reads give %q, one read %q", got, whole)
		}
	})
}

// chunkReader returns at most n bytes per Read, to cross every buffer boundary.
type chunkReader struct {
	data []byte
	n    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), c.n, len(c.data))
	copy(p, c.data[:k])
	c.data = c.data[k:]
	return k, nil
}
