package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"userimport/internal/people"
)

// regenerate is what to run when a sample-file test fails after an intended change.
const regenerate = "go run ./bench/gendata -staff testdata"

// TestStaffFilesUpToDate checks that testdata/staff.* are what -staff writes now. CSV
// and JSON are compared byte for byte; the workbook by its cells, since a zip holds
// timestamps.
func TestStaffFilesUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := writeStaff(dir); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "testdata")
	for _, name := range []string{"staff.csv", "staff.expected.json"} {
		t.Run(name, func(t *testing.T) {
			want := readFile(t, filepath.Join(dir, name))
			got := readFile(t, filepath.Join(committed, name))
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("testdata/%s is stale (-now +committed); run %s:\n%s", name, regenerate, diff)
			}
		})
	}
	t.Run("staff.xlsx", func(t *testing.T) {
		want := readWorkbook(t, filepath.Join(dir, "staff.xlsx"))
		got := readWorkbook(t, filepath.Join(committed, "staff.xlsx"))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("testdata/staff.xlsx is stale (-now +committed); run %s:\n%s", regenerate, diff)
		}
	})
}

// TestStaffFilesAgree checks that the CSV and the workbook hold the same people, cell
// for cell as a reader shows them, and that the CSV is what Excel's "CSV UTF-8" saves.
func TestStaffFilesAgree(t *testing.T) {
	dir := t.TempDir()
	if err := writeStaff(dir); err != nil {
		t.Fatal(err)
	}
	data := readFile(t, filepath.Join(dir, "staff.csv"))
	if !bytes.HasPrefix(data, []byte("\uFEFF")) || !bytes.Contains(data, []byte("\r\n")) {
		t.Error("staff.csv lacks the BOM or the CRLF line ends of Excel's CSV UTF-8")
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	cr.Comma = ';'
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != people.StaffRows+1 {
		t.Fatalf("staff.csv has %d rows, want %d", len(records), people.StaffRows+1)
	}
	sheet := readWorkbook(t, filepath.Join(dir, "staff.xlsx"))
	shown := sheet[people.SheetName+" shown"]
	for i, rec := range records {
		xl := make([]string, people.NumColumns)
		copy(xl, shown[i])
		for c := range rec {
			if c == people.ColBirth && rec[c] != xl[c] {
				continue // a date cell shows as dd.mm.yyyy whatever the CSV spelling
			}
			if rec[c] != xl[c] {
				t.Errorf("row %d column %q: csv %q, xlsx %q", i+1, people.Header[c], rec[c], xl[c])
			}
		}
	}
	var exp people.Expected
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "staff.expected.json")), &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Errors) != 7 || len(exp.Warnings) != 1 {
		t.Errorf("staff.expected.json: %d errors and %d warnings, want 7 and 1", len(exp.Errors), len(exp.Warnings))
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stderr   string
		rows     int // data rows in the output, -1 to skip
		expected bool
	}{
		{"csv with expected", []string{"-rows", "300", "-seed", "4", "-errors", "0.2", "-o", "{dir}/a.csv", "-expected", "{dir}/a.json"}, exitOK, "wrote 300 rows", 300, true},
		{"csv with BOM", []string{"-rows", "10", "-bom", "-o", "{dir}/a.csv"}, exitOK, "wrote 10 rows", 10, false},
		{"xlsx by extension", []string{"-rows", "200", "-o", "{dir}/a.xlsx", "-expected", "{dir}/a.json"}, exitOK, "wrote 200 rows", 200, true},
		{"xlsx by flag", []string{"-rows", "5", "-format", "xlsx", "-o", "{dir}/a.bin"}, exitOK, "wrote 5 rows", -1, false},
		{"no rows", []string{"-rows", "0", "-o", "{dir}/a.csv"}, exitOK, "wrote 0 rows", 0, false},
		{"no output", []string{"-rows", "5"}, exitUsage, "-o FILE is required", -1, false},
		{"unknown format", []string{"-o", "{dir}/a.txt"}, exitUsage, `format "txt"`, -1, false},
		{"bad rate", []string{"-errors", "2", "-o", "{dir}/a.csv"}, exitUsage, "-errors 2", -1, false},
		{"negative rows", []string{"-rows", "-1", "-o", "{dir}/a.csv"}, exitUsage, "-rows -1", -1, false},
		{"unknown flag", []string{"-nope"}, exitUsage, "flag provided but not defined", -1, false},
		{"stray argument", []string{"-o", "{dir}/a.csv", "extra"}, exitUsage, `unexpected argument "extra"`, -1, false},
		{"help", []string{"-h"}, exitOK, "usage: gendata", -1, false},
		{"unwritable", []string{"-o", "{dir}/missing/a.csv"}, exitWrite, "create", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			var stderr bytes.Buffer
			if code := run(args, &stderr); code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.stderr)
			}
			if tt.rows >= 0 {
				n := countRows(t, args)
				if n != tt.rows {
					t.Errorf("%d data rows written, want %d", n, tt.rows)
				}
			}
			if tt.expected {
				var exp people.Expected
				if err := json.Unmarshal(readFile(t, filepath.Join(dir, "a.json")), &exp); err != nil {
					t.Fatal(err)
				}
				if len(exp.Errors) == 0 || exp.Warnings == nil {
					t.Errorf("expected file: %d errors, warnings %v", len(exp.Errors), exp.Warnings)
				}
				for _, p := range exp.Errors {
					if p.Row < 2 || p.Row > tt.rows+1 || p.Field == "" || p.Code == "" {
						t.Errorf("expected problem out of range: %+v", p)
					}
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
		})
	}
}

// TestRunDeterministic checks that a seed gives the same CSV bytes every time.
func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.csv", "b.csv"} {
		if code := run([]string{"-rows", "2000", "-seed", "9", "-o", filepath.Join(dir, name)}, &bytes.Buffer{}); code != exitOK {
			t.Fatalf("exit code %d", code)
		}
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "a.csv")), readFile(t, filepath.Join(dir, "b.csv"))) {
		t.Fatal("the same seed wrote different files")
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readWorkbook reads every sheet of a workbook, both as a reader shows the cells and as
// they are stored, so that a date typed as text differs from a date cell.
func readWorkbook(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, sheet := range f.GetSheetList() {
		shown, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[sheet+" shown"], out[sheet+" raw"] = shown, raw
		visible, err := f.GetSheetVisible(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !visible {
			out[sheet+" hidden"] = nil
		}
	}
	return out
}

// countRows counts the data rows of the file named by -o in args.
func countRows(t *testing.T, args []string) int {
	t.Helper()
	var path string
	for i, a := range args {
		if a == "-o" {
			path = args[i+1]
		}
	}
	if strings.HasSuffix(path, ".xlsx") {
		rows := readWorkbook(t, path)[people.SheetName+" shown"]
		return len(rows) - 1
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(readFile(t, path), []byte("\uFEFF"))))
	cr.Comma = ';'
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(records) - 1
}
