package cli_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"userimport/cli"
	"userimport/columns"
	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
	"userimport/targets/inskill/inskilltest"
	"userimport/template"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type result struct {
	code           int
	stdout, stderr string
}

// run calls cli.Main as main does, with env as the whole environment.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, envOf(env), cli.IO{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Version: "v0.0.0-test",
	})
	return result{code, stdout.String(), stderr.String()}
}

func envOf(m map[string]string) cli.Env {
	return func(k string) string { return m[k] }
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

// TestHelpGolden keeps every command's --help in testdata, in both languages, so a
// change of wording or a lost example shows up in review.
func TestHelpGolden(t *testing.T) {
	commands := []string{"", "validate", "import", "plan", "template", "targets", "sandbox", "ui", "version", "completion"}
	for _, l := range []string{"en", "ru"} {
		for _, c := range commands {
			name := c
			if name == "" {
				name = "root"
			}
			t.Run(l+"/"+name, func(t *testing.T) {
				args := []string{"--help"}
				if c != "" {
					args = []string{c, "--help"}
				}
				res := run(t, map[string]string{"LANG": l}, args...)
				if res.code != 0 {
					t.Fatalf("exit %d\n%s", res.code, res.stderr)
				}
				golden(t, "help/"+l+"/"+name+".golden", res.stdout)
				if l == "ru" {
					// cobra's own words, which a Russian usage template replaces (issue 17).
					for _, en := range []string{"Usage:", "Flags:", "Examples:", "Available Commands", "for more information", "help for", "(default ", "Print the", "Generate the"} {
						if strings.Contains(res.stdout, en) {
							t.Errorf("English %q in Russian help", en)
						}
					}
				}
				if c != "" && c != "version" && c != "completion" && !strings.Contains(res.stdout, "userimport "+c) {
					t.Errorf("%s --help has no example", c)
				}
			})
		}
	}
}

func TestTargetsGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"targets.golden", []string{"targets"}},
		{"targets-ispring-ru.golden", []string{"targets", "ispring", "--lang", "ru"}},
		{"targets.json.golden", []string{"targets", "--json"}},
		{"targets-cscart.json.golden", []string{"targets", "cscart", "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, nil, tt.args...)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			golden(t, tt.name, res.stdout)
		})
	}
}

func TestSuggestions(t *testing.T) {
	dir := t.TempDir()
	noEmail := filepath.Join(dir, "staff.csv")
	os.WriteFile(noEmail, []byte("Табельный номер;ФИО;Эл. пчта;Должность\n1;Иванов Иван;ivan@example.ru;Инженер\n"), 0o600)
	noName := filepath.Join(dir, "names.csv")
	os.WriteFile(noName, []byte("E-mail;Фамиля;Имя\nivan@example.ru;Иванов;Иван\n"), 0o600)
	noGuess := filepath.Join(dir, "none.csv")
	os.WriteFile(noGuess, []byte("ФИО;Контакт;Тел.\nИванов Иван;ivan@example.ru;89123456789\n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"command", nil, []string{"valdate"}, []string{"validate"}},
		{"flag", nil, []string{"import", noEmail, "--target", "cscart", "--concurency", "3"}, []string{"unknown flag --concurency", "did you mean --concurrency?"}},
		{"flag ru", map[string]string{"LANG": "ru_RU.UTF-8"}, []string{"import", noEmail, "--target", "cscart", "--sandbx"}, []string{"неизвестный флаг --sandbx", "--sandbox"}},
		{"target", nil, []string{"validate", noEmail, "--target", "colaborator"}, []string{`unknown target "colaborator"`, "did you mean collaborator?"}},
		{"target by its brand", nil, []string{"targets", "cs-cart"}, []string{"did you mean cscart?"}},
		{"column typo", nil, []string{"validate", noEmail, "--target", "inskill"}, []string{"no column for email", "found: Табельный номер, ФИО, Эл. пчта, Должность", "Did you mean --map 'Эл. пчта=email' (its cells hold e-mail addresses)?"}},
		{"column typo ru", map[string]string{"LANG": "ru"}, []string{"validate", noName, "--target", "collaborator"}, []string{"нет столбца для", "--map 'Фамиля=last_name'"}},
		{"column by its cells", nil, []string{"validate", noGuess, "--target", "inskill"}, []string{"no column for email; found: ФИО, Контакт, Тел.", "Did you mean --map 'Контакт=email' (its cells hold e-mail addresses)?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.env, tt.args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2\n%s", res.code, res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, res.stderr)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		res := run(t, nil, args...)
		if res.code != 0 || !strings.HasPrefix(res.stdout, "userimport v0.0.0-test (") {
			t.Errorf("%v: exit %d, stdout %q", args, res.code, res.stdout)
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		res := run(t, nil, "completion", shell)
		if res.code != 0 || len(res.stdout) < 100 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, res.code, len(res.stdout))
		}
	}
	res := run(t, nil, "__complete", "validate", "x.xlsx", "--target", "")
	for _, name := range []string{"collaborator", "inskill", "ispring", "cscart"} {
		if !strings.Contains(res.stdout, name) {
			t.Errorf("--target completion lacks %s:\n%s", name, res.stdout)
		}
	}
}

// fill writes three people into a template over its example row, as a person would
// in Excel: only the cells, not the headers.
func fill(t *testing.T, path string, p *targets.Platform, l lang.Lang) {
	t.Helper()
	fillFrom(t, path, p, l, 2)
}

// fillFrom writes the three people of fill from row first on.
func fillFrom(t *testing.T, path string, p *targets.Platform, l lang.Lang, first int) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, sheet := p.Schema(), template.SheetName(p, l)
	people := []map[columns.Field]string{
		{columns.UID: "00017", columns.LastName: "Петров", columns.FirstName: "Пётр", columns.Email: "p.petrov@example.ru", columns.Phone: "8 (912) 345-67-89", columns.Gender: "м", columns.BirthDate: "03.02.1990"},
		{columns.UID: "00018", columns.LastName: "Сидорова", columns.FirstName: "Анна", columns.MiddleName: "Ильинична", columns.Email: "a.sidorova@example.ru", columns.Active: "нет", columns.Status: "D", columns.UserType: "A"},
		{columns.UID: "00019", columns.LastName: "Ким", columns.FirstName: "Олег", columns.Email: "oleg.kim@example.ru", columns.Role: "learner", columns.HireDate: "01.10.2026"},
	}
	for i, c := range template.Columns(s, l) {
		for r, p := range people {
			v, ok := p[c.Field]
			switch {
			case ok:
			case c.Field == columns.Position:
				v = "Инженер"
			case c.Field == columns.Department:
				v = "Отдел продаж"
			case c.Field == columns.Login:
				v = "" // the tool makes it
			default:
				v = ""
			}
			if c.Field == columns.Gender && l == lang.English && v == "м" {
				v = "m"
			}
			if c.Field == columns.Active && l == lang.English && v == "нет" {
				v = "no"
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, r+first)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestFilledTemplateValidates is the new user's path: write a template, fill in three
// people, validate without --map.
func TestFilledTemplateValidates(t *testing.T) {
	for _, p := range platforms.All() {
		name := p.Name
		for _, l := range []lang.Lang{lang.Russian, lang.English} {
			t.Run(name+"/"+string(l), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "staff.xlsx")
				res := run(t, nil, "template", "--target", name, "-o", path, "--lang", string(l))
				if res.code != 0 {
					t.Fatalf("template: exit %d\n%s", res.code, res.stderr)
				}
				if fi, err := os.Stat(path); err != nil || (fi.Mode().Perm() != 0o600 && !isWindows()) {
					t.Errorf("template file: %v %v", err, fi.Mode())
				}
				fill(t, path, &p, l)
				res = run(t, nil, "validate", path, "--target", name, "--json")
				if res.code != 0 {
					results, _ := os.ReadFile(filepath.Join(path+".report", "results.csv"))
					t.Fatalf("validate: exit %d\n%s\n%s", res.code, res.stderr, results)
				}
				if !strings.Contains(res.stdout, `"valid": 3`) {
					t.Errorf("summary does not count 3 valid rows:\n%s", res.stdout)
				}
			})
		}
	}
}

func TestTemplateRefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.csv")
	os.WriteFile(path, []byte("mine"), 0o600)
	res := run(t, nil, "template", "--target", "inskill", "-o", path)
	if res.code != 2 || !strings.Contains(res.stderr, "--force") {
		t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
	}
	if data, _ := os.ReadFile(path); string(data) != "mine" {
		t.Fatal("the file was overwritten")
	}
	if res := run(t, nil, "template", "--target", "inskill", "-o", path, "--force"); res.code != 0 {
		t.Fatalf("--force: exit %d %s", res.code, res.stderr)
	}
}

func isWindows() bool { return os.PathSeparator == '\\' }

// staffCSV writes n valid inSkill rows.
func staffCSV(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("E-mail;ФИО;Телефон\n")
	for i := range n {
		fmt.Fprintf(&b, "user%d@example.ru;Иванов Иван;\n", i)
	}
	path := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestProfiles is last month's setup repeated: validate saves the mapping it used,
// the next run needs only --profile; the command line wins over the profile; the
// token comes from the variable the profile names; a file others can read is refused.
func TestProfiles(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": home, "LANG": "en"}
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	os.WriteFile(in, []byte("Эл. адрес;ФИО;Примечание\nivan@example.ru;Иванов Иван;x\n"), 0o600)

	res := run(t, env, "validate", in, "--target", "inskill", "--map", "Эл. адрес=email", "--map", "Примечание=-", "--save-profile", "hr")
	if res.code != 0 || !strings.Contains(res.stderr, "saved profile hr") {
		t.Fatalf("save: exit %d\n%s", res.code, res.stderr)
	}
	path := filepath.Join(home, "userimport", "config.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`target = "inskill"`, `"Эл. адрес" = "email"`, `"ФИО" = "full_name"`, `"Примечание" = "-"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("config lacks %s:\n%s", want, data)
		}
	}
	if fi, _ := os.Stat(path); !isWindows() && fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v", fi.Mode().Perm())
	}

	res = run(t, env, "validate", in, "--profile", "hr", "--json")
	if res.code != 0 || !strings.Contains(res.stdout, `"target": "inskill"`) {
		t.Fatalf("--profile: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// The command line wins: another target, whose required columns this file lacks.
	res = run(t, env, "validate", in, "--profile", "hr", "--target", "collaborator")
	if res.code != 2 || !strings.Contains(res.stderr, "no column for uid") {
		t.Errorf("--target over the profile: exit %d\n%s", res.code, res.stderr)
	}
	res = run(t, env, "validate", in, "--profile", "nope")
	if res.code != 2 || !strings.Contains(res.stderr, `"nope"`) || !strings.Contains(res.stderr, "hr") {
		t.Errorf("unknown profile: exit %d\n%s", res.code, res.stderr)
	}

	// Credentials by reference.
	srv := httptest.NewServer(inskilltest.New("t0k"))
	defer srv.Close()
	os.WriteFile(path, append(data, []byte(fmt.Sprintf("\n[profiles.lms]\ntarget = \"inskill\"\nurl = %q\ntoken_env = \"MY_TOKEN\"\n[profiles.lms.map]\n\"Эл. адрес\" = \"email\"\n", srv.URL))...), 0o600)
	env["MY_TOKEN"] = "t0k"
	res = run(t, env, "import", in, "--profile", "lms")
	if res.code != 0 {
		t.Fatalf("import with token_env: exit %d\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, "t0k") {
		t.Error("the token was printed")
	}

	if !isWindows() {
		os.Chmod(path, 0o644)
		res = run(t, env, "validate", in, "--profile", "hr")
		if res.code != 2 || !strings.Contains(res.stderr, "chmod 600") {
			t.Errorf("readable config: exit %d\n%s", res.code, res.stderr)
		}
		os.Chmod(path, 0o600)
	}
	os.WriteFile(path, []byte("[profiles.hr]\ntarget = \"inskill\"\nconcurency = 3\n"), 0o600)
	res = run(t, env, "validate", in, "--profile", "hr")
	if res.code != 2 || !strings.Contains(res.stderr, "line 3") {
		t.Errorf("misspelt key: exit %d\n%s", res.code, res.stderr)
	}
	// --config points elsewhere.
	other := filepath.Join(t.TempDir(), "other.toml")
	os.WriteFile(other, []byte("[profiles.x]\ntarget = \"inskill\"\n[profiles.x.map]\n\"Эл. адрес\" = \"email\"\n"), 0o600)
	if res := run(t, env, "validate", in, "--config", other, "--profile", "x"); res.code != 0 {
		t.Errorf("--config: exit %d\n%s", res.code, res.stderr)
	}
}
