//go:build darwin

package cli

import "os/exec"

// browserCommand opens url in the default browser.
func browserCommand(url string) *exec.Cmd { return exec.Command("open", url) }
