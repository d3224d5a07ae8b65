package validate

import (
	"strings"
	"testing"
)

var boolTests = []struct {
	raw   string
	want  Tristate
	codes []Code
}{
	{"да", Yes, nil}, {"Да", Yes, nil}, {"ДА", Yes, nil}, {"yes", Yes, nil}, {"Yes", Yes, nil},
	{"y", Yes, nil}, {"Y", Yes, nil}, {"true", Yes, nil}, {"TRUE", Yes, nil}, {"1", Yes, nil},
	{"+", Yes, nil}, {"активен", Yes, nil}, {"Активен", Yes, nil}, {"активный", Yes, nil},
	{"активна", Yes, nil}, {"active", Yes, nil}, {"Active", Yes, nil}, {"включен", Yes, nil},
	{"включён", Yes, nil}, {"вкл", Yes, nil}, {"вкл.", Yes, nil}, {" да ", Yes, nil},
	{"нет", No, nil}, {"Нет", No, nil}, {"НЕТ", No, nil}, {"no", No, nil}, {"No", No, nil},
	{"n", No, nil}, {"false", No, nil}, {"FALSE", No, nil}, {"0", No, nil}, {"-", No, nil},
	{"заблокирован", No, nil}, {"Заблокирован", No, nil}, {"заблокирована", No, nil},
	{"blocked", No, nil}, {"неактивен", No, nil}, {"inactive", No, nil}, {"выкл", No, nil},
	{"выкл.", No, nil}, {"уволен", No, nil}, {"Уволена", No, nil},
	{"", Unset, nil}, {"   ", Unset, nil},
	{"может быть", Unset, []Code{CodeValueInvalid}},
	{"2", Unset, []Code{CodeValueInvalid}},
	{"да/нет", Unset, []Code{CodeValueInvalid}},
	{".", Unset, []Code{CodeValueInvalid}},
	{"?", Unset, []Code{CodeValueInvalid}},
	{"в отпуске", Unset, []Code{CodeValueInvalid}},
}

func TestParseBool(t *testing.T) {
	for _, tt := range boolTests {
		t.Run(tt.raw, func(t *testing.T) {
			got, issues := ParseBool(tt.raw)
			if got != tt.want {
				t.Errorf("ParseBool(%q) = %v, want %v", tt.raw, got, tt.want)
			}
			checkIssues(t, issues, tt.codes, "")
			if len(issues) > 0 && !strings.Contains(issues[0].Detail, "да, нет") {
				t.Errorf("detail %q does not list the accepted words", issues[0].Detail)
			}
		})
	}
}

func FuzzParseBool(f *testing.F) {
	for _, tt := range boolTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, issues := ParseBool(raw)
		if HasErrors(issues) || v == Unset {
			return
		}
		if again, issues2 := ParseBool(v.String()); again != v || len(issues2) != 0 {
			t.Fatalf("%q → %v → %q → %v", raw, v, v.String(), again)
		}
	})
}

func BenchmarkParseBool(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseBool("Активен")
	}
}
