package importer

import (
	"cmp"
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"time"

	"golang.org/x/sync/semaphore"

	"userimport/columns"
	"userimport/reports"
	"userimport/source"
	"userimport/targets"
	"userimport/validate"
)

// The life of a run, in the order Run goes through it: the table is found in the
// file (readTable), the summary begun (newSummary), the target checked (preflight,
// preflightFailed), what the run writes opened (newRun), the rows run (run.run), and
// everything closed and the reports completed (finish).

// input is the file being read: its reader, its header row and how its columns map.
type input struct {
	src     source.Reader
	header  source.Row
	mapping *columns.Mapping
	info    *reports.SourceInfo
	// ours is set for a CSV the tool wrote itself (it has the failed file's SourceRow
	// column): its cells' leading apostrophes are the tool's.
	ours bool
	// first and err are the first row under the header and its error, read by
	// readTable; peeked until next has returned them.
	first  source.Row
	err    error
	peeked bool
}

// readTable finds the header row of src and maps its columns, or says why the file
// cannot give what the schema requires.
func readTable(src source.Reader, opts *Options, progress *Progress) (*input, error) {
	header, err := findHeader(src, opts.Input, opts.Map)
	if err != nil {
		return nil, err
	}
	if n := src.Info().LastRow; n > header.Num+1 {
		progress.Total.Store(int64(n - header.Num))
	}
	mapping := columns.Map(header.Cells, opts.Map)
	if err := checkColumns(src, opts, header, &mapping); err != nil {
		return nil, err
	}
	// The first row under the header is read now, so that a file without one is said
	// in one line before any report is written (issue 17); the run gets it back first.
	first, firstErr := src.Next()
	if errors.Is(firstErr, io.EOF) {
		return nil, &NoRowsError{Path: opts.Input, Header: header.Num}
	}
	return &input{
		src: src, header: header, mapping: &mapping, info: sourceInfo(src.Info(), header.Num, &mapping),
		ours:   mapping.Has(columns.SourceRow) && src.Info().Format == "csv",
		first:  first,
		err:    firstErr,
		peeked: true,
	}, nil
}

// checkColumns says why the columns of header, mapped as m, cannot give what the
// schema requires: a --map naming a header the file does not have (*columns.MapError),
// or a required field without a column (*ColumnsError, which reads a few rows of src
// to suggest the column that holds it).
func checkColumns(src source.Reader, opts *Options, header source.Row, m *columns.Mapping) error {
	if bad := columns.Unmatched(header.Cells, opts.Map); len(bad) > 0 {
		return &columns.MapError{Override: bad[0], Headers: m.Headers()}
	}
	if missing := opts.Schema.MissingColumns(m, opts.Sets); len(missing) > 0 {
		return &ColumnsError{Missing: missing, Found: m.Headers(), Target: opts.Schema.Target,
			Columns: m.Columns, Samples: samples(src, columnSamples)}
	}
	return nil
}

// Table is how a file reads before a run: its header row, its columns as mapped, and
// why a run would stop before the first row. The browser UI shows it while the
// administrator maps the columns.
type Table struct {
	Header  source.Row
	Mapping *columns.Mapping
	Source  *reports.SourceInfo
	// Err is why a run would stop at the columns (a *columns.MapError or a
	// *ColumnsError); nil when it would go on.
	Err error
}

// Inspect finds the header of src and maps its columns as Run would with opts. The
// error is a file-level one (a *source.FileError, a *HeaderError); a problem with the
// columns is Table.Err. It reads on from src, which is then spent.
func Inspect(src source.Reader, opts Options) (*Table, error) {
	header, err := findHeader(src, opts.Input, opts.Map)
	if err != nil {
		return nil, err
	}
	m := columns.Map(header.Cells, opts.Map)
	t := &Table{Header: header, Mapping: &m, Source: sourceInfo(src.Info(), header.Num, &m)}
	t.Err = checkColumns(src, &opts, header, &m)
	return t, nil
}

// next is the next row under the header: the one readTable read first, then the rest.
func (in *input) next() (source.Row, error) {
	if in.peeked {
		in.peeked = false
		return in.first, in.err
	}
	return in.src.Next()
}

// columnSamples is how many rows under the header a missing column's message reads
// to suggest the column that holds it.
const columnSamples = 20

// samples reads up to n rows of src, for a run that stops there.
func samples(src source.Reader, n int) [][]string {
	var out [][]string
	for range n {
		row, err := src.Next()
		if err != nil {
			break
		}
		out = append(out, row.Cells)
	}
	return out
}

// newSummary begins the run's summary; the rows and the end fill the rest.
func newSummary(opts *Options, dir string, si *reports.SourceInfo) *reports.Summary {
	return &reports.Summary{
		Command:   opts.Kind.Command(),
		Target:    opts.Schema.Target,
		Mode:      string(opts.Mode),
		DryRun:    opts.Kind.DryRun(),
		Input:     filepath.Base(opts.Input),
		ReportDir: dir,
		Source:    si,
	}
}

// preflightFailed ends a run whose target check failed before the first row: the
// summary says why, and nothing else is written. Ctrl-C during the check is an
// interruption with no reports.
func preflightFailed(err error, sum *reports.Summary, elapsed time.Duration) (*reports.Summary, error) {
	if errors.Is(err, context.Canceled) {
		return nil, &AbortError{Reason: "interrupted", ReasonRU: "прервано", Err: err}
	}
	pe := &PreflightError{Err: err}
	sum.Aborted = pe.Error()
	sum.ElapsedMS = elapsed.Milliseconds()
	if serr := reports.SaveSummary(sum.ReportDir, sum); serr != nil {
		return nil, serr
	}
	return sum, pe
}

// newRun opens what the run writes besides the summary: for an import the passwords
// file and the journal (read first when resuming), then the report writer and the
// duplicate check's key set. Each is registered with files.onClose as it opens; when
// one fails, those opened before it are closed.
func newRun(opts Options, deps Deps, in *input, sum *reports.Summary) (_ *run, err error) {
	dir := sum.ReportDir
	r := &run{
		opts: opts, deps: deps, in: in, val: newValidator(&opts, in.mapping, deps.Now()),
		workers: runtime.GOMAXPROCS(0), inFlight: semaphore.NewWeighted(inFlightBytes), summary: sum,
	}
	r.screen = screen{read: deps.Hooks.Read, skipped: deps.Hooks.Example, input: opts.Input, source: sum.Source}
	defer func() {
		if err != nil {
			r.files.close()
		}
	}()
	if opts.Kind == Import {
		if err := r.files.openImport(dir, opts.Resume); err != nil {
			return nil, err
		}
	}
	if err := r.files.openReports(dir, in, &opts); err != nil {
		return nil, err
	}
	r.files.writer.SetOnRowDone(func(row *reports.Row) { r.inFlight.Release(rowCost(row.Cells)) })
	removeSpills(dir)
	seen := newKeySet(dir, keySetMaxSlots)
	r.files.onClose(seen.close)
	r.dedupe = newDedupe(opts.Schema, in.mapping, seen, opts.Input)
	if opts.Kind == Plan {
		// The check ran on the target itself; the rows only plan.
		r.deps.Target = targets.AsTarget(deps.Target.Name(), deps.Target.(targets.Planner))
	}
	return r, nil
}

// newValidator is the row check of the run: opts' schema, region and set values, with
// today's date for the dates that cannot be in the future.
func newValidator(opts *Options, m *columns.Mapping, now time.Time) *validate.Validator {
	return validate.NewValidator(opts.Schema, m, validate.Options{
		Region: opts.Region,
		Sets:   opts.Sets,
		Today:  validate.Date{Year: now.Year(), Month: now.Month(), Day: now.Day()},
	})
}

// files are what a run writes as it goes, besides the summary, and what it read of the
// run it resumes. closers close what was opened, for close.
type files struct {
	writer *reports.Writer
	// journal records this run's rows; prev is what the run being resumed finished,
	// by key. Both nil unless importing.
	journal *journal
	prev    map[string]Entry
	// passwords records generated passwords the platform took; nil unless importing.
	passwords *reports.Passwords
	closers   []func() error
}

// openImport opens what only an import writes: the passwords file and the journal,
// read first when resuming.
func (f *files) openImport(dir string, resume bool) (err error) {
	f.passwords = reports.NewPasswords(dir)
	f.onClose(f.passwords.Close)
	if resume {
		if f.prev, err = readJournal(dir); err != nil {
			return err
		}
	}
	if f.journal, err = openJournal(dir, resume, f.passwords.Sync); err != nil {
		return err
	}
	f.onClose(f.journal.close)
	return nil
}

// openReports opens the writer of the reports on the rows of in.
func (f *files) openReports(dir string, in *input, opts *Options) (err error) {
	f.writer, err = reports.NewWriter(dir, reports.Input{
		Path: opts.Input, Info: in.info.Info, HeaderRow: in.header.Num, Header: in.header.Cells, Columns: in.info.Columns,
		NoCopies: opts.NoCopies,
	}, opts.Lang)
	return err
}

// onClose registers a close of something the run opened; close runs them.
func (f *files) onClose(c func() error) { f.closers = append(f.closers, c) }

// close closes what the run opened, the last opened first (the journal before the
// passwords file its syncs sync), and joins their errors.
func (f *files) close() error {
	var errs []error
	for i := len(f.closers) - 1; i >= 0; i-- {
		errs = append(errs, f.closers[i]())
	}
	f.closers = nil
	return errors.Join(errs...)
}

// finish closes what the run opened and completes the reports: results, the annotated
// copy, report.html and summary.json. The run's own error wins over a close's.
func (r *run) finish(runErr error, start time.Time) (*reports.Summary, error) {
	sum := r.summary
	runErr = cmp.Or(runErr, r.files.close())
	r.deps.Progress.Fill(sum)
	sum.Problems = r.deps.Progress.Problems()
	importing := r.opts.Kind == Import
	if importing {
		runErr = stoppedPartWay(runErr)
	}
	if ae, ok := errors.AsType[*AbortError](runErr); ok {
		sum.Aborted = ae.Error()
	}
	sum.ElapsedMS = r.deps.Now().Sub(start).Milliseconds()
	if err := r.files.writer.Finish(sum); err != nil && runErr == nil {
		runErr = err
	}
	if err := reports.SaveSummary(sum.ReportDir, sum); err != nil && runErr == nil {
		runErr = err
	}
	if importing {
		runErr = stoppedPartWay(runErr)
	}
	if fe, ok := errors.AsType[*source.FileError](runErr); ok {
		// The file broke part-way (a damaged sheet, a cell over the cap): what was read
		// is reported, but the run is a file-level failure.
		return sum, fe
	}
	return sum, runErr
}
