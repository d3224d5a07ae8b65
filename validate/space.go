package validate

import (
	"unicode"
	"unicode/utf8"
)

// Every cell of every row is trimmed, most of them more than once (is it blank? then
// the normalizer's own trim). strings.TrimSpace is quick on ASCII but takes its
// general, per-rune path as soon as a cell starts or ends with a Cyrillic letter, which
// most cells here do; at a million rows that showed in the profile. The functions
// below give the same answers and settle a letter in a comparison or two.

// isSpaceRune is unicode.IsSpace, answering without its tables for every rune below
// U+1680, the first white space after Latin-1.
func isSpaceRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || ('\t' <= r && r <= '\r')
	case r <= 0xFF:
		return r == 0x85 || r == 0xA0
	}
	return r >= 0x1680 && unicode.IsSpace(r)
}

// trimSpace is strings.TrimSpace: it removes the white space (unicode.IsSpace) at both
// ends of s.
func trimSpace(s string) string {
	start := 0
	for start < len(s) {
		if c := s[start]; c < utf8.RuneSelf {
			if !isSpaceRune(rune(c)) {
				break
			}
			start++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[start:])
		if !isSpaceRune(r) {
			break
		}
		start += size
	}
	end := len(s)
	for end > start {
		if c := s[end-1]; c < utf8.RuneSelf {
			if !isSpaceRune(rune(c)) {
				break
			}
			end--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s[start:end])
		if !isSpaceRune(r) {
			break
		}
		end -= size
	}
	return s[start:end]
}

// isBlank reports whether s is empty or white space only, as strings.TrimSpace(s) == ""
// does, stopping at the first rune that is not white space.
func isBlank(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !isSpaceRune(rune(c)) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpaceRune(r) {
			return false
		}
		i += size
	}
	return true
}
