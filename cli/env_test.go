//go:build !windows

package cli_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"

	"userimport/cli"
)

// TestNoColorFromEnv: the summary on a terminal is coloured unless NO_COLOR is set in
// the environment Main is given; the process's own environment is not asked.
func TestNoColorFromEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "1") // the process's: must not matter
	in := staffCSV(t, 3)
	for _, tt := range []struct {
		name  string
		env   map[string]string
		color bool
	}{
		{"NO_COLOR unset", map[string]string{"LANG": "en_US.UTF-8"}, true},
		{"NO_COLOR set", map[string]string{"LANG": "en_US.UTF-8", "NO_COLOR": "1"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pseudo-terminal here: %v", err)
			}
			defer ptmx.Close()
			var screen bytes.Buffer
			read := make(chan struct{})
			go func() {
				io.Copy(&screen, ptmx)
				close(read)
			}()
			// --quiet: no progress bar, whose drawing has escapes of its own.
			code := cli.Main(context.Background(), []string{"validate", in, "--target", "inskill", "--quiet"},
				envOf(tt.env), cli.IO{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: tty})
			tty.Close()
			<-read
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, screen.String())
			}
			if got := strings.Contains(screen.String(), "\x1b["); got != tt.color {
				t.Errorf("coloured %v, want %v:\n%q", got, tt.color, screen.String())
			}
		})
	}
}
