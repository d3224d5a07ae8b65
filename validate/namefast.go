package validate

import (
	"strings"
	"unicode/utf8"
)

// The fast name path. Nearly every name in a Russian staff list is Russian or Latin
// letters with single spaces, and now and then a hyphen or an apostrophe. For those,
// the general path's work (cleaning, NFC, the character, script and case checks, the
// split into words and title-casing) comes down to one pass over the bytes that finds
// the words and the cases of their letters, and at most one allocation for the parts
// that need title-casing. Anything else (other letters or marks, dots and initials,
// non-ASCII spaces, any error) takes the general path. FuzzNameFastPath checks that
// every input the fast path takes gets exactly the general path's result.

// maxFastWords bounds the words the fast path tracks on the stack; a name of more
// words is rare enough to take the general path.
const maxFastWords = 8

// nameWord is one word the fast path found: its bounds in the input and whether it has
// upper-case and lower-case letters.
type nameWord struct {
	start, end   int
	upper, lower bool
}

// fastNameWords splits s into words of Russian or Latin letters with hyphens and
// apostrophes (' only) between letters, separated by ASCII white space and, when commas
// is set, by commas. ok is false when s holds anything else, a hyphen or apostrophe not
// between two letters, Latin and Cyrillic letters in one run of letters, no word or
// more than maxFastWords words.
func fastNameWords(s string, commas bool, words *[maxFastWords]nameWord) (n int, ok bool) {
	var (
		in       bool // inside a word
		lastMark bool // the rune before was a hyphen or an apostrophe
		lat, cyr bool // the scripts of the current run of letters
	)
	for i, r := range s {
		var upper bool
		switch {
		case 'a' <= r && r <= 'z':
			lat = true
		case 'A' <= r && r <= 'Z':
			lat, upper = true, true
		case isBasicCyrillic(r):
			cyr, upper = true, r <= 'Я' // Ё (U+0401) and А-Я come before а-я and ё
		case r == '-' || r == '\'':
			if !in || lastMark {
				return 0, false
			}
			lastMark, lat, cyr = true, false, false
			continue
		case r == ' ' || ('\t' <= r && r <= '\r') || (commas && r == ','):
			if in {
				if lastMark {
					return 0, false
				}
				words[n-1].end = i
				in = false
			}
			lat, cyr = false, false
			continue
		default:
			return 0, false
		}
		if lat && cyr {
			return 0, false
		}
		if !in {
			if n == maxFastWords {
				return 0, false
			}
			words[n] = nameWord{start: i}
			n++
			in = true
		}
		lastMark = false
		w := &words[n-1]
		if upper {
			w.upper = true
		} else {
			w.lower = true
		}
	}
	if lastMark {
		return 0, false
	}
	if in {
		words[n-1].end = len(s)
	}
	return n, n > 0
}

// fastNormalizeName is NormalizeName for the names fastNameWords takes.
func fastNormalizeName(raw string) (string, bool) {
	var buf [maxFastWords]nameWord
	n, ok := fastNameWords(raw, false, &buf)
	if !ok {
		return "", false
	}
	words := buf[:n]
	if !partNeedsTitle(words) && singleSpaced(raw, words) {
		return raw[words[0].start:words[n-1].end], true
	}
	var b strings.Builder
	b.Grow(words[n-1].end - words[0].start)
	writeNamePart(&b, raw, words)
	return b.String(), true
}

// fastSplitFullName is SplitFullName for the names fastNameWords takes that have at
// least two words. Initials and one-word names take the general path.
func fastSplitFullName(raw string) (last, first, middle string, ok bool) {
	var words [maxFastWords]nameWord
	n, ok := fastNameWords(raw, true, &words)
	if !ok || n < 2 {
		return "", "", "", false
	}
	// The parts as the general path makes them: the first word, the second, the rest.
	parts := [3][]nameWord{words[0:1], words[1:2], words[2:n]}
	var (
		out   [3]string
		build [3]bool
		size  int
	)
	for i, p := range parts {
		if len(p) == 0 {
			continue
		}
		if !partNeedsTitle(p) && singleSpaced(raw, p) {
			out[i] = raw[p[0].start:p[len(p)-1].end]
			continue
		}
		build[i] = true
		size += p[len(p)-1].end - p[0].start
	}
	if size == 0 {
		return out[0], out[1], out[2], true
	}
	// One string holds every part that had to be rewritten; each is a slice of it.
	var b strings.Builder
	b.Grow(size)
	var bounds [3][2]int
	for i, p := range parts {
		if build[i] {
			bounds[i][0] = b.Len()
			writeNamePart(&b, raw, p)
			bounds[i][1] = b.Len()
		}
	}
	all := b.String()
	for i := range parts {
		if build[i] {
			out[i] = all[bounds[i][0]:bounds[i][1]]
		}
	}
	return out[0], out[1], out[2], true
}

// partNeedsTitle reports whether a name part gets title-cased, which NormalizeName does
// to a whole part unless its letters are of both cases.
func partNeedsTitle(words []nameWord) bool {
	var upper, lower bool
	for _, w := range words {
		upper = upper || w.upper
		lower = lower || w.lower
	}
	return !(upper && lower)
}

// singleSpaced reports whether consecutive words are separated by exactly one space.
func singleSpaced(s string, words []nameWord) bool {
	for i := 1; i < len(words); i++ {
		if gap := words[i-1].end; words[i].start != gap+1 || s[gap] != ' ' {
			return false
		}
	}
	return true
}

// writeNamePart writes the words of one part joined by single spaces, title-cased
// when the part needs it.
func writeNamePart(b *strings.Builder, s string, words []nameWord) {
	title := partNeedsTitle(words)
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		word := s[w.start:w.end]
		if title {
			writeTitleWord(b, word)
		} else {
			b.WriteString(word)
		}
	}
}

// writeTitleWord is titleName for one word of Russian or Latin letters, hyphens and
// apostrophes: upper case at its start, after a hyphen, and after an apostrophe that
// follows a single letter, lower case elsewhere; a Turkic particle is all lower case.
func writeTitleWord(b *strings.Builder, w string) {
	particle := isParticle(w)
	segLen, up := 0, !particle
	for _, r := range w {
		r = lowerBasic(r)
		switch {
		case r == '-':
			up, segLen = !particle, 0
		case r == '\'':
			up, segLen = !particle && segLen == 1, 0
		case up:
			r = upperBasic(r)
			up = false
			segLen++
		default:
			segLen++
		}
		b.WriteRune(r)
	}
}

// maxParticle is the length in bytes of the longest of lowerParticles.
const maxParticle = 8

// isParticle reports whether w, of Russian or Latin letters, is one of lowerParticles
// in any case, without allocating.
func isParticle(w string) bool {
	if len(w) > maxParticle {
		return false
	}
	var buf [maxParticle]byte
	n := 0
	for _, r := range w {
		n += utf8.EncodeRune(buf[n:], lowerBasic(r)) // lower case is as long in UTF-8
	}
	return lowerParticles[string(buf[:n])]
}

// maxLookupLower bounds the words lookupLower lowers on the stack; the keys it is used
// with are shorter.
const maxLookupLower = 32

// lookupLower is m[strings.ToLower(s)] without the allocation when s is of Latin and
// Russian letters and other ASCII, as the gender and yes/no words of a file are: "М",
// "Да". Anything else goes through strings.ToLower.
func lookupLower[V any](m map[string]V, s string) (V, bool) {
	if len(s) <= maxLookupLower {
		var buf [maxLookupLower]byte
		n := 0
		for _, r := range s {
			if r >= utf8.RuneSelf && !isBasicCyrillic(r) {
				n = -1
				break
			}
			n += utf8.EncodeRune(buf[n:], lowerBasic(r)) // lower case is as long in UTF-8
		}
		if n >= 0 {
			v, ok := m[string(buf[:n])]
			return v, ok
		}
	}
	v, ok := m[strings.ToLower(s)]
	return v, ok
}

// lowerBasic is unicode.ToLower for Latin and Russian letters; other runes are
// returned as they are.
func lowerBasic(r rune) rune {
	switch {
	case 'A' <= r && r <= 'Z':
		return r + 'a' - 'A'
	case 'А' <= r && r <= 'Я':
		return r + 'а' - 'А'
	case r == 'Ё':
		return 'ё'
	}
	return r
}

// upperBasic is unicode.ToTitle (and ToUpper) for Latin and Russian letters; other
// runes are returned as they are.
func upperBasic(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z':
		return r - 'a' + 'A'
	case 'а' <= r && r <= 'я':
		return r - 'а' + 'А'
	case r == 'ё':
		return 'Ё'
	}
	return r
}
