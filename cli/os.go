package cli

import "runtime"

// isWindows reports whether file modes mean nothing here: Windows has ACLs, and Go
// reports every file as 0666 or 0444 there.
func isWindows() bool { return runtime.GOOS == "windows" }
