package validate

import (
	"strings"
	"testing"
	"unicode"
)

// TestIsSpaceRuneAgreesWithUnicode checks isSpaceRune against unicode.IsSpace for every
// rune, and a few values that are not runes.
func TestIsSpaceRuneAgreesWithUnicode(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if got, want := isSpaceRune(r), unicode.IsSpace(r); got != want {
			t.Errorf("isSpaceRune(%U) = %v, want %v", r, got, want)
		}
	}
}

var trimTests = []struct{ name, in string }{
	{"empty", ""},
	{"spaces", " \t\r\n\v\f "},
	{"ascii", "  Москва "},
	{"cyrillic edges", "Москва"},
	{"nbsp", "\u00a0Москва\u00a0"},
	{"nel", "\u0085x\u0085"},
	{"ideographic space", "\u3000x\u3000"},
	{"em space inside", "a\u2003b"},
	{"only nbsp", "\u00a0\u2028\u3000"},
	{"invalid utf-8", "\xff x \xd0"},
	{"truncated rune at the end", "x \xe2\x80"},
	{"zero width space is not space", "\u200bx\u200b"},
}

func TestTrimSpace(t *testing.T) {
	for _, tt := range trimTests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := trimSpace(tt.in), strings.TrimSpace(tt.in); got != want {
				t.Errorf("trimSpace(%q) = %q, want %q", tt.in, got, want)
			}
			if got, want := isBlank(tt.in), strings.TrimSpace(tt.in) == ""; got != want {
				t.Errorf("isBlank(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// FuzzTrimSpace checks trimSpace and isBlank against strings.TrimSpace.
func FuzzTrimSpace(f *testing.F) {
	for _, tt := range trimTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.TrimSpace(s)
		if got := trimSpace(s); got != want {
			t.Fatalf("trimSpace(%q) = %q, want %q", s, got, want)
		}
		if got := isBlank(s); got != (want == "") {
			t.Fatalf("isBlank(%q) = %v, want %v", s, got, want == "")
		}
	})
}

// collapseSpacesRef is collapseSpaces as it was before its single pass, the reference
// the new one is checked against.
func collapseSpacesRef(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// lowerKeys is a map like genderWords and boolWords, for checking lookupLower.
var lowerKeys = map[string]int{"м": 1, "жен": 2, "да": 3, "yes": 4, "включён": 5, "i̇": 6, "ǆ": 7}

var collapseTests = []struct{ name, in string }{
	{"plain", "Отдел продаж"},
	{"padded", "  Отдел продаж "},
	{"double space", "Отдел  продаж"},
	{"tab", "Отдел\tпродаж"},
	{"newline", "Отдел\nпродаж"},
	{"vertical tab alone stays", "Отдел\vпродаж"},
	{"nbsp alone stays", "Отдел\u00a0продаж"},
	{"nbsp and double space", "Отдел\u00a0 продаж  x"},
	{"space at the end", "x "},
	{"case words", "М"},
	{"upper cyrillic", "ЖЕН"},
	{"yo", "ВКЛЮЧЁН"},
	{"turkish dotted i", "İ"},
	{"title case digraph", "ǅ"},
	{"long", strings.Repeat("Я", 40)},
}

func TestCollapseSpacesAndLookupLower(t *testing.T) {
	for _, tt := range collapseTests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := collapseSpaces(tt.in), collapseSpacesRef(tt.in); got != want {
				t.Errorf("collapseSpaces(%q) = %q, want %q", tt.in, got, want)
			}
			v, ok := lookupLower(lowerKeys, tt.in)
			wv, wok := lowerKeys[strings.ToLower(tt.in)]
			if v != wv || ok != wok {
				t.Errorf("lookupLower(%q) = %v, %v; want %v, %v", tt.in, v, ok, wv, wok)
			}
		})
	}
}

// FuzzCollapseSpaces checks collapseSpaces against the version before its single pass,
// and lookupLower against a lookup of strings.ToLower.
func FuzzCollapseSpaces(f *testing.F) {
	for _, tt := range collapseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpaces(s), collapseSpacesRef(s); got != want {
			t.Fatalf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
		v, ok := lookupLower(lowerKeys, s)
		wv, wok := lowerKeys[strings.ToLower(s)]
		if v != wv || ok != wok {
			t.Fatalf("lookupLower(%q) = %v, %v; want %v, %v", s, v, ok, wv, wok)
		}
	})
}
