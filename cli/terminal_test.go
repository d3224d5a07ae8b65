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
