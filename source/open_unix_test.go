//go:build linux || darwin || freebsd || netbsd || openbsd

package source

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFIFO: a named pipe as input blocked forever in os.Open (waiting for a writer)
// and the first Ctrl-C did nothing; it is refused at once.
func TestFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.csv")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("cannot make a FIFO:", err)
	}
	g := readWithin(t, path, 5*time.Second)
	if want := "staff.csv: this is a named pipe (FIFO), not a regular file; save the spreadsheet as a file and give its path"; g.Error != want {
		t.Errorf("error %q, want %q", g.Error, want)
	}
}
