package importer_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
)

// pwned sets the terminal's title (OSC 0 ... BEL) and clears the screen (CSI 2 J).
const pwned = "\x1b]0;PWNED\x07\x1b[2J"

// TestDescribeShowsControlsEscaped reads files whose name, headers and cells hold
// terminal escapes, raw in a CSV and as Excel's _x001B_ in a workbook (which the
// reader decodes to the same bytes), and checks that how the run describes the file
// shows them as text: no ESC, BEL or bidi override reaches the person's terminal.
func TestDescribeShowsControlsEscaped(t *testing.T) {
	dir := t.TempDir()
	csvName := "staff" + pwned + ".csv"
	if runtime.GOOS == "windows" {
		csvName = "staff.csv" // control characters are not allowed in Windows file names
	}
	csvPath := filepath.Join(dir, csvName)
	csvText := header[:len(header)-1] + ";\"Заметка" + pwned + "\"\n" +
		"T00001;\"Иванов Иван" + pwned + "\";ivan@example.ru;Инженер\u202eрТ;8 (912) 345-67-89;x\u009b31m\n"
	// A few control characters among ordinary rows, as in a real export: a file that
	// is mostly control characters is refused as binary before anything is printed.
	for i := range 40 {
		csvText += strings.TrimSuffix(person(i+2), "\n") + ";\n"
	}
	if err := os.WriteFile(csvPath, []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}

	xlsxPath := filepath.Join(dir, "staff.xlsx")
	f := excelize.NewFile()
	xesc := "_x001B_]0;PWNED_x0007__x001B_[2J"
	for i, v := range []string{"Табельный номер", "ФИО", "E-mail", "Должность", "Заметка" + xesc} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr("Sheet1", cell, v)
	}
	for i, v := range []string{"T00001", "Иванов Иван" + xesc, "ivan@example.ru", "Инженер_x202E_", "x"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellStr("Sheet1", cell, v)
	}
	if err := f.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, in := range []string{csvPath, xlsxPath} {
		for _, lang := range []lang.Lang{lang.English, lang.Russian} {
			t.Run(filepath.Ext(in)+"/"+string(lang), func(t *testing.T) {
				var log strings.Builder
				opts := options(in)
				opts.Lang, opts.Kind = lang, importer.Validate
				opts.ReportDir = filepath.Join(t.TempDir(), "report")
				if _, err := importer.Run(context.Background(), opts, importer.Deps{Hooks: describeTo(&log, lang)}); err != nil {
					t.Fatal(err)
				}
				out := log.String()
				if i := strings.IndexAny(out, "\x1b\x07\u202e\u009b"); i >= 0 {
					t.Fatalf("a control character reached the log at %d:\n%q", i, out)
				}
				for _, want := range []string{`Иванов Иван\x1b]0;PWNED\x07\x1b[2J`, `Заметка\x1b]0;PWNED\x07\x1b[2J`, `Инженер\u202e`} {
					if !strings.Contains(out, want) {
						t.Errorf("the log does not show %s:\n%s", want, out)
					}
				}
			})
		}
	}
}

// describeTo is the hooks cli gives a run: how the file was read, said to w.
func describeTo(w io.Writer, l lang.Lang) importer.Hooks {
	return importer.Hooks{Read: func(input string, si *reports.SourceInfo) { reports.PrintSource(w, input, si, l) }}
}
