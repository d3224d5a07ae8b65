package cli

import (
	"bytes"
	"testing"

	"userimport/reports"
)

// TestPrintableWriter: text written in pieces, a character or an escape split between
// writes, comes out as reports.Printable of each whole line.
func TestPrintableWriter(t *testing.T) {
	text := "read staff\x1b]0;PWNED\x07.csv\n  row 2: Иванов\u202e | \u009b31m | 日本 😀\n"
	want := reports.Printable("read staff\x1b]0;PWNED\x07.csv") + "\n" + reports.Printable("  row 2: Иванов\u202e | \u009b31m | 日本 😀") + "\n"
	for _, size := range []int{1, 2, 3, 5, 7, len(text)} {
		var out bytes.Buffer
		w := &printableWriter{w: &out}
		for i := 0; i < len(text); i += size {
			chunk := []byte(text[i:min(i+size, len(text))])
			if n, err := w.Write(chunk); n != len(chunk) || err != nil {
				t.Fatalf("size %d: Write = %d, %v", size, n, err)
			}
		}
		if out.String() != want {
			t.Errorf("size %d:\n got %q\nwant %q", size, out.String(), want)
		}
	}
}

func TestPrintableLines(t *testing.T) {
	got := printableLines("config x line 2: bad\n  2 | a = \"\x1b[2J\"\n      ^")
	want := "config x line 2: bad\n  2 | a = \"\\x1b[2J\"\n      ^"
	if got != want {
		t.Errorf("printableLines = %q, want %q", got, want)
	}
}
