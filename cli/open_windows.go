//go:build windows

package cli

import "os/exec"

// browserCommand opens url in the default browser through the shell's URL handler,
// which, unlike start, needs no quoting of the address.
func browserCommand(url string) *exec.Cmd {
	return exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
}
