package source

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// textEncoding is how a CSV file's bytes become UTF-8: enc is nil for UTF-8 itself
// (the fast path, no transform), and skip is the length of a byte-order mark to
// drop before reading.
type textEncoding struct {
	name string
	enc  encoding.Encoding
	skip int
}

// utf16 reports whether NUL bytes are to be expected in the raw file.
func (e textEncoding) utf16() bool { return strings.HasPrefix(e.name, "utf-16") }

// detectEncoding decides a CSV file's encoding from its first bytes as
// docs/libraries.md (golang.org/x/text) says: a byte-order mark settles it; otherwise text that is valid
// UTF-8 is UTF-8; anything else is Windows-1251, the code page Russian-locale Excel
// writes. Cyrillic in Windows-1251 uses bytes 0xC0-0xFF, which are UTF-8 lead
// bytes, so real Windows-1251 text is practically never valid UTF-8.
func detectEncoding(head []byte) textEncoding {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return textEncoding{name: "utf-8-bom", skip: 3}
	case bytes.HasPrefix(head, bomUTF16LE):
		return textEncoding{name: "utf-16le", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), skip: 2}
	case bytes.HasPrefix(head, bomUTF16BE):
		return textEncoding{name: "utf-16be", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), skip: 2}
	}
	if validUTF8Prefix(head) {
		return textEncoding{name: "utf-8"}
	}
	return textEncoding{name: "windows-1251", enc: charmap.Windows1251}
}

// validUTF8Prefix is utf8.Valid, forgiving a rune cut by the end of the sample.
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	if len(b) < sniffSize {
		return false
	}
	// Drop up to three bytes of an incomplete last rune.
	for i := 1; i <= utf8.UTFMax-1 && i < len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			return utf8.Valid(b[:len(b)-i])
		}
	}
	return false
}

// namedEncoding resolves the encoding a person asked for, accepting the names
// people type ("1251", "cp1251", "utf8", "utf-16"). head is the start of the file,
// used to skip a byte-order mark the chosen encoding allows.
func namedEncoding(name string, head []byte) (textEncoding, bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	key = strings.NewReplacer("_", "-", " ", "-").Replace(key)
	switch key {
	case "utf-8", "utf8":
		if bytes.HasPrefix(head, bomUTF8) {
			return textEncoding{name: "utf-8-bom", skip: 3}, true
		}
		return textEncoding{name: "utf-8"}, true
	case "utf-16", "utf16", "unicode", "ucs-2":
		// Excel's "Unicode text" is UTF-16LE with a BOM; a BOM, if any, decides.
		switch {
		case bytes.HasPrefix(head, bomUTF16BE):
			return textEncoding{name: "utf-16be", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), skip: 2}, true
		case bytes.HasPrefix(head, bomUTF16LE):
			return textEncoding{name: "utf-16le", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), skip: 2}, true
		}
		return textEncoding{name: "utf-16le", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}, true
	case "utf-16le", "utf16le":
		return textEncoding{name: "utf-16le", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), skip: bomLen(head, bomUTF16LE)}, true
	case "utf-16be", "utf16be":
		return textEncoding{name: "utf-16be", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), skip: bomLen(head, bomUTF16BE)}, true
	case "1251", "cp1251", "cp-1251", "win1251", "win-1251", "windows1251", "windows-1251", "ansi":
		return textEncoding{name: "windows-1251", enc: charmap.Windows1251}, true
	case "koi8-r", "koi8r", "koi8":
		return textEncoding{name: "koi8-r", enc: charmap.KOI8R}, true
	case "866", "cp866", "cp-866", "ibm866", "dos", "oem":
		return textEncoding{name: "cp866", enc: charmap.CodePage866}, true
	}
	enc, err := htmlindex.Get(key)
	if err != nil {
		return textEncoding{}, false
	}
	canon, _ := htmlindex.Name(enc)
	if canon == "utf-8" {
		return namedEncoding("utf-8", head)
	}
	if strings.HasPrefix(canon, "utf-16") {
		return namedEncoding(canon, head)
	}
	return textEncoding{name: canon, enc: enc}, true
}

func bomLen(head, bom []byte) int {
	if bytes.HasPrefix(head, bom) {
		return len(bom)
	}
	return 0
}

// namedDelimiter resolves Options.Delimiter.
func namedDelimiter(s string) (byte, bool) {
	switch strings.ToLower(s) {
	case ",", "comma":
		return ',', true
	case ";", "semicolon":
		return ';', true
	case "\t", "tab", `\t`:
		return '\t', true
	case "|", "pipe":
		return '|', true
	}
	return 0, false
}

// sepLine recognizes Excel's "sep=;" first line, which sets the delimiter and which
// Excel hides: it is not a row, and the line after it is row 1. It returns the
// delimiter and the length of the line with its line break.
func sepLine(text []byte) (byte, int, bool) {
	if len(text) < 5 || !bytes.EqualFold(text[:4], []byte("sep=")) {
		return 0, 0, false
	}
	d := text[4]
	if d == '"' || d == '\r' || d == '\n' || d >= utf8.RuneSelf {
		return 0, 0, false
	}
	n := 5
	if n < len(text) && text[n] == '\r' {
		n++
	}
	switch {
	case n == len(text):
	case text[n] == '\n':
		n++
	default:
		return 0, 0, false
	}
	return d, n, true
}

// delimiterCandidates are tried in this order; on a tie the earlier one wins.
var delimiterCandidates = []byte{';', ',', '\t', '|'}

// sniffRows is how many non-blank records the delimiter sniffer looks at.
const sniffRows = 20

// sniffDelimiter picks the delimiter whose column count is the most stable over
// the first records of sample (UTF-8 text), counting delimiters outside quotes. A
// candidate must split rows into at least two columns; the score is the number of
// records having the most common column count, then that count itself (more
// columns is the likelier reading when two candidates are equally stable). With no
// candidate splitting anything, the file has one column and ',' is as good as any.
func sniffDelimiter(sample []byte) byte {
	best, bestScore, bestCols := byte(','), 0, 0
	for _, d := range delimiterCandidates {
		counts := fieldCounts(sample, d, sniffRows)
		freq := map[int]int{}
		mode, modeN := 0, 0
		for _, c := range counts {
			freq[c]++
			if n := freq[c]; n > modeN || (n == modeN && c > mode) {
				mode, modeN = c, n
			}
		}
		if mode < 2 {
			continue
		}
		if modeN > bestScore || (modeN == bestScore && mode > bestCols) {
			best, bestScore, bestCols = d, modeN, mode
		}
	}
	return best
}

// fieldCounts returns the number of fields of each of the first max non-blank
// records in text, split by d and honouring quotes. A record cut by the end of
// text is not counted.
func fieldCounts(text []byte, d byte, max int) []int {
	var counts []int
	fields, inQuotes, empty := 1, false, true
	for i := 0; i < len(text) && len(counts) < max; i++ {
		c := text[i]
		switch {
		case inQuotes:
			if c == '"' {
				inQuotes = false
			}
		case c == '"':
			inQuotes = true
			empty = false
		case c == d:
			fields++
			empty = false
		case c == '\n':
			if !empty {
				counts = append(counts, fields)
			}
			fields, empty = 1, true
		case c != '\r' && c != ' ':
			empty = false
		}
	}
	return counts
}
