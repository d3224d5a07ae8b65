package reports

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"userimport/lang"
	"userimport/validate"
)

// maxProblemLines is how many error groups the terminal summary lists; the rest are in
// report.html, and a longer list scrolls the counts off the screen.
const maxProblemLines = 8

// ANSI colours for the terminal summary.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

// PrintSummary writes the summary people read at the end of a run: the counts, the
// most frequent errors, and the paths of the report files. color adds ANSI colours;
// the caller decides (a terminal, and NO_COLOR unset), because only it knows what w is.
func PrintSummary(w io.Writer, s *Summary, l lang.Lang, color bool) {
	t := l.Pick
	paint := func(code, text string) string {
		if !color || text == "" {
			return text
		}
		return code + text + ansiReset
	}
	// n colours a count: code when it is not zero, dim when it is.
	n := func(code string, v int) string {
		s := fmt.Sprint(v)
		if v == 0 {
			return paint(ansiDim, s)
		}
		return paint(code, s)
	}
	rows := paint(ansiBold, fmt.Sprint(s.Rows))
	// The count is of the warnings that may need a decision; the routine notes have
	// their own line below (issue 17).
	warnings := s.Warnings - routineRows(s.Problems)
	// "1 row", "2 строки", "5 строк": the noun agrees with the count (issue 17).
	rowsWord := l.Plural(s.Rows, "row", "rows", "строка", "строки", "строк")
	if s.Command != "plan" && s.DryRun && s.Created+s.Updated+s.Unchanged == 0 {
		if l == lang.Russian {
			fmt.Fprintf(w, "%s %s: верных %s, с ошибками %s, предупреждений %s\n", rows, rowsWord, n(ansiGreen, s.Valid), n(ansiRed, s.Invalid), n(ansiYellow, warnings))
		} else {
			fmt.Fprintf(w, "%s %s: %s valid, %s invalid, %s %s\n", rows, rowsWord, n(ansiGreen, s.Valid), n(ansiRed, s.Invalid),
				n(ansiYellow, warnings), plural(warnings, "warning", "warnings"))
		}
	} else if s.Command == "plan" {
		fmt.Fprintf(w, t("%s %s: would create %s, would update %s, %s unchanged, %s invalid, %s failed, would skip %s\n",
			"%s %s: будет создано %s, будет обновлено %s, без изменений %s, с ошибками %s, не удалось %s, будет пропущено %s\n"),
			rows, rowsWord, n(ansiGreen, s.Created), n(ansiGreen, s.Updated), fmt.Sprint(s.Unchanged), n(ansiRed, s.Invalid), n(ansiRed, s.Failed), fmt.Sprint(s.Skipped))
		fmt.Fprintln(w, paint(ansiDim, t("a plan: nothing was written to the platform; import does this",
			"это план: на платформе ничего не записано; так сделает import")))
	} else {
		fmt.Fprintf(w, t("%s %s: %s created, %s updated, %s unchanged, %s invalid, %s failed, %s skipped",
			"%s %s: создано %s, обновлено %s, без изменений %s, с ошибками %s, не удалось %s, пропущено %s"),
			rows, rowsWord, n(ansiGreen, s.Created), n(ansiGreen, s.Updated), fmt.Sprint(s.Unchanged), n(ansiRed, s.Invalid), n(ansiRed, s.Failed), fmt.Sprint(s.Skipped))
		if s.Blocked+s.Unblocked > 0 {
			fmt.Fprintf(w, t("; %d blocked, %d unblocked", "; заблокировано %d, разблокировано %d"), s.Blocked, s.Unblocked)
		}
		fmt.Fprintln(w)
	}
	errs, warns, routine := splitProblems(s.Problems)
	printGroups(w, errs, l, func(t string) string { return paint(ansiRed, t) },
		t("  ... and %d more kinds of problem\n", "  ... и ещё видов ошибок: %d\n"))
	if len(warns) > 0 {
		fmt.Fprintln(w, t("warnings that may need a decision:", "предупреждения, которые могут потребовать решения:"))
		printGroups(w, warns, l, func(t string) string { return paint(ansiYellow, t) },
			t("  ... and %d more kinds of warning\n", "  ... и ещё видов предупреждений: %d\n"))
	}
	if line := routineLine(routine, l); line != "" {
		fmt.Fprintln(w, paint(ansiDim, line))
	}
	if s.Aborted != "" {
		fmt.Fprintf(w, "%s\n", paint(ansiRed, fmt.Sprintf(t("stopped early: %s", "остановлено: %s"), Printable(s.Aborted))))
	}
	if s.ReportDir == "" {
		return
	}
	// The files this run wrote: an earlier run's leftovers were removed at its start.
	files := []struct{ name, en, ru string }{
		{reportHTML, "review", "обзор"},
		{annotatedXLSX, "every row, problems marked", "все строки, ошибки отмечены"},
		{annotatedCSV, "every row, with status and errors", "все строки, со статусом и ошибками"},
		{s.FailedFile, "the rows to fix and run again", "строки, которые надо исправить и запустить снова"},
		{"results.csv", "one line per row", "по строке на каждую строку файла"},
		{"passwords.csv", "generated passwords, keep it safe", "созданные пароли, храните надёжно"},
	}
	fmt.Fprintf(w, "%s %s\n", t("report:", "отчёт:"), Printable(s.ReportDir))
	for _, f := range files {
		if f.name == "" {
			continue
		}
		path := filepath.Join(s.ReportDir, f.name)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		fmt.Fprintf(w, "  %s  %s\n", paint(ansiBold, Printable(path)), paint(ansiDim, t(f.en, f.ru)))
	}
	for _, k := range s.KeptFailed {
		fmt.Fprintf(w, "  %s  %s\n", paint(ansiBold, Printable(filepath.Join(s.ReportDir, k))),
			paint(ansiDim, t("changed since userimport wrote it: kept as it is", "изменён после userimport: оставлен как есть")))
	}
}

// splitProblems sorts the groups into errors, warnings that may need a decision, and
// routine notes, keeping their order.
func splitProblems(all []Problem) (errs, warns, routine []Problem) {
	for _, p := range all {
		switch p.kind() {
		case 0:
			errs = append(errs, p)
		case 1:
			warns = append(warns, p)
		default:
			routine = append(routine, p)
		}
	}
	return errs, warns, routine
}

// routineRows counts the routine notes of the groups.
func routineRows(all []Problem) int {
	n := 0
	for _, p := range all {
		if p.kind() == 2 {
			n += p.Rows
		}
	}
	return n
}

// printGroups lists up to maxProblemLines groups, the column, the first message and
// its row, each count painted by paint, and says how many more with more.
func printGroups(w io.Writer, groups []Problem, l lang.Lang, paint func(string) string, more string) {
	for i, p := range groups {
		if i == maxProblemLines {
			fmt.Fprintf(w, more, len(groups)-i)
			break
		}
		where := p.Column
		if where == "" {
			where = p.Field
		}
		if where == "" {
			where = l.Pick("platform", "платформа")
		}
		// The header and the example come from the file or the platform: a control
		// character in them is shown, not obeyed (%q escapes the header in English).
		example := Printable(p.Example)
		if l == lang.Russian {
			fmt.Fprintf(w, "  %s — «%s»: %s (первая — строка %d)\n", paint(fmt.Sprintf("%d %s", p.Rows, l.Plural(p.Rows, "row", "rows", "строка", "строки", "строк"))), Printable(where), example, p.FirstRow)
		} else {
			fmt.Fprintf(w, "  %s — %q: %s (first in row %d)\n", paint(fmt.Sprintf("%d %s", p.Rows, plural(p.Rows, "row", "rows"))), where, example, p.FirstRow)
		}
	}
}

// routineLine is the one line for the routine notes: what the tool did and in how
// many rows; "" when there were none.
func routineLine(groups []Problem, l lang.Lang) string {
	counts := map[string]int{}
	var order []string
	for _, p := range groups {
		if _, ok := counts[p.Code]; !ok {
			order = append(order, p.Code)
		}
		counts[p.Code] += p.Rows
	}
	if len(order) == 0 {
		return ""
	}
	var parts []string
	for _, code := range order {
		note := routineCodes[validate.Code(code)]
		n := counts[code]
		parts = append(parts, fmt.Sprintf("%s (%d %s)", l.Pick(note.en, note.ru), n, l.Plural(n, "row", "rows", "строка", "строки", "строк")))
	}
	return l.Pick("routine notes, not listed: ", "обычные пометки, не перечислены: ") + strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ColorTerminal reports whether the summary written to w may use colour: w is a
// terminal and noColor (the NO_COLOR environment variable, https://no-color.org) is
// empty. The caller passes the variable; the package reads no environment.
func ColorTerminal(w io.Writer, noColor string) bool {
	f, ok := w.(*os.File)
	return ok && noColor == "" && term.IsTerminal(int(f.Fd()))
}
