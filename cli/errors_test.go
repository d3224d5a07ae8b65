package cli_test

import (
	"strings"
	"testing"
)

// TestUsageErrorsGolden keeps the command line's mistakes in testdata in both
// languages: one line each, the tool's own words in place of cobra's, with the command
// meant and a command to try (issue 17).
func TestUsageErrorsGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown-command", []string{"valdate", "staff.xlsx"}},
		{"unknown-command-far", []string{"frobnicate"}},
		{"unknown-flag", []string{"import", "staff.xlsx", "--concurency", "3"}},
		{"too-many-files", []string{"validate", "a.xlsx", "b.xlsx"}},
		{"no-file", []string{"validate"}},
		{"targets-two", []string{"targets", "inskill", "cscart"}},
		{"version-arg", []string{"version", "now"}},
		{"template-arg", []string{"template", "staff.xlsx"}},
		{"template-txt", []string{"template", "--target", "inskill", "-o", "staff.txt"}},
		{"sandbox-arg", []string{"sandbox", "inskill"}},
		{"help-unknown", []string{"help", "valdate"}},
		{"missing-file", []string{"validate", "no-such-staff.xlsx", "--target", "inskill"}},
		{"folder", []string{"validate", "testdata", "--target", "inskill"}},
		{"no-token", []string{"import", "staff.csv", "--target", "inskill", "--url", "https://lms.example.ru"}},
		{"no-client-id-and-secret", []string{"plan", "staff.csv", "--target", "ispring", "--url", "https://lms.example.ru"}},
		{"flag-no-value", []string{"validate", "staff.csv", "--target"}},
		{"flag-not-a-number", []string{"import", "staff.csv", "--concurrency", "four"}},
		{"unknown-shorthand", []string{"validate", "staff.csv", "-z"}},
		{"unknown-target", []string{"validate", "staff.xlsx", "--target", "inskil"}},
		{"login-from", []string{"validate", "staff.xlsx", "--target", "collaborator", "--login-from", "x"}},
		{"translit", []string{"validate", "staff.xlsx", "--target", "collaborator", "--translit", "y"}},
		{"map-unknown-field", []string{"validate", "staff.xlsx", "--target", "inskill", "--map", "Почта=emal"}},
		{"map-no-equals", []string{"validate", "staff.xlsx", "--target", "inskill", "--map", "Почта"}},
	}
	for _, l := range []string{"en", "ru"} {
		for _, tt := range tests {
			t.Run(l+"/"+tt.name, func(t *testing.T) {
				res := run(t, map[string]string{"LANG": l}, tt.args...)
				if res.code != 2 {
					t.Errorf("exit %d, want 2", res.code)
				}
				golden(t, "errors/"+l+"/"+tt.name+".golden", res.stderr)
				for _, raw := range []string{"arg(s)", "for \"userimport", "Did you mean this", "\t", "Usage:", "strconv", "shorthand", "flag needs"} {
					if strings.Contains(res.stderr, raw) {
						t.Errorf("cobra's raw text %q in:\n%s", raw, res.stderr)
					}
				}
				if l == "ru" {
					for _, en := range []string{"try:", "unknown", "takes", "did you mean"} {
						if strings.Contains(res.stderr, en) {
							t.Errorf("English %q with Russian chosen:\n%s", en, res.stderr)
						}
					}
				}
				if n := strings.Count(strings.TrimSpace(res.stderr), "\n"); n > 1 {
					t.Errorf("%d lines, want the error and a hint:\n%s", n+1, res.stderr)
				}
			})
		}
	}
}
