package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Translit is a Cyrillic-to-Latin transliteration scheme for logins.
type Translit int

const (
	// ICAO is ICAO Doc 9303, the scheme of Russian international passports since 2013:
	// ё e, й i, х kh, ц ts, щ shch, ъ ie, ы y, ь dropped, ю iu, я ia. It is the default
	// because its output is plain letters and people already see it in their passports.
	ICAO Translit = iota
	// GOST779B is GOST 7.79-2000 system B made login-safe. The standard's marks are
	// replaced by letters or dropped: ъ (``) and ь (`) are dropped, ы (y') is y and
	// э (e`) is e. Otherwise it is the standard: ё yo, й j, х x, щ shh, ю yu, я ya, and
	// ц is c before е, и, ы, й and cz elsewhere.
	GOST779B
)

// String names the scheme the way a flag or config would spell it.
func (t Translit) String() string {
	if t == GOST779B {
		return "gost"
	}
	return "icao"
}

// ParseTranslit reads a --translit value: icao (the default) or gost.
func ParseTranslit(s string) (Translit, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "icao", "icao9303":
		return ICAO, nil
	case "gost", "gost7.79", "gost779", "gost779b":
		return GOST779B, nil
	}
	return ICAO, fmt.Errorf("--translit %q: use icao or gost", s)
}

// icaoTable and gostTable hold the lower-case letters; upper case is derived.
var icaoTable = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu",
	'я': "ia",
	// Ukrainian and Belarusian letters that turn up in Russian staff lists.
	'і': "i", 'ї': "i", 'є': "ie", 'ґ': "g", 'ў': "u",
}

var gostTable = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "j", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "x", 'ц': "cz",
	'ч': "ch", 'ш': "sh", 'щ': "shh", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya",
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u",
}

// Transliterate writes the Cyrillic letters of s in Latin letters by scheme t and leaves
// every other character as it is. Case follows the source: `Щукин` → `Shchukin`,
// `ЩУКИН` → `SHCHUKIN`. It is safe for concurrent use.
func Transliterate(s string, t Translit) string {
	table := icaoTable
	if t == GOST779B {
		table = gostTable
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(0)
	for i, r := range s {
		lr := unicode.ToLower(r)
		lat, ok := table[lr]
		if !ok {
			b.WriteRune(r)
			prev = r
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		if t == GOST779B && lr == 'ц' {
			switch unicode.ToLower(next) {
			case 'е', 'и', 'ы', 'й':
				lat = "c"
			}
		}
		switch {
		case lat == "" || lr == r:
			b.WriteString(lat)
		case unicode.IsUpper(next) || (!unicode.IsLetter(next) && unicode.IsUpper(prev)):
			b.WriteString(strings.ToUpper(lat)) // a word in capitals
		default:
			b.WriteString(strings.ToUpper(lat[:1]))
			b.WriteString(lat[1:])
		}
		prev = r
	}
	return b.String()
}

// isLoginByte reports whether c may appear in a login.
func isLoginByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@'
}

// NormalizeLogin trims and lower-cases a login and checks that it holds only a-z, 0-9,
// dots, underscores, dashes and @ (so an e-mail address works as a login). Anything
// else is CodeLoginInvalid; when a usable login can be made from the value (Cyrillic
// transliterated by ICAO, other characters dropped), it is the Detail as a hint. On an
// error the returned login is empty. It is safe for concurrent use.
func NormalizeLogin(raw string) (string, []Issue) {
	s := trimSpace(raw)
	if s == "" {
		return "", nil
	}
	s = strings.ToLower(s)
	for i := 0; i < len(s); i++ {
		if !isLoginByte(s[i]) {
			return "", one(CodeLoginInvalid, Error, cleanLogin(Transliterate(s, ICAO), true), "")
		}
	}
	return s, nil
}

// cleanLogin lower-cases s, strips accents, keeps [a-z0-9._-] (and @ when keepAt),
// collapses runs of separators to their first and trims separators at both ends.
func cleanLogin(s string, keepAt bool) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	write := func(r rune) {
		c := byte(unicode.ToLower(r))
		if r >= utf8.RuneSelf || !isLoginByte(c) || (c == '@' && !keepAt) {
			return
		}
		if c == '.' || c == '_' || c == '-' || c == '@' {
			if sep || b.Len() == 0 {
				return
			}
			sep = true
		} else {
			sep = false
		}
		b.WriteByte(c)
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			write(r)
			continue
		}
		// é → e: keep the ASCII base of an accented Latin letter. The decomposition goes
		// through the same filter: U+037E decomposes to a plain semicolon.
		for _, d := range norm.NFD.String(string(r)) {
			write(d)
		}
	}
	return strings.TrimRight(b.String(), ".-_@")
}

// LoginFromEmail makes a login from an e-mail address: its local part, with a +tag
// dropped (`ivan+hr@x.ru` → `ivan`), Cyrillic transliterated by ICAO, lower-cased and
// cleaned to [a-z0-9._-]. It returns "" when nothing usable is left.
func LoginFromEmail(email string) string {
	local := strings.TrimSpace(email)
	if at := strings.LastIndexByte(local, '@'); at >= 0 {
		local = local[:at]
	}
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	return cleanLogin(Transliterate(local, ICAO), false)
}

// LoginFromName makes a login from a name by scheme t: the transliterated last name,
// a dot and the initials of the first and middle names: Иванов Иван → `ivanov.i`,
// Иванов Иван Петрович → `ivanov.ip`, Петров-Водкин Кузьма → `petrov-vodkin.k`. Spaces
// inside a last name are dropped and hyphens kept. With no last name it is the first
// name alone; with no usable name at all, "". Collisions within a file are numbered by
// the importer, which knows every earlier row's login.
func LoginFromName(last, first, middle string, t Translit) string {
	base := cleanLogin(strings.ReplaceAll(Transliterate(last, t), " ", ""), false)
	initials := initialOf(first, t) + initialOf(middle, t)
	switch {
	case base == "":
		return cleanLogin(strings.ReplaceAll(Transliterate(first, t), " ", ""), false)
	case initials == "":
		return base
	}
	return base + "." + initials
}

// initialOf returns the first Latin letter of a transliterated name part.
func initialOf(part string, t Translit) string {
	for i := 0; i < len(part); {
		r, size := utf8.DecodeRuneInString(part[i:])
		i += size
		if !unicode.IsLetter(r) {
			continue
		}
		lat := cleanLogin(Transliterate(string(r), t), false)
		if lat != "" {
			return lat[:1]
		}
	}
	return ""
}
