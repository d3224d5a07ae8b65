package main_test

// End-to-end tests of the built binary: they run userimport as a user would and check
// exit codes, summary.json, results.csv and the files' permissions.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	// The binary is built from these packages; importing one makes go test's cache
	// notice when they change.
	_ "userimport/cli"
	"userimport/internal/people"
)

var (
	binary string
	update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "userimport-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "userimport")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(2)
	}
	flag.Parse()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code   int
	stdout string
	stderr string
}

// run runs the binary with args and env (added to a clean environment).
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{code, stdout.String(), stderr.String()}
}

// copyInput copies a testdata file into a fresh folder, so the report lands there.
func copyInput(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type summary struct {
	Target    string `json:"target"`
	Mode      string `json:"mode"`
	DryRun    bool   `json:"dry_run"`
	Input     string `json:"input"`
	Rows      int    `json:"rows"`
	Valid     int    `json:"valid"`
	Invalid   int    `json:"invalid"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Failed    int    `json:"failed"`
	Skipped   int    `json:"skipped"`
	Blocked   int    `json:"blocked"`
	Unblocked int    `json:"unblocked"`
	ElapsedMS int64  `json:"elapsed_ms"`
}

func readSummary(t *testing.T, dir string) summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("summary.json: %v\n%s", err, data)
	}
	return s
}

// checkInvariants asserts the equations docs/contract.md promises.
func checkInvariants(t *testing.T, s summary) {
	t.Helper()
	if s.Rows != s.Valid+s.Invalid {
		t.Errorf("rows %d != valid %d + invalid %d", s.Rows, s.Valid, s.Invalid)
	}
	if !s.DryRun && s.Rows != s.Invalid+s.Created+s.Updated+s.Unchanged+s.Failed+s.Skipped {
		t.Errorf("rows %d != invalid+created+updated+unchanged+failed+skipped in %+v", s.Rows, s)
	}
}

type resultRow struct {
	row    int
	key    string
	status string
	errors string
}

func readResults(t *testing.T, dir string) []resultRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"row", "key", "status", "target_id", "errors", "warnings", "changes"}; !slices.Equal(recs[0], want) {
		t.Fatalf("results.csv header = %q, want %q", recs[0], want)
	}
	var out []resultRow
	for _, r := range recs[1:] {
		n, err := strconv.Atoi(r[0])
		if err != nil {
			t.Fatalf("results.csv row %q: %v", r, err)
		}
		out = append(out, resultRow{row: n, key: r[1], status: r[2], errors: r[4]})
	}
	return out
}

type expected struct {
	Errors []struct {
		Row   int    `json:"row"`
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

func readExpected(t *testing.T) expected {
	t.Helper()
	data, err := os.ReadFile("testdata/staff.expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// problems lists "row field code" for every error in results.csv.
func problems(rows []resultRow) []string {
	var out []string
	for _, r := range rows {
		if r.errors == "" {
			continue
		}
		for _, e := range strings.Split(r.errors, " | ") {
			parts := strings.SplitN(e, ": ", 3)
			out = append(out, fmt.Sprintf("%d %s %s", r.row, parts[0], parts[1]))
		}
	}
	slices.Sort(out)
	return out
}

func TestValidateNamesEveryDeliberateProblem(t *testing.T) {
	exp := readExpected(t)
	var want []string
	for _, e := range exp.Errors {
		want = append(want, fmt.Sprintf("%d %s %s", e.Row, e.Field, e.Code))
	}
	slices.Sort(want)
	for _, name := range []string{"staff.xlsx", "staff.csv"} {
		t.Run(name, func(t *testing.T) {
			in := copyInput(t, name)
			res := run(t, nil, "validate", in, "--target", "collaborator")
			if res.code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
			}
			dir := in + ".report"
			s := readSummary(t, dir)
			checkInvariants(t, s)
			if !s.DryRun || s.Created+s.Updated+s.Unchanged+s.Failed != 0 {
				t.Errorf("validate summary does things: %+v", s)
			}
			rows := readResults(t, dir)
			if s.Rows != len(rows) {
				t.Errorf("summary rows %d, results.csv has %d", s.Rows, len(rows))
			}
			if diff := cmp.Diff(want, problems(rows)); diff != "" {
				t.Errorf("problems in results.csv (-want +got):\n%s", diff)
			}
			if s.Invalid != len(exp.Errors) {
				t.Errorf("invalid = %d, want %d", s.Invalid, len(exp.Errors))
			}
		})
	}
}

func TestImportIntoSandbox(t *testing.T) {
	in := copyInput(t, "staff.xlsx")
	res := run(t, nil, "import", in, "--target", "collaborator", "--sandbox", "--json")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (the sample has invalid rows); stderr:\n%s", res.code, res.stderr)
	}
	var s summary
	if err := json.Unmarshal([]byte(res.stdout), &s); err != nil {
		t.Fatalf("--json stdout is not the summary: %v\n%s", err, res.stdout)
	}
	checkInvariants(t, s)
	if s.DryRun || s.Created != s.Valid || s.Failed != 0 || s.Created == 0 {
		t.Errorf("summary = %+v, want every valid row created", s)
	}
	if onDisk := readSummary(t, in+".report"); onDisk.Rows != s.Rows || onDisk.Created != s.Created {
		t.Errorf("summary.json %+v differs from stdout %+v", onDisk, s)
	}
	if !strings.Contains(res.stderr, "created") {
		t.Errorf("no human summary on stderr:\n%s", res.stderr)
	}
	checkPrivate(t, in+".report")
	data, err := os.ReadFile(filepath.Join(in+".report", "passwords.csv"))
	if err != nil {
		t.Fatalf("generated passwords: %v", err)
	}
	if got := strings.Count(string(data), "\n") - 1; got != s.Created {
		t.Errorf("passwords.csv has %d passwords, want %d", got, s.Created)
	}
	// No password anywhere else.
	results, _ := os.ReadFile(filepath.Join(in+".report", "results.csv"))
	for _, line := range strings.Split(string(data), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) == 5 && strings.Contains(string(results)+res.stdout+res.stderr, f[4]) {
			t.Fatalf("a generated password leaked outside passwords.csv")
		}
	}
}

// checkPrivate asserts the report folder and files are owner-only.
func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("%s mode %v, want 0700", dir, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
}

// startSandbox runs `userimport sandbox` for Collaborator on a free port with env and
// returns its URL.
func startSandbox(t *testing.T, env []string) string {
	t.Helper()
	return startSandboxFor(t, "collaborator", env)
}

// startSandboxFor runs `userimport sandbox --target target` on a free port with env and
// returns its URL.
func startSandboxFor(t *testing.T, target string, env []string, flags ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, append([]string{"sandbox", "--target", target, "--addr", addr}, flags...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandbox did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestImportTwiceCreatesNobodyTheSecondTime(t *testing.T) {
	env := []string{"USERIMPORT_COLLABORATOR_TOKEN=s3cret-token"}
	url := startSandbox(t, env)
	in := copyInput(t, "staff.csv")
	first := run(t, env, "import", "--target", "collaborator", "--url", url, in)
	if first.code != 1 {
		t.Fatalf("first import exit %d; stderr:\n%s", first.code, first.stderr)
	}
	s1 := readSummary(t, in+".report")
	checkInvariants(t, s1)
	if s1.Created == 0 {
		t.Fatalf("first import created nobody: %+v", s1)
	}
	passwords1, err := os.ReadFile(filepath.Join(in+".report", "passwords.csv"))
	if err != nil {
		t.Fatal(err)
	}
	second := run(t, env, "import", in, "--url", url, "--target", "collaborator")
	if second.code != 1 {
		t.Fatalf("second import exit %d; stderr:\n%s", second.code, second.stderr)
	}
	s2 := readSummary(t, in+".report")
	checkInvariants(t, s2)
	// The second run reuses the passwords the first generated, so nothing changes.
	if s2.Created != 0 || s2.Failed != 0 || s2.Updated != 0 || s2.Unchanged != s1.Created {
		t.Errorf("second import = %+v, want the %d people unchanged", s2, s1.Created)
	}
	passwords2, err := os.ReadFile(filepath.Join(in+".report", "passwords.csv"))
	if err != nil || !bytes.Equal(passwords1, passwords2) {
		t.Errorf("passwords.csv changed between runs (err %v)", err)
	}
	for _, out := range []string{first.stdout, first.stderr, second.stdout, second.stderr} {
		if strings.Contains(out, "s3cret-token") {
			t.Fatal("the token was printed")
		}
	}
}

func TestBadTokenAbortsWithExit3(t *testing.T) {
	url := startSandbox(t, []string{"USERIMPORT_COLLABORATOR_TOKEN=right"})
	in := copyInput(t, "staff.csv")
	start := time.Now()
	res := run(t, []string{"USERIMPORT_COLLABORATOR_TOKEN=wrong"}, "import", in, "--target", "collaborator", "--url", url)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3; stderr:\n%s", res.code, res.stderr)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("abort took %v", elapsed)
	}
	if strings.Contains(res.stderr, "wrong") {
		t.Errorf("the token was printed:\n%s", res.stderr)
	}
	s := readSummary(t, in+".report")
	checkInvariants(t, s)
}

func TestFileLevelProblemsExit2WithOneLine(t *testing.T) {
	dir := t.TempDir()
	noEmail := filepath.Join(dir, "no-email.csv")
	os.WriteFile(noEmail, []byte("Табельный номер;ФИО;Должность;Телефон\n1;Иванов Иван;Инженер;89123456789\n"), 0o600)
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o600)
	tests := []struct {
		name string
		args []string
		want []string // substrings of the one line
	}{
		{"missing email column", []string{"validate", noEmail, "--target", "collaborator"}, []string{"email", "found: Табельный номер, ФИО, Должность, Телефон", "--map"}},
		{"no such file", []string{"validate", filepath.Join(dir, "nope.xlsx"), "--target", "collaborator"}, []string{"nope.xlsx"}},
		{"empty file", []string{"validate", empty, "--target", "collaborator"}, []string{"empty"}},
		{"unknown target", []string{"validate", noEmail, "--target", "moodle"}, []string{"unknown target", "collaborator"}},
		{"no target", []string{"validate", noEmail}, []string{"--target"}},
		{"import without url", []string{"import", noEmail, "--target", "collaborator"}, []string{"--url", "--sandbox"}},
		{"bad flag", []string{"validate", noEmail, "--target", "collaborator", "--bogus"}, []string{"bogus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, nil, tt.args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
			}
			first, _, _ := strings.Cut(strings.TrimSpace(res.stderr), "\n")
			for _, w := range tt.want {
				if !strings.Contains(first, w) {
					t.Errorf("first line %q does not mention %q", first, w)
				}
			}
			if _, err := os.Stat(noEmail + ".report"); err == nil {
				t.Errorf("a report was written for a file-level problem")
			}
		})
	}
}

func TestHelpHasExamplesAndExitCodes(t *testing.T) {
	for _, cmd := range []string{"validate", "import", "sandbox"} {
		res := run(t, nil, cmd, "--help")
		if res.code != 0 {
			t.Fatalf("%s --help exit %d", cmd, res.code)
		}
		if !strings.Contains(res.stderr+res.stdout, "userimport "+cmd) {
			t.Errorf("%s --help has no example:\n%s", cmd, res.stderr)
		}
	}
	res := run(t, nil, "--help")
	if !strings.Contains(res.stderr+res.stdout, "Exit status") {
		t.Errorf("--help does not explain exit codes")
	}
}

// credentials for each target's sandbox and client.
var credentials = map[string][]string{
	"collaborator": {"USERIMPORT_COLLABORATOR_TOKEN=t0k"},
	"inskill":      {"USERIMPORT_INSKILL_TOKEN=t0k"},
	"ispring":      {"USERIMPORT_ISPRING_CLIENT_ID=id", "USERIMPORT_ISPRING_CLIENT_SECRET=s3cret"},
	"cscart":       {"USERIMPORT_CSCART_EMAIL=admin@shop.example", "USERIMPORT_CSCART_API_KEY=k3y"},
}

// extraArgs are what each target needs beyond the sample file: none today, since the
// iSpring sandbox knows the usual departments.
var extraArgs = map[string][]string{}

// statuses maps row number to status in a results.csv.
func statuses(t *testing.T, dir string) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, r := range readResults(t, dir) {
		out[r.row] = r.status
	}
	return out
}

// TestPlanPredictsImport imports half the people, changes the phones of five of them,
// then checks on every platform with lookups that plan predicts row by row what the
// following import does, and that a repeated import creates nobody.
func TestPlanPredictsImport(t *testing.T) {
	data, err := os.ReadFile("testdata/staff.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	dir := t.TempDir()
	half := filepath.Join(dir, "half.csv")
	os.WriteFile(half, []byte(strings.Join(lines[:26], "")), 0o600)
	// Rows 2-6 get new phones: plan must predict updates for them.
	for i := 1; i <= 5; i++ {
		cells := strings.Split(lines[i], ";")
		cells[4] = fmt.Sprintf("+7 999 000-00-0%d", i)
		lines[i] = strings.Join(cells, ";")
	}
	full := filepath.Join(dir, "full.csv")
	os.WriteFile(full, []byte(strings.Join(lines, "")), 0o600)

	for _, target := range []string{"inskill", "ispring", "cscart"} {
		t.Run(target, func(t *testing.T) {
			env := credentials[target]
			url := startSandboxFor(t, target, env)
			send := func(cmd, file string) (result, string) {
				report := filepath.Join(t.TempDir(), cmd)
				args := append([]string{cmd, file, "--target", target, "--url", url, "--report", report}, extraArgs[target]...)
				res := run(t, env, args...)
				if res.code != 1 && res.code != 0 {
					t.Fatalf("%s %s: exit %d\n%s", cmd, filepath.Base(file), res.code, res.stderr)
				}
				return res, report
			}
			_, r := send("import", half)
			if s := readSummary(t, r); s.Created == 0 || s.Failed != 0 {
				t.Fatalf("first import: %+v", s)
			}
			_, planDir := send("plan", full)
			plan := readSummary(t, planDir)
			checkInvariants(t, plan)
			if !plan.DryRun || plan.Updated != 4 || plan.Created == 0 {
				t.Errorf("plan summary = %+v, want a dry run with 4 updates (row 5 is invalid) and some creates", plan)
			}
			_, importDir := send("import", full)
			imp := readSummary(t, importDir)
			checkInvariants(t, imp)
			if diff := cmp.Diff(statuses(t, planDir), statuses(t, importDir)); diff != "" {
				t.Errorf("plan and import disagree (-plan +import):\n%s", diff)
			}
			for _, r := range readResultsWithChanges(t, planDir) {
				if r.row >= 2 && r.row <= 6 && r.status == "updated" && !strings.Contains(r.changes, "+79990000") {
					t.Errorf("row %d: changes %q do not show the new phone", r.row, r.changes)
				}
			}
			_, againDir := send("import", full)
			if s := readSummary(t, againDir); s.Created != 0 || s.Updated != 0 || s.Failed != 0 {
				t.Errorf("repeated import = %+v, want everyone unchanged", s)
			}
		})
	}
}

type changeRow struct {
	row     int
	status  string
	changes string
}

func readResultsWithChanges(t *testing.T, dir string) []changeRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []changeRow
	for _, r := range recs[1:] {
		n, _ := strconv.Atoi(r[0])
		out = append(out, changeRow{row: n, status: r[2], changes: r[6]})
	}
	return out
}

// TestKillAndResume kills the binary with SIGKILL in the middle of an import into a
// slow sandbox, resumes it, and checks that the platform then holds every valid row,
// once, with its content, and that the resumed run's report reconciles.
func TestKillAndResume(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL and a few seconds")
	}
	const n = 1500
	in := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := people.WriteCSV(f, people.Rows(42, n, people.Mess{ErrorRate: 0.03}), people.CSVOptions{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	env := credentials["cscart"]
	// 15 ms a request, 4 at a time: about six seconds for the whole file.
	url := startSandboxFor(t, "cscart", env, "--latency", "15ms")
	args := []string{"import", in, "--target", "cscart", "--url", url, "--concurrency", "4"}

	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	journal, err := os.ReadFile(filepath.Join(in+".report", "journal.jsonl"))
	if err != nil || len(journal) == 0 {
		t.Fatalf("no journal after the kill: %v", err)
	}

	res := run(t, env, append(args, "--resume")...)
	if res.code != 1 {
		t.Fatalf("resume: exit %d\n%s", res.code, res.stderr)
	}
	s := readSummary(t, in+".report")
	checkInvariants(t, s)
	// The generator's expected errors are Collaborator's; CS-Cart takes fewer fields,
	// so it finds at most as many.
	if s.Rows != n || s.Invalid == 0 || s.Invalid > len(exp.Errors) || s.Failed != 0 || s.Skipped == 0 {
		t.Errorf("resumed summary = %+v; want %d rows, some invalid (at most %d), some skipped, none failed", s, n, len(exp.Errors))
	}

	// The platform now holds exactly what the file says: a plan finds nothing to do.
	planDir := filepath.Join(t.TempDir(), "plan")
	run(t, env, "plan", in, "--target", "cscart", "--url", url, "--report", planDir)
	p := readSummary(t, planDir)
	if p.Created != 0 || p.Updated != 0 || p.Unchanged != s.Valid {
		t.Errorf("after resume, plan = %+v: want all %d valid rows unchanged", p, s.Valid)
	}
}

// TestValidateGoldenPerPlatform validates the sample file against each platform's
// schema: each gets its own verdicts (inSkill takes no position, CS-Cart no uid, ...),
// kept as golden results.csv files (go test -run TestValidateGolden -update rewrites).
func TestValidateGoldenPerPlatform(t *testing.T) {
	for _, target := range []string{"collaborator", "inskill", "ispring", "cscart"} {
		t.Run(target, func(t *testing.T) {
			in := copyInput(t, "staff.csv")
			res := run(t, nil, "validate", in, "--target", target, "--lang", "en")
			if res.code != 1 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			got, err := os.ReadFile(filepath.Join(in+".report", "results.csv"))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", "validate-"+target+".results.csv")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestValidateGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("results.csv (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWindows1251ReadsTheSamePeople validates the sample file saved as Russian Excel
// saves a CSV (Windows-1251, ';', CRLF, no BOM) and expects exactly the results of the
// UTF-8 file.
func TestWindows1251ReadsTheSamePeople(t *testing.T) {
	data, err := os.ReadFile("testdata/staff.csv")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cp, err := charmap.Windows1251.NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	// The same name in two folders: a duplicate's message names the file.
	utf := filepath.Join(t.TempDir(), "staff.csv")
	win := filepath.Join(t.TempDir(), "staff.csv")
	os.WriteFile(utf, data, 0o600)
	os.WriteFile(win, cp, 0o600)
	for _, in := range []string{utf, win} {
		if res := run(t, nil, "validate", in, "--target", "collaborator", "--json"); res.code != 1 {
			t.Fatalf("%s: exit %d\n%s", in, res.code, res.stderr)
		}
	}
	a, _ := os.ReadFile(utf + ".report/results.csv")
	b, _ := os.ReadFile(win + ".report/results.csv")
	if diff := cmp.Diff(string(a), string(b)); diff != "" {
		t.Errorf("windows-1251 read differently (-utf8 +cp1251):\n%s", diff)
	}
	var s struct {
		Source struct{ Encoding, Delimiter string } `json:"source"`
	}
	sj, _ := os.ReadFile(win + ".report/summary.json")
	json.Unmarshal(sj, &s)
	if s.Source.Encoding != "windows-1251" || s.Source.Delimiter != ";" {
		t.Errorf("summary says it read %+v", s.Source)
	}
}

// TestFailedFileRoundTrip: the failed-rows file, fed back to validate unchanged, holds
// exactly the rows that are still wrong, the duplicate included: its Repeats column
// keeps it a duplicate of the row it repeated, which is not in the failed file.
func TestFailedFileRoundTrip(t *testing.T) {
	for _, name := range []string{"staff.csv", "staff.xlsx"} {
		t.Run(name, func(t *testing.T) {
			in := copyInput(t, name)
			run(t, nil, "validate", in, "--target", "collaborator")
			first := readSummary(t, in+".report")
			ext := filepath.Ext(name)
			failed := filepath.Join(filepath.Dir(in), "failed"+ext)
			data, err := os.ReadFile(filepath.Join(in+".report", "failed"+ext))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(failed, data, 0o600)
			res := run(t, nil, "validate", failed, "--target", "collaborator")
			if res.code != 1 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			again := readSummary(t, failed+".report")
			// Every row came back, and every one is still invalid.
			if again.Rows != first.Invalid || again.Invalid != first.Invalid {
				t.Errorf("failed file: %+v after %+v", again, first)
			}
		})
	}
}

// TestMaxUpdatesStopsBeforeWriting: with more existing accounts to change than
// --max-updates allows, import writes nothing and exits 3; within the limit it runs.
func TestMaxUpdatesStopsBeforeWriting(t *testing.T) {
	data, err := os.ReadFile("testdata/staff.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig.csv")
	os.WriteFile(orig, data, 0o600)
	for i := 1; i <= 5; i++ { // rows 2-6 get new phones (row 5 is invalid anyway)
		cells := strings.Split(lines[i], ";")
		cells[4] = fmt.Sprintf("+7 999 000-00-0%d", i)
		lines[i] = strings.Join(cells, ";")
	}
	changed := filepath.Join(dir, "changed.csv")
	os.WriteFile(changed, []byte(strings.Join(lines, "")), 0o600)

	env := credentials["cscart"]
	url := startSandboxFor(t, "cscart", env)
	if res := run(t, env, "import", orig, "--target", "cscart", "--url", url); res.code != 1 {
		t.Fatalf("first import: exit %d\n%s", res.code, res.stderr)
	}
	res := run(t, env, "import", changed, "--target", "cscart", "--url", url, "--max-updates", "3")
	if res.code != 3 || !strings.Contains(res.stderr, "4 existing accounts would change") {
		t.Fatalf("--max-updates 3: exit %d\n%s", res.code, res.stderr)
	}
	planDir := filepath.Join(dir, "plan")
	run(t, env, "plan", changed, "--target", "cscart", "--url", url, "--report", planDir)
	if p := readSummary(t, planDir); p.Updated != 4 {
		t.Fatalf("after the refused import a plan still sees %d updates, want 4: something was written", p.Updated)
	}
	res = run(t, env, "import", changed, "--target", "cscart", "--url", url, "--max-updates", "10%")
	if res.code != 1 {
		t.Fatalf("--max-updates 10%%: exit %d\n%s", res.code, res.stderr)
	}
	if s := readSummary(t, changed+".report"); s.Updated != 4 {
		t.Errorf("import within the limit: %+v", s)
	}
}
