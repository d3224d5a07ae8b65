package importer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"userimport/reports"
	"userimport/validate"
)

// JournalName is the journal's file name in the report folder.
const JournalName = "journal.jsonl"

// Entry is one line of the journal: a row that reached a final outcome.
type Entry struct {
	Row      int    `json:"row"`
	Key      string `json:"key"`
	Hash     string `json:"hash"` // of the normalized row, see rowHash
	Status   string `json:"status"`
	ID       string `json:"id,omitempty"`
	Attempts int    `json:"attempts,omitempty"`
	Code     string `json:"code,omitempty"` // why a row failed
}

// done reports whether the entry's row needs nothing more.
func (e Entry) done() bool {
	switch reports.Status(e.Status) {
	case reports.Created, reports.Updated, reports.Unchanged, reports.Skipped:
		return true
	}
	return false
}

// journal appends entries as rows finish, from a single goroutine, so lines never
// interleave. Lines reach the file (the operating system) as soon as the goroutine
// takes them: whatever is queued is written together and flushed once (group
// commit), so a crash of the process loses at most the rows in flight, and a fast
// import makes one write call per group rather than per row. The file is synced
// every syncEvery lines or syncInterval, whichever comes first: only a crash of the
// whole machine can lose lines that were not, and a row whose line was lost is looked
// up again by --resume rather than created twice.
type journal struct {
	// beforeSync, when set, runs before each sync of the journal: the passwords file
	// is synced there, so that on disk no row is done without its password.
	beforeSync func() error
	f          *os.File
	w          *bufio.Writer
	lines      chan Entry
	done       chan struct{}
	err        error // the first write error, read after close
}

const (
	syncEvery    = 1024
	syncInterval = time.Second
)

// openJournal opens the journal in dir: appended to when resuming, started afresh
// otherwise.
func openJournal(dir string, resume bool, beforeSync func() error) (*journal, error) {
	flags := os.O_RDWR | os.O_CREATE | os.O_APPEND
	if !resume {
		flags |= os.O_TRUNC
	}
	f, err := reports.OpenFile(dir, JournalName, flags) // owner-only, never through a link
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if resume {
		if err := dropTornLine(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("open journal: %w", err)
		}
	}
	j := &journal{beforeSync: beforeSync, f: f, w: bufio.NewWriterSize(f, 64<<10), lines: make(chan Entry, 256), done: make(chan struct{})}
	go j.loop()
	return j, nil
}

func (j *journal) loop() {
	defer close(j.done)
	tick := time.NewTicker(syncInterval)
	defer tick.Stop()
	unsynced := 0
	sync := func() {
		if unsynced > 0 && j.err == nil {
			if j.beforeSync != nil {
				if j.err = j.beforeSync(); j.err != nil {
					return
				}
			}
			j.err = j.f.Sync()
			unsynced = 0
		}
	}
	write := func(e Entry) {
		if j.err != nil {
			return
		}
		line, _ := json.Marshal(e) // an Entry always marshals
		if _, err := j.w.Write(append(line, '\n')); err != nil {
			j.err = err
		}
		unsynced++
	}
	for {
		select {
		case e, ok := <-j.lines:
			if !ok {
				sync()
				return
			}
			write(e)
			// Take whatever else is queued, then flush the group once.
			open := true
			for open && len(j.lines) > 0 {
				if e, open = <-j.lines; open {
					write(e)
				}
			}
			if j.err == nil {
				j.err = j.w.Flush()
			}
			if !open {
				sync()
				return
			}
			if unsynced >= syncEvery {
				sync()
			}
		case <-tick.C:
			sync()
		}
	}
}

// dropTornLine cuts a last line the crashed run left half-written, so that lines
// appended now do not glue onto it.
func dropTornLine(f *os.File) error {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	// Lines are short; the last newline is within the last few kilobytes.
	const tail = 64 << 10
	off := max(0, fi.Size()-tail)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return err
	}
	if buf[len(buf)-1] == '\n' {
		return nil
	}
	keep := off + int64(bytes.LastIndexByte(buf, '\n')+1)
	return f.Truncate(keep)
}

// add records an entry; safe for concurrent use until close.
func (j *journal) add(e Entry) { j.lines <- e }

// close writes what is queued, syncs and closes the file.
func (j *journal) close() error {
	close(j.lines)
	<-j.done
	if err := j.f.Close(); j.err == nil {
		j.err = err
	}
	if j.err != nil {
		return fmt.Errorf("write journal: %w", j.err)
	}
	return nil
}

// readJournal loads what an earlier run finished, by key. A torn last line (the
// process died while writing it) is ignored; a bad line anywhere else means the file
// is not a journal, which is an error. For a key seen twice the later line wins.
func readJournal(dir string) (map[string]Entry, error) {
	data, err := os.ReadFile(filepath.Join(dir, JournalName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	entries := make(map[string]Entry)
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		var chunk []byte
		if i < 0 {
			chunk, data = data, nil
		} else {
			chunk, data = data[:i], data[i+1:]
		}
		if len(bytes.TrimSpace(chunk)) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(chunk, &e); err != nil {
			if i < 0 || len(bytes.TrimSpace(data)) == 0 {
				break // the torn last line of a crashed run
			}
			return nil, fmt.Errorf("read journal line %d: %w", line, err)
		}
		entries[e.Key] = e
	}
	return entries, nil
}

// rowHash fingerprints what would be sent for a row: the target and every normalized
// field. A generated password is left out, so a re-run that had to make a new one
// still recognises the row.
func rowHash(target string, u *validate.User) string {
	password := u.Password
	if u.PasswordGenerated {
		password = ""
	}
	fields := [...]string{
		target, u.UID, u.LastName, u.FirstName, u.MiddleName, u.Login, u.Email, password, u.Phone, u.PhoneExt,
		u.BirthDate.ISO(), u.HireDate.ISO(), u.Gender.String(), u.Active.String(), u.City, u.Department,
		u.Position, u.Tags, u.Groups, u.Role, u.Product, u.UserType, u.CompanyID, u.Status,
	}
	// Each field with its length before it, so that "ab"+"c" and "a"+"bc" differ;
	// built in one buffer and hashed once, since this runs for every row sent.
	var arr [512]byte
	buf := arr[:0]
	for _, f := range fields {
		buf = appendField(buf, f)
	}
	// Fields added since journals were first written count only when a row has one,
	// so that a journal of an older version still matches the rows without them.
	later := [...]string{u.WorkContact, u.PositionDate.ISO(), u.UserFields[0], u.UserFields[1],
		u.UserFields[2], u.UserFields[3], u.UserFields[4]}
	if later != [len(later)]string{} {
		for _, f := range later {
			buf = appendField(buf, f)
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

// appendField appends f to buf with its length before it.
func appendField(buf []byte, f string) []byte {
	buf = strconv.AppendInt(buf, int64(len(f)), 10)
	buf = append(buf, ':')
	return append(buf, f...)
}
