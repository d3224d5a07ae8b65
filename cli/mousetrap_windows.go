//go:build windows

package cli

import (
	"github.com/inconshreveable/mousetrap"
	"github.com/spf13/cobra"
)

func init() {
	// cobra's own splash calls os.Exit from inside Execute, which would skip our
	// deferred work and speak English only; Main shows its own (explainAndWait).
	cobra.MousetrapHelpText = ""
}

// startedByExplorer reports whether the program was double-clicked in Explorer, in a
// console window of its own that closes as soon as it exits. A variable, so that
// tests can play a double click.
var startedByExplorer = mousetrap.StartedByExplorer
