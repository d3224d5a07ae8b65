package validate

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// fullNameResult is everything SplitFullName returns, for comparing the two paths.
type fullNameResult struct {
	Last, First, Middle string
	Issues              []Issue
}

// checkNameFastPath fails t when a fast path takes s and gives anything but what the
// general path gives, for NormalizeName and for SplitFullName. It reports which of the
// two fast paths took s.
func checkNameFastPath(t *testing.T, s string) (name, full bool) {
	t.Helper()
	if fast, ok := fastNormalizeName(s); ok {
		name = true
		want, issues := normalizeName(s)
		if fast != want || issues != nil {
			t.Errorf("NormalizeName(%q): fast path %q, general path %q %v", s, fast, want, issues)
		}
	}
	if l, f, m, ok := fastSplitFullName(s); ok {
		full = true
		var want fullNameResult
		want.Last, want.First, want.Middle, want.Issues = splitFullName(s)
		if diff := cmp.Diff(want, fullNameResult{Last: l, First: f, Middle: m}); diff != "" {
			t.Errorf("SplitFullName(%q) (-general +fast):\n%s", s, diff)
		}
	}
	return name, full
}

// TestNameFastPath checks which names take the fast paths, so that a change cannot
// quietly send the common ones back to the general path, and that each gets the
// general path's result. Every case of the name tables is compared as well.
func TestNameFastPath(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		part, full bool // taken by fastNormalizeName, by fastSplitFullName
	}{
		{"neat", "Иванов Иван Иванович", true, true},
		{"caps", "ИВАНОВ ИВАН ИВАНОВИЧ", true, true},
		{"lower", "петрова анна сергеевна", true, true},
		{"caps and lower", "ИВАНОВ иван", true, true},
		{"one word", "Иванов", true, false},
		{"one word caps", "ИВАНОВ", true, false},
		{"trailing space", "Никитина Мария Степановна ", true, true},
		{"double space", "Иванов  Иван Иванович", true, true},
		{"tabs and newline", "\tИванов\tИван\nИванович\r", true, true},
		{"comma", "Иванов, Иван Иванович", false, true},
		{"leading and trailing comma", ",Иванов Иван,", false, true},
		{"yo", "ФЁДОРОВ Артём Семёнович", true, true},
		{"double surname", "петров-водкин кузьма", true, true},
		{"apostrophe", "о'нил шон", true, true},
		{"apostrophe after two letters", "ДЕМ'ЯН", true, false},
		{"ogly", "МАМЕДОВ ЭЛЬДАР РАШИД ОГЛЫ", true, true},
		{"particle alone", "ОГЛЫ", true, false},
		{"particle as last name", "оглы иван", true, true},
		{"four words mixed case", "Иванов Иван Иванович Младший", true, true},
		{"middle of two words caps", "ИВАНОВ ИВАН РАШИД  ОГЛЫ", true, true},
		{"latin", "SMITH JOHN PAUL", true, true},
		{"latin and cyrillic words", "Smith Иван", true, true},
		{"latin and cyrillic parts of a double name", "Petrov-Водкин Иван", true, true},
		{"mixed case kept", "McDonald Ronald", true, true},
		{"eight words", "а б в г д е ж з", true, true},

		{"nine words", "а б в г д е ж з и", false, false},
		{"initials", "Иванов И.И.", false, false},
		{"initial first", "И. Иванов", false, false},
		{"typographic apostrophe", "О’Нил Шон", false, false},
		{"en dash", "Петров–Водкин Кузьма", false, false},
		{"nbsp", "Иванов\u00a0Иван", false, false},
		{"decomposed short i", "Андреи\u0306 Иванов", false, false},
		{"ukrainian letter", "Шевченко Їжак", false, false},
		{"accented", "JOSÉ Garcia", false, false},
		{"mixed script", "Ивaнов Иван", false, false},
		{"digit", "Иванов Иван 2", false, false},
		{"leading hyphen", "-Иванов Иван", false, false},
		{"trailing hyphen", "Иванов- Иван", false, false},
		{"double hyphen", "Петров--Водкин Иван", false, false},
		{"hyphen then apostrophe", "Петров-'Водкин Иван", false, false},
		{"lone apostrophe", "' Иван", false, false},
		{"brackets", "Иванов Иван (стажёр)", false, false},
		{"empty", "", false, false},
		{"spaces", "  \t ", false, false},
		{"commas only", ",,", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			part, full := checkNameFastPath(t, tt.in)
			if part != tt.part || full != tt.full {
				t.Errorf("%q taken by the fast paths: NormalizeName %v, SplitFullName %v; want %v, %v",
					tt.in, part, full, tt.part, tt.full)
			}
		})
	}
	for _, tt := range nameTests {
		t.Run("name/"+tt.name, func(t *testing.T) { checkNameFastPath(t, tt.raw) })
	}
	for _, tt := range fullNameTests {
		t.Run("fullname/"+tt.name, func(t *testing.T) { checkNameFastPath(t, tt.raw) })
	}
}

// TestNameFastPathSweep is the deterministic half of the differential test: random
// names built from the runes the fast path decides on, in both cases and scripts, with
// the separators and marks it takes and a few it refuses, so that far more of them
// reach the comparison than random bytes would.
func TestNameFastPathSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	runes := []rune("аЯяЁёоОzZaA-'  ,\t.Иi\u00a0’ОГЛЫоглыкызы")
	var b strings.Builder
	var takenPart, takenFull int
	for range 300_000 {
		b.Reset()
		for range rng.IntN(16) + 1 {
			b.WriteRune(runes[rng.IntN(len(runes))])
		}
		part, full := checkNameFastPath(t, b.String())
		if part {
			takenPart++
		}
		if full {
			takenFull++
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	if takenPart < 10_000 || takenFull < 10_000 {
		t.Fatalf("the fast paths took only %d and %d names; the sweep compares too little", takenPart, takenFull)
	}
	t.Logf("fast paths took %d names and %d full names, all agreed", takenPart, takenFull)
}

// FuzzNameFastPath is the differential test for names: every input a fast path takes
// must get exactly the general path's result, from NormalizeName and SplitFullName.
func FuzzNameFastPath(f *testing.F) {
	for _, tt := range nameTests {
		f.Add(tt.raw)
	}
	for _, tt := range fullNameTests {
		f.Add(tt.raw)
	}
	for _, s := range []string{"ИВАНОВ  ИВАН,ИВАНОВИЧ ", "о'нил-д'арк шон", "Smith Иван оглы", "Petrov-Водкин"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNameFastPath(t, s) })
}

// TestBasicCaseAgreesWithUnicode checks lowerBasic and upperBasic against the unicode
// package for every Latin and Russian letter, which are all the fast path maps.
func TestBasicCaseAgreesWithUnicode(t *testing.T) {
	for r := rune(0); r < 0x500; r++ {
		if !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && !isBasicCyrillic(r) {
			continue
		}
		if got, want := lowerBasic(r), unicode.ToLower(r); got != want {
			t.Errorf("lowerBasic(%q) = %q, want %q", r, got, want)
		}
		if got, want := upperBasic(r), unicode.ToTitle(r); got != want {
			t.Errorf("upperBasic(%q) = %q, want %q", r, got, want)
		}
		if utf8.RuneLen(lowerBasic(r)) != utf8.RuneLen(r) {
			t.Errorf("lower case of %q has another length in UTF-8", r)
		}
	}
	for p := range lowerParticles {
		if len(p) > maxParticle {
			t.Errorf("particle %q is longer than maxParticle (%d bytes)", p, maxParticle)
		}
	}
}

func BenchmarkNameFastPath(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"neat", "Иванов Иван Иванович"},
		{"caps", "ИВАНОВ ИВАН ИВАНОВИЧ"},
		{"trailing_space", "Никитина Мария Степановна "},
	} {
		b.Run("fast/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SplitFullName(bc.in)
			}
		})
		b.Run("general/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				splitFullName(bc.in)
			}
		})
	}
}
