package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionString is the version the binary was stamped with (make dist passes
// -ldflags "-X main.version=..."), else what the Go toolchain recorded: the module's
// version for go install, or the commit for a build from a checkout.
func versionString(stamped string) string {
	v := stamped
	var commit, modified string
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = "+dirty"
				}
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	extra := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if commit != "" {
		extra = "commit " + commit + modified + ", " + extra
	}
	return fmt.Sprintf("%s (%s)", v, extra)
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   a.lang.Pick("Print the version of userimport", "Показать версию userimport"),
		Example: "  userimport version",
		Args:    noArgs(a.lang),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(a.io)
		},
	}
}

// runVersion prints the version, with the commit and the toolchain.
func runVersion(stdio IO) error {
	_, err := fmt.Fprintln(stdio.Stdout, "userimport "+versionString(stdio.Version))
	return err
}
