// Command userimport puts people from a spreadsheet into inSkill, iSpring Learn,
// Collaborator or CS-Cart. main only wires the process to package cli and exits once,
// so that every deferred flush and close in between runs.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"userimport/cli"
)

// version is stamped at build time: go build -ldflags "-X main.version=v1.2.3" (make
// dist does it). Empty, the version comes from the module's build information.
var version string

// memoryLimit is the heap the garbage collector aims to stay under: the tool's
// budget is 150 MB of memory whatever the file, and a hostile file (forty 15 MB lines)
// keeps about 110 MB live, which the collector's default pacing would let grow to
// twice that. An ordinary file never comes near it (a million rows peak at 65 MB).
// GOMEMLIMIT, when set, wins.
const memoryLimit = 120 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C asks for a clean stop; unregistering then gives the second one
	// its default meaning, so it ends the process at once (exit 130).
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli.Main(ctx, os.Args[1:], os.Getenv, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: version})
	stop()
	os.Exit(code)
}
