package reports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"

	"github.com/gocarina/gocsv"
)

// PasswordsName is the file generated passwords go to, in the report folder.
const PasswordsName = "passwords.csv"

// passwordsBOM and passwordsComma are passwords.csv's dialect: UTF-8 with a byte-order
// mark and semicolons, what a Russian Excel opens by double-click into columns (a
// Russian Windows lists with ";"), the same as a failed CSV of such an input. A file an
// earlier version wrote (commas, no mark) keeps its own dialect when lines are added,
// and both are read back (docs/contract.md, "Files").
var passwordsBOM = []byte{0xEF, 0xBB, 0xBF}

const passwordsComma = ';'

// passwordLine is one line of passwords.csv.
type passwordLine struct {
	Row      int    `csv:"row"`
	Key      string `csv:"key"`
	Login    string `csv:"login"`
	Email    string `csv:"email"`
	Password string `csv:"password"`
}

// Passwords appends generated passwords to passwords.csv, the only file that ever
// holds one. A password is recorded when the platform took it (a create, or an update
// --reset-passwords allowed), from the goroutine that got the answer and before the
// journal records the row, so that no account the journal calls done has a password
// that is not on disk (Sync, called before each journal sync, makes that hold across
// a crash of the machine too).
//
// The file is never truncated or removed by any command: each import adds its lines
// after the ones earlier runs wrote, so the only record of an account's first password
// cannot be lost to a re-run, a validate or a resume. A last line torn by a killed
// run is ended before new lines are added, and skipped when the file is read. It is
// safe for concurrent use.
type Passwords struct {
	dir string

	mu  sync.Mutex
	f   *os.File // opened on the first password
	buf bytes.Buffer
	cw  *csv.Writer
}

// NewPasswords returns the passwords file of the report folder dir; nothing is created
// until the first Add.
func NewPasswords(dir string) *Passwords {
	return &Passwords{dir: dir}
}

// Add appends one generated password. Each line reaches the operating system before
// Add returns.
func (p *Passwords) Add(row int, key, login, email, password string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.f == nil {
		if err := p.open(); err != nil {
			return err
		}
	}
	p.buf.Reset()
	p.cw.Write([]string{strconv.Itoa(row), Neutralize(key), Neutralize(login), Neutralize(email), password})
	p.cw.Flush()
	if _, err := p.f.Write(p.buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", PasswordsName, err)
	}
	return nil
}

// open opens the file for appending, owner-only, writing the header into a new file
// and ending a torn last line of an old one.
func (p *Passwords) open() error {
	f, err := openAppend(p.dir, PasswordsName)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open %s: %w", PasswordsName, err)
	}
	p.cw = csv.NewWriter(&p.buf)
	p.cw.Comma = passwordsComma
	switch {
	case st.Size() == 0:
		// The header comes from the struct ReadPasswords reads lines back into.
		hb := bytes.NewBuffer(slices.Clone(passwordsBOM))
		hw := csv.NewWriter(hb)
		hw.Comma = passwordsComma
		if err := gocsv.MarshalCSV([]passwordLine{}, gocsv.NewSafeCSVWriter(hw)); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", PasswordsName, err)
		}
		_, err = f.Write(hb.Bytes())
	default:
		// An older file keeps its dialect: its header says which.
		head := make([]byte, 64)
		n, _ := f.ReadAt(head, 0)
		p.cw.Comma = passwordsDelimiter(head[:n])
		last := make([]byte, 1)
		if _, err = f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			_, err = f.Write([]byte("\n"))
		}
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", PasswordsName, err)
	}
	p.f = f
	return nil
}

// Sync makes the lines written so far durable.
func (p *Passwords) Sync() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.f == nil {
		return nil
	}
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", PasswordsName, err)
	}
	return nil
}

// Close syncs and closes the file.
func (p *Passwords) Close() error {
	err := p.Sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.f != nil {
		if e := p.f.Close(); err == nil {
			err = e
		}
		p.f = nil
	}
	return err
}

// PasswordLine is a generated password as passwords.csv records it.
type PasswordLine struct {
	Row                         int
	Key, Login, Email, Password string
}

// ReadPasswords reads every whole line of dir's passwords.csv, in the order written,
// skipping a last line torn by a killed run and the lines that end one. A missing
// file is no lines.
func ReadPasswords(dir string) ([]PasswordLine, error) {
	f, err := openRead(dir, PasswordsName)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", PasswordsName, err)
	}
	if i := bytes.LastIndexByte(data, '\n'); i < len(data)-1 {
		data = data[:i+1] // a torn last line
	}
	data = bytes.TrimPrefix(data, passwordsBOM)
	var lines []passwordLine
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = passwordsDelimiter(data)
	r.FieldsPerRecord = -1
	err = gocsv.UnmarshalCSVWithoutHeaders(skipHeader(r), &lines)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", PasswordsName, err)
	}
	out := make([]PasswordLine, 0, len(lines))
	for _, l := range lines {
		if l.Password == "" {
			continue // a line ended after a tear: no password in it
		}
		out = append(out, PasswordLine{Row: l.Row, Key: Unneutralize(l.Key), Login: Unneutralize(l.Login), Email: Unneutralize(l.Email), Password: l.Password})
	}
	return out, nil
}

// passwordsDelimiter is the delimiter of the passwords file that starts with head: a
// semicolon when its header line has one (the dialect since issue 17), else a comma.
func passwordsDelimiter(head []byte) rune {
	head = bytes.TrimPrefix(head, passwordsBOM)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.IndexByte(head, ';') >= 0 {
		return ';'
	}
	return ','
}

// skipHeader drops the header line and any record that is not five fields (a line a
// torn write left behind), so the rest unmarshals without headers.
func skipHeader(r *csv.Reader) gocsv.CSVReader {
	return &fiveFields{r: r}
}

type fiveFields struct {
	r       *csv.Reader
	started bool
}

func (f *fiveFields) Read() ([]string, error) {
	for {
		rec, err := f.r.Read()
		if err != nil {
			return nil, err
		}
		if !f.started {
			f.started = true
			if len(rec) > 0 && rec[0] == "row" {
				continue
			}
		}
		if len(rec) != 5 || rec[0] == "row" {
			continue
		}
		if _, err := strconv.Atoi(rec[0]); err != nil {
			continue
		}
		return rec, nil
	}
}

func (f *fiveFields) ReadAll() ([][]string, error) {
	var all [][]string
	for {
		rec, err := f.Read()
		if errors.Is(err, io.EOF) {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		all = append(all, rec)
	}
}

// Unneutralize takes back the apostrophe Neutralize put before a value. Only a file
// the tool wrote may be read so: in anyone else's file the apostrophe is the person's.
func Unneutralize(s string) string {
	if len(s) > 1 && s[0] == '\'' && Neutralize(s[1:]) == s {
		return s[1:]
	}
	return s
}
