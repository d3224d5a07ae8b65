package validate

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// one returns a single-issue list. Normalizers return nil when all is well, so the
// common path allocates nothing.
func one(code Code, sev Severity, detail, normalized string) []Issue {
	return []Issue{{Code: code, Severity: sev, Detail: detail, Normalized: normalized}}
}

// emailDomain is the IDNA profile e-mail domains go through. idna.Lookup alone accepts
// an empty label (`пример..рф`); this one also enforces DNS lengths and the LDH rule,
// and maps upper case to lower case instead of refusing it as idna.Registration does.
// An idna.Profile is immutable, so sharing it between goroutines is safe.
var emailDomain = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.VerifyDNSLength(true),
	idna.StrictDomainName(true),
)

// maxLocalPart is RFC 5321's limit on the part before the @.
const maxLocalPart = 64

// NormalizeEmail trims raw, checks that it is one bare address a platform will take, and
// returns it lower-cased with the domain in its ASCII (punycode) form: `ivan@почта.рф`
// becomes `ivan@xn--80a1acny.xn--p1ai`. Platforms compare addresses case-insensitively,
// so the lower-cased form is also the duplicate key.
//
// Refused with CodeEmailInvalid: display-name forms (`Иван <ivan@x.ru>`), anything
// net/mail would not take as a bare address, more or fewer than one @, a local part that
// is not plain ASCII (quoted, Cyrillic, consecutive or edge dots), a domain the strict
// IDNA profile refuses or one without a dot. Latin and Cyrillic letters mixed in one word
// are CodeMixedScript, with the odd letters bracketed in Detail. A domain one edit away
// from a common mail domain gives a CodeEmailTypo warning whose Detail is the suggested
// address; the address itself is still returned unchanged.
//
// On an error the returned address is empty. NormalizeEmail is safe for concurrent use.
func NormalizeEmail(raw string) (string, []Issue) {
	s := trimSpace(raw)
	if s == "" {
		return "", nil
	}
	if addr, issues, ok := fastEmail(s); ok {
		return addr, issues
	}
	return fullEmail(s)
}

// fullEmail is NormalizeEmail for a trimmed, non-empty s, through net/mail and IDNA.
// It is the reference fastEmail is tested against, so it keeps no shortcut of its own.
func fullEmail(s string) (string, []Issue) {
	if detail, mixed := MixedScript(s); mixed {
		return "", one(CodeMixedScript, Error, detail, "")
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "", one(CodeEmailInvalid, Error, "", "")
	}
	local, domain := s[:at], s[at+1:]
	if !validLocalPart(local) {
		return "", one(CodeEmailInvalid, Error, "", "")
	}
	ascii, err := emailDomain.ToASCII(domain)
	if err != nil || !validDomainShape(ascii) {
		return "", one(CodeEmailInvalid, Error, "", "")
	}
	// net/mail is the last gate, not the first: it accepts display names, quoted local
	// parts and dotless domains, all refused above, but it also knows RFC 5322 corners
	// the checks above do not spell out.
	if a, err := mail.ParseAddress(s); err != nil || a.Name != "" || a.Address != s {
		return "", one(CodeEmailInvalid, Error, "", "")
	}
	addr := lowerASCII(local) + "@" + ascii
	if sug, ok := suggestDomain(ascii); ok {
		return addr, one(CodeEmailTypo, Warning, lowerASCII(local)+"@"+sug, addr)
	}
	return addr, nil
}

// maxLabel and maxDomain are DNS's limits (RFC 1035) on a label and on a whole name
// without its trailing dot, which the IDNA profile enforces.
const (
	maxLabel  = 63
	maxDomain = 253
)

// fastEmail is NormalizeEmail for the shape nearly every address in a staff list has:
// an ASCII local part of letters, digits and . _ % + - (no dot at either end or twice
// in a row), an @, and a domain of ASCII labels of letters, digits and inner hyphens
// with at least one dot, in any mix of case. Such an address needs neither IDNA (its
// ASCII form is its lower-cased self) nor net/mail (it is a dot-atom), and those two
// were most of the cost of a valid address. ok is false for anything else, including
// every address the full path would refuse, and the caller then takes the full path;
// FuzzEmailFastPath checks that every address fastEmail takes gets exactly what
// fullEmail gives. s is trimmed and not empty. It allocates only to lower-case.
func fastEmail(s string) (addr string, issues []Issue, ok bool) {
	upper, prevDot := false, true // a dot at the start is refused like a double dot
	at := -1
	for i := 0; i < len(s) && at < 0; i++ {
		switch c := s[i]; {
		case c == '@':
			at = i
		case c == '.':
			if prevDot {
				return "", nil, false
			}
			prevDot = true
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_', c == '%', c == '+', c == '-':
			prevDot = false
		case 'A' <= c && c <= 'Z':
			upper, prevDot = true, false
		default:
			return "", nil, false
		}
	}
	if at <= 0 || at > maxLocalPart || prevDot {
		return "", nil, false
	}
	domain := s[at+1:]
	if len(domain) > maxDomain {
		return "", nil, false
	}
	start, dots := 0, 0
	for i := 0; i <= len(domain); i++ {
		if i < len(domain) && domain[i] != '.' {
			switch c := domain[i]; {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
			case 'A' <= c && c <= 'Z':
				upper = true
			default:
				return "", nil, false
			}
			continue
		}
		// A label ends at i. Hyphens at its ends are refused by the LDH rule, and two
		// in its third and fourth places mark a punycode (xn--) or reserved label that
		// only IDNA can judge.
		label := domain[start:i]
		if label == "" || len(label) > maxLabel || label[0] == '-' || label[len(label)-1] == '-' ||
			(len(label) >= 4 && label[2] == '-' && label[3] == '-') {
			return "", nil, false
		}
		if i < len(domain) {
			dots++
			start = i + 1
		}
	}
	// An all-digit top-level label (an IP address) is refused by the full path.
	if dots == 0 || allDigits(domain[start:]) {
		return "", nil, false
	}
	addr = s
	if upper {
		addr = strings.ToLower(s)
	}
	if sug, ok := suggestDomain(addr[at+1:]); ok {
		return addr, one(CodeEmailTypo, Warning, addr[:at+1]+sug, addr), true
	}
	return addr, nil, true
}

// validLocalPart reports whether local is an RFC 5322 dot-atom of ASCII characters:
// no quoting, no spaces, no dot at either end and no two dots in a row.
func validLocalPart(local string) bool {
	if local == "" || len(local) > maxLocalPart || local[0] == '.' || local[len(local)-1] == '.' {
		return false
	}
	prevDot := false
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' {
			if prevDot {
				return false
			}
			prevDot = true
			continue
		}
		prevDot = false
		if !isAtext(c) {
			return false
		}
	}
	return true
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// validDomainShape checks what the IDNA profile leaves open: a dot, no trailing dot,
// and a top-level label that is not all digits (an IP address is not a mail domain here).
func validDomainShape(ascii string) bool {
	dot := strings.LastIndexByte(ascii, '.')
	if dot <= 0 || dot == len(ascii)-1 {
		return false
	}
	for i := dot + 1; i < len(ascii); i++ {
		if ascii[i] < '0' || ascii[i] > '9' {
			return true
		}
	}
	return false
}

// lowerASCII lower-cases s, returning s itself when it has no upper-case ASCII letter.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// commonDomains are the mail domains most Russian staff lists hold; a domain one edit
// from one of them is likely a typo of it.
var commonDomains = []string{
	"gmail.com", "mail.ru", "yandex.ru", "ya.ru", "bk.ru", "list.ru", "inbox.ru",
	"rambler.ru", "outlook.com", "hotmail.com", "icloud.com", "yahoo.com",
}

// realNearDomains are real domains one edit from a common one, so they are not typos:
// mail.com and email.com (gmail.com), ymail.com (Yahoo), ok.ru (bk.ru), mai.ru (the
// Moscow Aviation Institute, mail.ru), cloud.com (icloud.com).
var realNearDomains = map[string]bool{
	"mail.com": true, "email.com": true, "ymail.com": true, "ok.ru": true,
	"mai.ru": true, "cloud.com": true,
}

// maxTypoDomain bounds the domains compared: anything longer than the longest common
// domain plus one edit cannot be one edit away.
const maxTypoDomain = 12

// suggestDomain returns the common domain one edit (insertion, deletion, substitution
// or transposition of neighbours) away from domain, if there is exactly such a one.
func suggestDomain(domain string) (string, bool) {
	if len(domain) > maxTypoDomain || realNearDomains[domain] {
		return "", false
	}
	for _, c := range commonDomains {
		if c == domain {
			return "", false
		}
	}
	for _, c := range commonDomains {
		if oneEditApart(domain, c) {
			return c, true
		}
	}
	return "", false
}

// oneEditApart reports whether a and b (ASCII, a != b) differ by exactly one insertion,
// deletion, substitution or transposition of two neighbouring characters.
func oneEditApart(a, b string) bool {
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if i == la {
			return false
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la == lb+1:
		return oneDeletion(a, b)
	case lb == la+1:
		return oneDeletion(b, a)
	}
	return false
}

// oneDeletion reports whether deleting one byte of long gives short.
func oneDeletion(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}

// script is the writing system of a letter, as far as mixed-script checks care.
type script int8

const (
	otherScript script = iota
	latin
	cyrillic
)

func scriptOf(r rune) script {
	if r < utf8.RuneSelf {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			return latin
		}
		return otherScript
	}
	if isBasicCyrillic(r) {
		return cyrillic
	}
	switch {
	case unicode.Is(unicode.Cyrillic, r):
		return cyrillic
	case unicode.Is(unicode.Latin, r):
		return latin
	}
	return otherScript
}

// isWordRune reports whether r belongs inside a word: a letter or a combining mark.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
	}
	if isBasicCyrillic(r) {
		return true
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

// isBasicCyrillic reports whether r is one of the 66 letters of the Russian alphabet,
// which is nearly every letter this tool sees: answering it without Unicode's range
// tables took a tenth of the time of validating a row.
func isBasicCyrillic(r rune) bool {
	return (r >= 'А' && r <= 'я') || r == 'ё' || r == 'Ё'
}

// MixedScript reports whether some word of s (a run of letters) mixes Latin and Cyrillic
// letters, the mark of a look-alike typed on the wrong keyboard layout: a Cyrillic `а`
// in `ivаnov`. The detail lists each mixed word with the letters of its minority script
// in brackets (`iv[а]nov`); on a tie, the letters of the script the word does not start
// with are bracketed. Words are joined by ", ". It is safe for concurrent use and
// allocates only when it finds a mixed word.
func MixedScript(s string) (detail string, mixed bool) {
	var b strings.Builder
	start := -1
	var nLat, nCyr int
	flush := func(end int) {
		if start >= 0 && nLat > 0 && nCyr > 0 {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			bracketWord(&b, s[start:end], nLat, nCyr)
		}
		start, nLat, nCyr = -1, 0, 0
	}
	for i, r := range s {
		if !isWordRune(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
		switch scriptOf(r) {
		case latin:
			nLat++
		case cyrillic:
			nCyr++
		}
	}
	flush(len(s))
	return b.String(), b.Len() > 0
}

// bracketWord writes word with the runs of its odd-script letters in brackets.
func bracketWord(b *strings.Builder, word string, nLat, nCyr int) {
	odd := cyrillic
	switch {
	case nCyr < nLat:
		odd = cyrillic
	case nLat < nCyr:
		odd = latin
	default:
		first, _ := utf8.DecodeRuneInString(word)
		if scriptOf(first) == cyrillic {
			odd = latin
		}
	}
	in := false
	for _, r := range word {
		isOdd := scriptOf(r) == odd
		if isOdd && !in {
			b.WriteByte('[')
		} else if !isOdd && in {
			b.WriteByte(']')
		}
		in = isOdd
		b.WriteRune(r)
	}
	if in {
		b.WriteByte(']')
	}
}
