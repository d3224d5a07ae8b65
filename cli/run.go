package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/source"
)

// logOptions records what a run was asked to do, at debug level: --verbose shows it,
// --log keeps it. The values of secret --set fields (a password for every new account)
// are written as the placeholder; the credentials are never among the options.
func logOptions(con *console, r *fileRun) {
	opts := &r.opts
	con.log.Debug("options", "input", opts.Input, "target", opts.Schema.Target, "profile", r.profile,
		"dry_run", opts.Kind == importer.Validate, "plan", opts.Kind == importer.Plan, "mode", string(opts.Mode), "concurrency", opts.Concurrency,
		"rate", opts.Rate, "region", opts.Region, "lang", string(opts.Lang), "map", r.maps, "set", r.sets.redacted(),
		"report", importer.ReportDir(opts))
}

// runAndReport runs the importer with progress on stderr, then prints the summary: a
// few lines for people on stderr always (and in the --log file), JSON on stdout with
// --json.
func runAndReport(ctx context.Context, r *fileRun, deps importer.Deps, con *console) (*reports.Summary, error) {
	deps.Hooks.Read = func(input string, si *reports.SourceInfo) {
		reports.PrintSource(con.people, input, si, r.opts.Lang)
		if lock := source.ExcelLock(input); lock != "" {
			fmt.Fprintln(con.people, excelLockWarning(input, lock, r.opts.Lang))
		}
		describeUnused(con.people, r.opts.Source, si.Format, r.opts.Lang)
	}
	deps.Hooks.Example = func(row int) {
		fmt.Fprintf(con.people, r.opts.Lang.Pick("row %d is the template's example: skipped\n",
			"строка %d — пример из шаблона: пропущена\n"), row)
	}
	deps.Progress = &importer.Progress{}
	deps.Hooks.Interrupted = func(grace time.Duration) {
		fmt.Fprintf(con.people, r.opts.Lang.Pick(
			"interrupted: no new rows are sent; calls in flight may finish for up to %s (Ctrl-C again to quit at once)\n",
			"прервано: новые строки не отправляются; начатые запросы могут закончиться в течение %s (Ctrl-C ещё раз — выйти сразу)\n"), grace)
	}
	con.startProgress(deps.Progress, r.opts.Kind.DryRun())
	start := time.Now()
	sum, err := importer.Run(ctx, r.opts, deps)
	con.stopProgress()
	if sum == nil {
		if err != nil {
			con.log.Debug("stopped before any row", "error", err.Error())
		}
		return nil, err
	}
	con.log.Debug("finished", "elapsed", time.Since(start).Round(time.Millisecond).String(), "report", sum.ReportDir)
	if _, ok := errors.AsType[*importer.PreflightError](err); ok {
		// Nothing was sent: the one line saying what to fix is the whole story
		// (summary.json and --json still say it, for scripts).
		if r.json {
			if werr := reports.WriteSummary(r.io.Stdout, sum); werr != nil {
				return sum, werr
			}
		}
		return sum, err
	}
	printSummary(r, sum, con)
	if r.json {
		if werr := reports.WriteSummary(r.io.Stdout, sum); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return sum, err
	}
	if sum.Invalid > 0 || sum.Failed > 0 {
		return sum, rowsError{}
	}
	return sum, nil
}

// excelLockWarning is the line for a file Excel has open: its lock file is beside it,
// and what Excel has not saved is not in what was read (issue 17). A warning, not an
// error: the saved file is read as it is.
func excelLockWarning(input, lock string, l lang.Lang) string {
	return fmt.Sprintf(l.Pick(
		"warning: %s is beside the file: Excel has %s open, and edits not saved there are not read (save or close it in Excel and run again to include them)",
		"предупреждение: рядом с файлом лежит %s: %s открыт в Excel, и несохранённые там правки не прочитаны (сохраните или закройте файл в Excel и запустите снова, чтобы их учесть)"),
		reports.Printable(filepath.Base(lock)), reports.Printable(filepath.Base(input)))
}

// printSummary shows the summary to people: on stderr, in colour on a terminal unless
// NO_COLOR is set, and in the --log file.
func printSummary(r *fileRun, sum *reports.Summary, con *console) {
	stderr := r.io.Stderr
	reports.PrintSummary(stderr, sum, r.opts.Lang, reports.ColorTerminal(stderr, r.env("NO_COLOR")))
	if w := con.summaryTo(); w != nil {
		reports.PrintSummary(w, sum, r.opts.Lang, false)
	}
}
