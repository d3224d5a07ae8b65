//go:build unix

package reports_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
)

// victimFolder is a folder of someone's files, readable by others, that a link may
// point to; check reports whether anything in it changed.
func victimFolder(t *testing.T) (dir string, check func()) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	names := []string{"summary.json", "results.csv", "passwords.csv", "annotated.xlsx", "annotated.csv",
		"failed.csv", "failed.xlsx", "report.html", "written.sha256", "excelize-123", "notes.txt"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("precious "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func() {
		t.Helper()
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o755 {
			t.Errorf("the linked folder's mode became %v", fi.Mode().Perm())
		}
		for _, n := range names {
			got, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil || string(got) != "precious "+n {
				t.Errorf("%s in the linked folder: %q, %v", n, got, err)
			}
		}
	}
}

// runReports does what a run does to a report folder: check it, write every report
// and a password.
func runReports(dir string) error {
	if err := reports.MkdirReport(dir); err != nil {
		return err
	}
	info := source.Info{Format: "csv", Encoding: "utf-8", Delimiter: ";"}
	w, err := reports.NewWriter(dir, reports.Input{Path: "staff.csv", Info: info, HeaderRow: 2, Header: header, Columns: columnsIn}, lang.English)
	if err != nil {
		return err
	}
	for _, r := range fixtureRows() {
		if err := w.Write(r); err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Finish(&reports.Summary{}); err != nil {
		return err
	}
	pw := reports.NewPasswords(dir)
	if err := pw.Add(2, "T1", "ivan", "ivan@x.ru", "Pass-1"); err != nil {
		pw.Close()
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	return reports.SaveSummary(dir, &reports.Summary{})
}

// TestReportFolderLinkRefused: a report folder that is a symbolic link is refused with
// a *FolderError before anything is written, and the folder it points to keeps its
// mode and its files (it used to be made 0700, its reports overwritten and its
// passwords.csv, annotated, failed and report.html removed).
func TestReportFolderLinkRefused(t *testing.T) {
	victim, check := victimFolder(t)
	link := filepath.Join(t.TempDir(), "staff.xlsx.report")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{link, link + "/"} {
		err := runReports(dir)
		fe, ok := errors.AsType[*reports.FolderError](err)
		if !ok {
			t.Fatalf("%s: %v, want a *FolderError", dir, err)
		}
		if msg := fe.Error(); !strings.Contains(msg, "symbolic link") || strings.Contains(msg, "\n") {
			t.Errorf("message %q: want one line that says it is a link", msg)
		}
	}
	// Each entry point refuses on its own too, as a caller that skipped MkdirReport
	// would reach them.
	if _, err := reports.NewWriter(link, reports.Input{}, lang.English); err == nil {
		t.Error("NewWriter wrote into a linked folder")
	}
	if err := reports.SaveSummary(link, &reports.Summary{}); err == nil {
		t.Error("SaveSummary wrote into a linked folder")
	}
	if err := reports.NewPasswords(link).Add(2, "k", "l", "e", "p"); err == nil {
		t.Error("Passwords wrote into a linked folder")
	}
	if _, err := reports.ReadPasswords(link); err == nil {
		t.Error("ReadPasswords read through a linked folder")
	}
	check()
}

// TestReportFileLinkRefused: a link where a report file goes, inside a real report
// folder, is never written, truncated or removed through; the run stops with a
// *FolderError naming it, and the file it points to is as it was.
func TestReportFileLinkRefused(t *testing.T) {
	for _, name := range []string{"summary.json", "results.csv", "passwords.csv", "annotated.csv", "failed.csv", "report.html", "written.sha256", "journal.jsonl"} {
		t.Run(name, func(t *testing.T) {
			victim, check := victimFolder(t)
			dir := filepath.Join(t.TempDir(), "r")
			if err := reports.MkdirReport(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(victim, name), filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
			err := runReports(dir)
			fe, ok := errors.AsType[*reports.FolderError](err)
			if !ok || fe.Path != filepath.Join(dir, name) {
				t.Fatalf("run: %v, want a *FolderError for %s", err, name)
			}
			check()
			// Past MkdirReport's look at the folder (a link made while the run goes),
			// each writer still refuses.
			switch name {
			case "summary.json":
				if err := reports.SaveSummary(dir, &reports.Summary{}); err == nil {
					t.Error("SaveSummary wrote through the link")
				}
			case "passwords.csv":
				if err := reports.NewPasswords(dir).Add(2, "k", "l", "e", "p"); err == nil {
					t.Error("Passwords wrote through the link")
				}
			default:
				if f, err := reports.Create(dir, name); err == nil {
					f.Close()
					t.Error("Create truncated through the link")
				}
			}
			check()
			if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link itself was removed or replaced: %v", err)
			}
		})
	}
}

// TestTempLinkLeftAlone: a link under the name of excelize's temporary files is not
// removed (only regular files are), and neither is what it points to.
func TestTempLinkLeftAlone(t *testing.T) {
	victim, check := victimFolder(t)
	dir := filepath.Join(t.TempDir(), "r")
	if err := reports.MkdirReport(dir); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "excelize-123")
	if err := os.Symlink(filepath.Join(victim, "excelize-123"), link); err != nil {
		t.Fatal(err)
	}
	notOurs := filepath.Join(dir, "excelize-notes.txt")
	if err := os.WriteFile(notOurs, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := reports.NewWriter(dir, reports.Input{}, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(&reports.Summary{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
	if _, err := os.Stat(notOurs); err != nil {
		t.Errorf("a person's excelize-notes.txt was removed: %v", err)
	}
	check()
}

// TestPipeWhereReportGoes: a named pipe under a report's name is refused at once; the
// run does not block opening it.
func TestPipeWhereReportGoes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "results.csv"), 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	done := make(chan error, 1)
	go func() { done <- runReports(dir) }()
	select {
	case err := <-done:
		if _, ok := errors.AsType[*reports.FolderError](err); !ok || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("run: %v, want a *FolderError saying it is a named pipe", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run blocked on a named pipe")
	}
}

// TestExistingFolderMode: a folder the tool creates is 0700; one that exists keeps its
// mode when others may only read it, and is refused when the group or others may
// write to it.
func TestExistingFolderMode(t *testing.T) {
	base := t.TempDir()
	created := filepath.Join(base, "new", "deeper")
	if err := runReports(created); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(created); fi.Mode().Perm() != 0o700 {
		t.Errorf("a new folder is %v, want 0700", fi.Mode().Perm())
	}
	for _, tt := range []struct {
		mode   os.FileMode
		refuse bool
	}{{0o700, false}, {0o750, false}, {0o755, false}, {0o770, true}, {0o702, true}, {0o777, true}} {
		dir := filepath.Join(base, tt.mode.String())
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, tt.mode); err != nil {
			t.Fatal(err)
		}
		err := runReports(dir)
		if _, ok := errors.AsType[*reports.FolderError](err); ok != tt.refuse || !tt.refuse && err != nil {
			t.Errorf("folder %v: %v; want refused = %v", tt.mode, err, tt.refuse)
		}
		if tt.refuse && !strings.Contains(err.Error(), "chmod 700") {
			t.Errorf("folder %v: %q does not say what to do", tt.mode, err)
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != tt.mode {
			t.Errorf("folder %v: mode changed to %v", tt.mode, fi.Mode().Perm())
		}
		if !tt.refuse {
			for _, n := range []string{"results.csv", "summary.json", "report.html", "passwords.csv"} {
				if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("folder %v: %s %v, want it owner-only", tt.mode, n, err)
				}
			}
		}
	}
}

// TestForeignFolderRefused: a folder another user owns is refused, as its owner can
// swap anything in it. Only root can make one to test with.
func TestForeignFolderRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a folder away")
	}
	dir := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 4242, 4242); err != nil {
		t.Skip(err)
	}
	err := reports.MkdirReport(dir)
	if _, ok := errors.AsType[*reports.FolderError](err); !ok || !strings.Contains(err.Error(), "another user") {
		t.Errorf("MkdirReport: %v, want a *FolderError saying whose it is", err)
	}
}
