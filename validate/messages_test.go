package validate

import (
	"testing"

	"userimport/lang"
)

// TestImplausibleDateDetailInRussian: the detail of an unlikely birth date is Russian
// in a Russian message: «маловероятная дата рождения (возраст 126)», not "(age 126)".
func TestImplausibleDateDetailInRussian(t *testing.T) {
	for _, tt := range []struct {
		detail, en, ru string
	}{
		{"age 126", "an unlikely birth date (age 126)", "маловероятная дата рождения (возраст 126)"},
		{"after 03.12.2026", "an unlikely birth date (after 03.12.2026)", "маловероятная дата рождения (позже 03.12.2026)"},
	} {
		i := Issue{Code: CodeDateImplausible, Severity: Warning, Detail: tt.detail}
		if got := i.Message(lang.English); got != tt.en {
			t.Errorf("en: %q, want %q", got, tt.en)
		}
		if got := i.Message(lang.Russian); got != tt.ru {
			t.Errorf("ru: %q, want %q", got, tt.ru)
		}
	}
}
