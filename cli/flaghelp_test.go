package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestRussianFlagHelp: with Russian chosen, by LANG or by --lang, every flag of the
// commands that read, write or serve people is described in Russian, the platforms'
// own flags included (issue 17: import --help --lang ru listed English descriptions).
func TestRussianFlagHelp(t *testing.T) {
	flagLine := regexp.MustCompile(`^\s+(-\w, )?--[\w-]+( \w+)?\s{2,}(.*)$`)
	cyrillic := regexp.MustCompile(`[а-яА-ЯёЁ]`)
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"import --lang ru", map[string]string{"LANG": "en_US.UTF-8"}, []string{"import", "--help", "--lang", "ru"}},
		{"plan --lang ru", map[string]string{"LANG": "en_US.UTF-8"}, []string{"plan", "--help", "--lang", "ru"}},
		{"validate --lang ru", map[string]string{"LANG": "en_US.UTF-8"}, []string{"validate", "--help", "--lang", "ru"}},
		{"template --lang ru", map[string]string{"LANG": "en_US.UTF-8"}, []string{"template", "--help", "--lang", "ru"}},
		{"import LANG=ru", map[string]string{"LANG": "ru_RU.UTF-8"}, []string{"import", "--help"}},
		{"sandbox LANG=ru", map[string]string{"LANG": "ru_RU.UTF-8"}, []string{"sandbox", "--help"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.env, tt.args...)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			n := 0
			for line := range strings.SplitSeq(res.stdout, "\n") {
				m := flagLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				n++
				if !cyrillic.MatchString(m[3]) {
					t.Errorf("English help with Russian chosen: %s", strings.TrimSpace(line))
				}
			}
			if n < 3 {
				t.Errorf("%d flag lines found in:\n%s", n, res.stdout)
			}
		})
	}
}
