package cli

import (
	"fmt"
	"strings"
	"userimport/internal/editdist"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
	"userimport/validate"
)

// near reports whether a typed word is near enough to a known one to suggest it: a
// letter or two off, more for long words, where two typos are as likely as one.
func near(typed, known string) bool {
	if typed == "" || known == "" {
		return false
	}
	limit := 2
	if n := len([]rune(known)); n >= 10 {
		limit = 3
	} else if n <= 3 {
		limit = 1
	}
	return editdist.Distance(typed, known) <= limit
}

// nearest returns the candidate closest to typed, if one is near enough.
func nearest(typed string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if !near(typed, c) && !(len(typed) >= 3 && strings.HasPrefix(c, typed)) {
			continue
		}
		if d := editdist.Distance(typed, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD >= 0
}

// flagError turns pflag's complaint into a usage error in lang, suggesting the flag
// meant when an unknown one is close to a real one.
func flagError(c *cobra.Command, err error, l lang.Lang) error {
	msg := err.Error()
	ue := &usageError{msg: msg, hint: c.CommandPath() + " --help"}
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return ue
	}
	var names []string
	visit := func(f *pflag.Flag) { names = append(names, f.Name) }
	c.Flags().VisitAll(visit)
	c.InheritedFlags().VisitAll(visit)
	ue.msg = fmt.Sprintf(l.Pick("unknown flag --%s", "неизвестный флаг --%s"), name)
	if best, ok := nearest(name, names); ok {
		ue.msg += fmt.Sprintf(l.Pick("; did you mean --%s?", "; может быть, --%s?"), best)
	}
	return ue
}

// columnsMessage says which required columns are missing, what the file has, and the
// --map that would fix it: the column columns.Suggest finds by its name ("Эл. пчта",
// "Email для входа") and its cells (e-mails, phones, dates, ФИО), never one already
// mapped to another field; for a field the platform can default (iSpring's
// --default-department), that flag. The --map is quoted for sh, since people paste
// it: a header is whatever the file says (README, Columns).
func columnsMessage(e *importer.ColumnsError, l lang.Lang, sh shell) string {
	var names []string
	for _, f := range e.Missing {
		names = append(names, string(f))
	}
	found := strings.Join(e.Found, ", ")
	if found == "" {
		found = l.Pick("no headers", "заголовков нет")
	}
	msg := fmt.Sprintf(l.Pick("no column for %s; found: %s", "нет столбца для %s; в файле: %s"),
		strings.Join(names, ", "), found)
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	var guesses, defaults []string
	var unguessed []columns.Field
	used := map[int]bool{}
	for _, f := range e.Missing {
		g, ok := columns.Suggest(f, e.Columns, e.Samples, used)
		q, err := sh.quoteAlways(g.Column.Header + "=" + string(f))
		if ok && err == nil {
			used[g.Column.Index] = true
			guesses = append(guesses, "--map "+q+shapeReason(g, l))
		}
		flag, hasDefault := defaultFlag(e.Target, f)
		if hasDefault {
			defaults = append(defaults, defaultHint(f, flag, l))
		}
		if (!ok || err != nil) && !hasDefault {
			unguessed = append(unguessed, f)
		}
	}
	if len(guesses) > 0 {
		msg += fmt.Sprintf(l.Pick(" Did you mean %s?", " Возможно, нужно %s?"), strings.Join(guesses, ", "))
	}
	if len(unguessed) > 0 {
		example, _ := sh.quoteAlways(l.Pick("Header", "Заголовок") + "=" + string(unguessed[0]))
		msg += l.Pick(fmt.Sprintf(" Use --map %s to say which column holds %s.", example, unguessed[0]),
			fmt.Sprintf(" Укажите, в каком столбце %s: --map %s.", unguessed[0], example))
	}
	for _, d := range defaults {
		msg += " " + d
	}
	return strings.TrimSuffix(msg, ".")
}

// shapeReason says why a column was suggested by its cells: " (its cells are
// e-mail addresses)".
func shapeReason(g columns.Guess, l lang.Lang) string {
	if !g.ByCells {
		return ""
	}
	var what string
	switch g.Shape {
	case columns.EmailShape:
		what = l.Pick("e-mail addresses", "адреса e-mail")
	case columns.PhoneShape:
		what = l.Pick("phone numbers", "номера телефонов")
	case columns.DateShape:
		what = l.Pick("dates", "даты")
	case columns.FullNameShape:
		what = l.Pick("full names", "ФИО")
	case columns.PatronymicShape:
		what = l.Pick("patronymics", "отчества")
	default:
		return ""
	}
	return fmt.Sprintf(l.Pick(" (its cells hold %s)", " (в его ячейках %s)"), what)
}

// defaultFlag is the target's own flag that supplies f for rows without it
// (targets.Platform.Flags: iSpring's --default-department), if it has one.
func defaultFlag(target string, f columns.Field) (string, bool) {
	p, ok := platforms.Lookup(target)
	if !ok {
		return "", false
	}
	name := "default-" + strings.ReplaceAll(string(f), "_", "-")
	for _, fl := range p.Flags {
		if fl.Name == name {
			return name, true
		}
	}
	return "", false
}

// defaulted makes a field a platform's own --default-<field> flag supplies (iSpring's
// --default-department) no longer required of the file, so that a file without the
// column is not refused for it and a row without a value gets the default: the
// platform client applies it (targets/ispring, decideCreate).
func defaulted(s *validate.Schema, p targets.Platform, o targets.Options) {
	for i, r := range s.Fields {
		if name, ok := defaultFlag(p.Name, r.Field); ok && r.Required && o.String(name) != "" {
			s.Fields[i].Required = false
		}
	}
}

// defaultHint points at a platform's default for a missing field, and at --set.
func defaultHint(f columns.Field, flag string, l lang.Lang) string {
	return fmt.Sprintf(l.Pick(
		"Without a %s column, give --%s NAME to import and plan (new accounts go there), or --set %s=NAME (every row).",
		"Без столбца %s укажите --%s НАЗВАНИЕ для import и plan (туда попадут новые учётные записи) или --set %s=НАЗВАНИЕ (для всех строк)."),
		f, flag, f)
}

// mapMessage says that a --map names a header the file does not have, the file's
// headers, and the header meant when one is close to it ("Эл адрес" for "Эл. адрес").
func mapMessage(e *columns.MapError, l lang.Lang) string {
	found := strings.Join(e.Headers, ", ")
	if found == "" {
		found = l.Pick("no headers", "заголовков нет")
	}
	msg := fmt.Sprintf(l.Pick("--map '%s=%s': the file has no column %q; its columns: %s",
		"--map '%s=%s': в файле нет столбца %q; столбцы файла: %s"),
		e.Override.Header, e.Override.Field, e.Override.Header, found)
	byFold := map[string]string{}
	var folded []string
	for _, h := range e.Headers {
		f := columns.Fold(h)
		if _, seen := byFold[f]; !seen {
			byFold[f] = h
			folded = append(folded, f)
		}
	}
	if best, ok := nearest(columns.Fold(e.Override.Header), folded); ok {
		msg += fmt.Sprintf(l.Pick("; did you mean %q?", "; может быть, %q?"), byFold[best])
	}
	return msg
}

// unknownTarget is the usage error for a --target the tool does not have.
func unknownTarget(name string, l lang.Lang) error {
	names := targetNames()
	msg := fmt.Sprintf(l.Pick("unknown target %q: use %s", "неизвестная платформа %q: есть %s"), name, strings.Join(names, ", "))
	if best, ok := nearest(name, names); ok {
		msg += fmt.Sprintf(l.Pick("; did you mean %s?", "; может быть, %s?"), best)
	}
	// Other names people type for a platform (targets.Platform.Aliases).
	if p, ok := platforms.ByAlias(name); ok {
		msg = fmt.Sprintf(l.Pick("unknown target %q; did you mean %s?", "неизвестная платформа %q; может быть, %s?"), name, p.Name)
	}
	return &usageError{msg: msg}
}
