//go:build !windows && !darwin

package cli

import "os/exec"

// browserCommand opens url in the desktop's default browser.
func browserCommand(url string) *exec.Cmd { return exec.Command("xdg-open", url) }
