package reports_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/validate"
)

// writeFailedRun writes one run's reports of a two-column CSV: row 2 valid, row 3 a
// duplicate of row 2's uid. It returns the summary.
func writeFailedRun(t *testing.T, dir string) *reports.Summary {
	t.Helper()
	info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ","}
	in := reports.Input{Path: "/data/staff.csv", Info: info, HeaderRow: 1, Header: []string{"Табельный номер", "ФИО"},
		Columns: []reports.Column{{Index: 0, Header: "Табельный номер", Field: "uid"}, {Index: 1, Header: "ФИО", Field: "full_name"}}}
	w, err := reports.NewWriter(dir, in, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	rows := []*reports.Row{
		{Num: 2, Key: "T1", Status: reports.Created, Cells: []string{"T1", "Иванов Иван"}},
		{Num: 3, Key: "T1", Status: reports.Invalid, Cells: []string{"T1", "Петров Пётр"}, Issues: []validate.Issue{
			{Field: "uid", Column: "Табельный номер", Code: validate.CodeDuplicate, Severity: validate.Error, Raw: "T1", Normalized: "T1", Detail: "2 (staff.csv)"}}},
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	s := &reports.Summary{}
	if err := w.Finish(s); err != nil {
		t.Fatal(err)
	}
	return s
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestFailedFileKeepsIdentity: a failed row says which row of the original file it
// was and, for a duplicate, which earlier row it repeats by which key.
func TestFailedFileKeepsIdentity(t *testing.T) {
	dir := t.TempDir()
	s := writeFailedRun(t, dir)
	if s.FailedFile != "failed.csv" {
		t.Fatalf("FailedFile = %q", s.FailedFile)
	}
	want := [][]string{
		{"Исходная строка/Source row", "Повторяет/Repeats", "Табельный номер", "ФИО"},
		{"3 (staff.csv)", "2 (staff.csv): uid=T1", "T1", "Петров Пётр"},
	}
	if diff := cmp.Diff(want, readCSV(t, filepath.Join(dir, "failed.csv"))); diff != "" {
		t.Errorf("failed.csv (-want +got):\n%s", diff)
	}
}

// TestEditedFailedFileIsKept: the next run of the original file replaces the failed
// file it wrote, but never one a person changed: that one stays, and the new rows go
// to failed-2.csv.
func TestEditedFailedFileIsKept(t *testing.T) {
	dir := t.TempDir()
	writeFailedRun(t, dir)
	// Unchanged since written: the next run replaces it.
	if s := writeFailedRun(t, dir); s.FailedFile != "failed.csv" || len(s.KeptFailed) != 0 {
		t.Fatalf("second run: FailedFile %q, kept %v; want failed.csv replaced", s.FailedFile, s.KeptFailed)
	}
	edited := []byte("Исходная строка/Source row,Повторяет/Repeats,Табельный номер,ФИО\n3 (staff.csv),,T2,Петров Пётр\n")
	if err := os.WriteFile(filepath.Join(dir, "failed.csv"), edited, 0o600); err != nil {
		t.Fatal(err)
	}
	s := writeFailedRun(t, dir)
	if s.FailedFile != "failed-2.csv" || !cmp.Equal(s.KeptFailed, []string{"failed.csv"}) {
		t.Fatalf("after an edit: FailedFile %q, kept %v; want failed-2.csv and failed.csv kept", s.FailedFile, s.KeptFailed)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "failed.csv")); string(got) != string(edited) {
		t.Errorf("the edited failed.csv was changed:\n%s", got)
	}
	// And again: failed-2.csv is the tool's, so it is replaced; failed.csv still kept.
	if s := writeFailedRun(t, dir); s.FailedFile != "failed-2.csv" {
		t.Errorf("third run: FailedFile %q, want failed-2.csv again", s.FailedFile)
	}
}
