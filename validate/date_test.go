package validate

import (
	"strconv"
	"testing"
	"time"
)

// testYear stands in for the current year, so two-digit years read the same every year.
const testYear = 2026

var (
	invalidDate   = []Code{CodeDateInvalid}
	ambiguousDate = []Code{CodeDateAmbiguous}
	guessedYear   = []Code{CodeDateYearGuessed}
)

func ymd(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

var dateTests = []struct {
	name   string
	raw    string
	want   Date
	codes  []Code
	detail string
}{
	// Day first with dots, the Russian way.
	{"dmy", "26.07.1988", ymd(1988, 7, 26), nil, ""},
	{"dmy padded", " 26.07.1988 ", ymd(1988, 7, 26), nil, ""},
	{"dmy short parts", "6.7.1988", ymd(1988, 7, 6), nil, ""},
	{"dmy day short", "6.07.1988", ymd(1988, 7, 6), nil, ""},
	{"dmy trailing dot", "26.07.1988.", ymd(1988, 7, 26), nil, ""},
	{"dmy year word", "26.07.1988 г.", ymd(1988, 7, 26), nil, ""},
	{"dmy year word glued", "26.07.1988г.", ymd(1988, 7, 26), nil, ""},
	{"dmy year word short", "26.07.1988 г", ymd(1988, 7, 26), nil, ""},
	{"year word alone", "г.", Date{}, invalidDate, ""},
	{"dmy leap day", "29.02.2000", ymd(2000, 2, 29), nil, ""},
	{"dmy first", "01.01.1901", ymd(1901, 1, 1), nil, ""},
	{"dmy spaces", "26. 07. 1988", ymd(1988, 7, 26), nil, ""},
	{"dmy dashes", "26-07-1988", ymd(1988, 7, 26), nil, ""},
	{"dmy dashes short", "6-7-1988", ymd(1988, 7, 6), nil, ""},
	{"dmy spaces only", "26 07 1988", ymd(1988, 7, 26), nil, ""},

	// Two-digit years: read, but never silently.
	{"yy old", "26.07.88", ymd(1988, 7, 26), guessedYear, "26.07.1988"},
	{"yy short", "6.7.88", ymd(1988, 7, 6), guessedYear, "06.07.1988"},
	{"yy recent", "01.09.15", ymd(2015, 9, 1), guessedYear, "01.09.2015"},
	{"yy this year", "01.01.26", ymd(2026, 1, 1), guessedYear, "01.01.2026"},
	{"yy next year is last century", "01.01.27", ymd(1927, 1, 1), guessedYear, "01.01.1927"},
	{"yy zero", "01.01.00", ymd(2000, 1, 1), guessedYear, "01.01.2000"},
	{"yy month name", "26 июля 88", ymd(1988, 7, 26), guessedYear, "26.07.1988"},

	// ISO.
	{"iso", "1988-07-26", ymd(1988, 7, 26), nil, ""},
	{"iso short parts", "1988-7-6", ymd(1988, 7, 6), nil, ""},
	{"iso dots", "1988.07.26", ymd(1988, 7, 26), nil, ""},
	{"iso slashes", "1988/07/26", ymd(1988, 7, 26), nil, ""},
	{"iso timestamp", "1988-07-26T00:00:00", ymd(1988, 7, 26), nil, ""},
	{"iso timestamp z", "1988-07-26T00:00:00Z", ymd(1988, 7, 26), nil, ""},
	{"iso timestamp offset", "1988-07-26T00:00:00+03:00", ymd(1988, 7, 26), nil, ""},
	{"iso timestamp millis", "1988-07-26T00:00:00.000", ymd(1988, 7, 26), nil, ""},
	{"iso space time", "1988-07-26 00:00:00", ymd(1988, 7, 26), nil, ""},
	{"dmy time", "26.07.1988 0:00:00", ymd(1988, 7, 26), nil, ""},
	{"dmy time short", "26.07.1988 0:00", ymd(1988, 7, 26), nil, ""},
	{"us time", "7/26/1988 12:00:00 AM", ymd(1988, 7, 26), nil, ""},

	// Slashes: day/month or month/day.
	{"slash day first", "26/07/1988", ymd(1988, 7, 26), nil, ""},
	{"slash month first", "07/26/1988", ymd(1988, 7, 26), nil, ""},
	{"slash same", "05/05/1990", ymd(1990, 5, 5), nil, ""},
	{"slash ambiguous", "03/04/1990", Date{}, ambiguousDate, "03.04.1990, 04.03.1990"},
	{"slash ambiguous short", "3/4/1990", Date{}, ambiguousDate, "03.04.1990, 04.03.1990"},
	{"slash ambiguous yy", "03/04/90", Date{}, ambiguousDate, "03.04.1990, 04.03.1990"},
	{"slash yy day first", "13/04/90", ymd(1990, 4, 13), guessedYear, "13.04.1990"},
	{"slash impossible", "31/31/1990", Date{}, invalidDate, ""},
	{"slash feb 30", "02/30/1990", Date{}, invalidDate, ""},

	// Excel serial numbers.
	{"serial", "32350", ymd(1988, 7, 26), nil, ""},
	{"serial 32345", "32345", ymd(1988, 7, 21), nil, ""},
	{"serial with time", "32350.5", ymd(1988, 7, 26), nil, ""},
	{"serial with zero time", "32350.0", ymd(1988, 7, 26), nil, ""},
	{"serial recent", "45000", ymd(2023, 3, 15), nil, ""},
	{"serial first", "367", ymd(1901, 1, 1), nil, ""},
	{"serial last", "73050", ymd(2099, 12, 31), nil, ""},
	{"serial 2100", "73051", Date{}, invalidDate, ""},
	{"serial 1900", "366", Date{}, invalidDate, ""},
	{"serial false leap day", "60", Date{}, invalidDate, ""},
	{"serial one", "1", Date{}, invalidDate, ""},
	{"serial zero", "0", Date{}, invalidDate, ""},
	{"serial max", "2958465", Date{}, invalidDate, ""},
	{"serial beyond", "2958466", Date{}, invalidDate, ""},
	{"serial huge", "99999999999999999999", Date{}, invalidDate, ""},
	{"year alone", "1988", Date{}, invalidDate, ""},
	{"year alone 2001", "2001", Date{}, invalidDate, ""},
	{"yyyymmdd", "19880726", Date{}, invalidDate, ""},

	// Month names.
	{"ru genitive", "26 июля 1988", ymd(1988, 7, 26), nil, ""},
	{"ru nominative", "26 июль 1988", ymd(1988, 7, 26), nil, ""},
	{"ru caps", "26 ИЮЛЯ 1988", ymd(1988, 7, 26), nil, ""},
	{"ru title", "1 Января 2000", ymd(2000, 1, 1), nil, ""},
	{"ru year word", "26 июля 1988 г.", ymd(1988, 7, 26), nil, ""},
	{"ru year word full", "26 июля 1988 года", ymd(1988, 7, 26), nil, ""},
	{"ru abbreviation", "26 июл. 1988", ymd(1988, 7, 26), nil, ""},
	{"ru may", "9 мая 1945", ymd(1945, 5, 9), nil, ""},
	{"ru march", "8 марта 1990", ymd(1990, 3, 8), nil, ""},
	{"ru september short", "1 сент. 2015", ymd(2015, 9, 1), nil, ""},
	{"ru december", "31 декабря 1999", ymd(1999, 12, 31), nil, ""},
	{"ru february", "29 февраля 1996", ymd(1996, 2, 29), nil, ""},
	{"ru dashes", "26-июл-1988", ymd(1988, 7, 26), nil, ""},
	{"en short", "26 Jul 1988", ymd(1988, 7, 26), nil, ""},
	{"en long", "26 July 1988", ymd(1988, 7, 26), nil, ""},
	{"en month first", "July 26, 1988", ymd(1988, 7, 26), nil, ""},
	{"en month first short", "Jul 26 1988", ymd(1988, 7, 26), nil, ""},
	{"en dashes", "26-Jul-1988", ymd(1988, 7, 26), nil, ""},
	{"en sept", "1 Sept 2015", ymd(2015, 9, 1), nil, ""},
	{"en caps", "26 JUL 1988", ymd(1988, 7, 26), nil, ""},

	// Impossible or not dates.
	{"feb 31", "31.02.1990", Date{}, invalidDate, ""},
	{"feb 29 no leap", "29.02.1990", Date{}, invalidDate, ""},
	{"feb 29 1900", "29.02.1900", Date{}, invalidDate, ""},
	{"apr 31", "31.04.1990", Date{}, invalidDate, ""},
	{"month 13", "01.13.1990", Date{}, invalidDate, ""},
	{"month 0", "01.00.1990", Date{}, invalidDate, ""},
	{"day 0", "00.01.1990", Date{}, invalidDate, ""},
	{"day 32", "32.01.1990", Date{}, invalidDate, ""},
	{"year 3 digits", "26.07.988", Date{}, invalidDate, ""},
	{"year 0000", "26.07.0000", Date{}, invalidDate, ""},
	{"no year", "26.07", Date{}, invalidDate, ""},
	{"no year name", "26 июля", Date{}, invalidDate, ""},
	{"month year", "июль 1988", Date{}, invalidDate, ""},
	{"unknown month", "26 июлия 1988", Date{}, invalidDate, ""},
	{"three digit day", "260.07.1988", Date{}, invalidDate, ""},
	{"three digit month", "26.007.1988", Date{}, invalidDate, ""},
	{"text", "не помню", Date{}, invalidDate, ""},
	{"dash", "-", Date{}, invalidDate, ""},
	{"too many parts", "26.07.1988.12", Date{}, invalidDate, ""},
	{"time only", "0:00:00", Date{}, invalidDate, ""},
	{"phone", "8 (912) 345-67-89", Date{}, invalidDate, ""},
	{"negative", "-32350", Date{}, invalidDate, ""},

	{"empty", "", Date{}, nil, ""},
	{"spaces", "   ", Date{}, nil, ""},
}

func TestParseDate(t *testing.T) {
	for _, tt := range dateTests {
		t.Run(tt.name, func(t *testing.T) {
			got, issues := parseDate(tt.raw, testYear)
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.raw, got.ISO(), tt.want.ISO())
			}
			checkIssues(t, issues, tt.codes, tt.detail)
		})
	}
}

func TestParseDateUsesClock(t *testing.T) {
	yy := time.Now().Year() % 100
	d, issues := ParseDate("01.01." + time.Now().Format("06"))
	if d.Year%100 != yy || len(issues) != 1 || issues[0].Code != CodeDateYearGuessed {
		t.Errorf("ParseDate with this year's two digits = %v %v", d, issues)
	}
}

func TestExcelSerialBounds(t *testing.T) {
	for n := excelMinAccept; n <= excelMaxAccept; n += 97 {
		d, ok, handled := parseSerial(strconv.Itoa(n))
		if n >= yearAloneMin && n <= yearAloneMax {
			continue
		}
		if !handled || !ok || d.Year < 1901 || d.Year > 2099 {
			t.Fatalf("serial %d = %v %v %v", n, d, ok, handled)
		}
	}
}

func TestCheckBirthDate(t *testing.T) {
	today := ymd(2026, 11, 26)
	implausible := []Code{CodeDateImplausible}
	tests := []struct {
		name   string
		d      Date
		codes  []Code
		detail string
	}{
		{"adult", ymd(1988, 7, 26), nil, ""},
		{"zero", Date{}, nil, ""},
		{"future", ymd(2027, 1, 1), implausible, "after 26.11.2026"},
		{"tomorrow", ymd(2026, 11, 27), implausible, "after 26.11.2026"},
		{"born today", ymd(2026, 11, 26), implausible, "age 0"},
		{"thirteen", ymd(2013, 1, 1), implausible, "age 13"},
		{"fourteen tomorrow", ymd(2012, 11, 27), implausible, "age 13"},
		{"fourteen today", ymd(2012, 11, 26), nil, ""},
		{"hundred", ymd(1926, 11, 26), nil, ""},
		{"hundred and one", ymd(1925, 11, 26), implausible, "age 101"},
		{"excel 1905 from a year", ymd(1905, 6, 10), implausible, "age 121"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkIssues(t, CheckBirthDate(tt.d, today), tt.codes, tt.detail)
		})
	}
}

func FuzzParseDate(f *testing.F) {
	for _, tt := range dateTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, issues := parseDate(raw, testYear)
		if HasErrors(issues) {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v with errors", raw, d)
			}
			return
		}
		if d.IsZero() {
			return
		}
		for _, s := range []string{d.DMY(), d.ISO()} {
			again, issues2 := parseDate(s, testYear)
			if again != d || len(issues2) != 0 {
				t.Fatalf("not idempotent: %q → %v → %q → %v %v", raw, d, s, again, issues2)
			}
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"dmy", "26.07.1988"},
		{"iso", "1988-07-26"},
		{"serial", "32350"},
		{"timestamp", "1988-07-26T00:00:00"},
		{"month name", "26 июля 1988"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseDate(bc.in)
			}
		})
	}
}

// TestDaysInAgreesWithTime checks makeDate's day count against package time for every
// day number of every month of years 1-2500 and a few later ones, and the field
// comparison of after against time.Time.After on real and unreal dates.
func TestDaysInAgreesWithTime(t *testing.T) {
	years := []int{9996, 9999}
	for y := 1; y <= 2500; y++ {
		years = append(years, y)
	}
	for _, y := range years {
		for m := time.January; m <= time.December; m++ {
			for d := 1; d <= 31; d++ {
				_, ok := makeDate(y, m, d)
				if want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Day() == d; ok != want {
					t.Fatalf("makeDate(%d, %d, %d) ok = %v, want %v", y, m, d, ok, want)
				}
			}
		}
	}
	dates := []Date{
		{}, {Year: 1988, Month: 7, Day: 26}, {Year: 1988, Month: 7, Day: 27}, {Year: 1988, Month: 8, Day: 1},
		{Year: 1989, Month: 1, Day: 1}, {Year: 2000, Month: 2, Day: 29}, {Year: 2000, Month: 3, Day: 1},
		{Year: 2001, Month: 2, Day: 29}, {Year: 2001, Month: 3, Day: 0}, {Year: 2026, Month: 13, Day: 1},
		{Year: 2026, Month: 11, Day: 31}, {Year: 2026, Month: 12, Day: 1}, {Year: -5, Month: 1, Day: 1},
		{Year: 10000, Month: 1, Day: 1}, {Year: 1, Month: 1, Day: 1},
	}
	for _, a := range dates {
		for _, b := range dates {
			if got, want := after(a, b), a.Time().After(b.Time()); got != want {
				t.Errorf("after(%v, %v) = %v, want %v", a, b, got, want)
			}
		}
	}
}
