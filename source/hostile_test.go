package source

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allocated returns the bytes the heap handed out while fn ran. It is what a
// hostile file costs the reader, measured exactly (peak memory would depend on when
// the collector ran): a structure that grows with the file allocates with it.
func allocated(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// readHostile writes a hostile workbook of the kind and size and reads it, returning
// what it read and the bytes allocated reading it.
func readHostile(t *testing.T, kind string, n int) (golden, uint64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), kind+".xlsx")
	if err := writeHostile(path, kind, n); err != nil {
		t.Fatal(err)
	}
	var g golden
	alloc := allocated(func() { g = readAll(t, path, Options{}) })
	return g, alloc
}

// TestHostileAttributeAfterRows: a 919 KB workbook with a 900 MB attribute after the
// sheet data took 3.05 GB, because the merged-cells scan decoded the tail with
// encoding/xml, which buffers a token whole. The scan now uses the capped scanner
// and stops at the first tag over 1 MiB; the rows read as they are.
func TestHostileAttributeAfterRows(t *testing.T) {
	g, alloc := readHostile(t, "attr", 32<<20)
	if g.Error != "" || len(g.Rows) != 2 || g.Rows[1].Cells[1] != "Иван" {
		t.Fatalf("read %+v", g)
	}
	if alloc > 16<<20 {
		t.Errorf("reading a sheet with a 32 MiB attribute after its rows allocated %d MiB", alloc>>20)
	}
}

// TestHostileEmptySharedStrings: 150 million empty shared strings in a 1.09 MB file
// took 1.77 GB, because the offsets stayed in memory when the text spilled (and
// empty strings have no text to spill). The offsets now count towards the memory
// bound and spill with the text; and a table past maxSharedStrings is refused.
func TestHostileEmptySharedStrings(t *testing.T) {
	old := unzipXMLSizeLimit
	unzipXMLSizeLimit = 1 << 20
	defer func() { unzipXMLSizeLimit = old }()
	g, alloc := readHostile(t, "sst", 2_000_000)
	if g.Error != "" || len(g.Rows) != 2 {
		t.Fatalf("read %+v", g)
	}
	// 2 million offsets are 8 MB, which the old table held and grew by copying.
	if alloc > 8<<20 {
		t.Errorf("reading 2,000,000 empty shared strings with a 1 MiB memory bound allocated %d MiB", alloc>>20)
	}
}

func TestSharedStringsCap(t *testing.T) {
	old := maxSharedStrings
	maxSharedStrings = 1000
	defer func() { maxSharedStrings = old }()
	if g, _ := readHostile(t, "sst", 1000); g.Error != "" {
		t.Fatalf("1000 shared strings: %s", g.Error)
	}
	g, _ := readHostile(t, "sst", 1001)
	if want := "sst.xlsx: the workbook's table of texts has more than 1000 entries; this is not a normal staff list"; g.Error != want {
		t.Errorf("error %q, want %q", g.Error, want)
	}
}

// TestHostileWideRow: one row of 20 million cells without r= took 5.87 GB; the CSV
// reader stops at Excel's 16,384 columns, the XLSX reader had no cap. Cells are now
// counted, with references or without.
func TestHostileWideRow(t *testing.T) {
	const want = "widerow.xlsx: line 1: the row has more than 16384 columns, more than Excel allows"
	if g, _ := readHostile(t, "widerow", maxSheetCols); g.Error != "" || len(g.Rows[0].Cells) != maxSheetCols {
		t.Fatalf("a row of %d cells: %q, %d cells", maxSheetCols, g.Error, len(g.Rows))
	}
	g, alloc := readHostile(t, "widerow", 200_000)
	if g.Error != want {
		t.Errorf("error %q, want %q", g.Error, want)
	}
	if alloc > 16<<20 {
		t.Errorf("refusing a row of 200,000 cells allocated %d MiB", alloc>>20)
	}
	// The same cell over and over: its column never passes XFD, its count does.
	rows := `<row r="1">` + strings.Repeat(`<c r="A1"><v>1</v></c>`, maxSheetCols+1) + `</row>`
	path := filepath.Join(t.TempDir(), "input")
	if err := os.WriteFile(path, workbookWithSheet([]byte(sheetXML(rows))), 0o600); err != nil {
		t.Fatal(err)
	}
	if g := readAll(t, path, Options{}); g.Error != "input: line 1: the row has more than 16384 columns, more than Excel allows" {
		t.Errorf("repeated cell: error %q", g.Error)
	}
}

// TestHostileStyles: 12 million styles took 413 MB (and 37 s) through encoding/xml.
// The style sheet is now scanned, each format classified as it is read, and more
// cell formats than Excel allows are refused.
func TestHostileStyles(t *testing.T) {
	if g, _ := readHostile(t, "styles", maxCellXfs); g.Error != "" {
		t.Fatalf("%d cell formats: %s", maxCellXfs, g.Error)
	}
	g, alloc := readHostile(t, "styles", 1_000_000)
	if want := "styles.xlsx: the workbook has more than 65536 cell formats, more than Excel allows; this is not a normal staff list"; g.Error != want {
		t.Errorf("error %q, want %q", g.Error, want)
	}
	if alloc > 16<<20 {
		t.Errorf("refusing 1,000,000 cell formats allocated %d MiB", alloc>>20)
	}
}

// workbookParts builds a workbook from whole parts, for the tests of the parts
// other than the sheet.
func workbookParts(t *testing.T, parts map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} {
		body, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "input")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWorkbookParts checks the scanned workbook, relationships and styles: names with
// entities, a relationship's target, a date style among custom formats whose codes
// are quoted with entities, and the caps on what a workbook lists.
func TestWorkbookParts(t *testing.T) {
	sheet := xmlHead + `<worksheet ` + mainNS + `><sheetData><row r="1"><c r="A1" s="1"><v>32350</v></c><c r="B1" s="2"><v>123</v></c><c r="C1" s="3"><v>5</v></c></row></sheetData></worksheet>`
	workbook := func(sheets string) string {
		return xmlHead + `<workbook ` + mainNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904=" 1 "/><sheets>` + sheets + `</sheets></workbook>`
	}
	rels := xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>`
	styles := xmlHead + `<styleSheet ` + mainNS + `><numFmts><numFmt numFmtId="164" formatCode="&quot;d&quot;0"/><numFmt numFmtId="165" formatCode="000000"/><numFmt numFmtId="166" formatCode="dd.mm.yyyy"/></numFmts>` +
		`<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId=" 166 "/><xf numFmtId="165"/><xf numFmtId="164"/></cellXfs></styleSheet>`
	path := workbookParts(t, map[string]string{
		"xl/workbook.xml":            workbook(`<sheet name="Справочник" sheetId="1" state="hidden" r:id="rId9"/><sheet name="R&amp;D &lt;1&gt;" sheetId="2" r:id="rId7"/>`),
		"xl/_rels/workbook.xml.rels": rels,
		"xl/styles.xml":              styles,
		"xl/worksheets/sheet1.xml":   sheet,
	})
	g := readAll(t, path, Options{Sheet: "R&D <1>"})
	want := golden{
		Info: Info{Format: "xlsx", Sheet: "R&D <1>", Sheets: []string{"Справочник", "R&D <1>"}},
		Rows: []Row{{Num: 1, Cells: []string{"27.07.1992", "000123", "5"}}},
	}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		name  string
		parts map[string]string
		want  string
	}{
		{"TooManySheets", map[string]string{"xl/workbook.xml": workbook(strings.Repeat(`<sheet name="x" r:id="rId7"/>`, maxSheets+1))},
			"input: the workbook has more than 4096 sheets; this is not a normal staff list"},
		{"LongSheetName", map[string]string{"xl/workbook.xml": workbook(`<sheet name="` + strings.Repeat("x", maxNameBytes+1) + `" r:id="rId7"/>`)},
			"input: the workbook is damaged or is not an .xlsx file; open it in Excel and save it again as .xlsx"},
		{"TooManyRelationships", map[string]string{"xl/workbook.xml": workbook(`<sheet name="x" r:id="rId7"/>`),
			"xl/_rels/workbook.xml.rels": `<Relationships>` + strings.Repeat(`<Relationship Id="a" Target="b"/>`, maxRels+1) + `</Relationships>`},
			"input: the workbook has more than 8192 relationships between its parts; this is not a normal staff list"},
		{"TooManyNumberFormats", map[string]string{"xl/workbook.xml": workbook(`<sheet name="x" r:id="rId7"/>`), "xl/_rels/workbook.xml.rels": rels,
			"xl/styles.xml":            `<styleSheet><numFmts>` + strings.Repeat(`<numFmt numFmtId="1" formatCode="0"/>`, maxNumFmts+1) + `</numFmts></styleSheet>`,
			"xl/worksheets/sheet1.xml": sheet},
			"input: the workbook has more than 65536 number formats, more than Excel allows; this is not a normal staff list"},
		{"BadFormatID", map[string]string{"xl/workbook.xml": workbook(`<sheet name="x" r:id="rId7"/>`), "xl/_rels/workbook.xml.rels": rels,
			"xl/styles.xml": `<styleSheet><cellXfs><xf numFmtId="x"/></cellXfs></styleSheet>`, "xl/worksheets/sheet1.xml": sheet},
			"input: cannot read the workbook's cell formats; open it in Excel and save it again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if g := readAll(t, workbookParts(t, tt.parts), Options{}); g.Error != tt.want {
				t.Errorf("error %q\nwant  %q", g.Error, tt.want)
			}
		})
	}
}

// TestZIPDirectoryCap: archive/zip keeps a record for every entry a ZIP lists, so
// the list is measured before it is read.
func TestZIPDirectoryCap(t *testing.T) {
	const want = "input: the workbook lists more parts than any real workbook has (over 65535, or a list over 2 MiB); this is not a normal staff list"
	write := func(n, nameLen int) string {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		zw.Create("xl/workbook.xml")
		for i := range n {
			name := fmt.Sprintf("x/%0*d", nameLen, i)
			if _, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store}); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "input")
		os.WriteFile(path, b.Bytes(), 0o600)
		return path
	}
	if g := readAll(t, write(70_000, 6), Options{}); g.Error != want {
		t.Errorf("70,000 entries: error %q", g.Error)
	}
	if g := readAll(t, write(20_000, 100), Options{}); g.Error != want {
		t.Errorf("20,000 entries with long names: error %q", g.Error)
	}
	if g := readAll(t, write(2_000, 10), Options{}); g.Error == want {
		t.Errorf("2,000 entries refused: %q", g.Error)
	}
}

// TestRowTooLong: the cell cap alone lets a row of 16,384 cells hold a gigabyte; a
// row has its own cap, in both readers. And an inline string's runs share their
// cell's cap rather than each having one.
func TestRowTooLong(t *testing.T) {
	cell := strings.Repeat("я", 30_000) // 60,000 bytes, under the cell cap
	csvPath := filepath.Join(t.TempDir(), "wide.csv")
	var b strings.Builder
	b.WriteString("a;b\n")
	for i := range 300 {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString("\"" + cell + "\n\"")
	}
	b.WriteString("\n")
	os.WriteFile(csvPath, []byte(b.String()), 0o600)
	if g := readAll(t, csvPath, Options{}); g.Error != "wide.csv: line 2: the row holds more than 16 MiB of text; this is not a normal staff list" {
		t.Errorf("csv: error %q", g.Error)
	}

	rows := `<row r="1">` + strings.Repeat(`<c t="inlineStr"><is><t>`+cell+`</t></is></c>`, 300) + `</row>`
	path := filepath.Join(t.TempDir(), "input")
	os.WriteFile(path, workbookWithSheet([]byte(sheetXML(rows))), 0o600)
	if g := readAll(t, path, Options{}); g.Error != "input: line 1: the row holds more than 16 MiB of text; this is not a normal staff list" {
		t.Errorf("xlsx: error %q", g.Error)
	}

	runs := `<row r="1"><c r="B1" t="inlineStr"><is>` + strings.Repeat(`<r><t>`+cell+`</t></r>`, 300) + `</is></c></row>`
	os.WriteFile(path, workbookWithSheet([]byte(sheetXML(runs))), 0o600)
	var g golden
	alloc := allocated(func() { g = readAll(t, path, Options{}) })
	if g.Error != "input: line 1: column 2 has a cell longer than 65536 bytes" {
		t.Errorf("runs: error %q", g.Error)
	}
	if alloc > 8<<20 {
		t.Errorf("refusing a cell of 300 runs of 60,000 bytes allocated %d MiB", alloc>>20)
	}
}
