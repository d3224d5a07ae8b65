package reports

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// The failed file is the one report people edit: they fix its rows and run it again.
// A later run of the original file must never overwrite those fixes, so the folder
// keeps a ledger of the failed files the tool wrote, with their SHA-256: at the start
// of a run, a failed file whose content is still what the ledger says is the tool's
// and is replaced; any other (edited, or written before the ledger existed) is kept as
// it is, and the run's failed rows go to failed-2.xlsx, failed-3.xlsx, ... instead.

// ledgerName is the ledger's file name in the report folder.
const ledgerName = "written.sha256"

// failedPattern matches the failed files of a report folder: failed.xlsx, failed-2.csv.
var failedPattern = regexp.MustCompile(`^failed(-[0-9]+)?\.(xlsx|csv)$`)

// failedFiles sorts the report folder's failed files into the tool's own (stale,
// to remove) and the ones a person changed (kept), and picks the name this run's
// failed file gets: failed.EXT unless a kept file has it.
func failedFiles(dir, ext string) (stale, kept []string, name string, err error) {
	ledger, err := readLedger(dir)
	if err != nil {
		return nil, nil, "", err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, "", fmt.Errorf("read report folder: %w", err)
	}
	taken := map[string]bool{}
	for _, e := range entries {
		if !e.Type().IsRegular() || !failedPattern.MatchString(e.Name()) {
			continue
		}
		sum, err := fileSum(dir, e.Name())
		if err != nil {
			return nil, nil, "", err
		}
		if ledger[e.Name()] == sum {
			stale = append(stale, e.Name())
			continue
		}
		kept = append(kept, e.Name())
		taken[strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".xlsx"), ".csv")] = true
	}
	base := "failed"
	for n := 2; taken[base]; n++ {
		base = fmt.Sprintf("failed-%d", n)
	}
	slices.Sort(kept)
	return stale, kept, base + "." + ext, nil
}

// readLedger reads the ledger: file name → SHA-256 in hex. A missing ledger is empty.
func readLedger(dir string) (map[string]string, error) {
	f, err := openRead(dir, ledgerName)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if ok && len(sum) == sha256.Size*2 {
			m[name] = sum
		}
	}
	return m, nil
}

// recordWritten notes in the ledger that the tool wrote name, as it is now. The
// ledger's other lines are kept where their file still exists.
func recordWritten(dir, name string) error {
	sum, err := fileSum(dir, name)
	if err != nil {
		return err
	}
	ledger, err := readLedger(dir)
	if err != nil {
		return err
	}
	ledger[name] = sum
	var b strings.Builder
	names := make([]string, 0, len(ledger))
	for n := range ledger {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s  %s\n", ledger[n], n)
	}
	f, err := Create(dir, ledgerName)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, b.String()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", ledgerName, err)
	}
	return f.Close()
}

func fileSum(dir, name string) (string, error) {
	f, err := openRead(dir, name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
