package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// terminalRun runs args with name in a fresh folder holding files, in language l, and
// returns the result with the folder's path taken out of stderr, for a golden file.
func terminalRun(t *testing.T, l string, files map[string]string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args = append([]string(nil), args...)
	for i, a := range args {
		if _, ok := files[a]; ok {
			args[i] = filepath.Join(dir, a)
		}
	}
	res := run(t, map[string]string{"LANG": l}, args...)
	res.stderr = strings.ReplaceAll(res.stderr, dir+string(filepath.Separator), "")
	return res
}

const staffHeader = "Табельный номер;ФИО;E-mail;Должность;Телефон\n"

// TestNoRowsUnderTheHeader: a file with a header and nothing under it is one line and
// exit 2, before any report is written (issue 17; it was "0 rows" and exit 0).
func TestNoRowsUnderTheHeader(t *testing.T) {
	for _, l := range []string{"en", "ru"} {
		t.Run(l, func(t *testing.T) {
			res := terminalRun(t, l, map[string]string{"staff.csv": staffHeader}, "validate", "staff.csv", "--target", "collaborator")
			if res.code != 2 {
				t.Errorf("exit %d, want 2", res.code)
			}
			golden(t, "terminal/"+l+"/no-rows.golden", res.stderr)
			if n := strings.Count(res.stderr, "\n"); n != 1 {
				t.Errorf("%d lines, want one:\n%s", n, res.stderr)
			}
		})
	}
}

// TestExcelHasTheFileOpen: "~$staff.csv" beside the file is a warning line that Excel
// has it open and unsaved edits are not read; the run goes on (issue 17).
func TestExcelHasTheFileOpen(t *testing.T) {
	for _, l := range []string{"en", "ru"} {
		t.Run(l, func(t *testing.T) {
			files := map[string]string{
				"staff.csv":   staffHeader + "T1;Иванов Иван Иванович;ivan@example.ru;Инженер;+79123456789\n",
				"~$staff.csv": "owner",
			}
			res := terminalRun(t, l, files, "validate", "staff.csv", "--target", "collaborator")
			if res.code != 0 {
				t.Errorf("exit %d, want 0:\n%s", res.code, res.stderr)
			}
			line := ""
			for s := range strings.Lines(res.stderr) {
				if strings.Contains(s, "~$staff.csv") {
					line = s
				}
			}
			golden(t, "terminal/"+l+"/excel-lock.golden", line)
		})
	}
}

// warningsFile has a row of each warning that may need a decision (a likely typo in a
// domain, an extension, two numbers in a cell), routine notes (logins made from the
// e-mail, gender from the patronymic) and one invalid row.
const warningsFile = "Табельный номер;ФИО;E-mail;Должность;Телефон;Пол\n" +
	"T1;Иванов Иван Иванович;ivan@mail.ry;Инженер;8 (495) 585-01-53 доб. 3775;\n" +
	"T2;Петрова Анна Сергеевна;anna@example.ru;Инженер;+7 912 345-67-89, +7 912 000-00-01;\n" +
	"T3;Сидоров Пётр Петрович;petr@example.ru;Инженер;+79123456780;\n" +
	"T4;Кузнецова Ольга Игоревна;olga@example.ru;Инженер;+79123456781;\n" +
	"T5;;bad-email;Инженер;+79123456782;\n"

// TestSummaryListsWarnings: after validate and import the terminal lists the warnings
// that may need a decision, grouped with the first row of each, and sums the routine
// notes in one line; the count is of the warnings listed (issue 17: "2 warnings" hid
// a mistyped domain among 40 generated logins).
func TestSummaryListsWarnings(t *testing.T) {
	commands := []struct {
		name string
		args []string
	}{
		{"validate", []string{"validate", "staff.csv", "--target", "inskill"}},
		{"validate-collaborator", []string{"validate", "staff.csv", "--target", "collaborator"}},
		{"import", []string{"import", "staff.csv", "--target", "collaborator", "--sandbox"}},
	}
	for _, l := range []string{"en", "ru"} {
		for _, c := range commands {
			t.Run(l+"/"+c.name, func(t *testing.T) {
				res := terminalRun(t, l, map[string]string{"staff.csv": warningsFile}, c.args...)
				if res.code != 1 {
					t.Errorf("exit %d, want 1 (an invalid row):\n%s", res.code, res.stderr)
				}
				// From the counts on: what comes before (how the file was read, the
				// sandbox's address) is not this test's.
				_, summary, ok := strings.Cut(res.stderr, "\n5 ")
				if !ok {
					t.Fatalf("no summary in:\n%s", res.stderr)
				}
				golden(t, "terminal/"+l+"/summary-"+c.name+".golden", "5 "+summary)
			})
		}
	}
}
