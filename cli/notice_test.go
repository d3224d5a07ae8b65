package cli_test

import (
	"strings"
	"testing"
)

// TestNoticeOnceAfterTheCheck: inSkill's welcome e-mail is said once, after the address
// and credentials are proven and before any row is sent, in plan and import, and
// --max-updates (which plans first) does not say it twice; a platform without a notice
// says nothing of it (issue 16).
func TestNoticeOnceAfterTheCheck(t *testing.T) {
	const notice = "welcome e-mail"
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"import", []string{"import", "--target", "inskill", "--sandbox"}, 1},
		{"plan", []string{"plan", "--target", "inskill", "--sandbox"}, 1},
		{"max-updates plans first", []string{"import", "--target", "inskill", "--sandbox", "--max-updates", "50%"}, 1},
		{"no notice", []string{"import", "--target", "collaborator", "--sandbox", "--set", "position=Staff", "--set", "uid=1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := staffCSV(t, 3)
			args := append(tt.args, file, "--lang", "en", "--report", t.TempDir())
			r := run(t, nil, args...)
			if got := strings.Count(r.stderr, notice); got != tt.want {
				t.Fatalf("the notice is said %d times, want %d (exit %d):\n%s", got, tt.want, r.code, r.stderr)
			}
			if tt.want == 0 {
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
			if i, j := strings.Index(r.stderr, notice), strings.Index(r.stderr, "created"); j >= 0 && j < i {
				t.Errorf("the notice comes after the rows:\n%s", r.stderr)
			}
		})
	}
}
