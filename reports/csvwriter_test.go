package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// viaEncodingCSV is what encoding/csv writes for the records, with LF line ends.
func viaEncodingCSV(t *testing.T, comma byte, records [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = rune(comma)
	for _, r := range records {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

func viaCSVWriter(t *testing.T, comma byte, records [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newCSVWriter(&b, comma)
	for _, r := range records {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

func TestCSVWriterMatchesEncodingCSV(t *testing.T) {
	records := [][]string{
		{"row", "key", "status"},
		{},
		{""},
		{"", ""},
		{`\.`},
		{`a"b`, `"`, `""`, "a,b", "a;b", "a\tb", "a|b"},
		{"line\nbreak", "cr\rhere", "crlf\r\nhere"},
		{" lead", "\tlead", "\u00a0nbsp", "\u2003em", "\u0085nel", "trail "},
		{"Иванов", "'=1+2", "ёлка", "\xff\xfe broken"},
	}
	for _, comma := range []byte{',', ';', '\t', '|'} {
		want := viaEncodingCSV(t, comma, records)
		if got := viaCSVWriter(t, comma, records); !bytes.Equal(got, want) {
			t.Errorf("comma %q:\n got %q\nwant %q", comma, got, want)
		}
	}
}

// FuzzCSVWriter: any record, with any of the four delimiters the reports use, comes
// out as encoding/csv writes it.
func FuzzCSVWriter(f *testing.F) {
	f.Add("a\x1fb\x1f \"c\"\x1f\\.", byte(0))
	f.Add("x;y\x1f\r\n\x1f\u3000", byte(1))
	f.Fuzz(func(t *testing.T, joined string, c byte) {
		comma := []byte{',', ';', '\t', '|'}[int(c)%4]
		record := strings.Split(joined, "\x1f")
		want := viaEncodingCSV(t, comma, [][]string{record})
		if got := viaCSVWriter(t, comma, [][]string{record}); !bytes.Equal(got, want) {
			t.Fatalf("%q with %q:\n got %q\nwant %q", record, comma, got, want)
		}
	})
}
