package reports_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/lang"
	"userimport/reports"
	"userimport/validate"
)

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Иванов", "Иванов"},
		{"=1+1", "'=1+1"},
		{"+79123456789", "'+79123456789"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
		// Past leading spaces of any kind, and in full width (issue 14).
		{" =2+2", "' =2+2"},
		{"   -1", "'   -1"},
		{"\u00a0=1+1", "'\u00a0=1+1"},
		{"\u2003\u3000+7", "'\u2003\u3000+7"},
		{"\u200b@x", "'\u200b@x"},
		{"\ufeff\u00a0=1", "'\ufeff\u00a0=1"},
		{"\n=1", "'\n=1"},
		{"＝1+1", "'＝1+1"},
		{"＋79123456789", "'＋79123456789"},
		{"－5", "'－5"},
		{"＠SUM(A1)", "'＠SUM(A1)"},
		{" \u00a0＝1", "' \u00a0＝1"},
		{" Иванов", " Иванов"},
		{"\u00a0", "\u00a0"},
		{"   ", "   "},
		{"Ы=1", "Ы=1"},
		{"'=1", "'=1"},
		{"\xff=1", "\xff=1"},
	}
	for _, tt := range tests {
		if got := reports.Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorsText(t *testing.T) {
	r := &reports.Row{Status: reports.Invalid, Issues: []validate.Issue{
		{Field: "email", Code: validate.CodeEmailInvalid, Raw: " petrov.mail.ru "},
		{Field: "email", Code: validate.CodeEmailTypo, Severity: validate.Warning, Detail: "a@gmail.com"},
		{Field: "uid", Code: validate.CodeDuplicate, Detail: "7", Raw: "T1"},
	}}
	got := reports.ErrorsText(r, lang.English)
	want := `email: email_invalid: not a valid e-mail address ("petrov.mail.ru") | uid: duplicate: the same as row 7 ("T1")`
	if got != want {
		t.Errorf("ErrorsText =\n%s\nwant\n%s", got, want)
	}
	if got := reports.WarningsText(r, lang.Russian); got != "email: email_typo: похоже на опечатку в домене, может быть, a@gmail.com?" {
		t.Errorf("WarningsText = %q", got)
	}
	failed := &reports.Row{Status: reports.Failed, FailCode: "rejected", Failure: "email: Invalid email"}
	if got := reports.ErrorsText(failed, lang.English); got != "platform: rejected: email: Invalid email" {
		t.Errorf("failed ErrorsText = %q", got)
	}
}

func TestSummaryAndProblems(t *testing.T) {
	rows := []*reports.Row{
		{Num: 2, Status: reports.Created, Blocked: true},
		{Num: 3, Status: reports.Updated, Unblocked: true},
		{Num: 4, Status: reports.Unchanged},
		{Num: 5, Status: reports.Failed, FailCode: "rejected", Failure: "no"},
		{Num: 6, Status: reports.Invalid, Issues: []validate.Issue{{Field: "phone", Column: "Телефон", Code: validate.CodePhoneInvalid}}},
		{Num: 7, Status: reports.Invalid, Issues: []validate.Issue{{Field: "phone", Column: "Телефон", Code: validate.CodePhoneInvalid}, {Field: "email", Code: validate.CodeEmailTypo, Severity: validate.Warning}}},
		{Num: 8, Status: reports.Skipped},
	}
	var s reports.Summary
	var p reports.Tally
	for _, r := range rows {
		p.Add(r, lang.English)
	}
	p.Fill(&s)
	want := reports.Summary{Rows: 7, Valid: 5, Invalid: 2, Created: 1, Updated: 1, Unchanged: 1, Failed: 1, Skipped: 1, Blocked: 1, Unblocked: 1, Warnings: 1}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantP := []reports.Problem{
		{Field: "phone", Column: "Телефон", Code: "phone_invalid", Rows: 2, Example: "not a valid phone number", FirstRow: 6, Severity: "error"},
		{Field: "", Code: "rejected", Rows: 1, Example: "no", FirstRow: 5, Severity: "error"},
		// Warnings come after the errors, with their severity (issue 17).
		{Field: "email", Code: "email_typo", Rows: 1, Example: "the domain looks mistyped, did you mean ?", FirstRow: 7, Severity: "warning"},
	}
	if diff := cmp.Diff(wantP, p.Problems()); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestWriterFilesArePrivateAndSafe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	if err := reports.MkdirReport(dir); err != nil {
		t.Fatal(err)
	}
	// A results.csv from an earlier run, readable by others: it is replaced, owner-only.
	os.WriteFile(filepath.Join(dir, "results.csv"), []byte("old"), 0o644)
	w, err := reports.NewWriter(dir, reports.Input{}, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	u := &validate.User{Login: "=cmd|' /C calc'!A0", Email: "a@b.ru", Password: "Secret123abc", PasswordGenerated: true}
	rows := []*reports.Row{
		{Num: 2, Key: "=HYPERLINK(\"x\")", Status: reports.Created, TargetID: "@id", User: u},
		{Num: 3, Key: "T2", Status: reports.Invalid, Issues: []validate.Issue{{Field: "email", Code: validate.CodeEmailInvalid, Raw: "=1+1"}}},
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pw := reports.NewPasswords(dir)
	if err := pw.Add(2, rows[0].Key, u.Login, u.Email, u.Password); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		for _, name := range []string{"results.csv", "passwords.csv"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want 0600", name, fi.Mode().Perm())
			}
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v", fi.Mode().Perm())
		}
	}
	for _, name := range []string{"results.csv", "passwords.csv"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		r := csv.NewReader(bytes.NewReader(data))
		if name == "passwords.csv" {
			// passwords.csv is in a Russian Excel's dialect: a BOM and semicolons.
			r = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
			r.Comma = ';'
		}
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			for _, cell := range rec {
				if formulaStart(cell) {
					t.Errorf("%s: cell %q would run as a formula", name, cell)
				}
			}
		}
	}
	results, _ := os.ReadFile(filepath.Join(dir, "results.csv"))
	if strings.Contains(string(results), "Secret123abc") {
		t.Error("the password is in results.csv")
	}
	got, err := reports.ReadPasswords(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []reports.PasswordLine{{Row: 2, Key: `=HYPERLINK("x")`, Login: u.Login, Email: "a@b.ru", Password: "Secret123abc"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadPasswords (-want +got):\n%s", diff)
	}
}

// FuzzNeutralize holds Neutralize to the rule the tests state on their own
// (formulaStart): a value gets the apostrophe exactly when a spreadsheet could take it
// for a formula, and nothing else changes.
func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"", "=1", " =1", "\u00a0\u3000＝1", "\u200b-", "\u1680\u205f\u0085@", "Иванов", "\xff=", "'=1", " \t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := reports.Neutralize(s)
		if want := formulaStart(s); want != (got != s) || got != s && got != "'"+s {
			t.Errorf("Neutralize(%q) = %q; a formula by the tests' rule: %v", s, got, want)
		}
	})
}
