package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/importer"
	"userimport/internal/people"
	"userimport/reports"
	"userimport/targets/collaborator"
	"userimport/targets/targettest"
	"userimport/validate"
)

// TestGeneratedErrorsFoundExactly validates a generated 100,000-row file in which the
// generator broke a known 3% of rows, one way each, and checks the validator reports
// exactly those errors, on those rows and fields, and nothing else.
func TestGeneratedErrorsFoundExactly(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 5_000
	}
	in := filepath.Join(t.TempDir(), "gen.csv")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := people.WriteCSV(f, people.Rows(3, n, people.Mess{ErrorRate: 0.03}), people.CSVOptions{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range exp.Errors {
		want = append(want, fmt.Sprintf("%d %s %s", e.Row, e.Field, e.Code))
	}
	slices.Sort(want)

	sum, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: in}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	checkGeneratedErrors(t, sum, want, n, len(exp.Errors))

	// Again with the duplicate check spilling to disk every 3,072 keys (1,024 rows of
	// three keys, so a hundred spills, and some duplicates' first rows are in a spill
	// when the duplicate comes): the same results, byte for byte, first rows too.
	defer importer.SetKeySetMaxSlots(1 << 12)()
	spilled, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: in}, Checking: importer.Checking{Schema: collaborator.Schema()}, Output: importer.Output{ReportDir: filepath.Join(t.TempDir(), "spilled")}}, importer.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	checkGeneratedErrors(t, spilled, want, n, len(exp.Errors))
	a, _ := os.ReadFile(filepath.Join(sum.ReportDir, "results.csv"))
	b, _ := os.ReadFile(filepath.Join(spilled.ReportDir, "results.csv"))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("results.csv differs when the duplicate check spills (%d and %d bytes)", len(a), len(b))
	}
	if left, _ := filepath.Glob(filepath.Join(spilled.ReportDir, ".userimport-keys-*")); len(left) > 0 {
		t.Errorf("spill files left behind: %v", left)
	}
}

// checkGeneratedErrors compares the errors a run reported with the ones the
// generator made.
func checkGeneratedErrors(t *testing.T, sum *reports.Summary, want []string, n, invalid int) {
	t.Helper()
	var got []string
	for _, rec := range results(t, sum) {
		if rec[4] == "" {
			continue
		}
		for _, e := range strings.Split(rec[4], " | ") {
			parts := strings.SplitN(e, ": ", 3)
			got = append(got, rec[0]+" "+parts[0]+" "+parts[1])
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors found (-generated +validator):\n%s", diff)
	}
	if sum.Rows != n || sum.Invalid != invalid {
		t.Errorf("rows %d invalid %d, want %d and %d", sum.Rows, sum.Invalid, n, invalid)
	}
}

func TestLoginFromName(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("Таб. №;ФИО;Почта;Должность\n1;Щеглова Юлия Андреевна;a@b.ru;x\n2;Щеглова Юлия Андреевна;c@b.ru;x\n"), 0o600)
	sum, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p}, Checking: importer.Checking{Schema: collaborator.Schema(), LoginFrom: importer.LoginFromName, Translit: validate.ICAO}}, importer.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range results(t, sum) {
		if !strings.Contains(rec[5], "login made from Щеглова Юлия Андреевна (icao)") {
			t.Errorf("row %s warnings %q do not say how the login was made", rec[0], rec[5])
		}
	}
}

// TestGeneratedLoginsAreNumbered: logins made from e-mails with the same local part,
// or repeating a login the file gives, are numbered on, as passwords.csv shows.
func TestGeneratedLoginsAreNumbered(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("Таб. №;ФИО;Почта;Должность;Логин\n"+
		"1;Иванов Иван;ivanov@a.ru;x;ivanov2\n"+
		"2;Иванов Пётр;ivanov@b.ru;x;\n"+
		"3;Иванов Олег;ivanov@c.ru;x;\n"), 0o600)
	opts := importer.DefaultOptions()
	opts.Input, opts.Schema = p, collaborator.Schema()
	if _, err := importer.Run(context.Background(), opts, importer.Deps{Target: &targettest.Target{}}); err != nil {
		t.Fatal(err)
	}
	lines, err := reports.ReadPasswords(p + ".report")
	if err != nil {
		t.Fatal(err)
	}
	// Passwords are recorded as the platform answers, not in row order.
	slices.SortFunc(lines, func(a, b reports.PasswordLine) int { return a.Row - b.Row })
	var logins []string
	for _, l := range lines {
		logins = append(logins, l.Login)
	}
	if diff := cmp.Diff([]string{"ivanov2", "ivanov", "ivanov3"}, logins); diff != "" {
		t.Errorf("generated logins (-want +got):\n%s", diff)
	}
}
