package source

import (
	"strings"
	"unicode/utf8"
)

// The characters cleaned from every cell all start with one of three UTF-8 lead
// bytes: 0xC2 (U+00A0), 0xE2 (U+200B-U+200D, U+202F, U+2060) and 0xEF (U+FEFF).
// A cell without any of these bytes, the common case, is left alone without
// allocating or decoding runes.
func needsClean(b []byte) bool {
	for _, c := range b {
		if c == 0xC2 || c == 0xE2 || c == 0xEF {
			return true
		}
	}
	return false
}

func needsCleanString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0xC2 || c == 0xE2 || c == 0xEF {
			return true
		}
	}
	return false
}

// cleanRune says what becomes of r: dropped (-1), replaced by a space (' ') or
// kept as is (r).
func cleanRune(r rune) rune {
	switch r {
	case '\uFEFF', '\u200B', '\u200C', '\u200D', '\u2060':
		return -1
	case '\u00A0', '\u202F':
		return ' '
	}
	return r
}

// cleanBytes removes BOMs and zero-width characters from b and turns non-breaking
// spaces into plain ones, in place (the result is never longer), and returns the
// cleaned prefix of b.
func cleanBytes(b []byte) []byte {
	if !needsClean(b) {
		return b
	}
	w := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			b[w] = c
			w++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		switch cr := cleanRune(r); {
		case cr < 0:
		case cr == ' ':
			b[w] = ' '
			w++
		default:
			w += copy(b[w:], b[i:i+size])
		}
		i += size
	}
	return b[:w]
}

// cleanString is cleanBytes for a string; it allocates only when s has something
// to clean. Like cleanBytes, it keeps invalid UTF-8 bytes as they are.
func cleanString(s string) string {
	if !needsCleanString(s) {
		return s
	}
	return string(cleanBytes([]byte(s)))
}

// isBlank reports whether every cell is empty or white space; such rows are counted
// but not yielded.
func isBlank(cells []string) bool {
	for _, c := range cells {
		if c == "" {
			continue
		}
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
