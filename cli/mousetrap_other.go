//go:build !windows

package cli

// startedByExplorer is false outside Windows: a terminal stays open after a command.
func startedByExplorer() bool { return false }
