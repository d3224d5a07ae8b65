package source

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The reader renders a number cell by its format's kind (cellStyle): a date as
// dd.mm.yyyy, whatever format the person chose (built-in 14 would otherwise be
// US-style); a zero padding ("000000") padded, because the padded value is what the
// person sees and means (a personnel number 000123); anything else as the stored
// value, since "#,##0.00" would turn 1234567.891 into "1,234,567.89" and "0" would
// round. These follow what excelize's formatter gives for the same formats, except
// where it is wrong (see formatDate).

// normalizeNumber is how a stored number reads before formatting, as in excelize:
// written out in full ("1.5E3" is 1500, "007" is 7), except that a value with more
// than 15 significant digits is rounded to 15 in E notation, which plainNumber then
// writes out again.
func normalizeNumber(v string) string {
	if isPlainInt(v) {
		return v
	}
	if strings.IndexByte(v, '_') >= 0 {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	full := strconv.FormatFloat(f, 'f', -1, 64)
	if prec := len(full) - strings.Count(full, "."); prec > 15 && !isNumWithinPrecision(v) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return full
}

// isPlainInt reports whether v is an integer of at most 15 digits without leading
// zeros, which normalizeNumber leaves as it is: the common case, checked without
// parsing.
func isPlainInt(v string) bool {
	if len(v) == 0 || len(v) > 15 || (v[0] == '0' && len(v) > 1) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// isNumWithinPrecision reports whether v is an integer written with at most 15
// significant digits and zeros after them, as Excel stores a long number it has
// already rounded.
func isNumWithinPrecision(v string) bool {
	if strings.ContainsAny(v, ".Ee") {
		return false
	}
	v = strings.TrimLeft(v, "+-0")
	return len(strings.TrimRight(v, "0")) <= 15
}

// maxDateSerial bounds the serials shown as dates: 10,000,000 days is past the year
// 29000. Excel itself shows nothing past 9999 (serial 2958465); a larger value is
// left as the number, rather than overflowing the date arithmetic.
const maxDateSerial = 1e7

var (
	epoch1900 = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// formatDate shows a date serial as dd.mm.yyyy in the workbook's date system; a
// value that is not a number, is negative or is too large stays as it is.
//
// In the 1900 system, serials 1-59 are 1 January to 28 February 1900 and 60 is the
// 29 February 1900 that Excel invented for Lotus compatibility; 0 shows as
// 00.01.1900, as Excel shows it. The time of day is rounded to the second, as
// excelize does, so 23:59:59.6 is the next day. In the 1904 system serial 0 is
// 1 January 1904 and there is no invented day: excelize applies the 1900 rules to
// small 1904 serials too (it reads serial 1 as 03.01.1900), which this does not.
func formatDate(v string, date1904 bool) string {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || n < 0 || n >= maxDateSerial || strings.IndexByte(v, '_') >= 0 {
		return v
	}
	whole := int(n)
	var t time.Time
	switch {
	case date1904:
		t = serialTime(epoch1904, whole, n)
	case whole == 0:
		return "00.01.1900"
	case whole < 60:
		t = time.Date(1899, time.December, 31+whole, 0, 0, 0, 0, time.UTC)
	case whole == 60:
		return "29.02.1900"
	default:
		t = serialTime(epoch1900, whole, n)
	}
	y, m, d := t.Date()
	b := make([]byte, 0, 10)
	b = append(b, byte('0'+d/10), byte('0'+d%10), '.', byte('0'+int(m)/10), byte('0'+int(m)%10), '.')
	return string(strconv.AppendInt(b, int64(y), 10))
}

// serialTime is excelize's conversion of a serial past February 1900: whole days
// from the epoch, plus the fraction of a day, rounded to the second when more than
// half a second (in whole milliseconds) is left over.
func serialTime(epoch time.Time, whole int, n float64) time.Time {
	const nanosInADay = float64(24 * time.Hour)
	frac := n - float64(whole) + 1e-9
	t := epoch.AddDate(0, 0, whole).Add(time.Duration(nanosInADay * frac))
	if t.Nanosecond()/1e6 > 500 {
		return t.Round(time.Second)
	}
	return t.Truncate(time.Second)
}

// formatPad shows a number padded with zeros to digits digits, rounded half away
// from zero ("12.5" is 000013), as a "000000" format shows it; a longer number
// keeps all its digits, and a value that is not a number stays as it is.
func formatPad(v string, digits int) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.IndexByte(v, '_') >= 0 {
		return v
	}
	// The shortest form, as excelize writes it: 9.33153020367333E+17 pads to
	// 933153020367333000, not to the float's exact 933153020367332992.
	s := strconv.FormatFloat(math.Round(math.Abs(f)), 'f', -1, 64)
	b := make([]byte, 0, max(digits, len(s))+1)
	if f < 0 {
		b = append(b, '-')
	}
	for i := len(s); i < digits; i++ {
		b = append(b, '0')
	}
	return string(append(b, s...))
}

// isoDateSerial turns the ISO 8601 value of a cell of type "d" into a date serial
// (1900 system, as excelize does), or returns v as it is when it does not parse.
func isoDateSerial(v string) string {
	layout := "20060102T150405.999"
	if strings.HasSuffix(v, "Z") {
		layout = "20060102T150405Z"
		if strings.Contains(v, "-") {
			layout = "2006-01-02T15:04:05Z"
		}
	} else if strings.Contains(v, "-") {
		layout = "2006-01-02 15:04:05Z"
	}
	t, err := time.Parse(layout, strings.ReplaceAll(v, ",", "."))
	if err != nil {
		return v
	}
	days := float64(t.Sub(epoch1900)) / float64(24*time.Hour)
	if t.Before(time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC)) {
		days-- // before Excel's invented 29 February 1900
	}
	return strconv.FormatFloat(days, 'G', 15, 64)
}

// isBuiltInDate reports whether a built-in number format id is a date: 14-17 and
// 22 in every locale, 27-31, 36 and 50-58 in the East Asian ones. The time-only
// formats (18-21, 45-47, 32-35) are not dates: a duration or a clock time has no
// day, and the stored fraction is kept.
func isBuiltInDate(id int) bool {
	switch {
	case 14 <= id && id <= 17, id == 22, 27 <= id && id <= 31, id == 36, 50 <= id && id <= 58:
		return true
	}
	return false
}

// isDateFormat reports whether a custom number format shows a date: it has a day
// or year token (d, y) outside quoted text,
// escaped characters and [brackets] (colours, locales, elapsed time). A month "m"
// alone is not enough, since "m" also means minutes in "h:mm".
func isDateFormat(code string) bool {
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		case c == 'd' || c == 'D' || c == 'y' || c == 'Y':
			return true
		}
	}
	return false
}

// isZeroPadding reports whether a format only pads integers with zeros ("000000").
func isZeroPadding(code string) bool {
	return len(code) > 1 && strings.Trim(code, "0") == ""
}

// plainNumber undoes the one change excelize makes to stored numbers: a value with
// more than 15 significant digits comes out in E notation (1.23456789012346E+17).
// It is written out in full instead; Excel keeps only 15 significant digits, so
// the digits after the 15th are zeros, exactly as Excel shows the number with a
// Number format.
//
// Only exponents of 15 and more are expanded: excelize produces nothing smaller,
// and a text cell such as "1E+5" stays as typed.
func plainNumber(s string) string {
	i := strings.IndexByte(s, 'E')
	if i <= 0 || len(s)-i != 4 || s[i+1] != '+' || s[i+2] < '1' || s[i+2] > '9' {
		return s
	}
	if exp, err := strconv.Atoi(s[i+2:]); err != nil || exp < 15 {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
