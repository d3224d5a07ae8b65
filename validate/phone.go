package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region a phone number without a country code is read in.
const DefaultRegion = "RU"

// PhoneParser turns spreadsheet phone cells into E.164. It keeps one phonenumbers
// number struct and reuses it for every cell, so a parser is NOT safe for concurrent
// use: give each worker its own.
type PhoneParser struct {
	region string
	// fast is true when the region is RU, where the common spellings are decoded
	// without the full libphonenumber parse (see fastRU).
	fast bool
	num  phonenumbers.PhoneNumber
	cc   int32
	nsn  uint64
}

// NewPhoneParser returns a parser that reads numbers without a country code as numbers
// of region (an ISO 3166 code such as "RU" or "BY"; empty means DefaultRegion). An
// unknown region makes every number without a `+` invalid.
func NewPhoneParser(region string) *PhoneParser {
	region = strings.ToUpper(strings.TrimSpace(region))
	if region == "" {
		region = DefaultRegion
	}
	return &PhoneParser{region: region, fast: region == "RU"}
}

// NormalizePhone is PhoneParser.Normalize with a parser made for one call. It is safe
// for concurrent use but slower; bulk callers should keep a PhoneParser per worker.
func NormalizePhone(raw, region string) (e164, ext string, issues []Issue) {
	return NewPhoneParser(region).Normalize(raw)
}

// Normalize returns raw as an E.164 number (`+79123456789`) and its extension digits,
// if the cell had one (`доб. 123`, `(доб. 123)`, `доп. 12`, `вн. 12`, `ext 12`, `x12`,
// `#12`, `…-67, 123`: see splitExtension); where the extension goes is the caller's
// decision per platform (Schema.ExtensionField). An extension is never an error.
//
// A cell with several numbers (split on `,` `;` `/` and the word `или`) keeps the first
// with a CodePhoneMultiple warning whose Detail holds the others as written and whose
// Normalized is the number kept, so that the message names both. A number Excel turned
// into exponent notation (`7,91E+10`) is CodePhoneExcel, since its digits are lost. A
// number that does not pass phonenumbers.IsValidNumber is CodePhoneInvalid: possible
// lengths are not enough. On an error e164 and ext are empty.
func (p *PhoneParser) Normalize(raw string) (e164, ext string, issues []Issue) {
	s := trimSpace(raw)
	if s == "" {
		return "", "", nil
	}
	main, rest, plain := s, "", plainPhone(s)
	if !plain {
		if isExcelExponent(s) {
			return "", "", one(CodePhoneExcel, Error, s, "")
		}
		s = dropFloatZero(s)
		var first string
		if first, rest = splitNumbers(s); first == "" {
			return "", "", one(CodePhoneInvalid, Error, "", "")
		}
		main = first
	}
	e164, ext, ok := p.parseWithExtension(main, plain)
	if !ok {
		return "", "", one(CodePhoneInvalid, Error, "", "")
	}
	if rest != "" {
		return e164, ext, one(CodePhoneMultiple, Warning, rest, e164)
	}
	return e164, ext, nil
}

// plainPhone reports whether s holds only digits, spaces, brackets, dashes and plus
// signs, as most phone cells do. Such a cell is one number without an extension: it has
// no exponent, no float's ".0", no separator or "или" between numbers and no extension
// marker, so the steps that look for those would return it unchanged and are skipped.
func plainPhone(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', c == ' ', c == '(', c == ')', c == '-', c == '+':
		default:
			return false
		}
	}
	return true
}

// parseWithExtension reads one number that may end in an extension: a marked one
// (splitExtension), one libphonenumber finds itself, or, when the whole text is not a
// valid number but the text before it is, bare digits in brackets (`… 585-01-53 (3566)`).
// plain is plainPhone(s): such a text has no marker to look for.
func (p *PhoneParser) parseWithExtension(s string, plain bool) (e164, ext string, ok bool) {
	main, ext := s, ""
	if !plain {
		main, ext = splitExtension(s)
	}
	e164, libExt, ok := p.parse(main)
	if ext == "" {
		ext = libExt
	}
	if !ok && ext == "" {
		if head, digits, cut := cutBracketedDigits(main); cut {
			if e164, _, ok = p.parse(head); ok {
				ext = digits
			}
		}
	}
	if !ok {
		return "", "", false
	}
	return e164, ext, true
}

// parse reads one number, extension already removed, through the fast path when it
// applies and the full libphonenumber parse otherwise.
func (p *PhoneParser) parse(s string) (e164, ext string, ok bool) {
	if p.fast {
		if nsn, ok := fastRU(s); ok {
			return p.fromNSN(nsn)
		}
	}
	return p.full(s)
}

// fromNSN builds a +7 number from its national significant number and validates it.
func (p *PhoneParser) fromNSN(nsn uint64) (string, string, bool) {
	if !p.validRU(nsn) {
		return "", "", false
	}
	// E.164 of a +7 number is "+7" and the ten digits; formatting it here saves the
	// library's builder allocations.
	var buf [12]byte
	b := append(buf[:0], '+', '7')
	return string(strconv.AppendUint(b, nsn, 10)), "", true
}

// validRU is phonenumbers.IsValidNumber for +7 nsn: through russiaCheck, which asks
// the library's own expressions without its locked cache, or the library itself if
// the check could not be built from its metadata.
func (p *PhoneParser) validRU(nsn uint64) bool {
	if c := russiaCheck(); c != nil {
		return c.validNSN(nsn)
	}
	p.num.Reset()
	p.cc, p.nsn = 7, nsn
	p.num.CountryCode, p.num.NationalNumber = &p.cc, &p.nsn
	return phonenumbers.IsValidNumber(&p.num)
}

// full runs the complete libphonenumber parse.
func (p *PhoneParser) full(s string) (string, string, bool) {
	p.num.Reset() // ParseToNumber leaves fields it does not see (the extension) as they were
	if err := phonenumbers.ParseToNumber(s, p.region, &p.num); err != nil {
		return "", "", false
	}
	if !phonenumbers.IsValidNumber(&p.num) {
		return "", "", false
	}
	return phonenumbers.Format(&p.num, phonenumbers.E164), p.num.GetExtension(), true
}

// maxFastLen bounds the inputs the fast path looks at; libphonenumber refuses inputs over
// 250 bytes, and no honest spelling of an 11-digit number needs more than this.
const maxFastLen = 40

// fastRU decodes the common Russian spellings without the full parse: once spaces,
// brackets, dashes and dots are skipped, `8XXXXXXXXXX`, `+7XXXXXXXXXX`, `7XXXXXXXXXX`
// and `9XXXXXXXXX`. It returns the ten-digit national significant number. Anything
// else, including `810…` (Russia's old international prefix, which the full parse reads
// as a call abroad), goes to the full parse. FuzzPhoneFastPath checks that every input
// it accepts gets exactly the full parse's verdict.
func fastRU(s string) (uint64, bool) {
	if len(s) > maxFastLen {
		return 0, false
	}
	var d [11]byte
	n, plus := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if n == len(d) {
				return 0, false
			}
			d[n] = c
			n++
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.':
		case c == '+' && n == 0 && !plus:
			plus = true
		default:
			return 0, false
		}
	}
	var nat []byte
	switch {
	case n == 11 && d[0] == '7': // +7 or 7
		nat = d[1:11]
	case n == 11 && !plus && d[0] == '8' && !(d[1] == '1' && d[2] == '0'):
		nat = d[1:11]
	case n == 10 && !plus && d[0] == '9':
		nat = d[:10]
	default:
		return 0, false
	}
	var v uint64
	for _, c := range nat {
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// isExcelExponent reports whether s is a number in exponent notation (`7,91E+10`,
// `7.9123E+10`, `7.9E10`): what Excel shows for a long number typed into a General cell,
// with the last digits already gone.
func isExcelExponent(s string) bool {
	e := strings.IndexAny(s, "eEЕе") // Latin and Cyrillic E: both end up in exported files
	if e <= 0 {
		return false
	}
	mant, exp := strings.TrimSpace(s[:e]), strings.TrimSpace(s[e:])
	_, size := utf8.DecodeRuneInString(exp)
	exp = strings.TrimSpace(exp[size:])
	if mant != "" && (mant[0] == '+' || mant[0] == '-') {
		mant = mant[1:]
	}
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		exp = exp[1:]
	}
	if !allDigits(exp) || mant == "" {
		return false
	}
	sep := strings.IndexAny(mant, ".,")
	if sep < 0 {
		return allDigits(mant)
	}
	return allDigits(mant[:sep]) && allDigits(mant[sep+1:])
}

// dropFloatZero turns `79123456789.0`, a number column that went through a float on its
// way to CSV, back into its digits. The digits are all there, unlike in exponent form.
func dropFloatZero(s string) string {
	if t, ok := strings.CutSuffix(s, ".0"); ok && len(t) >= 10 && allDigits(t) {
		return t
	}
	return s
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// splitNumbers returns the first non-empty number of a cell and the others, trimmed and
// joined by ", ". Separators: `,` `;` `/` and the words "или" and "or".
func splitNumbers(s string) (first, rest string) {
	if !strings.ContainsAny(s, ",;/") && !hasOrWord(s) {
		return s, ""
	}
	var parts []string
	for f := range strings.FieldsFuncSeq(replaceOrWords(s), func(r rune) bool {
		return r == ',' || r == ';' || r == '/'
	}) {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if main, ext := splitExtension(f); main == "" && ext != "" && len(parts) > 0 {
			// `…-67, доб. 305`: an extension after a comma belongs to the number before.
			parts[len(parts)-1] += " " + f
			continue
		}
		if len(parts) == 1 && isBareExtension(f) {
			if _, ext := splitExtension(parts[0]); ext == "" {
				// `…-67, 305` or `…-67/305`: a few digits cannot be a phone number of
				// their own, so they are the first number's extension; "#" is the
				// marker splitExtension takes it by.
				parts[0] += " #" + f
				continue
			}
		}
		parts = append(parts, f)
	}
	if len(parts) == 0 {
		return "", ""
	}
	return parts[0], strings.Join(parts[1:], ", ")
}

// orWords are the words between two numbers in one cell, as spelled in real files.
var orWords = []string{" или ", " ИЛИ ", " Или ", " or ", " OR "}

// hasOrWord reports whether s holds one of orWords.
func hasOrWord(s string) bool {
	if strings.IndexByte(s, ' ') < 0 {
		return false
	}
	for _, w := range orWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// replaceOrWords turns the words "или" and "or" between numbers into commas.
func replaceOrWords(s string) string {
	for _, w := range orWords {
		s = strings.ReplaceAll(s, w, ",")
	}
	return s
}

// maxExtLen is the longest extension read from bare digits (`…-67, 305`, `… (305)`);
// office exchanges use two to six digits, and seven digits are a local number.
const maxExtLen = 6

// isBareExtension reports whether s is the digits of an extension with no marker.
func isBareExtension(s string) bool { return len(s) <= maxExtLen && allDigits(s) }

// extMarker is a word that introduces an extension.
type extMarker struct {
	word string
	// dot is true for a marker that counts only with a dot after it: `д. 12` is an
	// extension, `д 12` is not.
	dot bool
}

// extMarkers are the words that introduce an extension, as real exports spell them
// (docs/libraries.md, phonenumbers, says why the extension is split off here). They are matched at the end of the text
// before the digits, in any case, and must start a word (`box12` is not `x12`).
var extMarkers = []extMarker{
	{word: "дополнительный"}, {word: "добавочный"}, {word: "внутренний"}, {word: "extension"},
	{word: "добав"}, {word: "внутр"}, {word: "extn"}, {word: "доб"}, {word: "доп"}, {word: "ext"},
	{word: "вн"}, {word: "д", dot: true}, {word: "x"}, {word: "х"}, {word: "#"},
}

// extFillers are the words that may stand between a marker and the digits:
// `доб. номер 12`, `доб. № 12`.
var extFillers = []string{"номер", "№"}

// splitExtension splits `… доб. 123` into the number and "123". The marker may be
// followed by dots, colons, spaces and extFillers, and then only the digits up to the
// end; the marker and its digits may stand in brackets: `… (доб. 3566)`.
func splitExtension(s string) (main, ext string) {
	if head, inner, ok := cutBrackets(s); ok {
		if m, e := splitExtension(inner); m == "" && e != "" {
			return head, e
		}
		return s, ""
	}
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || i == 0 {
		return s, ""
	}
	head, dot := trimExtFillers(s[:i])
	for _, m := range extMarkers {
		if len(head) < len(m.word) || !strings.EqualFold(head[len(head)-len(m.word):], m.word) || (m.dot && !dot) {
			continue
		}
		before := head[:len(head)-len(m.word)]
		// The marker must start a word: `box12` is not `x12`.
		if r, _ := utf8.DecodeLastRuneInString(before); before != "" && isWordRune(r) {
			continue
		}
		return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(before), ",;")), s[i:]
	}
	return s, ""
}

// trimExtFillers removes from the end of s what may stand between an extension's
// marker and its digits, and reports whether that held a dot.
func trimExtFillers(s string) (head string, dot bool) {
	for {
		t := strings.TrimRight(s, " .:")
		dot = dot || strings.Contains(s[len(t):], ".")
		s = t
		cut := false
		for _, f := range extFillers {
			if len(s) >= len(f) && strings.EqualFold(s[len(s)-len(f):], f) {
				s, cut = s[:len(s)-len(f)], true
				break
			}
		}
		if !cut {
			return s, dot
		}
	}
}

// cutBrackets splits `head (inner)` or `head [inner]` at the last opening bracket,
// when s ends with the closing one and head is not empty.
func cutBrackets(s string) (head, inner string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", false
	}
	var open byte
	switch s[len(s)-1] {
	case ')':
		open = '('
	case ']':
		open = '['
	default:
		return "", "", false
	}
	i := strings.LastIndexByte(s, open)
	if i <= 0 {
		return "", "", false
	}
	head = strings.TrimSpace(s[:i])
	return head, strings.TrimSpace(s[i+1 : len(s)-1]), head != ""
}

// cutBracketedDigits splits `… 585-01-53 (3566)` into the number and the digits in
// brackets, when they are few enough to be an extension.
func cutBracketedDigits(s string) (head, digits string, ok bool) {
	head, inner, ok := cutBrackets(s)
	if !ok || !isBareExtension(inner) {
		return "", "", false
	}
	return head, inner, true
}
