//go:build !windows

package cli

// startedByExplorer is false outside Windows: a terminal stays open after a command.
// A variable, so that tests can play a double click.
var startedByExplorer = func() bool { return false }
