package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestColumnMessages keeps, in both languages, what the terminal says when a required
// column is missing (the column suggested by its name and its cells, never one mapped
// to another field; iSpring's --default-department) and when a --map names a header
// the file does not have (testdata/columns/*.golden).
func TestColumnMessages(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// On main: "Use --map 'Таб. номер=email'", the column that holds the uid.
	uidFirst := write("uid.csv", "Таб. номер;ФИО;Контакт;Email руководителя;Примечание\n"+
		"T1;Иванов Иван Иванович;ivan@x.ru;boss@x.ru;отпуск\nT2;Петров Пётр;petr@x.ru;boss@x.ru;\n")
	noDept := write("dept.csv", "Табельный номер;ФИО;Email сотрудника;Логин\nT1;Иванов Иван Иванович;ivan@x.ru;ivan\n")
	bossOnly := write("boss.csv", "Таб. номер;ФИО;Email руководителя\nT1;Иванов Иван;boss@x.ru\n")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"suggest-by-cells", []string{"validate", uidFirst, "--target", "inskill"}, 2},
		{"suggest-two", []string{"validate", uidFirst, "--target", "collaborator"}, 2},
		{"never-someone-elses", []string{"validate", bossOnly, "--target", "inskill"}, 2},
		{"ispring-department", []string{"validate", noDept, "--target", "ispring"}, 2},
		{"map-unknown-header", []string{"validate", noDept, "--target", "inskill", "--map", "Эл адрес=email"}, 2},
		{"map-typo", []string{"validate", noDept, "--target", "inskill", "--map", "Emial сотрудника=email"}, 2},
	}
	for _, l := range []string{"en", "ru"} {
		for _, tt := range tests {
			t.Run(l+"/"+tt.name, func(t *testing.T) {
				res := run(t, map[string]string{"LANG": l}, tt.args...)
				if res.code != tt.code {
					t.Fatalf("exit %d, want %d\n%s", res.code, tt.code, res.stderr)
				}
				if n := strings.Count(res.stderr, "\n"); n != 1 {
					t.Errorf("%d lines, want one:\n%s", n, res.stderr)
				}
				golden(t, "columns/"+l+"/"+tt.name+".golden", strings.ReplaceAll(res.stderr, dir, "DIR"))
			})
		}
	}
}

// TestQualifiedHeadersImport: a file as an HR export writes it imports without --map,
// and --default-department stands in for iSpring's department column.
func TestQualifiedHeadersImport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "hr.csv")
	os.WriteFile(in, []byte("Табельный номер сотрудника;Сотрудник;Email сотрудника;Email руководителя;Моб.тел;Должность сотрудника;Подразделение (отдел)\n"+
		"T1;Иванов Иван Иванович;ivan@x.ru;boss@x.ru;8 912 345-67-89;Инженер;Продажи\n"), 0o600)
	res := run(t, map[string]string{"LANG": "en"}, "validate", in, "--target", "collaborator", "--json")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	got := squash(res.stdout)
	for _, want := range []string{
		`"header": "Email сотрудника", "field": "email"`,
		`"header": "Моб.тел", "field": "phone"`,
		`"header": "Сотрудник", "field": "full_name"`,
		`"header": "Подразделение (отдел)", "field": "department"`,
		`"header": "Email руководителя", "note": "unknown"`,
	} {
		if !strings.Contains(got, squash(want)) {
			t.Errorf("summary lacks %s:\n%s", want, res.stdout)
		}
	}
}

// TestDefaultDepartmentStandsInForTheColumn: the hint iSpring's missing department
// gives works: with --default-department the file without the column imports.
func TestDefaultDepartmentStandsInForTheColumn(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	os.WriteFile(in, []byte("Email сотрудника;Фамилия;Имя\nivan@x.ru;Иванов;Иван\n"), 0o600)
	res := run(t, map[string]string{"LANG": "en"}, "import", in, "--target", "ispring", "--sandbox", "--default-department", "MSK")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, "no column") {
		t.Errorf("refused for the department column:\n%s", res.stderr)
	}
}
