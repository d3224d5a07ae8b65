package cli_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"userimport/targets/inskill/inskilltest"
)

const secret = "Hunter2-Secret!"

// TestSetPasswordNeverWritten: a password given with --set is used, but neither the
// verbose log, the --log file nor a saved profile holds it, and validate says it was
// left out of the profile; the placeholder the resume command prints is refused as a
// value; a profile written by hand with a password still works, with a warning.
func TestSetPasswordNeverWritten(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": home, "LANG": "en"}
	in := staffCSV(t, 3)
	logFile := filepath.Join(t.TempDir(), "run.log")

	res := run(t, env, "validate", in, "--target", "inskill", "--set", "password="+secret, "--set", "Пароль="+secret,
		"--set", "city=Пермь", "--verbose", "--log", logFile, "--save-profile", "hr")
	if res.code != 0 {
		t.Fatalf("validate: exit %d\n%s", res.code, res.stderr)
	}
	config := filepath.Join(home, "userimport", "config.toml")
	for name, text := range map[string]string{"stderr": res.stderr, "stdout": res.stdout, "log": readFile(t, logFile), "config": readFile(t, config)} {
		if strings.Contains(text, secret) {
			t.Errorf("the password is in the %s:\n%s", name, text)
		}
	}
	for _, want := range []string{"password=...", "Пароль=...", "not saved in the profile: --set password, a secret", "saved profile hr"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
		}
	}
	if cfg := readFile(t, config); !strings.Contains(cfg, `city = "Пермь"`) || strings.Contains(cfg, "password") {
		t.Errorf("the profile should keep --set city and leave the password out:\n%s", cfg)
	}

	res = run(t, env, "validate", in, "--target", "inskill", "--set", "password=...")
	if res.code != 2 || !strings.Contains(res.stderr, "put the value in place of ...") {
		t.Errorf("the placeholder as a password: exit %d\n%s", res.code, res.stderr)
	}
	res = run(t, env, "validate", in, "--target", "inskill", "--set", "pasword="+secret)
	if res.code != 2 || strings.Contains(res.stderr, secret) || !strings.Contains(res.stderr, `--set "pasword=..."`) {
		t.Errorf("a misspelt field: exit %d\n%s", res.code, res.stderr)
	}

	os.WriteFile(config, []byte("[profiles.old]\ntarget = \"inskill\"\n[profiles.old.set]\npassword = \""+secret+"\"\n"), 0o600)
	res = run(t, env, "validate", in, "--profile", "old", "--verbose")
	if res.code != 0 || !strings.Contains(res.stderr, "set.password is a secret") || strings.Contains(res.stderr, secret) {
		t.Errorf("a profile with a password: exit %d\n%s", res.code, res.stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// refusingWrites is an inSkill sandbox that answers reads and refuses every write
// with 401: the check before the first row passes, then the import stops part-way.
func refusingWrites(t *testing.T) *httptest.Server {
	sb := inskilltest.New("t0k")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, `{"message":"\u001b]0;PWNED\u0007 token expired"}`, http.StatusUnauthorized)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestResumeHintIsShellSafe stops an import part-way and pastes the command it
// advises into sh: the shell must hand the tool the same file name, run nothing the
// name holds, and the password given with --set must be a placeholder.
func TestResumeHintIsShellSafe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the file name is not allowed on Windows, and there is no sh")
	}
	srv := refusingWrites(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "Отчёт `touch pwned1` $(touch pwned2); touch pwned3 & it's.csv")
	os.WriteFile(in, []byte(readFile(t, staffCSV(t, 3))), 0o600)
	args := []string{"import", in, "--target", "inskill", "--url", srv.URL, "--set", "password=" + secret}
	res := run(t, map[string]string{"USERIMPORT_INSKILL_TOKEN": "t0k", "LANG": "en"}, args...)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, secret) {
		t.Errorf("the password was printed:\n%s", res.stderr)
	}
	_, after, ok := strings.Cut(res.stderr, "run the same command with --resume:\n  userimport ")
	if !ok {
		t.Fatalf("no resume command:\n%s", res.stderr)
	}
	line, _, _ := strings.Cut(after, "\n")
	if !strings.Contains(res.stderr, "not repeated here, being secret: the value of --set password; put it in place of ...") {
		t.Errorf("the placeholder is not explained:\n%s", res.stderr)
	}
	empty := t.TempDir()
	cmd := exec.Command("sh", "-c", `printf '%s\0' `+line)
	cmd.Dir = empty
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", line, err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	want := append(args[:len(args)-1:len(args)-1], "password=...", "--resume")
	if !slices.Equal(got, want) {
		t.Errorf("pasted, the command gives\n%q\nwant\n%q", got, want)
	}
	if files, _ := os.ReadDir(empty); len(files) > 0 {
		t.Errorf("pasting the command ran something: %v", files)
	}
}

// noControls fails when out holds something a terminal would act on.
func noControls(t *testing.T, what, out string) {
	t.Helper()
	if i := strings.IndexAny(out, "\x1b\x07\u009b\u009d\u202e"); i >= 0 {
		t.Errorf("%s: a control character reached the terminal at byte %d:\n%q", what, i, out)
	}
}

// TestTerminalEscapesAreShown runs the tool over files whose name, headers and cells
// hold terminal escapes (raw in a CSV, Excel's _x001B_ in a workbook) and over a
// platform whose answers do: everything printed on stderr shows them as \x1b, and
// none reaches the terminal.
func TestTerminalEscapesAreShown(t *testing.T) {
	dir := t.TempDir()
	name := "staff\x1b]0;PWNED\x07.csv"
	if runtime.GOOS == "windows" {
		name = "staff.csv"
	}
	var b strings.Builder
	b.WriteString("E-mail;ФИО;Телефон;\"Заметка\x1b]0;PWNED\x07\x1b[2J\"\n")
	b.WriteString("ivan@example.ru;\"Иванов\x1b]0;PWNED\x07 Иван\";8 (912) 345-67-89;\u202eRTL\u009b31m\n")
	b.WriteString("bad-email;Петров Пётр;;x\n")
	for i := range 40 {
		b.WriteString("user" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.ru;Сидоров Сидор;;\n")
	}
	csvPath := filepath.Join(dir, name)
	os.WriteFile(csvPath, []byte(b.String()), 0o600)

	xlsxPath := filepath.Join(dir, "staff.xlsx")
	f := excelize.NewFile()
	rows := [][]string{
		{"E-mail", "ФИО", "Заметка_x001B_]0;PWNED_x0007_"},
		{"ivan@example.ru", "Иванов_x001B_]0;PWNED_x0007_ Иван", "_x001B_[2J_x202E_"},
		{"bad-email_x001B_]0;PWNED_x0007_", "Петров Пётр", ""},
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	if err := f.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, lang := range []string{"en", "ru"} {
		for _, in := range []string{csvPath, xlsxPath} {
			res := run(t, map[string]string{"LANG": lang}, "validate", in, "--target", "inskill", "--verbose")
			if res.code != 1 {
				t.Fatalf("validate %s: exit %d\n%s", filepath.Ext(in), res.code, res.stderr)
			}
			noControls(t, "validate "+filepath.Ext(in)+" "+lang, res.stderr)
			for _, want := range []string{`Заметка\x1b]0;PWNED\x07`, `Иванов\x1b]0;PWNED\x07 Иван`} {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("validate %s %s does not show %s:\n%s", filepath.Ext(in), lang, want, res.stderr)
				}
			}
		}
		// A required column missing: the error lists the headers found.
		noEmail := filepath.Join(dir, "noemail-"+lang+".csv")
		os.WriteFile(noEmail, []byte("\"Эл. пчта\x1b]0;PWNED\x07\";ФИО\n"+strings.Repeat("ivan@example.ru;Иванов Иван\n", 20)), 0o600)
		res := run(t, map[string]string{"LANG": lang}, "validate", noEmail, "--target", "inskill")
		if res.code != 2 || !strings.Contains(res.stderr, `Эл. пчта\x1b]0;PWNED\x07`) {
			t.Errorf("missing column %s: exit %d\n%s", lang, res.code, res.stderr)
		}
		noControls(t, "missing column "+lang, res.stderr)
		// A file that is not there, by its name.
		res = run(t, map[string]string{"LANG": lang}, "validate", filepath.Join(dir, "gone\x1b]0;PWNED\x07.csv"), "--target", "inskill")
		if res.code != 2 {
			t.Errorf("missing file: exit %d\n%s", res.code, res.stderr)
		}
		noControls(t, "missing file "+lang, res.stderr)
		// The platform's words, in the summary and the resume advice.
		srv := refusingWrites(t)
		res = run(t, map[string]string{"LANG": lang, "USERIMPORT_INSKILL_TOKEN": "t0k"}, "import", csvPath, "--target", "inskill", "--url", srv.URL, "--verbose")
		if res.code != 3 {
			t.Errorf("import: exit %d\n%s", res.code, res.stderr)
		}
		noControls(t, "import "+lang, res.stderr)
	}
}

// TestPrintableLog: the --log file gets the run's notes escaped too.
func TestPrintableLog(t *testing.T) {
	in := filepath.Join(t.TempDir(), "staff.csv")
	var b bytes.Buffer
	b.WriteString("E-mail;ФИО;\"Заметка\x1b]0;PWNED\x07\"\n")
	for i := range 30 {
		b.WriteString("u" + string(rune('a'+i)) + "@example.ru;Иванов Иван;x\n")
	}
	os.WriteFile(in, b.Bytes(), 0o600)
	logFile := filepath.Join(t.TempDir(), "run.log")
	res := run(t, nil, "validate", in, "--target", "inskill", "--log", logFile, "--quiet")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	log := readFile(t, logFile)
	noControls(t, "log file", log)
	if !strings.Contains(log, `Заметка\x1b]0;PWNED\x07`) {
		t.Errorf("the log does not show the header:\n%s", log)
	}
}

// TestTemplateHintIsQuoted: the command template prints to check the filled sheet is
// quoted for the shell, and a name that cannot be quoted safely gets none.
func TestTemplateHintIsQuoted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX quoting")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "my `date` $(id).xlsx")
	res := run(t, nil, "template", "--target", "inskill", "-o", out)
	if res.code != 0 || !strings.Contains(res.stderr, "userimport validate '"+out+"' --target inskill") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	res = run(t, nil, "template", "--target", "inskill", "-o", filepath.Join(dir, "x\x1b]0;PWNED\x07.xlsx"))
	if res.code != 0 || strings.Contains(res.stderr, "userimport validate x") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
	noControls(t, "template", res.stderr)
}
