package validate

import (
	"strconv"
	"strings"
	"time"
)

// Excel's 1900 date system: serial 1 is 1900-01-01 and, because Excel keeps Lotus 1-2-3's
// false 1900-02-29 (serial 60), every serial from 61 on is a day count from 1899-12-30.
// Only 1901-2099 is taken as a date, which also keeps clear of the false leap day.
const (
	excelMaxSerial  = 2958465 // 9999-12-31, the last date Excel has
	excelMinAccept  = 367     // 1901-01-01
	excelMaxAccept  = 73050   // 2099-12-31 (73051 is already 2100-01-01)
	yearAloneMin    = 1900    // a whole number 1900..2099 is read as a year typed alone,
	yearAloneMax    = 2099    // not as a day in 1905-1910, and refused
	maxPlausibleAge = 100
	minPlausibleAge = 14
)

// excelEpoch is day 0 of the 1900 system for serials after the false leap day.
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// ParseDate reads a date the ways Russian HR exports write them: `26.07.1988`,
// `6.7.1988`, `1988-07-26`, `26-07-1988`, `26/07/1988`, an Excel serial number (`32350`),
// a timestamp whose time is dropped (`1988-07-26T00:00:00`, `26.07.1988 0:00:00`), and
// month names in Russian (nominative and genitive, `26 июля 1988`, `26 июль 1988 г.`) or
// English (`26 Jul 1988`, `July 26, 1988`).
//
// Nothing is guessed silently. A two-digit year is read as 20YY when YY is not after the
// current year and as 19YY otherwise, with a CodeDateYearGuessed warning that holds the
// reading. A slashed date whose first two numbers are both 12 or less and differ could
// be day/month or month/day: CodeDateAmbiguous, with both readings in Detail. Impossible
// dates (`31.02.1990`), serials outside 1901-2099 and a year typed alone (`1988`) are
// CodeDateInvalid. On an error the returned Date is zero.
//
// ParseDate reads the clock only for the two-digit year; it is safe for concurrent use.
func ParseDate(raw string) (Date, []Issue) {
	return parseDate(raw, 0)
}

// parseDate is ParseDate with the current year given, so tests do not depend on the
// clock; 0 reads the clock, only when a two-digit year needs it: reading it for every
// cell showed in the profile.
func parseDate(raw string, thisYear int) (Date, []Issue) {
	s := trimSpace(raw)
	if s == "" {
		return Date{}, nil
	}
	s = trimYearWord(dropTime(s))
	if d, ok, handled := parseSerial(s); handled {
		if !ok {
			return Date{}, one(CodeDateInvalid, Error, "", "")
		}
		return d, nil
	}
	var tok [4]string
	n, slash := tokenizeDate(s, &tok)
	if n != 3 {
		return Date{}, one(CodeDateInvalid, Error, "", "")
	}
	t0, t1, t2 := tok[0], tok[1], tok[2]
	var day, month, year string
	var m time.Month
	switch {
	case allDigits(t0) && allDigits(t1) && allDigits(t2):
		if len(t0) == 4 {
			year, month, day = t0, t1, t2
			break
		}
		day, month, year = t0, t1, t2
		if slash {
			return slashDate(t0, t1, t2, thisYear)
		}
	case allDigits(t0) && allDigits(t2):
		if m = monthByName(t1); m == 0 {
			return Date{}, one(CodeDateInvalid, Error, "", "")
		}
		day, year = t0, t2
	case allDigits(t1) && allDigits(t2):
		if m = monthByName(t0); m == 0 {
			return Date{}, one(CodeDateInvalid, Error, "", "")
		}
		day, year = t1, t2
	default:
		return Date{}, one(CodeDateInvalid, Error, "", "")
	}
	if m == 0 {
		if len(month) > 2 {
			return Date{}, one(CodeDateInvalid, Error, "", "")
		}
		mm, _ := strconv.Atoi(month)
		m = time.Month(mm)
	}
	return finishDate(day, m, year, thisYear)
}

// finishDate checks the parts and builds the date, warning about a two-digit year.
func finishDate(day string, m time.Month, year string, thisYear int) (Date, []Issue) {
	if len(day) > 2 || (len(year) != 2 && len(year) != 4) {
		return Date{}, one(CodeDateInvalid, Error, "", "")
	}
	dd, _ := strconv.Atoi(day)
	yy, _ := strconv.Atoi(year)
	guessed := len(year) == 2
	if guessed {
		if thisYear == 0 {
			thisYear = time.Now().Year()
		}
		yy = expandYear(yy, thisYear)
	}
	d, ok := makeDate(yy, m, dd)
	if !ok {
		return Date{}, one(CodeDateInvalid, Error, "", "")
	}
	if guessed {
		return d, one(CodeDateYearGuessed, Warning, d.DMY(), d.DMY())
	}
	return d, nil
}

// expandYear reads a two-digit year: not after this year's two digits is this century,
// otherwise the last one.
func expandYear(yy, thisYear int) int {
	century := thisYear / 100 * 100
	if yy <= thisYear%100 {
		return century + yy
	}
	return century - 100 + yy
}

// slashDate reads a/b/year, which Russian files write day first and American ones month
// first. When both readings are real and different dates it refuses to pick one.
func slashDate(a, b, year string, thisYear int) (Date, []Issue) {
	if len(a) > 2 || len(b) > 2 {
		return Date{}, one(CodeDateInvalid, Error, "", "")
	}
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	switch {
	case x == y || y > 12:
		return finishDate(b, time.Month(x), year, thisYear) // month/day, or both the same
	case x > 12:
		return finishDate(a, time.Month(y), year, thisYear) // day/month
	}
	dm, issues := finishDate(a, time.Month(y), year, thisYear)
	if HasErrors(issues) {
		return Date{}, issues
	}
	md, _ := finishDate(b, time.Month(x), year, thisYear)
	return Date{}, one(CodeDateAmbiguous, Error, dm.DMY()+", "+md.DMY(), "")
}

// makeDate builds a date, refusing a day the month does not have.
func makeDate(y int, m time.Month, d int) (Date, bool) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return Date{}, false
	}
	if d > daysIn(m, y) {
		return Date{}, false
	}
	return Date{Year: y, Month: m, Day: d}, true
}

// daysIn is the number of days in month m of year y of the (proleptic) Gregorian
// calendar that package time uses; counting them is cheaper than asking time.Date
// whether the day rolled over, which every date cell used to do.
func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// isCalendarDate reports whether d is a real date of years 1-9999, one time.Date
// would not move.
func isCalendarDate(d Date) bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(d.Month, d.Year)
}

// after reports whether a is later than b, as a.Time().After(b.Time()) does, comparing
// the fields when both are real dates instead of building two times.
func after(a, b Date) bool {
	if !isCalendarDate(a) || !isCalendarDate(b) {
		return a.Time().After(b.Time())
	}
	if a.Year != b.Year {
		return a.Year > b.Year
	}
	if a.Month != b.Month {
		return a.Month > b.Month
	}
	return a.Day > b.Day
}

// parseSerial reads an Excel serial (a whole number, or one with a time fraction).
// handled is false when s is not a number at all.
func parseSerial(s string) (d Date, ok, handled bool) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(whole) || (hasDot && !allDigits(frac)) {
		return Date{}, false, false
	}
	if len(whole) > 7 {
		return Date{}, false, true
	}
	n, _ := strconv.Atoi(whole)
	if n < 1 || n > excelMaxSerial {
		return Date{}, false, true
	}
	if n < excelMinAccept || n > excelMaxAccept || (n >= yearAloneMin && n <= yearAloneMax && !hasDot) {
		return Date{}, false, true
	}
	t := excelEpoch.AddDate(0, 0, n)
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, true, true
}

// dropTime removes a time of day: `1988-07-26T00:00:00Z` → `1988-07-26`,
// `26.07.1988 0:00:00` → `26.07.1988`, `7/26/1988 12:00 AM` → `7/26/1988`.
func dropTime(s string) string {
	if len(s) > 10 && (s[10] == 'T' || s[10] == 't') && strings.IndexByte(s[10:], ':') > 0 {
		return s[:10]
	}
	c := strings.IndexByte(s, ':')
	if c < 0 {
		return s
	}
	sp := strings.LastIndexByte(s[:c], ' ')
	if sp < 0 {
		return s
	}
	return strings.TrimSpace(s[:sp])
}

// tokenizeDate splits s on runs of separators (space . - / ,) into at most len(tok)
// tokens and reports whether a slash was among the separators. It returns len(tok)+1
// when there are too many tokens.
func tokenizeDate(s string, tok *[4]string) (n int, slash bool) {
	start := -1
	for i := 0; i <= len(s); i++ {
		sep := i == len(s)
		if !sep {
			switch s[i] {
			case ' ', '.', '-', '/', ',', '\t':
				sep = true
				if s[i] == '/' {
					slash = true
				}
			}
		}
		if !sep {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if n == len(tok) {
				return n + 1, slash
			}
			tok[n] = s[start:i]
			n++
			start = -1
		}
	}
	return n, slash
}

// trimYearWord drops the Russian "year" after the year: `1988 г.`, `1988г`, `1988 года`.
func trimYearWord(s string) string {
	t := strings.TrimRight(s, ". ")
	for _, w := range []string{"года", "год", "г"} {
		if len(t) > len(w) && strings.EqualFold(t[len(t)-len(w):], w) {
			rest := strings.TrimRight(t[:len(t)-len(w)], " ")
			if rest != "" && rest[len(rest)-1] >= '0' && rest[len(rest)-1] <= '9' {
				return rest
			}
		}
	}
	return s
}

// monthNames maps month names and abbreviations, Russian (nominative and genitive) and
// English, lower case, to months.
var monthNames = map[string]time.Month{}

func init() {
	for m, names := range [12][]string{
		{"январь", "января", "янв", "january", "jan"},
		{"февраль", "февраля", "фев", "февр", "february", "feb"},
		{"март", "марта", "мар", "march", "mar"},
		{"апрель", "апреля", "апр", "april", "apr"},
		{"май", "мая", "may"},
		{"июнь", "июня", "июн", "june", "jun"},
		{"июль", "июля", "июл", "july", "jul"},
		{"август", "августа", "авг", "august", "aug"},
		{"сентябрь", "сентября", "сен", "сент", "september", "sep", "sept"},
		{"октябрь", "октября", "окт", "october", "oct"},
		{"ноябрь", "ноября", "ноя", "нояб", "november", "nov"},
		{"декабрь", "декабря", "дек", "december", "dec"},
	} {
		for _, n := range names {
			monthNames[n] = time.Month(m + 1)
		}
	}
}

// monthByName returns the month a name stands for, or 0.
func monthByName(s string) time.Month {
	if m, ok := monthNames[s]; ok {
		return m
	}
	return monthNames[strings.ToLower(s)]
}

// CheckBirthDate warns (CodeDateImplausible) about a birth date after today or an age
// under 14 or over 100 on today. Detail is "after DD.MM.YYYY" for a future date and
// "age N" otherwise. A zero date gives no issue. It is safe for concurrent use.
func CheckBirthDate(d Date, today Date) []Issue {
	if d.IsZero() || today.IsZero() {
		return nil
	}
	if after(d, today) {
		return one(CodeDateImplausible, Warning, "after "+today.DMY(), d.DMY())
	}
	age := today.Year - d.Year
	if today.Month < d.Month || (today.Month == d.Month && today.Day < d.Day) {
		age--
	}
	if age < minPlausibleAge || age > maxPlausibleAge {
		return one(CodeDateImplausible, Warning, "age "+strconv.Itoa(age), d.DMY())
	}
	return nil
}
