package source_test

import (
	"os"
	"path/filepath"
	"testing"

	"userimport/source"
)

// TestExcelLock: "~$staff.xlsx" beside staff.xlsx says Excel has it open; nothing,
// or a lock of another file, says nothing.
func TestExcelLock(t *testing.T) {
	dir := t.TempDir()
	staff := filepath.Join(dir, "staff.xlsx")
	if got := source.ExcelLock(staff); got != "" {
		t.Errorf("no lock file: got %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "~$other.xlsx"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := source.ExcelLock(staff); got != "" {
		t.Errorf("another file's lock: got %q", got)
	}
	lock := filepath.Join(dir, "~$staff.xlsx")
	if err := os.WriteFile(lock, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := source.ExcelLock(staff); got != lock {
		t.Errorf("got %q, want %q", got, lock)
	}
}
