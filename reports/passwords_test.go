package reports_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/lang"
	"userimport/reports"
)

// TestPasswordsAreNeverLost: a second run adds to passwords.csv, a new report writer
// (validate, import) leaves it alone, and a line torn by a killed run is ended before
// new lines and skipped when read.
func TestPasswordsAreNeverLost(t *testing.T) {
	dir := t.TempDir()
	first := reports.NewPasswords(dir)
	if err := first.Add(2, "T1", "ivan", "ivan@x.ru", "Pass-1"); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	// A validate or import of the file starts a report writer in the same folder.
	w, err := reports.NewWriter(dir, reports.Input{}, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(&reports.Summary{}); err != nil {
		t.Fatal(err)
	}
	// A killed run left half a line.
	f, err := os.OpenFile(filepath.Join(dir, reports.PasswordsName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("3;T2;petr;petr@x.r")
	f.Close()
	lines, err := reports.ReadPasswords(dir)
	if err != nil {
		t.Fatalf("a torn last line stops the read: %v", err)
	}
	if len(lines) != 1 {
		t.Fatalf("read %d lines before the next run, want 1: %+v", len(lines), lines)
	}
	second := reports.NewPasswords(dir)
	if err := second.Add(4, "T3", "olga", "olga@x.ru", "Pass-3"); err != nil {
		t.Fatal(err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := reports.ReadPasswords(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []reports.PasswordLine{
		{Row: 2, Key: "T1", Login: "ivan", Email: "ivan@x.ru", Password: "Pass-1"},
		{Row: 4, Key: "T3", Login: "olga", Email: "olga@x.ru", Password: "Pass-3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("passwords (-want +got):\n%s", diff)
	}
}

// TestNoPasswordsNoFile: a run that generates none creates no passwords.csv.
func TestNoPasswordsNoFile(t *testing.T) {
	dir := t.TempDir()
	if err := reports.NewPasswords(dir).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, reports.PasswordsName)); !os.IsNotExist(err) {
		t.Errorf("passwords.csv exists after a run with no passwords: %v", err)
	}
}

// TestPasswordsOpenInRussianExcel: passwords.csv starts with a UTF-8 byte-order mark
// and separates with semicolons, the failed CSV's dialect that a Russian Excel opens
// into columns by double-click; it stays owner-only (issue 17).
func TestPasswordsOpenInRussianExcel(t *testing.T) {
	dir := t.TempDir()
	p := reports.NewPasswords(dir)
	if err := p.Add(2, "T1", "иван", "ivan@x.ru", "Pass;1"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, reports.PasswordsName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBFrow;key;login;email;password\n2;T1;иван;ivan@x.ru;\"Pass;1\"\n"
	if string(data) != want {
		t.Errorf("passwords.csv:\n got %q\nwant %q", data, want)
	}
	if st, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("passwords.csv mode %v, want owner-only 0600", st.Mode().Perm())
	}
	got, err := reports.ReadPasswords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]reports.PasswordLine{{Row: 2, Key: "T1", Login: "иван", Email: "ivan@x.ru", Password: "Pass;1"}}, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// TestPasswordsOldDialectKept: a passwords.csv an earlier version wrote (commas, no
// byte-order mark) gets its new lines in its own dialect, and all are read back.
func TestPasswordsOldDialectKept(t *testing.T) {
	dir := t.TempDir()
	old := "row,key,login,email,password\n2,T1,ivan,ivan@x.ru,Pass-1\n"
	if err := os.WriteFile(filepath.Join(dir, reports.PasswordsName), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	p := reports.NewPasswords(dir)
	if err := p.Add(3, "T2", "olga", "olga@x.ru", "Pass-2"); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, reports.PasswordsName))
	if want := old + "3,T2,olga,olga@x.ru,Pass-2\n"; string(data) != want {
		t.Errorf("old passwords.csv after a run:\n got %q\nwant %q", data, want)
	}
	got, err := reports.ReadPasswords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Password != "Pass-2" {
		t.Errorf("read back %+v, want both lines", got)
	}
}
