package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNumberAmongPaddedIDsIsAWarning: a табельный номер 123 among 000124 and 000125 is
// a warning on its row alone, in results.csv; the row stays valid (issue 17).
func TestNumberAmongPaddedIDsIsAWarning(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	os.WriteFile(in, []byte("Табельный номер;Фамилия;Имя;E-mail;Должность\n"+
		"000124;Петров;Пётр;p@example.ru;Инженер\n"+
		"123;Сидорова;Анна;s@example.ru;Инженер\n"+
		"000125;Ким;Олег;k@example.ru;Инженер\n"), 0o600)
	res := run(t, map[string]string{"LANG": "en"}, "validate", in, "--target", "collaborator", "--json")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, `"valid": 3`) {
		t.Errorf("the rows are not all valid:\n%s", res.stdout)
	}
	results, err := os.ReadFile(filepath.Join(in+".report", "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(results), "\n") {
		has := strings.Contains(line, "id_zeros_dropped")
		if want := strings.HasPrefix(line, "3,"); has != want {
			t.Errorf("id_zeros_dropped %v on %q", has, line)
		}
		if has && !strings.Contains(line, "was it 000123?") {
			t.Errorf("the warning does not give the id with its zeros: %q", line)
		}
	}
}
