package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The report folder holds personal data, and each run replaces and removes files in
// it, so the tool never works through a symbolic link there: a report folder that is
// a link is refused (the files of the folder it points to would be overwritten and
// removed, and that folder made owner-only), and so is a link, or anything else that
// is not a regular file, where a report file goes (writing summary.json through a link
// truncates the file it points to). Files are opened with O_NOFOLLOW where the system
// has it (every Unix; on Windows a check just before opening stands in for it) and
// removed only when they are regular files.
//
// The tool creates the folder owner-only (0700). It never changes the mode of a folder
// it did not create: one that others can only read or enter is used as it is (every
// file in it is created owner-only, so nothing personal is readable there, and the
// folder may be one a person keeps open on purpose, such as --report .); one that
// another user owns, or that the group or others may write to, is refused, since
// whoever can write there can swap the reports for links or for files of their own
// (a failed file someone else edited, then imported) between the tool's checks.

// FolderError says why the report folder, or a file the tool writes in it, cannot be
// used. The tool wrote nothing through it. Its message is one line.
type FolderError struct {
	// Path is the folder, or the file in it.
	Path string
	// Problem says what is wrong and what to do about it.
	Problem string
}

func (e *FolderError) Error() string {
	return e.Path + ": " + e.Problem
}

// MkdirReport creates the report folder, owner-only, with any missing parent; a
// folder that exists is checked rather than changed (see FolderError).
func MkdirReport(dir string) error {
	dir = filepath.Clean(dir) // Lstat follows a link named with a trailing slash
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if parent := filepath.Dir(dir); parent != dir {
			if err := os.MkdirAll(parent, 0o700); err != nil {
				return fmt.Errorf("create report folder: %w", err)
			}
		}
		// Mkdir creates the last element itself, never through a link; one that
		// appeared since Lstat is checked below like any folder that was there.
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create report folder: %w", err)
		}
	}
	return checkFolder(dir)
}

// checkFolder refuses a report folder the tool must not write in: a link, not a
// folder, someone else's, open to others' writes, or holding a link (or a folder, a
// pipe) where a report file goes.
func checkFolder(dir string) error {
	fi, err := os.Lstat(filepath.Clean(dir))
	if err != nil {
		return fmt.Errorf("report folder: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return linkedFolder(dir)
	}
	if !fi.IsDir() {
		return &FolderError{Path: dir, Problem: "the report folder is not a folder (" + kindOf(fi) + "); choose another with --report"}
	}
	if problem := foreignFolder(fi); problem != "" {
		return &FolderError{Path: dir, Problem: problem}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read report folder: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() || !isReportFile(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			return notRegular(filepath.Join(dir, e.Name()), fi)
		}
	}
	return nil
}

// isReportFile says whether the tool writes a file of this name in the report folder
// (the importer's journal too; its spill files get new names). Temporary files get new
// names; a link under an old one is left alone.
func isReportFile(name string) bool {
	switch name {
	case "summary.json", "results.csv", annotatedCSV, annotatedXLSX, reportHTML, ledgerName, PasswordsName, "journal.jsonl":
		return true
	}
	return failedPattern.MatchString(name)
}

// notRegular is the error for a path that is not a regular file where the tool
// writes, reads or removes a report file.
func notRegular(path string, fi fs.FileInfo) error {
	if fi.Mode()&fs.ModeSymlink != 0 {
		to, _ := os.Readlink(path)
		return &FolderError{Path: path, Problem: fmt.Sprintf("is a symbolic link (to %s); the tool never writes or removes a report through a link: "+
			"remove the link, or choose another folder with --report", to)}
	}
	return &FolderError{Path: path, Problem: "is " + kindOf(fi) + ", not a file; the tool writes its report there: " +
		"move it away, or choose another folder with --report"}
}

// kindOf names what fi is, for people.
func kindOf(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsRegular():
		return "a file"
	case m&fs.ModeIrregular != 0:
		return "a special file, such as a Windows junction"
	}
	return "not a regular file"
}

// Create creates or truncates a report file, owner-only even if it existed. It never
// writes through a link, and refuses anything but a regular file (*FolderError).
func Create(dir, name string) (*os.File, error) {
	return openPrivate(dir, name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, "create")
}

// OpenFile opens the file name of the report folder dir with flag as Create does:
// owner-only, never through a link, and only a regular file (*FolderError otherwise).
// It is for the files other packages keep there, such as the importer's journal.
func OpenFile(dir, name string, flag int) (*os.File, error) {
	return openPrivate(dir, name, flag, "open")
}

// openAppend opens a report file for appending (and reading), creating it owner-only;
// one that existed is made owner-only too. Like Create, never through a link.
func openAppend(dir, name string) (*os.File, error) {
	return openPrivate(dir, name, os.O_RDWR|os.O_CREATE|os.O_APPEND, "open")
}

// openRead opens a report file to read it, never through a link.
func openRead(dir, name string) (*os.File, error) {
	return openPrivate(dir, name, os.O_RDONLY, "read")
}

// openPrivate opens dir/name with flag, never following a link at the name: the path
// is looked at first (a link or anything but a regular file is refused, and a pipe is
// never opened, which would block), then opened with O_NOFOLLOW, which closes the gap
// between the two on Unix, and the open file checked again. A file opened to write is
// made owner-only.
func openPrivate(dir, name string, flag int, verb string) (*os.File, error) {
	if err := notLink(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name)
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi)
	}
	f, err := os.OpenFile(path, flag|oNoFollow, 0o600)
	if err != nil {
		if isLinkRefused(err) {
			if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
				return nil, notRegular(path, fi)
			}
		}
		return nil, fmt.Errorf("%s %s: %w", verb, name, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, fi)
	}
	if err == nil && flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s %s: %w", verb, name, err)
	}
	return f, nil
}

// notLink refuses a report folder that is a symbolic link: O_NOFOLLOW guards only the
// last element of a path, so each file's folder is looked at too (MkdirReport and
// NewWriter check the folder in full).
func notLink(dir string) error {
	fi, err := os.Lstat(filepath.Clean(dir))
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil // a missing folder fails the open itself
	}
	return linkedFolder(dir)
}

func linkedFolder(dir string) error {
	to, _ := os.Readlink(filepath.Clean(dir))
	return &FolderError{Path: dir, Problem: fmt.Sprintf("the report folder is a symbolic link (to %s); the tool writes reports only into a real folder, "+
		"because it replaces and removes files there: remove the link, or choose another folder with --report", to)}
}

// removeRegular removes path if it is a regular file: a link (whatever it points to),
// a folder or a pipe of that name is left alone. A missing file is no error.
func removeRegular(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return notRegular(path, fi)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// isExcelizeTemp matches the temporary files excelize's stream writer makes,
// os.CreateTemp(dir, "excelize-"): the prefix and CreateTemp's decimal digits, so that
// a person's own excelize-notes.txt in a --report folder is never taken for one.
func isExcelizeTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, excelizeTempPrefix)
	if !ok || rest == "" {
		return false
	}
	for _, c := range []byte(rest) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// excelizeTempPrefix starts the temporary files excelize's stream writer makes.
const excelizeTempPrefix = "excelize-"
