package source

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the fixtures and golden files in testdata/source")

// golden is what a fixture reads to: how it was read and its rows, or the
// file-level error (with the directory cut from the path).
type golden struct {
	Info  Info   `json:"info,omitzero"`
	Rows  []Row  `json:"rows,omitempty"`
	Error string `json:"error,omitempty"`
}

// readAll reads a whole file through Open, as the importer does.
func readAll(t testing.TB, path string, opts Options) golden {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		return golden{Error: errorText(t, err)}
	}
	defer r.Close()
	g := golden{Info: r.Info()}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			g.Error = errorText(t, err)
			break
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

func errorText(t testing.TB, err error) string {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Errorf("error %v is %T, want *FileError", err, err)
		return err.Error()
	}
	fe2 := *fe
	fe2.Path = filepath.Base(fe.Path)
	fe2.Err = nil // library wording is not part of the contract
	return fe2.Error()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		file string
		opts Options
	}{
		{"Windows1251Semicolon", "cp1251_semicolon.csv", Options{}},
		{"UTF8Semicolon", "utf8_semicolon.csv", Options{}},
		{"UTF8BOMComma", "utf8_bom_comma.csv", Options{}},
		{"UTF16LETab", "utf16le_tab.csv", Options{}},
		{"SepLine", "sep_line.csv", Options{}},
		{"TitleAboveHeader", "title_above_header.csv", Options{}},
		{"BlankRows", "blank_rows.csv", Options{}},
		{"MultilineCells", "multiline.csv", Options{}},
		{"UnclosedQuote", "unclosed_quote.csv", Options{}},
		{"CleanSpaces", "clean_spaces.csv", Options{}},
		{"EmptyFile", "empty.csv", Options{}},
		{"Garbage", "garbage.bin", Options{}},
		{"PDF", "scan.pdf", Options{}},
		{"LegacyXLS", "legacy.xls", Options{}},
		{"ODS", "spreadsheet.ods", Options{}},
		{"Encrypted", "encrypted.xlsx", Options{}},
		{"CSVNamedXLSX", "csv_named.xlsx", Options{}},
		{"HiddenFirstSheet", "hidden_first_sheet.xlsx", Options{}},
		{"SheetByName", "hidden_first_sheet.xlsx", Options{Sheet: "справочник"}},
		{"SheetByNumber", "hidden_first_sheet.xlsx", Options{Sheet: "2"}},
		{"WrongSheet", "hidden_first_sheet.xlsx", Options{Sheet: "Люди"}},
		{"Numbers", "numbers.xlsx", Options{}},
		{"Dates", "dates.xlsx", Options{}},
		{"Dates1904", "dates1904.xlsx", Options{}},
		{"FormulaNoValue", "formula_no_value.xlsx", Options{}},
		{"MergedHeader", "merged_header.xlsx", Options{}},
		{"Truncated", "truncated.xlsx", Options{}},
		{"ForcedEncodingAndDelimiter", "cp1251_semicolon.csv", Options{Encoding: "1251", Delimiter: ";"}},
		{"WrongEncodingName", "utf8_semicolon.csv", Options{Encoding: "latin-9000"}},
		{"MaxRows", "utf8_semicolon.csv", Options{MaxRows: 2}},
		{"MaxCellBytes", "utf8_semicolon.csv", Options{MaxCellBytes: 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, filepath.Join(fixtureDir, tt.file), tt.opts)
			goldenPath := filepath.Join(fixtureDir, tt.name+".golden.json")
			if *update {
				b, err := json.MarshalIndent(got, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(goldenPath, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test ./source -run TestGolden -update)", err)
			}
			var want golden
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s read differently (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestSameSheetInEveryEncoding checks that the Windows-1251, UTF-8 and UTF-16
// ("Unicode text", tab-separated) exports of the same sheet read to identical rows.
func TestSameSheetInEveryEncoding(t *testing.T) {
	want := readAll(t, filepath.Join(fixtureDir, "utf8_semicolon.csv"), Options{})
	if want.Error != "" || len(want.Rows) != 4 {
		t.Fatalf("utf-8 version: %+v", want)
	}
	for _, name := range []string{"cp1251_semicolon.csv", "utf16le_tab.csv"} {
		got := readAll(t, filepath.Join(fixtureDir, name), Options{})
		if diff := cmp.Diff(want.Rows, got.Rows); diff != "" {
			t.Errorf("%s differs from the UTF-8 version (-utf8 +%s):\n%s", name, name, diff)
		}
	}
}

// TestCSVSpectrum runs the public csv-spectrum suite: each csvs/X.csv, read with
// its first row as the header, must equal json/X.json.
func TestCSVSpectrum(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "suites", "csv-spectrum")
	files, _ := filepath.Glob(filepath.Join(dir, "csvs", "*.csv"))
	if len(files) == 0 {
		t.Skip("csv-spectrum suite not found at " + dir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".csv")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "json", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var want []map[string]string
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			g := readAll(t, file, Options{Delimiter: ","})
			if g.Error != "" {
				t.Fatal(g.Error)
			}
			got := []map[string]string{}
			header := g.Rows[0].Cells
			for _, row := range g.Rows[1:] {
				m := map[string]string{}
				for i, h := range header {
					if i < len(row.Cells) {
						m[h] = row.Cells[i]
					} else {
						m[h] = ""
					}
				}
				got = append(got, m)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
