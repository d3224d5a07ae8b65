package source

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// renderDatesAsDates rewrites the workbook's cell formats in memory (the file is
// never saved) so that excelize's formatted row values are what the importer
// needs: every date format becomes dd.mm.yyyy, whatever the user chose (built-in
// 14 is otherwise rendered US-style), and every other format is replaced by an
// id that excelize does not know, which makes it return the stored value as is:
// "#,##0.00" would turn 1234567.891 into "1,234,567.89" and "0" would round. Only
// zero-padding formats like "000000" are kept, because the padded value is what
// the person sees and means (a personnel number 000123).
//
// This is how a streaming read tells dates from numbers: the Rows iterator does not
// expose each cell's style, but it does format each cell through the style table.
// excelize reads the 1904 date system from the workbook itself when formatting.
func renderDatesAsDates(f *excelize.File) error {
	code := dateFormat
	sid, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		return err
	}
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil || sid >= len(ss.CellXfs.Xf) || ss.CellXfs.Xf[sid].NumFmtID == nil || ss.NumFmts == nil {
		return nil
	}
	dateID := *ss.CellXfs.Xf[sid].NumFmtID
	custom := map[int]string{}
	rawID := 164 // custom format ids start at 164
	for _, nf := range ss.NumFmts.NumFmt {
		if nf == nil {
			continue
		}
		c := nf.FormatCode
		if nf.FormatCode16 != "" {
			c = nf.FormatCode16
		}
		custom[nf.NumFmtID] = c
		rawID = max(rawID, nf.NumFmtID+1)
	}
	for i := range ss.CellXfs.Xf {
		xf := &ss.CellXfs.Xf[i]
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		c, isCustom := custom[id]
		switch {
		case isCustom && isDateFormat(c), !isCustom && isBuiltInDate(id):
			xf.NumFmtID = &dateID
		case isCustom && isZeroPadding(c):
		default:
			xf.NumFmtID = &rawID
		}
	}
	return nil
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
