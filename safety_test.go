package main_test

// End-to-end tests of issue 13: the tool changes nothing on a platform that the file
// did not ask for. Each runs the built binary against `userimport sandbox`, which
// counts what was written and every password set on an account that already existed.

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type sandboxStats struct {
	Accounts       int   `json:"accounts"`
	Writes         int64 `json:"writes"`
	PasswordResets int64 `json:"password_resets"`
}

func stats(t *testing.T, url string) sandboxStats {
	t.Helper()
	resp, err := http.Get(url + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s sandboxStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("sandbox stats: %v", err)
	}
	return s
}

var platforms = []string{"collaborator", "inskill", "ispring", "cscart"}

// staffFile is a small clean file every platform takes: n people, all valid.
func staffFile(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	body := "Табельный номер;ФИО;E-mail;Должность;Подразделение;Телефон\n" + strings.Join(lines, "\n") + "\n"
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var five = []string{
	"T1;Андреев Вячеслав Игоревич;v.andreev@example.ru;Юрист;Бухгалтерия;89122494122",
	"T2;Бонч-Бруевич Алёна Петровна;alena.bb@example.ru;Экономист;Бухгалтерия;89259281490",
	"T3;Соколова Мария Андреевна;m.sokolova@example.ru;Инженер;Бухгалтерия;89161234567",
	"T4;Кузнецов Олег Павлович;o.kuznetsov@example.ru;Инженер;Бухгалтерия;89161234568",
	"T5;Орлова Вера Сергеевна;v.orlova@example.ru;Бухгалтер;Бухгалтерия;89161234569",
}

// TestSamePeopleAnotherFileNameResetsNoPassword is issue 13's first case: the same
// people imported again through another file name (next month's workflow), after a
// validate of the first file, change no password and write nothing, on every
// platform; passwords.csv survives the validate.
func TestSamePeopleAnotherFileNameResetsNoPassword(t *testing.T) {
	for _, target := range platforms {
		t.Run(target, func(t *testing.T) {
			env := credentials[target]
			url := startSandboxFor(t, target, env)
			in := staffFile(t, t.TempDir(), "staff.csv", five...)
			if res := run(t, env, "import", in, "--target", target, "--url", url); res.code != 0 {
				t.Fatalf("first import exit %d:\n%s", res.code, res.stderr)
			}
			after := stats(t, url)
			if after.Accounts != 5 {
				t.Fatalf("sandbox holds %d accounts after the first import, want 5", after.Accounts)
			}
			pwPath := filepath.Join(in+".report", "passwords.csv")
			before, _ := os.ReadFile(pwPath)
			if res := run(t, env, "validate", in, "--target", target); res.code != 0 {
				t.Fatalf("validate exit %d:\n%s", res.code, res.stderr)
			}
			if got, _ := os.ReadFile(pwPath); string(got) != string(before) {
				t.Errorf("validate changed passwords.csv:\n%s\nwas:\n%s", got, before)
			}
			march := staffFile(t, t.TempDir(), "staff-march.csv", five...)
			res := run(t, env, "import", march, "--target", target, "--url", url)
			if res.code != 0 {
				t.Fatalf("second import exit %d:\n%s", res.code, res.stderr)
			}
			s := readSummary(t, march+".report")
			if s.Created != 0 || s.Updated != 0 || s.Unchanged != 5 {
				t.Errorf("second import %+v, want all 5 unchanged", s)
			}
			end := stats(t, url)
			if end.PasswordResets != 0 || end.Writes != after.Writes {
				t.Errorf("second import: %d passwords reset, %d writes; want none (stats %+v)", end.PasswordResets, end.Writes-after.Writes, end)
			}
		})
	}
}

// TestFailedFileOfDuplicatesChangesNobody is issue 13's second case: the failed file
// of a file with a duplicate key, imported as the tool advises, creates and updates
// nothing that the original run would not have, on every platform.
func TestFailedFileOfDuplicatesChangesNobody(t *testing.T) {
	for _, target := range platforms {
		t.Run(target, func(t *testing.T) {
			env := credentials[target]
			url := startSandboxFor(t, target, env)
			// Row 7 repeats row 2's табельный номер and row 8 row 3's e-mail: whichever
			// the platform keys by, each is a duplicate of someone else.
			in := staffFile(t, t.TempDir(), "staff.csv", append(five[:5:5],
				"T1;Петров Пётр Петрович;p.petrov@example.ru;Водитель;Бухгалтерия;89161234570",
				"T7;Сидорова Анна Ивановна;alena.bb@example.ru;Водитель;Бухгалтерия;89161234571")...)
			res := run(t, env, "import", in, "--target", target, "--url", url)
			if res.code != 1 {
				t.Fatalf("import exit %d, want 1:\n%s", res.code, res.stderr)
			}
			first := stats(t, url)
			failed := filepath.Join(in+".report", "failed.csv")
			data, err := os.ReadFile(failed)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "8 (staff.csv)") || !strings.Contains(string(data), "3 (staff.csv): email=alena.bb@example.ru") {
				t.Errorf("failed.csv does not keep the rows' identity:\n%s", data)
			}
			if res := run(t, env, "validate", failed, "--target", target); res.code != 1 {
				t.Errorf("validate of the failed file exit %d, want 1 (its duplicates are still duplicates):\n%s", res.code, res.stderr)
			}
			res = run(t, env, "import", failed, "--target", target, "--url", url)
			if res.code != 1 {
				t.Errorf("import of the failed file exit %d, want 1:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, "row 3 (staff.csv)") {
				t.Errorf("the failed file's import does not name the original rows:\n%s", res.stderr)
			}
			if end := stats(t, url); end.Writes != first.Writes || end.PasswordResets != 0 {
				t.Errorf("importing the failed file wrote %d times and reset %d passwords; want nothing", end.Writes-first.Writes, end.PasswordResets)
			}
		})
	}
}

// TestRedirectStopsBeforeWriting is issue 13's third case: a server that redirects
// (http to https, another host) stops the run at once, exit 3, with the --url to use,
// and nothing reaches the platform behind it.
func TestRedirectStopsBeforeWriting(t *testing.T) {
	for _, target := range platforms {
		t.Run(target, func(t *testing.T) {
			env := credentials[target]
			url := startSandboxFor(t, target, env)
			redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, url+r.URL.RequestURI(), http.StatusMovedPermanently)
			}))
			defer redirect.Close()
			in := staffFile(t, t.TempDir(), "staff.csv", five...)
			res := run(t, env, "import", in, "--target", target, "--url", redirect.URL)
			if res.code != 3 {
				t.Fatalf("exit %d, want 3:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, "--url "+url) {
				t.Errorf("stderr does not say which --url to use:\n%s", res.stderr)
			}
			if s := stats(t, url); s.Writes != 0 {
				t.Errorf("%d writes reached the platform behind the redirect", s.Writes)
			}
		})
	}
}

// TestWrongAddressOrTokenStopsAtOnce is issue 13's fourth case: a refused connection
// and a bad token each stop the run within seconds, exit 3, with one line naming what
// to fix, no row failed, no failed file, no advice to resume, and nothing personal.
func TestWrongAddressOrTokenStopsAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	badCreds := map[string][]string{
		"collaborator": {"USERIMPORT_COLLABORATOR_TOKEN=wrong"},
		"inskill":      {"USERIMPORT_INSKILL_TOKEN=wrong"},
		"ispring":      {"USERIMPORT_ISPRING_CLIENT_ID=id", "USERIMPORT_ISPRING_CLIENT_SECRET=wrong"},
		"cscart":       {"USERIMPORT_CSCART_EMAIL=admin@shop.example", "USERIMPORT_CSCART_API_KEY=wrong"},
	}
	for _, target := range platforms {
		for _, tc := range []struct {
			name string
			url  func(t *testing.T) string
			env  []string
			want string
		}{
			{"refused", func(*testing.T) string { return closed }, credentials[target], "--url"},
			{"bad credentials", func(t *testing.T) string { return startSandboxFor(t, target, credentials[target]) }, badCreds[target], "USERIMPORT_"},
		} {
			t.Run(target+"/"+tc.name, func(t *testing.T) {
				url := tc.url(t)
				in := staffFile(t, t.TempDir(), "staff.csv", five...)
				start := time.Now()
				res := run(t, tc.env, "import", in, "--target", target, "--url", url)
				if elapsed := time.Since(start); elapsed > 5*time.Second {
					t.Errorf("took %v, want under 5 s", elapsed)
				}
				if res.code != 3 {
					t.Fatalf("exit %d, want 3:\n%s", res.code, res.stderr)
				}
				lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
				if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
					t.Errorf("stderr is not one line naming %s:\n%s", tc.want, res.stderr)
				}
				for _, bad := range []string{"--resume", "@example.ru", "wrong"} {
					if strings.Contains(res.stderr, bad) {
						t.Errorf("stderr contains %q:\n%s", bad, res.stderr)
					}
				}
				for _, name := range []string{"failed.csv", "results.csv"} {
					if _, err := os.Stat(filepath.Join(in+".report", name)); err == nil {
						t.Errorf("%s written though no row was sent", name)
					}
				}
				data, err := os.ReadFile(filepath.Join(in+".report", "summary.json"))
				if err != nil || !strings.Contains(string(data), `"aborted"`) {
					t.Errorf("summary.json does not say what stopped the run (%v):\n%s", err, data)
				}
			})
		}
	}
}

// TestEditedFailedFileSurvivesTheNextRun is issue 13's fifth case.
func TestEditedFailedFileSurvivesTheNextRun(t *testing.T) {
	in := staffFile(t, t.TempDir(), "staff.csv", append(five[:5:5], "T6;Петров Пётр;not-an-email;Водитель;Бухгалтерия;89161234570")...)
	if res := run(t, nil, "validate", in, "--target", "collaborator"); res.code != 1 {
		t.Fatalf("validate exit %d:\n%s", res.code, res.stderr)
	}
	failed := filepath.Join(in+".report", "failed.csv")
	data, err := os.ReadFile(failed)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(data), "not-an-email", "p.petrov@example.ru", 1)
	if err := os.WriteFile(failed, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	res := run(t, nil, "validate", in, "--target", "collaborator")
	if got, _ := os.ReadFile(failed); string(got) != fixed {
		t.Errorf("the next validate overwrote the edited failed file")
	}
	if !strings.Contains(res.stderr, "failed-2.csv") || !strings.Contains(res.stderr, "kept as it is") {
		t.Errorf("the summary does not point at failed-2.csv and the kept file:\n%s", res.stderr)
	}
	if res := run(t, nil, "validate", failed, "--target", "collaborator"); res.code != 0 {
		t.Errorf("the fixed failed file does not validate (exit %d):\n%s", res.code, res.stderr)
	}
}

// TestModeCreateSkipsAndPlanSpeaksAsAPlan is issue 13's sixth case: with --mode
// create, existing accounts are skipped (exit 0, no failed file), and plan says what
// it would do and that nothing was written.
func TestModeCreateSkipsAndPlanSpeaksAsAPlan(t *testing.T) {
	for _, target := range platforms {
		t.Run(target, func(t *testing.T) {
			env := credentials[target]
			url := startSandboxFor(t, target, env)
			dir := t.TempDir()
			if res := run(t, env, "import", staffFile(t, dir, "first.csv", five[:3]...), "--target", target, "--url", url); res.code != 0 {
				t.Fatalf("first import exit %d:\n%s", res.code, res.stderr)
			}
			in := staffFile(t, dir, "all.csv", five...)
			plan := run(t, env, "plan", in, "--target", target, "--url", url, "--mode", "create")
			if plan.code != 0 || !strings.Contains(plan.stderr, "would create 2") || !strings.Contains(plan.stderr, "would skip 3") ||
				!strings.Contains(plan.stderr, "nothing was written") {
				t.Errorf("plan exit %d:\n%s", plan.code, plan.stderr)
			}
			before := stats(t, url)
			res := run(t, env, "import", in, "--target", target, "--url", url, "--mode", "create")
			if res.code != 0 {
				t.Fatalf("import --mode create exit %d, want 0:\n%s", res.code, res.stderr)
			}
			s := readSummary(t, in+".report")
			if s.Created != 2 || s.Skipped != 3 || s.Failed != 0 {
				t.Errorf("summary %+v: want 2 created, 3 skipped", s)
			}
			if _, err := os.Stat(filepath.Join(in+".report", "failed.csv")); err == nil {
				t.Error("a failed file of rows that were only skipped")
			}
			if end := stats(t, url); end.Writes-before.Writes != 2 || end.PasswordResets != 0 {
				t.Errorf("%d writes, %d password resets; want the 2 creates only", end.Writes-before.Writes, end.PasswordResets)
			}
		})
	}
}

// TestIdentityChangeIsRefused: a row whose key points at an account of another person
// (another e-mail and name, or another name altogether) is not sent, unless asked.
func TestIdentityChangeIsRefused(t *testing.T) {
	for _, target := range platforms {
		t.Run(target, func(t *testing.T) {
			env := credentials[target]
			url := startSandboxFor(t, target, env)
			dir := t.TempDir()
			if res := run(t, env, "import", staffFile(t, dir, "first.csv", five...), "--target", target, "--url", url); res.code != 0 {
				t.Fatalf("first import exit %d:\n%s", res.code, res.stderr)
			}
			// Row 2 keeps T1's табельный номер and v.andreev's e-mail, with another
			// person's whole name: for every key a platform uses, it is someone else.
			other := staffFile(t, dir, "other.csv", "T1;Сидорова Анна Ивановна;v.andreev@example.ru;Юрист;Бухгалтерия;89122494122")
			before := stats(t, url)
			res := run(t, env, "import", other, "--target", target, "--url", url)
			if res.code != 1 || !strings.Contains(res.stderr, "identity_change") && !strings.Contains(res.stderr, "another") {
				t.Errorf("exit %d, want 1 with the identity refused:\n%s", res.code, res.stderr)
			}
			if end := stats(t, url); end.Writes != before.Writes {
				t.Errorf("%d writes for a refused identity change", end.Writes-before.Writes)
			}
			res = run(t, env, "import", other, "--target", target, "--url", url, "--allow-identity-change")
			if s := readSummary(t, other+".report"); res.code != 0 || s.Updated != 1 {
				t.Errorf("with --allow-identity-change: exit %d, summary %+v:\n%s", res.code, s, res.stderr)
			}
		})
	}
}
