package reports

import (
	"fmt"
	"io"
	"path/filepath"

	"userimport/validate"
)

// maxProblemLines is how many error groups the terminal summary lists; the rest are in
// results.csv, and a longer list scrolls the counts off the screen.
const maxProblemLines = 8

// PrintSummary writes the summary people read at the end of a run.
func PrintSummary(w io.Writer, s *Summary, lang validate.Lang) {
	t := func(en, ru string) string {
		if lang == validate.Russian {
			return ru
		}
		return en
	}
	if s.DryRun && s.Created+s.Updated+s.Unchanged == 0 {
		if lang == validate.Russian {
			fmt.Fprintf(w, "%d строк: верных %d, с ошибками %d, предупреждений %d\n", s.Rows, s.Valid, s.Invalid, s.Warnings)
		} else {
			fmt.Fprintf(w, "%d %s: %d valid, %d invalid, %d %s\n", s.Rows, plural(s.Rows, "row", "rows"), s.Valid, s.Invalid,
				s.Warnings, plural(s.Warnings, "warning", "warnings"))
		}
	} else {
		fmt.Fprintf(w, t("%d rows: %d created, %d updated, %d unchanged, %d invalid, %d failed, %d skipped",
			"%d строк: создано %d, обновлено %d, без изменений %d, с ошибками %d, не удалось %d, пропущено %d"),
			s.Rows, s.Created, s.Updated, s.Unchanged, s.Invalid, s.Failed, s.Skipped)
		if s.Blocked+s.Unblocked > 0 {
			fmt.Fprintf(w, t("; %d blocked, %d unblocked", "; заблокировано %d, разблокировано %d"), s.Blocked, s.Unblocked)
		}
		fmt.Fprintln(w)
	}
	for i, p := range s.Problems {
		if i == maxProblemLines {
			fmt.Fprintf(w, t("  ... and %d more kinds of problem\n", "  ... и ещё видов ошибок: %d\n"), len(s.Problems)-i)
			break
		}
		where := p.Column
		if where == "" {
			where = p.Field
		}
		if where == "" {
			where = t("platform", "платформа")
		}
		if lang == validate.Russian {
			fmt.Fprintf(w, "  строк: %d — «%s»: %s (первая — строка %d)\n", p.Rows, where, p.Example, p.FirstRow)
		} else {
			fmt.Fprintf(w, "  %d %s — %q: %s (first in row %d)\n", p.Rows, plural(p.Rows, "row", "rows"), where, p.Example, p.FirstRow)
		}
	}
	if s.Aborted != "" {
		fmt.Fprintf(w, t("stopped early: %s\n", "остановлено: %s\n"), s.Aborted)
	}
	if s.ReportDir != "" {
		fmt.Fprintf(w, t("report: %s\n", "отчёт: %s\n"), filepath.Join(s.ReportDir, "results.csv"))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
