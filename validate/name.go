package validate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName cleans one part of a name (a last, first or middle name): it trims,
// collapses inner spaces, writes every apostrophe (' ’ ʼ ‘ `) as ' and every hyphen or
// dash as -, composes decomposed letters (й typed as и and a breve), and fixes the case
// only when the part is all upper or all lower case: `ИВАНОВ` → `Иванов`, `петров-водкин`
// → `Петров-Водкин`, `о'нил` → `О'Нил`, `рашид оглы` → `Рашид оглы`. Mixed case such as
// `McDonald` or `ДиКаприо` is left as written, and ё stays ё.
//
// A name holds letters of any script, spaces, apostrophes and hyphens between letters,
// and dots after one-letter initials (`И.`); anything else (digits, @, _) is
// CodeNameInvalid. Latin and Cyrillic letters in one word are CodeMixedScript. On an
// error the returned name is empty. NormalizeName is safe for concurrent use.
func NormalizeName(raw string) (string, []Issue) {
	if name, ok := fastNormalizeName(raw); ok {
		return name, nil
	}
	return normalizeName(raw)
}

// normalizeName is NormalizeName for any input, the reference fastNormalizeName is
// tested against.
func normalizeName(raw string) (string, []Issue) {
	s := cleanName(raw)
	if s == "" {
		return "", nil
	}
	if !validNameChars(s) {
		return "", one(CodeNameInvalid, Error, "", "")
	}
	if detail, mixed := MixedScript(s); mixed {
		return "", one(CodeMixedScript, Error, detail, "")
	}
	if upper, lower := letterCases(s); !(upper && lower) {
		s = titleName(s)
	}
	return s, nil
}

// cleanName trims, collapses spaces, unifies apostrophes and hyphens and composes to NFC.
// It returns s itself when there is nothing to change.
func cleanName(raw string) string {
	s := trimSpace(raw)
	if s == "" {
		return ""
	}
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case isApostrophe(r):
			r = '\''
		case isHyphen(r):
			r = '-'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if !isNFC(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// needsClean reports whether cleanName would change the trimmed s.
func needsClean(s string) bool {
	prevSpace, ascii := false, true
	for _, r := range s {
		if r == ' ' {
			if prevSpace {
				return true
			}
			prevSpace = true
			continue
		}
		prevSpace = false
		if r >= utf8.RuneSelf {
			ascii = false
			if isBasicCyrillic(r) {
				continue
			}
		} else if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			continue
		}
		if r != '\'' && r != '-' && (unicode.IsSpace(r) || isApostrophe(r) || isHyphen(r)) {
			return true
		}
	}
	return !ascii && !isNFC(s)
}

// isNFC reports whether s is in Unicode normal form C. The quick check settles almost
// every name without the allocation IsNormalString makes.
func isNFC(s string) bool {
	return composedScript(s) || norm.NFC.QuickSpanString(s) == len(s) || norm.NFC.IsNormalString(s)
}

// composedScript reports whether every rune of s is one no normalization can change:
// Latin-1 and the Cyrillic letters (precomposed й and ё included), with no combining
// mark among them. It settles nearly every Russian or Latin name at a fraction of the
// cost of norm's tables, which the profile showed as the validator's top cost.
func composedScript(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x300: // ASCII, Latin-1 and Latin Extended, before the combining marks
		case r >= 0x400 && r < 0x483: // Cyrillic letters, before its combining marks
		case r >= 0x48A && r < 0x530: // the rest of Cyrillic and its supplement
		default:
			return false
		}
	}
	return true
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '‘', '`':
		return true
	}
	return false
}

func isHyphen(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '−':
		return true
	}
	return false
}

// validNameChars checks the characters a cleaned name may hold (see NormalizeName).
func validNameChars(s string) bool {
	var prev, prev2 rune = ' ', ' ' // the two runes before the current one; ' ' is "start"
	for i, r := range s {
		switch {
		case isWordRune(r):
		case r == ' ':
		case r == '\'' || r == '-':
			// Between letters only: no leading, trailing or doubled marks.
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if !isWordRune(prev) || !isWordRune(next) {
				return false
			}
		case r == '.':
			// After a one-letter word: `И.`, also `И.И.` and `Ж.-П.`
			if !isWordRune(prev) || (prev2 != ' ' && prev2 != '.' && prev2 != '-') {
				return false
			}
		default:
			return false
		}
		prev2, prev = prev, r
	}
	return true
}

// letterCases reports whether s has upper-case and lower-case letters.
func letterCases(s string) (upper, lower bool) {
	for _, r := range s {
		switch {
		case ('A' <= r && r <= 'Z') || ('А' <= r && r <= 'Я') || r == 'Ё':
			upper = true
			continue
		case ('a' <= r && r <= 'z') || ('а' <= r && r <= 'я') || r == 'ё':
			lower = true
			continue
		}
		if unicode.IsUpper(r) {
			upper = true
		} else if unicode.IsLower(r) {
			lower = true
		}
	}
	return upper, lower
}

// lowerParticles are the words of a Turkic patronymic that stay lower case in a
// title-cased name: `Рашид оглы`, `Айгуль кызы`.
var lowerParticles = map[string]bool{"оглы": true, "кызы": true, "улы": true, "гызы": true, "оглу": true}

// titleName capitalizes the first letter of every word and after every hyphen, and after
// an apostrophe that follows a single letter (`О'Нил`, but `Дем'ян`); it lower-cases the
// rest. Turkic patronymic particles stay lower case.
func titleName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for w := range strings.SplitSeq(s, " ") {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		lw := strings.ToLower(w)
		if lowerParticles[lw] {
			b.WriteString(lw)
			continue
		}
		segLen := 0 // letters since the last word start, hyphen or dot
		up := true
		for _, r := range lw {
			if up && isWordRune(r) {
				b.WriteRune(unicode.ToTitle(r))
				up = false
				segLen++
				continue
			}
			b.WriteRune(r)
			switch {
			case r == '-' || r == '.':
				up, segLen = true, 0
			case r == '\'':
				up, segLen = segLen == 1, 0
			case isWordRune(r):
				segLen++
			}
		}
	}
	out := b.String()
	if !isNFC(out) {
		out = norm.NFC.String(out) // lower-casing İ leaves i and a combining dot
	}
	return out
}

// SplitFullName splits a full name (ФИО) into its parts in the Russian order Фамилия Имя
// Отчество, each part cleaned by NormalizeName. It understands initials written together
// or apart (`Иванов И.И.`, `Иванов И. И.`: first `И.`, middle `И.`), initials written
// before the last name (`И.И. Иванов`), Turkic patronymics (`Мамедов Эльдар Рашид оглы`:
// middle `Рашид оглы`), double surnames (`Петров-Водкин`), a comma after the last name
// (`Иванов, Иван`) and extra spaces. A single word is CodeNameIncomplete.
//
// Latin names are read in the same Last First order: HR systems export every name
// column in that order whatever the alphabet, so `Smith John` is last Smith, first John.
// Words beyond the third (other than a patronymic particle) are kept in the middle name.
//
// On an error all three parts are empty. SplitFullName is safe for concurrent use.
func SplitFullName(raw string) (last, first, middle string, issues []Issue) {
	if last, first, middle, ok := fastSplitFullName(raw); ok {
		return last, first, middle, nil
	}
	return splitFullName(raw)
}

// splitFullName is SplitFullName for any input, the reference fastSplitFullName is
// tested against.
func splitFullName(raw string) (last, first, middle string, issues []Issue) {
	s := cleanName(strings.ReplaceAll(raw, ",", " "))
	if s == "" {
		return "", "", "", nil
	}
	words := splitInitials(strings.Fields(s))
	if len(words) >= 2 && isInitial(words[0]) && !isInitial(words[len(words)-1]) {
		// `И. И. Иванов`: the last name comes last.
		words = append(words[len(words)-1:len(words):len(words)], words[:len(words)-1]...)
	}
	if len(words) == 1 {
		n, iss := NormalizeName(words[0])
		if HasErrors(iss) {
			return "", "", "", iss
		}
		return "", "", "", one(CodeNameIncomplete, Error, "", n)
	}
	parts := [3]string{words[0], words[1], strings.Join(words[2:], " ")}
	for i, p := range parts {
		n, iss := NormalizeName(p)
		if HasErrors(iss) {
			return "", "", "", iss
		}
		issues = append(issues, iss...)
		parts[i] = n
	}
	return parts[0], parts[1], parts[2], issues
}

// isInitial reports whether w is a one-letter initial with its dot (`И.`).
func isInitial(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return size > 0 && isWordRune(r) && w[size:] == "."
}

// splitInitials splits tokens like `И.И.` (or `И.И`) into `И.` `И.`, leaving other
// tokens alone.
func splitInitials(words []string) []string {
	var out []string
	for i, w := range words {
		parts, ok := initialsOf(w)
		if !ok {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(words)+len(parts)), words[:i]...)
		}
		out = append(out, parts...)
	}
	if out == nil {
		return words
	}
	return out
}

// initialsOf splits `И.И.` into `И.` and `И.`; a token of two or more letters each
// followed by a dot, the last dot optional (`И.И`). A single initial is not split.
func initialsOf(w string) ([]string, bool) {
	var parts []string
	for len(w) > 0 {
		r, size := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) {
			return nil, false
		}
		switch {
		case len(w) == size:
			parts = append(parts, w+".")
			w = ""
		case w[size] == '.':
			parts = append(parts, w[:size+1])
			w = w[size+1:]
		default:
			return nil, false
		}
	}
	return parts, len(parts) >= 2
}

// GenderFromPatronymic infers gender from a Russian patronymic: -вич, -ич and оглы/улы
// are male; -вна, -чна, -шна (-инична included) and кызы/гызы are female; anything else,
// initials included, is GenderUnknown. Callers mark the result as inferred.
func GenderFromPatronymic(middle string) Gender {
	words := strings.Fields(strings.ToLower(middle))
	if len(words) == 0 {
		return GenderUnknown
	}
	w := words[len(words)-1]
	switch w {
	case "оглы", "улы", "оглу":
		return Male
	case "кызы", "гызы":
		return Female
	}
	if utf8.RuneCountInString(w) < 4 {
		return GenderUnknown
	}
	switch {
	case strings.HasSuffix(w, "-оглы"), strings.HasSuffix(w, "-улы"):
		return Male
	case strings.HasSuffix(w, "-кызы"), strings.HasSuffix(w, "-гызы"):
		return Female
	case strings.HasSuffix(w, "ич"):
		return Male
	case strings.HasSuffix(w, "вна"), strings.HasSuffix(w, "чна"), strings.HasSuffix(w, "шна"):
		return Female
	}
	return GenderUnknown
}
