package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNotRegularFile: only a regular file is read (issue 14, item 10). A folder, a
// device or (TestFIFO) a named pipe is refused at once, in one line saying what it
// is, before anything opens it: opening a FIFO waits for a writer, forever.
func TestNotRegularFile(t *testing.T) {
	dir := t.TempDir()
	if g := readAll(t, dir, Options{}); g.Error != filepath.Base(dir)+": this is a folder, not a file; give the path of the .xlsx or .csv file" {
		t.Errorf("folder: %q", g.Error)
	}
	if _, err := os.Stat(os.DevNull); err == nil && os.DevNull == "/dev/null" {
		if g := readAll(t, os.DevNull, Options{}); g.Error != "null: this is a device, not a regular file; save the spreadsheet as a file and give its path" {
			t.Errorf("device: %q", g.Error)
		}
	}
	if g := readAll(t, filepath.Join(dir, "missing.csv"), Options{}); !strings.HasPrefix(g.Error, "missing.csv: cannot open the file") {
		t.Errorf("missing file: %q", g.Error)
	}
}

// readWithin reads path through Open, failing the test if it takes longer than d
// (a blocked open would otherwise hang the test run).
func readWithin(t *testing.T, path string, d time.Duration) golden {
	t.Helper()
	done := make(chan golden, 1)
	go func() { done <- readAll(t, path, Options{}) }()
	select {
	case g := <-done:
		return g
	case <-time.After(d):
		t.Fatalf("reading %s did not return within %v", path, d)
		return golden{}
	}
}

// TestOpenContextCancelled: a cancelled context stops Open before anything is read,
// with the context's error, which is not a *FileError (the command line must not
// call it a damaged file).
func TestOpenContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(fixtureDir, "utf8_semicolon.csv")
	r, err := OpenContext(ctx, path, Options{})
	if !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("OpenContext with a cancelled context: %v, %v", r, err)
	}
	var fe *FileError
	if errors.As(err, &fe) {
		t.Errorf("cancellation reported as a file error: %v", err)
	}
}

// TestCancelStopsReading: once the context is done, Next stops where a hostile file
// would keep it busy: a CSV of a million blank lines, a sheet's rows.
func TestCancelStopsReading(t *testing.T) {
	csvPath := filepath.Join(t.TempDir(), "blank.csv")
	os.WriteFile(csvPath, []byte("a;b\n"+strings.Repeat("\n", 1_000_000)+"c;d\n"), 0o600)
	xlsxPath := filepath.Join(t.TempDir(), "rows.xlsx")
	os.WriteFile(xlsxPath, workbookWithSheet([]byte(sheetXML(strings.Repeat(`<row><c><v>1</v></c></row>`, 1000)))), 0o600)
	for _, path := range []string{csvPath, xlsxPath} {
		ctx, cancel := context.WithCancel(context.Background())
		r, err := OpenContext(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		cancel()
		if _, err := r.Next(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Next after cancel: %v", filepath.Base(path), err)
		}
		if _, err := r.Next(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Next again: %v", filepath.Base(path), err)
		}
		r.Close()
	}
}

// TestCancelStopsScans: the scans made while opening a workbook (its table of
// texts, its merged ranges) stop on a cancelled context with its error.
func TestCancelStopsScans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sst.xlsx")
	if err := writeHostile(path, "sst", 100_000); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, err := openBook(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cancel()
	if _, err := b.loadSharedStrings(DefaultMaxCellBytes, 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("loadSharedStrings after cancel: %v", err)
	}
	if _, err := scanMerges(ctx, strings.NewReader(sheetXML(""))); !errors.Is(err, context.Canceled) {
		t.Errorf("scanMerges after cancel: %v", err)
	}
}
