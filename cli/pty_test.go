//go:build !windows

package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/xuri/excelize/v2"

	"userimport/cli"
)

// staffXLSX writes n valid inSkill rows to a workbook, whose size the importer reads
// for the bar's total.
func staffXLSX(t *testing.T, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]string{"E-mail", "ФИО"})
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow("Sheet1", cell, &[]string{fmt.Sprintf("user%d@example.ru", i), "Иванов Иван"})
	}
	path := filepath.Join(t.TempDir(), "staff.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestProgressOnATerminal imports into the sandbox with stderr on a real
// pseudo-terminal, slowly enough for several frames, and checks what a person sees:
// the bar was drawn, the notes printed above it are whole, and at the end the bar is
// gone, leaving the notes and the summary.
func TestProgressOnATerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer ptmx.Close()
	// Wide enough for every piece of the line: on a narrower terminal the limit is the
	// first piece dropped, and whether it fits at 100 columns depended on whether the
	// line had an ETA yet, which a loaded machine decides.
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 160}); err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&screen, ptmx) // ends with EIO once the terminal side is closed
		close(read)
	}()
	in := staffXLSX(t, 60)
	var stdout bytes.Buffer
	env := map[string]string{"LANG": "en_US.UTF-8"}
	code := cli.Main(context.Background(),
		[]string{"import", in, "--target", "inskill", "--sandbox", "--rate", "60", "--json"},
		envOf(env), cli.IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: tty})
	tty.Close()
	<-read
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, screen.String())
	}
	raw := screen.String()
	// The bar's graphic needs the sheet's size, which not every workbook records; the
	// counter is always there.
	if !strings.Contains(raw, "rows/s") || !strings.Contains(raw, "limit 60/s") {
		t.Errorf("no bar was drawn:\n%q", raw)
	}
	if !strings.Contains(raw, "created") {
		t.Errorf("the bar shows no running counts:\n%q", raw)
	}
	lines := cli.Emulate(raw)
	for _, l := range lines {
		if strings.ContainsAny(l, "▕░█") || strings.Contains(l, "rows/s") {
			t.Errorf("the bar was left on the screen: %q\nscreen:\n%s", l, strings.Join(lines, "\n"))
		}
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"read " + in + ": XLSX", "sandbox: talking to", "60 rows: 60 created", "created"} {
		if !strings.Contains(text, want) {
			t.Errorf("the screen lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasPrefix(stdout.String(), "{") || strings.Contains(stdout.String(), "rows/s") {
		t.Errorf("stdout is not only the JSON summary:\n%s", stdout.String())
	}
}

// TestProgressOnAPipe: with stderr a pipe or a file there is no bar and no control
// character, only lines; --quiet leaves the summary alone; --log writes a private file
// with the debug lines too.
func TestProgressOnAPipe(t *testing.T) {
	in := staffCSV(t, 30)
	logFile := filepath.Join(t.TempDir(), "run.log")
	res := run(t, nil, "import", in, "--target", "inskill", "--sandbox", "--log", logFile)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if strings.ContainsAny(res.stderr, "\r\x1b▕") {
		t.Errorf("control characters or a bar on a pipe:\n%q", res.stderr)
	}
	if !strings.Contains(res.stderr, "read "+in) || !strings.Contains(res.stderr, "created") {
		t.Errorf("stderr lacks the notes or the summary:\n%s", res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout without --json: %q", res.stdout)
	}
	fi, err := os.Stat(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	log, _ := os.ReadFile(logFile)
	for _, want := range []string{"level=DEBUG msg=options", "read " + in, "30 rows"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log file lacks %q:\n%s", want, log)
		}
	}

	quiet := run(t, nil, "validate", in, "--target", "inskill", "--quiet")
	if quiet.code != 0 || strings.Contains(quiet.stderr, "read ") || !strings.Contains(quiet.stderr, "30 rows") {
		t.Errorf("--quiet: exit %d, stderr:\n%s", quiet.code, quiet.stderr)
	}
	verbose := run(t, nil, "validate", in, "--target", "inskill", "--verbose")
	if !strings.Contains(verbose.stderr, "level=DEBUG msg=options") {
		t.Errorf("--verbose shows no debug logs:\n%s", verbose.stderr)
	}
}
