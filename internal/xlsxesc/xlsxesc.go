// Package xlsxesc knows Excel's _xHHHH_ escapes, which a workbook uses for characters
// XML 1.0 cannot carry (_x0008_ is a backspace; _x005F_ is an escaped underscore).
// The XLSX reader (source) decodes them; the report writer (reports) must escape a
// literal one, or Excel (and the reader) would decode it.
package xlsxesc

// At reports whether s holds one of Excel's _xHHHH_ escapes at i.
func At[T ~string | ~[]byte](s T, i int) bool {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return false
	}
	for j := i + 2; j < i+6; j++ {
		if c := s[j]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
