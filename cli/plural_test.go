package cli_test

import (
	"strings"
	"testing"
)

// TestSummaryPlurals: the count of rows in the summary takes the noun's right form:
// "1 row", not "1 rows"; 1 строка, 2 строки, 5 строк (issue 17).
func TestSummaryPlurals(t *testing.T) {
	tests := []struct {
		lang string
		rows int
		want string
	}{
		{"en", 1, "1 row: "},
		{"en", 2, "2 rows: "},
		{"ru", 1, "1 строка: "},
		{"ru", 2, "2 строки: "},
		{"ru", 5, "5 строк: "},
		{"ru", 21, "21 строка: "},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			in := staffCSV(t, tt.rows)
			res := run(t, map[string]string{"LANG": tt.lang}, "validate", in, "--target", "inskill", "--quiet")
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("no %q in:\n%s", tt.want, res.stderr)
			}
		})
	}
}
