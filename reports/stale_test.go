package reports

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestStaleTempFilesRemoved: the temporary file excelize's stream writer leaves when
// a run is killed mid-workbook goes with the next run's old reports.
func TestStaleTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, "excelize-12345")
	if err := os.WriteFile(left, []byte("rows"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := removeStale(dir, "passwords.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s is still there: %v", left, err)
	}
}

// TestStaleLinkNotFollowed: removeStale removes only regular files. A link under a
// report's name is refused (the run stops, saying so), one under a temporary file's
// name left alone, and neither the links nor what they point to are removed.
func TestStaleLinkNotFollowed(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	target := filepath.Join(other, "keep")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{annotatedCSV, "excelize-99"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	err := removeStale(dir, annotatedCSV, reportHTML)
	if _, ok := errors.AsType[*FolderError](err); !ok {
		t.Errorf("removeStale: %v, want a *FolderError for the link named %s", err, annotatedCSV)
	}
	if err := os.Remove(filepath.Join(dir, annotatedCSV)); err != nil {
		t.Fatal(err)
	}
	if err := removeStale(dir, annotatedCSV, reportHTML); err != nil {
		t.Errorf("removeStale with only a temporary file's link: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "excelize-99")); err != nil {
		t.Errorf("the link named like a temporary file was removed: %v", err)
	}
	if b, err := os.ReadFile(target); err != nil || string(b) != "keep" {
		t.Errorf("the linked file: %q, %v", b, err)
	}
}
