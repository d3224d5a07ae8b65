package validate

import (
	"strings"
	"testing"
)

var (
	invalidName    = []Code{CodeNameInvalid}
	incompleteName = []Code{CodeNameIncomplete}
)

var nameTests = []struct {
	name   string
	raw    string
	want   string
	codes  []Code
	detail string
}{
	{"neat", "Иванов", "Иванов", nil, ""},
	{"caps", "ИВАНОВ", "Иванов", nil, ""},
	{"lower", "иванов", "Иванов", nil, ""},
	{"padded", "  петров  ", "Петров", nil, ""},
	{"tab and newline", "\tПетров\n", "Петров", nil, ""},
	{"nbsp", "\u00a0Петров\u00a0", "Петров", nil, ""},
	{"yo kept", "Фёдоров", "Фёдоров", nil, ""},
	{"yo caps", "ФЁДОРОВ", "Фёдоров", nil, ""},
	{"yo lower", "артём", "Артём", nil, ""},
	{"e for yo kept", "Федоров", "Федоров", nil, ""},
	{"short i decomposed", "Андреи\u0306", "Андрей", nil, ""},
	{"short i decomposed caps", "АНДРЕИ\u0306", "Андрей", nil, ""},
	{"double surname", "Петров-Водкин", "Петров-Водкин", nil, ""},
	{"double surname lower", "петров-водкин", "Петров-Водкин", nil, ""},
	{"double surname caps", "ПЕТРОВ-ВОДКИН", "Петров-Водкин", nil, ""},
	{"double surname en dash", "Петров–Водкин", "Петров-Водкин", nil, ""},
	{"double surname hyphen char", "Петров‐Водкин", "Петров-Водкин", nil, ""},
	{"double name", "анна-мария", "Анна-Мария", nil, ""},
	{"apostrophe irish", "о'нил", "О'Нил", nil, ""},
	{"apostrophe latin", "o'neil", "O'Neil", nil, ""},
	{"apostrophe typographic", "О’Нил", "О'Нил", nil, ""},
	{"apostrophe modifier", "Oʼneil", "O'neil", nil, ""},
	{"apostrophe ukrainian", "дем'ян", "Дем'ян", nil, ""},
	{"apostrophe caps", "Д'АРТАНЬЯН", "Д'Артаньян", nil, ""},
	{"mixed case kept", "McDonald", "McDonald", nil, ""},
	{"mixed case cyrillic kept", "ДиКаприо", "ДиКаприо", nil, ""},
	{"odd case kept", "иВАНОВ", "иВАНОВ", nil, ""},
	{"inner spaces", "Рашид   оглы", "Рашид оглы", nil, ""},
	{"particle lower", "РАШИД ОГЛЫ", "Рашид оглы", nil, ""},
	{"particle kyzy", "айгуль кызы", "Айгуль кызы", nil, ""},
	{"two words", "де ла круз", "Де Ла Круз", nil, ""},
	{"initial", "И.", "И.", nil, ""},
	{"initial lower", "и.", "И.", nil, ""},
	{"two initials", "И.И.", "И.И.", nil, ""},
	{"latin", "JOHN", "John", nil, ""},
	{"latin lower", "smith", "Smith", nil, ""},
	{"accented", "JOSÉ", "José", nil, ""},
	{"german", "MÜLLER", "Müller", nil, ""},
	{"kazakh", "ӘЛИЯ", "Әлия", nil, ""},
	{"ukrainian", "ЇЖАК", "Їжак", nil, ""},
	{"georgian no case", "ნინო", "ნინო", nil, ""},
	{"chinese", "王", "王", nil, ""},
	{"turkish dotted i", "İSTANBUL", "Istanbul", nil, ""}, // Go's simple case mapping drops the dot
	{"single letter", "я", "Я", nil, ""},

	{"empty", "", "", nil, ""},
	{"spaces", "   ", "", nil, ""},

	{"digit", "Иванов2", "", invalidName, ""},
	{"digits only", "123", "", invalidName, ""},
	{"at", "ivan@mail.ru", "", invalidName, ""},
	{"underscore", "Иванов_Иван", "", invalidName, ""},
	{"comma", "Иванов,", "", invalidName, ""},
	{"bracket", "Иванов (Петров)", "", invalidName, ""},
	{"slash", "Иванов/Петров", "", invalidName, ""},
	{"dot inside", "Ив.анов", "", invalidName, ""},
	{"dot after word", "Иванов.", "", invalidName, ""},
	{"leading hyphen", "-Иванов", "", invalidName, ""},
	{"trailing hyphen", "Иванов-", "", invalidName, ""},
	{"double hyphen", "Петров--Водкин", "", invalidName, ""},
	{"hyphen spaced", "Петров - Водкин", "", invalidName, ""},
	{"lone apostrophe", "'", "", invalidName, ""},
	{"question", "???", "", invalidName, ""},
	{"dash", "-", "", invalidName, ""},
	{"star", "Иванов*", "", invalidName, ""},

	{"mixed script", "Ивaнов", "", mixedScript, "Ив[a]нов"},
	{"mixed script latin c", "Cидоров", "", mixedScript, "[C]идоров"},
	{"mixed script in second part", "Петров-Вoдкин", "", mixedScript, "В[o]дкин"},
}

func TestNormalizeName(t *testing.T) {
	for _, tt := range nameTests {
		t.Run(tt.name, func(t *testing.T) {
			got, issues := NormalizeName(tt.raw)
			if got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			checkIssues(t, issues, tt.codes, tt.detail)
		})
	}
}

var fullNameTests = []struct {
	name                string
	raw                 string
	last, first, middle string
	codes               []Code
}{
	{"neat", "Иванов Иван Иванович", "Иванов", "Иван", "Иванович", nil},
	{"caps", "ИВАНОВ ИВАН ИВАНОВИЧ", "Иванов", "Иван", "Иванович", nil},
	{"caps and lower", "ИВАНОВ иван", "Иванов", "Иван", "", nil},
	{"lower", "петрова анна сергеевна", "Петрова", "Анна", "Сергеевна", nil},
	{"extra spaces", "  Иванов   Иван  Иванович ", "Иванов", "Иван", "Иванович", nil},
	{"tabs", "Иванов\tИван\tИванович", "Иванов", "Иван", "Иванович", nil},
	{"nbsp", "Иванов\u00a0Иван\u00a0Иванович", "Иванов", "Иван", "Иванович", nil},
	{"no middle", "Иванов Иван", "Иванов", "Иван", "", nil},
	{"yo", "Фёдоров Артём Семёнович", "Фёдоров", "Артём", "Семёнович", nil},
	{"double surname", "Петров-Водкин Кузьма Сергеевич", "Петров-Водкин", "Кузьма", "Сергеевич", nil},
	{"double surname lower", "петров-водкин кузьма", "Петров-Водкин", "Кузьма", "", nil},
	{"initials together", "Иванов И.И.", "Иванов", "И.", "И.", nil},
	{"initials apart", "Иванов И. И.", "Иванов", "И.", "И.", nil},
	{"initials no last dot", "Иванов И.И", "Иванов", "И.", "И.", nil},
	{"initials lower", "иванов и.и.", "Иванов", "И.", "И.", nil},
	{"one initial", "Иванов И.", "Иванов", "И.", "", nil},
	{"initials first", "И.И. Иванов", "Иванов", "И.", "И.", nil},
	{"initials first apart", "И. И. Иванов", "Иванов", "И.", "И.", nil},
	{"ogly", "Мамедов Эльдар Рашид оглы", "Мамедов", "Эльдар", "Рашид оглы", nil},
	{"ogly caps", "МАМЕДОВ ЭЛЬДАР РАШИД ОГЛЫ", "Мамедов", "Эльдар", "Рашид оглы", nil},
	{"kyzy", "Алиева Айгюн Рашид кызы", "Алиева", "Айгюн", "Рашид кызы", nil},
	{"ogly hyphen", "Мамедов Эльдар Рашид-оглы", "Мамедов", "Эльдар", "Рашид-оглы", nil},
	{"comma after last", "Иванов, Иван Иванович", "Иванов", "Иван", "Иванович", nil},
	{"latin", "Smith John", "Smith", "John", "", nil},
	{"latin caps", "SMITH JOHN", "Smith", "John", "", nil},
	{"latin comma", "Smith, John", "Smith", "John", "", nil},
	{"latin middle", "Smith John Paul", "Smith", "John", "Paul", nil},
	{"apostrophe", "о'нил шон", "О'Нил", "Шон", "", nil},
	{"four words", "Иванов Иван Иванович Младший", "Иванов", "Иван", "Иванович Младший", nil},
	{"ukrainian", "Шевченко Тарас Григорович", "Шевченко", "Тарас", "Григорович", nil},

	{"empty", "", "", "", "", nil},
	{"spaces", "   ", "", "", "", nil},
	{"one word", "Иванов", "", "", "", incompleteName},
	{"one word caps", "ИВАНОВ", "", "", "", incompleteName},
	{"one initial only", "И.", "", "", "", incompleteName},
	{"digit", "Иванов Иван 2", "", "", "", invalidName},
	{"email", "ivan@mail.ru", "", "", "", invalidName},
	{"mixed script", "Ивaнов Иван", "", "", "", mixedScript},
	{"brackets", "Иванов Иван (стажёр)", "", "", "", invalidName},
}

func TestSplitFullName(t *testing.T) {
	for _, tt := range fullNameTests {
		t.Run(tt.name, func(t *testing.T) {
			last, first, middle, issues := SplitFullName(tt.raw)
			if last != tt.last || first != tt.first || middle != tt.middle {
				t.Errorf("SplitFullName(%q) = %q %q %q, want %q %q %q", tt.raw, last, first, middle, tt.last, tt.first, tt.middle)
			}
			checkIssues(t, issues, tt.codes, "")
		})
	}
}

func TestSplitFullNameIncompleteKeepsWord(t *testing.T) {
	_, _, _, issues := SplitFullName("ИВАНОВ")
	if len(issues) != 1 || issues[0].Normalized != "Иванов" {
		t.Errorf("issues = %+v, want name_incomplete with Normalized Иванов", issues)
	}
}

func TestGenderFromPatronymic(t *testing.T) {
	tests := []struct {
		middle string
		want   Gender
	}{
		{"Иванович", Male},
		{"иванович", Male},
		{"ИВАНОВИЧ", Male},
		{"Ильич", Male},
		{"Кузьмич", Male},
		{"Сергеевич", Male},
		{"Ивановна", Female},
		{"Сергеевна", Female},
		{"Никитична", Female},
		{"Ильинична", Female},
		{"Кузьминична", Female},
		{"Фоминишна", Female},
		{"Саввишна", Female},
		{"Рашид оглы", Male},
		{"Рашид ОГЛЫ", Male},
		{"Рашид-оглы", Male},
		{"Рашид кызы", Female},
		{"Рашид-кызы", Female},
		{"Нурлан улы", Male},
		{" Иванович ", Male},
		{"И.", GenderUnknown},
		{"", GenderUnknown},
		{"Paul", GenderUnknown},
		{"Ivanovich", GenderUnknown},
		{"Рашид", GenderUnknown},
		{"вич", GenderUnknown},
	}
	for _, tt := range tests {
		if got := GenderFromPatronymic(tt.middle); got != tt.want {
			t.Errorf("GenderFromPatronymic(%q) = %v, want %v", tt.middle, got, tt.want)
		}
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, tt := range nameTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, issues := NormalizeName(raw)
		if HasErrors(issues) {
			if got != "" {
				t.Fatalf("NormalizeName(%q) = %q with errors", raw, got)
			}
			return
		}
		again, issues2 := NormalizeName(got)
		if again != got || len(issues2) != 0 {
			t.Fatalf("not idempotent: %q → %q → %q %v", raw, got, again, issues2)
		}
	})
}

func FuzzSplitFullName(f *testing.F) {
	for _, tt := range fullNameTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		last, first, middle, issues := SplitFullName(raw)
		if HasErrors(issues) || last == "" {
			return
		}
		joined := strings.TrimSpace(last + " " + first + " " + middle)
		l2, f2, m2, issues2 := SplitFullName(joined)
		if l2 != last || f2 != first || m2 != middle || HasErrors(issues2) {
			t.Fatalf("not idempotent: %q → %q|%q|%q → %q|%q|%q %v", raw, last, first, middle, l2, f2, m2, issues2)
		}
	})
}

func BenchmarkNormalizeName(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"neat", "Иванов"},
		{"caps", "ИВАНОВ"},
		{"messy", "  петров-водкин "},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NormalizeName(bc.in)
			}
		})
	}
}

func BenchmarkSplitFullName(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"neat", "Иванов Иван Иванович"},
		{"caps", "ИВАНОВ ИВАН ИВАНОВИЧ"},
		{"initials", "Иванов И.И."},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SplitFullName(bc.in)
			}
		})
	}
}

func BenchmarkGenderFromPatronymic(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		GenderFromPatronymic("Ивановна")
	}
}
