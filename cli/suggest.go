package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
	"userimport/platforms"
)

// distance is the Levenshtein distance between a and b, in runes: how many letters to
// add, drop or change to turn one into the other.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

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
	return distance(typed, known) <= limit
}

// nearest returns the candidate closest to typed, if one is near enough.
func nearest(typed string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if !near(typed, c) && !(len(typed) >= 3 && strings.HasPrefix(c, typed)) {
			continue
		}
		if d := distance(typed, c); bestD < 0 || d < bestD {
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
// --map that would fix it: for a header close to a known name of the missing field
// (a typo such as "Эл. пчта", "Фамиля"), that header; otherwise the first header. The
// --map is quoted for sh, since people paste it: a header is whatever the file says.
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
	var guesses []string
	for _, f := range e.Missing {
		if h, ok := guessColumn(f, e.Found); ok {
			if q, err := sh.quoteAlways(h + "=" + string(f)); err == nil {
				guesses = append(guesses, "--map "+q)
			}
		}
	}
	if len(guesses) > 0 {
		return msg + fmt.Sprintf(l.Pick(" Did you mean %s?", " Возможно, нужно %s?"), strings.Join(guesses, " "))
	}
	if len(e.Missing) == 0 {
		return msg
	}
	example, err := "", error(nil)
	if len(e.Found) > 0 {
		example, err = sh.quoteAlways(e.Found[0] + "=" + string(e.Missing[0]))
	}
	if len(e.Found) == 0 || err != nil {
		example, _ = sh.quoteAlways("Header=" + string(e.Missing[0]))
	}
	return msg + fmt.Sprintf(l.Pick(" Use --map %s to say which column holds it",
		" Укажите, в каком столбце он есть: --map %s"), example)
}

// guessColumn finds the header in found that looks most like a name of field f, by edit
// distance between the folded forms the column matcher compares.
func guessColumn(f columns.Field, found []string) (string, bool) {
	known := append(columns.Aliases(f), string(f))
	best, bestD := "", -1
	for _, h := range found {
		fh := columns.Fold(h)
		if _, taken := columns.Lookup(h); taken {
			continue // it already is some other field
		}
		for _, a := range known {
			fa := columns.Fold(a)
			if !near(fh, fa) {
				continue
			}
			if d := distance(fh, fa); bestD < 0 || d < bestD {
				best, bestD = h, d
			}
		}
	}
	return best, bestD >= 0
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
