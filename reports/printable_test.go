package reports

import (
	"strings"
	"testing"
	"unicode/utf8"

	"userimport/lang"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Иванов Иван", "Иванов Иван"},
		{"plain ascii ~!@#$%^&*()", "plain ascii ~!@#$%^&*()"},
		{`C:\Users\hr\staff.xlsx`, `C:\Users\hr\staff.xlsx`},
		{"\x1b]0;PWNED\x07", `\x1b]0;PWNED\x07`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"a\tb\nc\rd", `a\tb\nc\rd`},
		{"\x00\x01\x7f", `\x00\x01\x7f`},
		{"\u009b2J \u009d0;x\u009c", `\u009b2J \u009d0;x\u009c`},
		{"admin\u202etxt.exe", `admin\u202etxt.exe`},
		{"\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d", `\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d`},
		{"\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"bad \xff\xfe utf8 \xd0", `bad \xff\xfe utf8 \xd0`},
		{"ok \ufffd kept", "ok \ufffd kept"},
		{"ёЁ 日本 😀 \u00a0nbsp", "ёЁ 日本 😀 \u00a0nbsp"},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// safeForTerminal reports what in s a terminal would act on, or "".
func safeForTerminal(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return "a byte that is not UTF-8"
		case r < 0x20 || r == 0x7f || unprintableRune(r):
			return "control " + string(r)
		}
	}
	return ""
}

// FuzzPrintable: whatever the input, the output holds nothing a terminal acts on, is
// the input when the input was already safe, and does not change when escaped again.
func FuzzPrintable(f *testing.F) {
	f.Add("\x1b]0;PWNED\x07")
	f.Add("Иванов\u202e")
	f.Add("\xc2\x9b")
	f.Add("\xe2\x80")
	f.Fuzz(func(t *testing.T, s string) {
		got := Printable(s)
		if bad := safeForTerminal(got); bad != "" {
			t.Fatalf("Printable(%q) = %q holds %s", s, got, bad)
		}
		if safeForTerminal(s) == "" && got != s {
			t.Fatalf("Printable(%q) = %q changed safe text", s, got)
		}
		if again := Printable(got); again != got {
			t.Fatalf("Printable is not idempotent on %q: %q", got, again)
		}
	})
}

// TestPrintSummaryEscapes: a header, a cell quoted in a problem and a platform's words
// reach the terminal summary with their control characters made visible.
func TestPrintSummaryEscapes(t *testing.T) {
	s := &Summary{
		Command: "import", Rows: 2, Invalid: 1, Failed: 1,
		Problems: []Problem{
			{Column: "E-mail\x1b]0;PWNED\x07", Rows: 1, FirstRow: 2, Example: "not a valid e-mail address: \"a\x1b[2J@x\u202eru\""},
			{Field: "email", Rows: 1, FirstRow: 3, Example: "platform: \u009b31mred"},
		},
		Aborted: "the platform said \x1b]0;PWNED\x07",
	}
	for _, lang := range []lang.Lang{lang.English, lang.Russian} {
		for _, color := range []bool{false, true} {
			var b strings.Builder
			PrintSummary(&b, s, lang, color)
			out := b.String()
			if color {
				for _, code := range []string{ansiReset, ansiBold, ansiRed, ansiGreen, ansiYellow, ansiDim} {
					out = strings.ReplaceAll(out, code, "")
				}
			}
			out = strings.ReplaceAll(out, "\n", "")
			if bad := safeForTerminal(out); bad != "" {
				t.Errorf("%s color=%v: summary holds %s:\n%q", lang, color, bad, b.String())
			}
			for _, want := range []string{`E-mail\x1b]0;PWNED`, `\x1b[2J`, `\u202e`, `\u009b31m`, `said \x1b]0;PWNED\x07`} {
				if !strings.Contains(out, want) {
					t.Errorf("%s color=%v: summary does not show %s:\n%s", lang, color, want, out)
				}
			}
		}
	}
}
