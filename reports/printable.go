package reports

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable returns s as it may be shown on a terminal: every character a terminal
// would act on instead of showing is written as a visible escape, so a cell, a header
// or a file name cannot set the window's title, clear the screen or reorder the line
// around it. Escaped are the C0 controls and DEL (\x1b, \x07; tab, newline and carriage
// return as \t, \n and \r), the C1 controls U+0080-U+009F (\u009b), the bidirectional
// overrides, embeddings, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E,
// U+200F, U+061C, as \u202e), and bytes that are not UTF-8 (\xff), which a terminal
// not in UTF-8 could read as C1 controls. Everything else, Cyrillic included, is left
// as it is; a backslash typed in the text is not doubled, so that Windows paths read as
// they are written.
//
// Use it on every value from a file or a platform that is printed for people; output
// for programs (JSON, CSV) has its own quoting.
func Printable(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c < 0x20 || c == 0x7f:
				writeHex(&b, `\x`, uint32(c), 2)
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHex(&b, `\x`, uint32(c), 2)
		case unprintableRune(r):
			writeHex(&b, `\u`, uint32(r), 4)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unprintableRune reports whether r, above ASCII, is one Printable escapes.
func unprintableRune(r rune) bool {
	switch {
	case 0x80 <= r && r <= 0x9f: // C1 controls: U+009B is CSI, U+009D OSC
		return true
	case 0x202a <= r && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case 0x2066 <= r && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // LRM, RLM, ALM
		return true
	}
	return false
}

func writeHex(b *strings.Builder, prefix string, v uint32, digits int) {
	b.WriteString(prefix)
	h := strconv.FormatUint(uint64(v), 16)
	for range digits - len(h) {
		b.WriteByte('0')
	}
	b.WriteString(h)
}
