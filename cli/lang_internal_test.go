package cli

import (
	"testing"

	"userimport/lang"
)

// TestLangFrom: --lang, then LC_ALL, LC_MESSAGES and LANG, then the system's interface
// language (what Windows, which sets no LANG, answers), then English.
func TestLangFrom(t *testing.T) {
	ruWindows := func() string { return "ru-RU" }
	enWindows := func() string { return "en-US" }
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		system systemLanguage
		want   lang.Lang
	}{
		{"nothing at all", nil, nil, nil, lang.English},
		{"Russian Windows, no LANG", nil, nil, ruWindows, lang.Russian},
		{"English Windows, no LANG", nil, nil, enWindows, lang.English},
		{"system with no answer", nil, nil, func() string { return "" }, lang.English},
		{"LANG wins over Windows", nil, map[string]string{"LANG": "en_US.UTF-8"}, ruWindows, lang.English},
		{"LC_ALL wins over LANG", nil, map[string]string{"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, nil, lang.Russian},
		{"--lang wins over all", []string{"--lang", "en"}, map[string]string{"LANG": "ru_RU.UTF-8"}, ruWindows, lang.English},
		{"--lang=ru", []string{"validate", "--lang=ru"}, nil, enWindows, lang.Russian},
		{"--lang after -- is a file", []string{"--", "--lang", "ru"}, nil, nil, lang.English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := func(k string) string { return tt.env[k] }
			if got := langFrom(tt.args, env, tt.system); got != tt.want {
				t.Errorf("langFrom = %q, want %q", got, tt.want)
			}
		})
	}
}
