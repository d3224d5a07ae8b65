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
