package reports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gocarina/gocsv"

	"userimport/source"

	"userimport/validate"
)

// Writer writes the per-row reports of a run as rows arrive, in row order. It is not
// safe for concurrent use: the importer calls it from the one goroutine that puts rows
// back in order.
type Writer struct {
	dir  string
	in   Input
	lang validate.Lang

	results *os.File
	rbuf    *bufio.Writer
	rcsv    *csv.Writer

	passwords *os.File // opened on the first generated password
	pcsv      *gocsv.SafeCSVWriter

	record []string
}

// Input describes the file a run reads, for reports that copy it (the annotated copy,
// the file of failed rows).
type Input struct {
	Path      string      // the input file
	Info      source.Info // how it was read: format, encoding, delimiter, sheet
	HeaderRow int         // the row number of the header
	Header    []string    // the header row's cells as read
	// Columns says which field each column was read as, in column order.
	Columns []Column
}

// NewWriter creates results.csv in dir (which must exist).
func NewWriter(dir string, in Input, lang validate.Lang) (*Writer, error) {
	f, err := Create(dir, "results.csv")
	if err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, in: in, lang: lang, results: f, rbuf: bufio.NewWriterSize(f, 64<<10)}
	w.rcsv = csv.NewWriter(w.rbuf)
	if err := w.rcsv.Write([]string{"row", "key", "status", "target_id", "errors", "warnings", "changes"}); err != nil {
		f.Close()
		return nil, fmt.Errorf("write results.csv: %w", err)
	}
	// Remove a passwords.csv left by an earlier run, so the folder never holds
	// passwords this run did not make.
	if err := os.Remove(filepath.Join(dir, "passwords.csv")); err != nil && !errors.Is(err, os.ErrNotExist) {
		f.Close()
		return nil, fmt.Errorf("remove old passwords.csv: %w", err)
	}
	return w, nil
}

// Write records one row.
func (w *Writer) Write(r *Row) error {
	w.record = append(w.record[:0],
		strconv.Itoa(r.Num),
		Neutralize(r.Key),
		string(r.Status),
		Neutralize(r.TargetID),
		Neutralize(ErrorsText(r, w.lang)),
		Neutralize(WarningsText(r, w.lang)),
		Neutralize(ChangesText(r)),
	)
	if err := w.rcsv.Write(w.record); err != nil {
		return fmt.Errorf("write results.csv: %w", err)
	}
	if r.User != nil && r.User.PasswordGenerated && (r.Status == Created || r.Status == Updated || r.Status == Unchanged) {
		if err := w.writePassword(r); err != nil {
			return err
		}
	}
	return nil
}

// passwordLine is one line of passwords.csv.
type passwordLine struct {
	Row      int    `csv:"row"`
	Key      string `csv:"key"`
	Login    string `csv:"login"`
	Email    string `csv:"email"`
	Password string `csv:"password"`
}

// writePassword records a generated password in passwords.csv, the only file that ever
// holds one. The platform got the password with the account, so the administrator
// needs it to hand on; an upsert sends it with every run (Collaborator's import cannot
// tell a new account from an old one), so every row that reached the platform is listed,
// and the next run reuses the same password (LoadPasswords) instead of resetting it.
func (w *Writer) writePassword(r *Row) error {
	u := r.User
	line := []passwordLine{{Row: r.Num, Key: Neutralize(r.Key), Login: Neutralize(u.Login), Email: Neutralize(u.Email), Password: u.Password}}
	if w.passwords == nil {
		f, err := Create(w.dir, "passwords.csv")
		if err != nil {
			return err
		}
		w.passwords = f
		w.pcsv = gocsv.NewSafeCSVWriter(csv.NewWriter(f))
		// gocsv takes the writer per call, never through its package-level setters,
		// which are shared by every caller (libraries.md §1.2).
		if err := gocsv.MarshalCSV(line, w.pcsv); err != nil {
			return fmt.Errorf("write passwords.csv: %w", err)
		}
		return nil
	}
	if err := gocsv.MarshalCSVWithoutHeaders(line, w.pcsv); err != nil {
		return fmt.Errorf("write passwords.csv: %w", err)
	}
	return nil
}

// Finish writes the reports that need the whole run's summary, then flushes and closes
// every file; it reports the first error.
func (w *Writer) Finish(s *Summary) error {
	return w.Close()
}

// Close flushes and closes every file; it reports the first error.
func (w *Writer) Close() error {
	w.rcsv.Flush()
	err := w.rcsv.Error()
	if e := w.rbuf.Flush(); err == nil {
		err = e
	}
	if e := w.results.Close(); err == nil {
		err = e
	}
	if w.passwords != nil {
		w.pcsv.Flush()
		if e := w.pcsv.Error(); err == nil {
			err = e
		}
		if e := w.passwords.Close(); err == nil {
			err = e
		}
	}
	if err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	return nil
}

// LoadPasswords reads the passwords an earlier run generated, by key, from dir's
// passwords.csv, so a re-run sends the same ones. A missing file is no passwords.
func LoadPasswords(dir string) (map[string]string, error) {
	f, err := os.Open(filepath.Join(dir, "passwords.csv"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read passwords.csv: %w", err)
	}
	defer f.Close()
	var lines []passwordLine
	if err := gocsv.UnmarshalCSV(csv.NewReader(f), &lines); err != nil {
		return nil, fmt.Errorf("read passwords.csv: %w", err)
	}
	m := make(map[string]string, len(lines))
	for _, l := range lines {
		if len(l.Key) > 1 && l.Key[0] == '\'' && Neutralize(l.Key[1:]) == l.Key {
			l.Key = l.Key[1:] // written neutralized, see Neutralize
		}
		if l.Key != "" && l.Password != "" {
			m[l.Key] = l.Password
		}
	}
	return m, nil
}
