package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"userimport/importer"
	"userimport/lang"
)

// logFlags are --quiet, --verbose and --log, which every command that runs a file has.
type logFlags struct {
	quiet   bool
	verbose bool
	file    string
}

func (f *logFlags) add(fs *pflag.FlagSet, l lang.Lang) {
	fs.BoolVarP(&f.quiet, "quiet", "q", false, l.Pick(
		"print only errors and the final summary",
		"печатать только ошибки и итог"))
	fs.BoolVarP(&f.verbose, "verbose", "v", false, l.Pick(
		"print debug logs too",
		"печатать и отладочные сообщения"))
	fs.StringVar(&f.file, "log", "", l.Pick(
		"also write a full log to FILE (created owner-only)",
		"писать полный журнал ещё и в FILE (доступен только владельцу)"))
}

// console is where one run's words go. Lines for people (how the file was read, notes,
// logs) go to stderr, through the progress bar when stderr is a terminal so they print
// above it, never through it; --quiet drops them; --log copies them, with debug logs and
// the plain progress lines, into a file. stdout is never touched: it is for --json.
type console struct {
	lang   lang.Lang
	quiet  bool
	stderr io.Writer // the process's stderr, for the summary and errors
	// screen is stderr as the run's lines reach it: the bar while there is one.
	screen io.Writer
	bar    *bar // nil when stderr is not a terminal
	file   *os.File
	// people receives the run's notes: how the file was read (importer.Hooks.Read), warnings, the summary.
	people io.Writer
	log    *slog.Logger
	ticker *ticker
	now    func() time.Time
}

// openConsole sets up the streams of a run; close it when the run is over.
func openConsole(stdio IO, f logFlags, l lang.Lang) (*console, error) {
	c := &console{lang: l, quiet: f.quiet, stderr: stdio.Stderr, now: time.Now}
	if fd, ok := terminal(stdio.Stderr); ok && !f.quiet {
		c.bar = newBar(stdio.Stderr, func() int { return termWidth(fd) }, nil)
		c.screen = c.bar
	} else {
		c.screen = &lockedWriter{w: stdio.Stderr}
	}
	level := slog.LevelInfo
	switch {
	case f.quiet:
		level = slog.LevelError
	case f.verbose:
		level = slog.LevelDebug
	}
	handlers := []slog.Handler{slog.NewTextHandler(c.screen, &slog.HandlerOptions{Level: level, ReplaceAttr: dropTime})}
	people := io.Writer(c.screen)
	if f.quiet {
		people = io.Discard
	}
	if f.file != "" {
		file, err := openLogFile(f.file)
		if err != nil {
			return nil, &usageError{msg: err.Error()}
		}
		c.file = file
		lw := &lockedWriter{w: file}
		handlers = append(handlers, slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelDebug}))
		people = io.MultiWriter(people, lw)
	}
	// What the run prints about the file and the platform goes through Printable: a
	// header or a cell with terminal escapes in it is shown, not obeyed.
	c.people = &printableWriter{w: people}
	c.log = slog.New(slog.NewMultiHandler(handlers...))
	return c, nil
}

// openLogFile opens a --log file for appending, owner-only, because the run's notes
// name people. An existing file readable by others is made private.
func openLogFile(path string) (*os.File, error) {
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log file: %w", err)
	}
	if err := file.Chmod(0o600); err != nil && !isWindows() {
		file.Close()
		return nil, fmt.Errorf("open log file: %w", err)
	}
	return file, nil
}

// startProgress shows p until stopProgress: a bar on a terminal, a plain line every
// plainEvery elsewhere (and in the log file), nothing with --quiet but the file's lines.
func (c *console) startProgress(p *importer.Progress, dryRun bool) {
	m := newMeter(p, c.lang, dryRun, c.now)
	switch {
	case c.bar != nil:
		c.bar.m = m
		c.bar.start()
		if c.file != nil {
			c.ticker = startTicker(&lockedWriter{w: c.file}, newMeter(p, c.lang, dryRun, c.now), plainEvery)
		}
	case !c.quiet || c.file != nil:
		c.ticker = startTicker(c.people, m, plainEvery)
	}
}

// stopProgress erases the bar and ends the lines; the summary can be printed after.
func (c *console) stopProgress() {
	if c.bar != nil {
		c.bar.stop()
	}
	if c.ticker != nil {
		c.ticker.stop()
		c.ticker = nil
	}
}

// summaryTo is where the final summary goes besides the screen: the log file, without
// colour; nil without --log.
func (c *console) summaryTo() io.Writer {
	if c.file == nil {
		return nil
	}
	return &lockedWriter{w: c.file}
}

func (c *console) close() {
	c.stopProgress()
	if c.file != nil {
		c.file.Close()
	}
}

// dropTime leaves the time out of log lines on the screen, where people watch them
// appear; the log file keeps it.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// lockedWriter serializes writes from the run's goroutines, so lines never interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// terminal reports whether w is a terminal, and its descriptor.
func terminal(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// termWidth is the terminal's width in columns; 80 when it cannot be told.
func termWidth(fd int) int {
	w, _, err := term.GetSize(fd)
	if err != nil || w <= 0 {
		return 80
	}
	return w
}
