// Package importer runs the whole flow of docs/design.md for one file: source → columns →
// validate → dedupe → dispatch → target → reports. It reads the file once, as a stream,
// validates rows on every core, puts them back in row order, and (unless it is a dry
// run) sends the valid ones to the target concurrently within the rate limit.
package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"userimport/columns"
	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/targets"
	"userimport/validate"
)

// Options describe one run. The command line fills them, from DefaultOptions; nothing
// here reads flags or the environment.
type Options struct {
	// Kind is what the run does with the valid rows: nothing, a plan, or an import.
	Kind Kind
	Reading
	Checking
	Sending
	RetryPolicy
	Output
}

// Kind is what a run does with the valid rows.
type Kind int

const (
	// Import creates and updates accounts on the target.
	Import Kind = iota
	// Validate checks the file offline: nothing is sent, and no target is needed.
	Validate
	// Plan asks the target what an import would do, with read-only lookups: the
	// target must implement targets.Planner. The summary says dry_run.
	Plan
)

// Command is the kind's command, as summary.json names it.
func (k Kind) Command() string {
	switch k {
	case Validate:
		return "validate"
	case Plan:
		return "plan"
	}
	return "import"
}

// DryRun reports whether the run writes nothing on the target.
func (k Kind) DryRun() bool { return k != Import }

// Reading is where the rows come from and how their columns are read.
type Reading struct {
	Input  string
	Source source.Options
	Map    []columns.Override
}

// Checking is how each row is checked and completed.
type Checking struct {
	Schema *validate.Schema
	// Sets are values for rows whose cell is empty.
	Sets   map[columns.Field]string
	Region string
	// LoginFrom is where a missing login comes from, for platforms that need one:
	// LoginFromEmail (the default) or LoginFromName, transliterated by Translit.
	LoginFrom LoginSource
	Translit  validate.Translit
}

// Sending is how rows go to the target, and when a run stops taking them.
type Sending struct {
	Mode targets.Mode
	// Concurrency is the number of calls in flight (0: DefaultConcurrency); Rate caps
	// calls per second (0: no cap). The per-request timeout belongs to the target's
	// HTTP client.
	Concurrency int
	Rate        float64
	// Resume skips rows an earlier run of the same report folder finished with the
	// same content, as its journal says, and does the rest.
	Resume bool
	// Grace is how long calls in flight may finish after Ctrl-C (0: DefaultGrace).
	Grace time.Duration
	// UnreachableAfter stops the run when the platform has not answered for this long
	// (0: DefaultUnreachableAfter).
	UnreachableAfter time.Duration
}

// RetryPolicy is how failed calls are tried again.
type RetryPolicy struct {
	// Retries is how many times a retryable call is tried again: 0 is never
	// (DefaultOptions has DefaultRetries). The check before the first row is tried
	// DefaultRetries times whatever it says (see preflight).
	Retries int
	// RetryBudget caps retries over the whole run (0: DefaultRetryBudget).
	RetryBudget int
	// RetryBase is the first backoff delay (0: 500 ms); tests and benchmarks shorten it.
	RetryBase time.Duration
}

// Output is where the reports go and in which language they speak.
type Output struct {
	// ReportDir is where the reports go; empty means "<input>.report" beside the input.
	ReportDir string
	Lang      lang.Lang
	// NoCopies leaves the copies of the input (the annotated copy, the failed file)
	// out of the reports: the browser UI's checks, which show the rows themselves.
	NoCopies bool
}

// DefaultOptions are the options of an import with every setting at its default; the
// caller adds the input, the schema and what it changes.
func DefaultOptions() Options {
	return Options{
		Sending: Sending{
			Mode: targets.ModeUpsert, Concurrency: DefaultConcurrency,
			Grace: DefaultGrace, UnreachableAfter: DefaultUnreachableAfter,
		},
		RetryPolicy: RetryPolicy{Retries: DefaultRetries, RetryBudget: DefaultRetryBudget},
	}
}

// withDefaults fills the settings whose zero cannot mean what it says (no calls in
// flight, no grace, no patience, no budget) with their defaults.
func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Mode == "" {
		o.Mode = targets.ModeUpsert
	}
	o.Grace = cmp.Or(o.Grace, DefaultGrace)
	o.UnreachableAfter = cmp.Or(o.UnreachableAfter, DefaultUnreachableAfter)
	o.RetryBudget = cmp.Or(o.RetryBudget, DefaultRetryBudget)
	return o
}

// check refuses a run its target cannot serve.
func (o *Options) check(t targets.Target) error {
	if o.Kind != Validate && t == nil {
		return errors.New("importer: no target to import into")
	}
	if o.Kind == Plan {
		if _, ok := t.(targets.Planner); !ok {
			return &PlanError{Target: o.Schema.Target}
		}
	}
	return nil
}

// Deps are what a run talks to.
type Deps struct {
	// Target receives the rows; nil for Validate.
	Target targets.Target
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is kept up to date as rows finish; the summary's counts are
	// read from it, so each Run needs a Progress of its own.
	Progress *Progress
	// Hooks tell the caller what happens, for people: the importer chooses no words
	// for the terminal there.
	Hooks Hooks
	// Open, when set, gives the rows instead of opening opts.Input with opts.Source:
	// the browser UI's table, edited in memory (package web). Input still names the
	// file in the reports, and the rows keep the numbers the file gave them.
	Open func(ctx context.Context) (source.Reader, error)
}

// Hooks are called as a run goes; each may be nil.
type Hooks struct {
	// Interrupted is called once when Ctrl-C stops a run that sends rows: no new row
	// is sent, and the calls in flight may finish for grace.
	Interrupted func(grace time.Duration)
	// Read is called once, when the first rows are in or the file ended before them,
	// with how the file was read: its format, encoding or sheet, header row, columns
	// and a few decoded rows (reports.PrintSource says it to people).
	Read func(input string, source *reports.SourceInfo)
	// Checked is called once in a plan or an import when the target has passed the
	// check before the first row, before any row is looked up or sent.
	Checked func()
	// Row is called for each finished row, in file order, before the reports have it:
	// the browser UI keeps what it shows from it. It must not keep row or its slices,
	// and it runs on the pipeline's path, so it must be quick.
	Row func(row *reports.Row)
	// Example is called once, after Read, when the first data row was the example row
	// of a template (template.IsExample) and was skipped: row is its number.
	Example func(row int)
}

// open is the run's source of rows: Deps.Open's, or opts.Input read as opts.Source says.
func (d Deps) open(ctx context.Context, opts *Options) (source.Reader, error) {
	if d.Open != nil {
		return d.Open(ctx)
	}
	return source.OpenContext(ctx, opts.Input, opts.Source)
}

func (d Deps) withDefaults() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Progress == nil {
		d.Progress = &Progress{}
	}
	return d
}

// Defaults of Options (see DefaultOptions).
const (
	// DefaultConcurrency keeps a platform busy without looking like an attack: eight
	// calls in flight is what browsers allow per host (docs/libraries.md, golang.org/x/sync).
	DefaultConcurrency = 8
	DefaultRetries     = 4
	// headerSearchRows is how far down the header row may be: title lines and blank
	// rows above the table are common in HR exports, twenty of them is not.
	headerSearchRows = 20
)

// LoginSource is the rule a missing login is made by.
type LoginSource string

const (
	LoginFromEmail LoginSource = "email" // the e-mail's local part: ivan.petrov
	LoginFromName  LoginSource = "name"  // the transliterated name: petrov.i
)

// ParseLoginSource checks a --login-from value.
func ParseLoginSource(s string) (LoginSource, error) {
	switch l := LoginSource(strings.ToLower(strings.TrimSpace(s))); l {
	case "", LoginFromEmail:
		return LoginFromEmail, nil
	case LoginFromName:
		return l, nil
	}
	return "", fmt.Errorf("--login-from %q: use email or name", s)
}

// NoRowsError is a file with a header and nothing under it: nothing to check or
// import, said in one line before any report is written (exit 2, docs/contract.md).
type NoRowsError struct {
	Path   string
	Header int // the header's row number
}

func (e *NoRowsError) Error() string { return e.Text(lang.English) }

// Text is the message in l.
func (e *NoRowsError) Text(l lang.Lang) string {
	return fmt.Sprintf(l.Pick("%s: no rows under the header on row %d", "%s: под заголовком в строке %d нет ни одной строки"), e.Path, e.Header)
}

// ColumnsError is a file whose columns cannot give what the platform requires. It is
// a file-level problem: the command line prints it as one line and exits 2.
type ColumnsError struct {
	Missing []columns.Field
	Found   []string
	// Target is the platform's name; Columns are the file's columns as mapped, and
	// Samples the first rows under the header, for the message to suggest a column
	// by its name and its cells (columns.Suggest).
	Target  string
	Columns []columns.Column
	Samples [][]string
}

func (e *ColumnsError) Error() string {
	var names []string
	for _, f := range e.Missing {
		names = append(names, string(f))
	}
	found := strings.Join(e.Found, ", ")
	if found == "" {
		found = "no headers"
	}
	example := "Header"
	if len(e.Found) > 0 {
		example = e.Found[0]
	}
	return fmt.Sprintf("no column for %s; found: %s. Use --map '%s=%s' to say which column holds it",
		strings.Join(names, ", "), found, example, names[0])
}

// AbortError is a run stopped before its end: credentials rejected, the platform
// unreachable, or the user pressed Ctrl-C. The reports are written.
type AbortError struct {
	Reason string
	// ReasonRU is Reason in Russian, for people; summary.json keeps Reason.
	ReasonRU string
	Err      error
}

func (e *AbortError) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *AbortError) Unwrap() error { return e.Err }

// Text is the error in l: the reason in Russian where it has one, then what went
// wrong underneath as it was said.
func (e *AbortError) Text(l lang.Lang) string {
	reason := e.Reason
	if l == lang.Russian && e.ReasonRU != "" {
		reason = e.ReasonRU
	}
	if e.Err == nil {
		return reason
	}
	if sp, ok := e.Err.(interface{ Text(lang.Lang) string }); ok {
		return reason + ": " + sp.Text(l)
	}
	return reason + ": " + e.Err.Error()
}

// PreflightError is a run stopped before its first row because the target's check
// (the address and the credentials, proven with one read) failed. Nothing was sent
// and no row was touched: the command line prints the one line and exits 3 with no
// advice to resume; summary.json says what stopped the run.
type PreflightError struct{ Err error }

func (e *PreflightError) Error() string {
	if te, ok := errors.AsType[*targets.Error](e.Err); ok && len(te.Messages) > 0 {
		return strings.Join(te.Messages, "; ")
	}
	return e.Err.Error()
}

func (e *PreflightError) Unwrap() error { return e.Err }

// Text is the error in l: the check's own words in Russian where the target gave them.
func (e *PreflightError) Text(l lang.Lang) string {
	if te, ok := errors.AsType[*targets.Error](e.Err); ok && l == lang.Russian && len(te.MessagesRU) > 0 {
		return strings.Join(te.MessagesRU, "; ")
	}
	return e.Error()
}

// PlanError is a plan asked of a target that cannot look accounts up.
type PlanError struct{ Target string }

func (e *PlanError) Error() string {
	return e.Target + " cannot look accounts up without writing, so plan cannot predict what import would do; validate checks the file offline"
}

// ReportDir returns the folder reports go to for opts.
func ReportDir(opts *Options) string {
	if opts.ReportDir != "" {
		return opts.ReportDir
	}
	return opts.Input + ".report"
}

// Run runs one file through the flow and writes the reports. It returns the summary
// whenever the reports were written (even with an *AbortError), and a nil summary with
// a file-level error (*source.FileError, *HeaderError, *NoRowsError, *ColumnsError)
// when nothing was. What a run
// opens and how it is closed is in lifecycle.go.
func Run(ctx context.Context, opts Options, deps Deps) (*reports.Summary, error) {
	opts, deps = opts.withDefaults(), deps.withDefaults()
	if err := opts.check(deps.Target); err != nil {
		return nil, err
	}
	start := deps.Now()
	// The reader stops at Ctrl-C too: a hostile file cannot keep a loop running past it.
	src, err := deps.open(ctx, &opts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	in, err := readTable(src, &opts, deps.Progress)
	if err != nil {
		return nil, err
	}
	dir := ReportDir(&opts)
	if err := reports.MkdirReport(dir); err != nil {
		return nil, err
	}
	sum := newSummary(&opts, dir, in.info)
	if opts.Kind != Validate {
		if err := preflight(ctx, deps.Target, opts.Retries); err != nil {
			return preflightFailed(err, sum, deps.Now().Sub(start))
		}
		if deps.Hooks.Checked != nil {
			deps.Hooks.Checked()
		}
	}
	r, err := newRun(opts, deps, in, sum)
	if err != nil {
		return nil, err
	}
	return r.finish(r.run(ctx), start)
}

// stoppedPartWay turns an import's failure to write its own files (a full disk, a
// folder gone) into an AbortError: rows may already be on the platform, so this is a
// run stopped part-way, to be finished with --resume (exit 3), not "nothing was
// written" (exit 2). A file-level error, a check that failed before any row, and an
// abort stay as they are.
func stoppedPartWay(err error) error {
	if err == nil {
		return nil
	}
	var (
		ae *AbortError
		fe *source.FileError
		pe *PreflightError
	)
	if errors.As(err, &ae) || errors.As(err, &fe) || errors.As(err, &pe) || errors.Is(err, context.Canceled) {
		return err
	}
	return &AbortError{Reason: "the reports could not be written, so no more rows were sent (is the disk full?); " +
		"the platform has every row sent so far: free some space, then finish with --resume",
		ReasonRU: "отчёты не удаётся записать, поэтому строки больше не отправляются (диск заполнен?); " +
			"всё, что уже отправлено, на платформе есть: освободите место и завершите загрузку с --resume", Err: err}
}

// findHeader skips title lines above the table: the header is the first row, among
// the first headerSearchRows, with a column that maps to a known field.
func findHeader(src source.Reader, path string, overrides []columns.Override) (source.Row, error) {
	var first source.Row
	for i := 0; i < headerSearchRows; i++ {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return source.Row{}, err
		}
		if i == 0 {
			first = row
		}
		m := columns.Map(row.Cells, overrides)
		if m.Known() > 0 {
			return row, nil
		}
	}
	if first.Num == 0 {
		return source.Row{}, &source.FileError{Path: path, Msg: "the file has no rows"}
	}
	return source.Row{}, &HeaderError{Path: path, Row: first.Num, Cells: first.Cells, Info: src.Info()}
}

// HeaderError is a file none of whose first rows has a column the tool knows: no header
// to read it by. It is a file-level problem (exit 2, docs/contract.md).
type HeaderError struct {
	Path  string
	Row   int      // the first row's number
	Cells []string // what it holds
	Info  source.Info
}

func (e *HeaderError) Error() string { return e.Text(lang.English) }

// Text is the message in l: for a CSV, what it was read as, since a wrong encoding or
// delimiter makes every header unknown.
func (e *HeaderError) Text(l lang.Lang) string {
	msg := fmt.Sprintf(l.Pick("%s: no header row: no column of the first rows is one the tool knows (row %d has: %s)",
		"%s: нет строки заголовков: ни один столбец первых строк программе не знаком (в строке %d: %s)"),
		e.Path, e.Row, preview(e.Cells))
	if e.Info.Format != "csv" {
		return msg
	}
	try := "--encoding cp1251"
	if strings.Contains(e.Info.Encoding, "1251") {
		try = "--encoding utf-8"
	}
	return msg + fmt.Sprintf(l.Pick(
		"; the file was read as %s with %q between columns: if the headers look garbled the encoding may be wrong, try %s (or --delimiter if the columns run together)",
		"; файл прочитан как %s с %q между столбцами: если заголовки выглядят как кракозябры, кодировка может быть не та, попробуйте %s (или --delimiter, если столбцы слиплись)"),
		e.Info.Encoding, e.Info.Delimiter, try)
}

func preview(cells []string) string {
	const maxCells = 6
	var parts []string
	for i, c := range cells {
		if i == maxCells {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%q", c))
	}
	return strings.Join(parts, ", ")
}

func sourceInfo(info source.Info, headerRow int, m *columns.Mapping) *reports.SourceInfo {
	si := &reports.SourceInfo{Info: info, HeaderRow: headerRow}
	for _, c := range m.Columns {
		if c.Header == "" {
			continue
		}
		si.Columns = append(si.Columns, reports.Column{Index: c.Index, Header: c.Header, Field: string(c.Field), Note: c.Note})
	}
	return si
}

// preflight proves, before the first row, that the target can be reached with the
// credentials given (targets.Checker), then runs its per-run setup (a token, the
// department tree: targets.Preparer). Each is tried again while it fails in a
// retryable way, as a row's call would be.
func preflight(ctx context.Context, t targets.Target, retries int) error {
	if retries <= 0 {
		retries = DefaultRetries
	}
	if c, ok := t.(targets.Checker); ok {
		b := backoff{Retries: min(retries, 3), Cap: 2 * time.Second}
		if _, err := b.run(ctx, c.Check); err != nil {
			return err
		}
	}
	if p, ok := t.(targets.Preparer); ok {
		if _, err := (backoff{Retries: retries}).run(ctx, p.Prepare); err != nil {
			return err
		}
	}
	return nil
}

// Preflight is the check a plan or an import makes before the first row: the address
// and the credentials proven by one read, and what the platform needs prepared. The
// browser UI runs it when the administrator connects. A failure is a *PreflightError.
func Preflight(ctx context.Context, t targets.Target) error {
	if err := preflight(ctx, t, DefaultRetries); err != nil {
		return &PreflightError{Err: err}
	}
	return nil
}
