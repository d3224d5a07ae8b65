package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"userimport/lang"
	"userimport/platforms"
)

// TestTemplateExampleRowIsSkipped: a template filled in below its example row, the
// example left in place, validates and imports only the three people, and the run says
// that row 2 was skipped (issue 17: the example was imported as a person).
func TestTemplateExampleRowIsSkipped(t *testing.T) {
	for _, p := range platforms.All() {
		for _, l := range []lang.Lang{lang.Russian, lang.English} {
			t.Run(p.Name+"/"+string(l), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "staff.xlsx")
				if res := run(t, nil, "template", "--target", p.Name, "-o", path, "--lang", string(l)); res.code != 0 {
					t.Fatalf("template: exit %d\n%s", res.code, res.stderr)
				}
				fillFrom(t, path, &p, l, 3)
				said := map[lang.Lang]string{lang.English: "row 2 is the template's example: skipped", lang.Russian: "строка 2 — пример из шаблона: пропущена"}[l]

				res := run(t, nil, "validate", path, "--target", p.Name, "--json", "--lang", string(l))
				if res.code != 0 {
					t.Fatalf("validate: exit %d\n%s", res.code, res.stderr)
				}
				if !strings.Contains(res.stdout, `"valid": 3`) || !strings.Contains(res.stdout, `"rows": 3`) {
					t.Errorf("validate does not count the 3 people alone:\n%s", res.stdout)
				}
				if !strings.Contains(res.stderr, said) {
					t.Errorf("validate does not say %q:\n%s", said, res.stderr)
				}

				res = run(t, nil, "import", path, "--target", p.Name, "--sandbox", "--json", "--lang", string(l), "--report", filepath.Join(t.TempDir(), "r"))
				if res.code != 0 {
					t.Fatalf("import: exit %d\n%s", res.code, res.stderr)
				}
				var sum struct {
					Rows    int `json:"rows"`
					Created int `json:"created"`
				}
				if err := json.Unmarshal([]byte(res.stdout), &sum); err != nil {
					t.Fatalf("%v\n%s", err, res.stdout)
				}
				if sum.Rows != 3 || sum.Created != 3 {
					t.Errorf("import: %d rows, %d created; want the 3 people alone\n%s", sum.Rows, sum.Created, res.stdout)
				}
				if !strings.Contains(res.stderr, said) {
					t.Errorf("import does not say %q:\n%s", said, res.stderr)
				}
			})
		}
	}
}

// TestCSVTemplateExampleRowIsSkipped: the same with a CSV template, people appended
// below the example line.
func TestCSVTemplateExampleRowIsSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.csv")
	if res := run(t, nil, "template", "--target", "inskill", "-o", path, "--lang", "ru"); res.code != 0 {
		t.Fatalf("template: exit %d\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Split(strings.TrimPrefix(strings.SplitN(string(data), "\r\n", 2)[0], "\ufeff"), ";")
	var line []string
	for _, h := range header {
		v := ""
		switch {
		case strings.Contains(h, "E-mail"):
			v = "p.petrov@example.com"
		case strings.HasPrefix(h, "Фамилия"):
			v = "Петров"
		case strings.HasPrefix(h, "Имя"):
			v = "Пётр"
		}
		line = append(line, v)
	}
	data = append(data, []byte(strings.Join(line, ";")+"\r\n")...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	res := run(t, nil, "validate", path, "--target", "inskill", "--json", "--lang", "en")
	if res.code != 0 {
		t.Fatalf("validate: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, `"rows": 1`) || !strings.Contains(res.stdout, `"valid": 1`) {
		t.Errorf("validate does not count the one person alone:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, "row 2 is the template's example: skipped") {
		t.Errorf("no word of the example row:\n%s", res.stderr)
	}
}
