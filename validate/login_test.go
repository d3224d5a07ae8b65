package validate

import (
	"testing"
)

func TestTransliterate(t *testing.T) {
	tests := []struct {
		in         string
		icao, gost string
	}{
		{"Юлия Щеглова", "Iuliia Shcheglova", "Yuliya Shheglova"},
		{"Ёжиков Артём Юрьевич", "Ezhikov Artem Iurevich", "Yozhikov Artyom Yurevich"},
		{"Пьер Безухов", "Per Bezukhov", "Per Bezuxov"},
		{"Объедков", "Obieedkov", "Obedkov"},
		{"Хрущёв Никита", "Khrushchev Nikita", "Xrushhyov Nikita"},
		{"Римский-Корсаков", "Rimskii-Korsakov", "Rimskij-Korsakov"},
		{"Маяковский", "Maiakovskii", "Mayakovskij"},
		{"Цветаева", "Tsvetaeva", "Czvetaeva"},
		{"Царёв Цыбин Цицерон", "Tsarev Tsybin Tsitseron", "Czaryov Cybin Ciceron"},
		{"Эдуард Эмин", "Eduard Emin", "Eduard Emin"},
		{"Быков", "Bykov", "Bykov"},
		{"ЩУКИН", "SHCHUKIN", "SHHUKIN"},
		{"ЖУКОВ Ж.", "ZHUKOV Zh.", "ZHUKOV Zh."}, // a lone capital initial is title case
		{"Жанна", "Zhanna", "Zhanna"},
		{"Чайковский", "Chaikovskii", "Chajkovskij"},
		{"Шевченко Ігор", "Shevchenko Igor", "Shevchenko Igor"},
		{"Ivanov", "Ivanov", "Ivanov"},
		{"О'Нил", "O'Nil", "O'Nil"},
		{"", "", ""},
		{"123", "123", "123"},
	}
	for _, tt := range tests {
		if got := Transliterate(tt.in, ICAO); got != tt.icao {
			t.Errorf("Transliterate(%q, ICAO) = %q, want %q", tt.in, got, tt.icao)
		}
		if got := Transliterate(tt.in, GOST779B); got != tt.gost {
			t.Errorf("Transliterate(%q, GOST779B) = %q, want %q", tt.in, got, tt.gost)
		}
	}
}

var loginTests = []struct {
	name   string
	raw    string
	want   string
	codes  []Code
	detail string
}{
	{"plain", "ivanov", "ivanov", nil, ""},
	{"caps", "IVANOV", "ivanov", nil, ""},
	{"padded", "  ivanov.i ", "ivanov.i", nil, ""},
	{"dots dashes underscores", "ivan_petrov-1.x", "ivan_petrov-1.x", nil, ""},
	{"email as login", "Ivan.Petrov@Mail.RU", "ivan.petrov@mail.ru", nil, ""},
	{"digits", "user001", "user001", nil, ""},
	{"empty", "", "", nil, ""},
	{"spaces", "  ", "", nil, ""},
	{"cyrillic", "иванов", "", []Code{CodeLoginInvalid}, "ivanov"},
	{"cyrillic caps", "ИВАНОВ.И", "", []Code{CodeLoginInvalid}, "ivanov.i"},
	{"mixed", "ivanов", "", []Code{CodeLoginInvalid}, "ivanov"},
	{"space", "ivan petrov", "", []Code{CodeLoginInvalid}, "ivanpetrov"},
	{"bang", "ivan!", "", []Code{CodeLoginInvalid}, "ivan"},
	{"accent", "josé", "", []Code{CodeLoginInvalid}, "jose"},
	{"only junk", "!!!", "", []Code{CodeLoginInvalid}, ""},
}

func TestNormalizeLogin(t *testing.T) {
	for _, tt := range loginTests {
		t.Run(tt.name, func(t *testing.T) {
			got, issues := NormalizeLogin(tt.raw)
			if got != tt.want {
				t.Errorf("NormalizeLogin(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			checkIssues(t, issues, tt.codes, tt.detail)
			if tt.codes != nil && tt.detail == "" && issues[0].Detail != "" {
				t.Errorf("detail = %q, want none", issues[0].Detail)
			}
		})
	}
}

func TestLoginFromEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ivan.petrov@mail.ru", "ivan.petrov"},
		{"Ivan.Petrov@Mail.RU", "ivan.petrov"},
		{"ivan+hr@gmail.com", "ivan"},
		{"ivan_petrov-1@x.ru", "ivan_petrov-1"},
		{"o'neil@x.ru", "oneil"},
		{"иван@почта.рф", "ivan"},
		{"  ivan@x.ru ", "ivan"},
		{"ivan", "ivan"},
		{"+tag@x.ru", "tag"},
		{"", ""},
		{"@x.ru", ""},
	}
	for _, tt := range tests {
		if got := LoginFromEmail(tt.in); got != tt.want {
			t.Errorf("LoginFromEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLoginFromName(t *testing.T) {
	tests := []struct {
		last, first, middle string
		t                   Translit
		want                string
	}{
		{"Иванов", "Иван", "", ICAO, "ivanov.i"},
		{"Иванов", "Иван", "Иванович", ICAO, "ivanov.ii"},
		{"ИВАНОВ", "ИВАН", "", ICAO, "ivanov.i"},
		{"Петров-Водкин", "Кузьма", "", ICAO, "petrov-vodkin.k"},
		{"Щеглова", "Юлия", "", ICAO, "shcheglova.i"},
		{"Щеглова", "Юлия", "", GOST779B, "shheglova.y"},
		{"Ёжиков", "Артём", "Юрьевич", GOST779B, "yozhikov.ay"},
		{"Ёжиков", "Артём", "Юрьевич", ICAO, "ezhikov.ai"},
		{"Жуков", "Жанна", "", ICAO, "zhukov.z"},
		{"О'Нил", "Шон", "", ICAO, "onil.s"},
		{"де ла Круз", "Мария", "", ICAO, "delakruz.m"},
		{"Иванов", "И.", "И.", ICAO, "ivanov.ii"},
		{"Smith", "John", "", ICAO, "smith.j"},
		{"Müller", "Jörg", "", ICAO, "muller.j"},
		{"Иванов", "", "", ICAO, "ivanov"},
		{"", "Иван", "", ICAO, "ivan"},
		{"", "", "", ICAO, ""},
		{"Объедков", "Эдуард", "", ICAO, "obieedkov.e"},
	}
	for _, tt := range tests {
		if got := LoginFromName(tt.last, tt.first, tt.middle, tt.t); got != tt.want {
			t.Errorf("LoginFromName(%q, %q, %q, %v) = %q, want %q", tt.last, tt.first, tt.middle, tt.t, got, tt.want)
		}
	}
}

func FuzzNormalizeLogin(f *testing.F) {
	for _, tt := range loginTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, issues := NormalizeLogin(raw)
		if HasErrors(issues) {
			if got != "" {
				t.Fatalf("NormalizeLogin(%q) = %q with errors", raw, got)
			}
			// The hint, when there is one, must itself be a valid login.
			if hint := issues[0].Detail; hint != "" {
				if h, iss := NormalizeLogin(hint); h != hint || len(iss) != 0 {
					t.Fatalf("hint %q for %q is not a valid login", hint, raw)
				}
			}
			return
		}
		if again, issues2 := NormalizeLogin(got); again != got || len(issues2) != 0 {
			t.Fatalf("not idempotent: %q → %q → %q", raw, got, again)
		}
	})
}

func FuzzTransliterate(f *testing.F) {
	for _, s := range []string{"Юлия Щеглова", "Ёжиков Артём Юрьевич", "ЩУКИН", "Цицерон", "Ivanov", "О'Нил"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tr := range []Translit{ICAO, GOST779B} {
			out := Transliterate(s, tr)
			for _, r := range out {
				if scriptOf(r) == cyrillic {
					if _, known := icaoTable[r]; known {
						t.Fatalf("Transliterate(%q, %v) = %q keeps %q", s, tr, out, r)
					}
				}
			}
			// Latin output has nothing left to transliterate.
			if again := Transliterate(out, tr); again != out {
				t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
			}
		}
		login := LoginFromName(s, s, "", ICAO)
		if l, iss := NormalizeLogin(login); l != login || len(iss) != 0 {
			t.Fatalf("LoginFromName(%q) = %q, not a valid login", s, login)
		}
	})
}

func BenchmarkTransliterate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Transliterate("Щеглова Юлия Александровна", ICAO)
	}
}

func BenchmarkNormalizeLogin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NormalizeLogin(" Ivanov.I ")
	}
}

func BenchmarkLoginFromName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		LoginFromName("Петров-Водкин", "Кузьма", "Сергеевич", ICAO)
	}
}
