// Package cli is the command line: it parses flags into importer.Options, builds the
// target from the environment, runs, and maps the outcome to an exit code. It is the
// only package that knows about flags or reads the environment.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"userimport/importer"
	"userimport/source"
)

// exitCode is the process's exit status; the values are the contract in design.md.
type exitCode int

const (
	exitOK      exitCode = 0 // every row valid (validate) or imported (import)
	exitRows    exitCode = 1 // some rows invalid or failed
	exitUsage   exitCode = 2 // usage, configuration or unreadable input; no report
	exitAborted exitCode = 3 // credentials rejected, platform unreachable, interrupted
)

const exitStatusHelp = `
Exit status:
  0  every row valid (validate) or imported (import)
  1  some rows invalid or failed: see the report
  2  usage, configuration or unreadable input: nothing was written
  3  aborted (credentials rejected, platform unreachable, Ctrl-C): the report says how far it got`

// Env is the process environment as a lookup function, so tests can set their own.
type Env func(key string) string

// IO holds the streams a command talks to. Stdout is for results (--json), Stderr for
// people.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// rowsError says the run finished but some rows were invalid or failed: exit 1 with no
// further message, the summary has said it all.
type rowsError struct{}

func (rowsError) Error() string { return "some rows were invalid or failed" }

// usageError is a mistake on the command line; hint shows a command that works.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string {
	if e.hint == "" {
		return e.msg
	}
	return e.msg + "\n  try: " + e.hint
}

// Main runs the command line with args (without the program name) and returns the
// exit code. It is what main calls, and what tests call.
func Main(ctx context.Context, args []string, env Env, stdio IO) int {
	root := newRoot(ctx, env, stdio, args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := codeFor(err)
	if err != nil && code != exitRows {
		fmt.Fprintln(stdio.Stderr, "userimport: "+oneLine(err))
	}
	return int(code)
}

// codeFor maps an error to the exit code; the one switch that does.
func codeFor(err error) exitCode {
	var (
		fe *source.FileError
		ce *importer.ColumnsError
		ae *importer.AbortError
		ue *usageError
		pe *importer.PlanError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, rowsError{}):
		return exitRows
	case errors.As(err, &ae):
		return exitAborted
	case errors.As(err, &fe), errors.As(err, &ce), errors.As(err, &ue), errors.As(err, &pe):
		return exitUsage
	}
	// Anything else is a flag or configuration mistake cobra or we reported, or an
	// unexpected failure before any report was written.
	return exitUsage
}

// oneLine keeps an error to the lines it has, without a trailing newline; a file-level
// error is one line by construction, a usage error adds its hint.
func oneLine(err error) string { return strings.TrimRight(err.Error(), "\n") }

func newRoot(ctx context.Context, env Env, stdio IO, argv []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "userimport",
		Short: "Put people from a spreadsheet into inSkill, iSpring Learn, Collaborator or CS-Cart",
		Long: `userimport reads a spreadsheet of people (XLSX or CSV), checks every row, and
creates or updates their accounts on a learning or shop platform, with a report of
what happened to each row.

Start with a dry run, then import:
  userimport validate staff.xlsx --target collaborator
  userimport import staff.xlsx --target collaborator --url https://lms.example.ru

Try it with no account: the built-in sandbox stands in for the platform:
  userimport import staff.xlsx --target collaborator --sandbox
` + exitStatusHelp,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(stdio.Stdin)
	root.SetOut(stdio.Stdout)
	root.SetErr(stdio.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{msg: err.Error(), hint: c.CommandPath() + " --help"}
	})
	root.AddCommand(
		newValidateCmd(env, stdio),
		newSendCmd(env, stdio, argv, false),
		newSendCmd(env, stdio, argv, true),
		newSandboxCmd(ctx, env, stdio),
	)
	return root
}
