package columns

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"userimport/internal/editdist"
)

// When a column a platform requires is missing, the message suggests the --map that
// would supply it (README, Columns): the unused column whose name is closest to one of
// the field's names, or whose cells look like the field's values (e-mails, phones,
// dates, ФИО), never a column already mapped to another field and never one whose
// header says it is someone else's ("Email руководителя").

// Shape is what a cell's value looks like, for guessing a column by its cells.
type Shape int

const (
	NoShape    Shape = iota
	EmailShape       // ivan@example.ru
	PhoneShape       // 8 (912) 345-67-89, +79123456789
	DateShape        // 26.07.1988, 1988-07-26, 26 июля 1988
	// FullNameShape is two to four capitalised words of letters ("Иванов Иван
	// Иванович", "Петров-Водкин Кузьма") or a surname with initials ("Иванов И.И.").
	FullNameShape
	// PatronymicShape is one word ending as patronymics do: -вич, -вна, -ична, оглы.
	PatronymicShape
)

// shapeOf is the shape the values of f have; NoShape for a field whose values cannot
// be told from others' (a табельный номер, a login, a city).
func shapeOf(f Field) Shape {
	switch f {
	case Email:
		return EmailShape
	case Phone:
		return PhoneShape
	case BirthDate, HireDate:
		return DateShape
	case FullName:
		return FullNameShape
	case MiddleName:
		return PatronymicShape
	}
	return NoShape
}

// ShapeOf says what a cell looks like. It is a guess for suggestions, not a check:
// package validate checks values.
func ShapeOf(cell string) Shape {
	s := strings.TrimSpace(cell)
	switch {
	case s == "" || utf8.RuneCountInString(s) > 120:
		return NoShape
	case looksEmail(s):
		return EmailShape
	case looksDate(s):
		return DateShape
	case looksPhone(s):
		return PhoneShape
	case looksPatronymic(s):
		return PatronymicShape
	case looksFullName(s):
		return FullNameShape
	}
	return NoShape
}

func looksEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at == strings.LastIndexByte(s, '@') && !strings.ContainsAny(s, " ,;") &&
		strings.Contains(s[at+1:], ".")
}

// looksPhone: digits with the separators phones are written with, 10 to 15 digits
// before an extension.
func looksPhone(s string) bool {
	lower := strings.ToLower(s)
	for _, ext := range []string{"доб", "ext", "x", "#"} {
		if i := strings.Index(lower, ext); i > 0 {
			lower = lower[:i]
		}
	}
	digits := 0
	for _, r := range lower {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().", r):
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 15
}

var months = []string{"янв", "фев", "мар", "апр", "мая", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}

// looksDate: day, month and year as digits with . / - between them, or a day, a
// Russian month and a year.
func looksDate(s string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '/' || r == '-' })
	if len(parts) == 3 && allDigits(parts) {
		for _, p := range parts {
			if len(p) == 4 {
				return len(parts[0])+len(parts[1])+len(parts[2]) <= 8
			}
		}
		return false
	}
	f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), "г."))
	if len(f) < 3 || !allDigits([]string{f[0], f[2]}) || len(f[2]) != 4 {
		return false
	}
	for _, m := range months {
		if strings.HasPrefix(strings.ToLower(f[1]), m) {
			return true
		}
	}
	return false
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}

func looksPatronymic(s string) bool {
	if strings.ContainsAny(s, " .") || !capitalised(s) {
		return false
	}
	l := strings.ToLower(s)
	for _, end := range []string{"вич", "вна", "чна", "ична", "инична"} {
		if strings.HasSuffix(l, end) && utf8.RuneCountInString(l) > 5 {
			return true
		}
	}
	return false
}

func looksFullName(s string) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 4 {
		return false
	}
	for i, w := range ws {
		if i > 0 && isInitials(w) {
			continue
		}
		if !capitalised(w) {
			return false
		}
	}
	return true
}

// capitalised: letters and hyphens, the first letter upper case.
func capitalised(w string) bool {
	first := true
	for _, r := range w {
		switch {
		case first && !unicode.IsUpper(r):
			return false
		case !unicode.IsLetter(r) && r != '-':
			return false
		}
		first = false
	}
	return !first
}

// isInitials: "И.И.", "И.", "И. И.".
func isInitials(w string) bool {
	n := 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			n++
		case r != '.':
			return false
		}
	}
	return n > 0 && n <= 2 && strings.HasSuffix(w, ".")
}

// others are words, folded, that make a header someone else's value or something
// else's: a manager's e-mail, a department's phone, a child's birth date. A column
// headed with one is never suggested.
var others = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"руководитель", "руководителя", "руководителю", "начальник", "начальника", "менеджер",
		"менеджера", "наставник", "наставника", "куратор", "куратора", "заместитель",
		"заместителя", "директор", "директора", "ответственный", "ответственного", "рекрутер",
		"рекрутера", "hr", "кадровик", "кадровика", "родственник", "родственника", "супруг",
		"супруга", "супруги", "ребенок", "ребенка", "детей", "отдела", "подразделения",
		"компании", "организации", "филиала", "офиса", "manager", "supervisor", "boss", "head",
		"mentor", "lead", "company", "department", "organization", "organisation", "emergency",
		"child", "spouse", "relative",
	} {
		m[Fold(w)] = true
	}
	return m
}()

// someoneElses reports whether a header names someone else's value.
func someoneElses(header string) bool {
	for _, w := range foldWords(header) {
		if others[w] {
			return true
		}
	}
	return false
}

// Guess is a column suggested for a missing field, and why.
type Guess struct {
	Column Column
	// ByName: the header is close to one of the field's names ("Эл. пчта") or holds
	// one among other words ("Email для входа").
	ByName bool
	// ByCells: the column's cells look like the field's values (Shape).
	ByCells bool
	Shape   Shape
}

// minShare is the share of a column's non-empty sample cells that must have the
// field's shape for the cells to suggest it.
const minShare = 0.8

// Suggest finds the column most likely to hold f among cols, the file's columns as
// Map left them, with samples, the first rows under the header. It offers only
// columns Map left unknown and not in used (the columns already suggested for other
// fields), never a column whose header says it is someone else's, and never one whose
// cells contradict f's shape. A column that matches by its cells and its name beats one
// that matches by its cells, which beats one that matches by its name; among equals the
// first in the file.
func Suggest(f Field, cols []Column, samples [][]string, used map[int]bool) (Guess, bool) {
	shape := shapeOf(f)
	var best Guess
	bestScore := 0
	for _, c := range cols {
		if c.Note != "unknown" || used[c.Index] || someoneElses(c.Header) {
			continue
		}
		g := Guess{Column: c, ByName: nameSuggests(f, c.Header), Shape: shape}
		if shape != NoShape {
			seen, match := 0, 0
			for _, row := range samples {
				if c.Index >= len(row) || strings.TrimSpace(row[c.Index]) == "" {
					continue
				}
				seen++
				if ShapeOf(row[c.Index]) == shape {
					match++
				}
			}
			if seen > 0 && float64(match) < minShare*float64(seen) {
				continue // the cells say it holds something else
			}
			g.ByCells = seen > 0
		}
		score := 0
		if g.ByCells {
			score += 2
		}
		if g.ByName {
			score++
		}
		if score > bestScore {
			best, bestScore = g, score
		}
	}
	return best, bestScore > 0
}

// nameSuggests reports whether a header reads as a name of f: a word or run of words
// of it is one of f's names ("Email для входа"), or the whole is a typo of one ("Эл.
// пчта", "Фамиля").
func nameSuggests(f Field, header string) bool {
	ws := foldWords(header)
	for i := range ws {
		for j := i + 1; j <= len(ws); j++ {
			if g, ok := index[strings.Join(ws[i:j], "")]; ok && g == f {
				return true
			}
		}
	}
	fh := Fold(header)
	for _, a := range append(Aliases(f), string(f)) {
		if typo(fh, Fold(a)) {
			return true
		}
	}
	return false
}

// typo reports whether typed is a letter or two off known (three for long names, one
// for short ones): the edit distance, in runes.
func typo(typed, known string) bool {
	if typed == "" || known == "" {
		return false
	}
	limit := 2
	if n := utf8.RuneCountInString(known); n >= 10 {
		limit = 3
	} else if n <= 3 {
		limit = 1
	}
	return editdist.Distance(typed, known) <= limit
}
