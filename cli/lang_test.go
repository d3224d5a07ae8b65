package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"userimport/cli"
)

// TestWindowsLanguage: with no LANG (as on Windows) the system's interface language
// chooses, so a Russian Windows gets Russian help and errors without --lang.
func TestWindowsLanguage(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		system string
		want   string
	}{
		{"Russian Windows", nil, "ru-RU", "Примеры:"},
		{"English Windows", nil, "en-US", "Check every row"},
		{"LANG set wins", map[string]string{"LANG": "en_US.UTF-8"}, "ru-RU", "Check every row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Main(context.Background(), []string{"validate", "--help"}, envOf(tt.env), cli.IO{
				Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
				SystemLanguage: func() string { return tt.system },
			})
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("help has no %q:\n%s", tt.want, stdout.String())
			}
		})
	}
}
