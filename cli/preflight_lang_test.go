package cli_test

import (
	"strings"
	"testing"
)

// TestCheckSpeaksTheLanguage: the check before the first row says what to fix in the
// chosen language (issue 17): nothing answers at the address given.
func TestCheckSpeaksTheLanguage(t *testing.T) {
	file := staffCSV(t, 2)
	env := map[string]string{"USERIMPORT_INSKILL_TOKEN": "t"}
	for _, tt := range []struct{ lang, want string }{
		{"en", "nothing answers at http://127.0.0.1:1 (connection refused): check --url, and that inSkill is running"},
		{"ru", "по адресу http://127.0.0.1:1 никто не отвечает (соединение отклонено): проверьте --url и что inSkill работает"},
	} {
		r := run(t, env, "import", file, "--target", "inskill", "--url", "http://127.0.0.1:1", "--lang", tt.lang, "--report", t.TempDir())
		if r.code != 3 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit 3 and %q", tt.lang, r.code, r.stderr, tt.want)
		}
	}
}
