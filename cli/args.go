package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"userimport/lang"
)

// The checks of a command's arguments, in place of cobra's (whose texts are English
// and read "accepts at most 1 arg(s)"): each is one line in lang with a command that
// works.

// noArgs checks that a command got no arguments.
func noArgs(l lang.Lang) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return &usageError{msg: fmt.Sprintf(l.Pick("%s takes no arguments, got %q", "%s не принимает аргументов, а дано %q"),
			cmd.Name(), strings.Join(args, " ")), hint: firstExample(cmd)}
	}
}

// atMostArgs checks that a command got no more than n arguments.
func atMostArgs(n int, l lang.Lang) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) <= n {
			return nil
		}
		return &usageError{msg: fmt.Sprintf(l.Pick("%s takes at most %d %s, got %d", "%s принимает не больше %d %s, а дано %d"),
			cmd.Name(), n, l.Plural(n, "argument", "arguments", "аргумента", "аргументов", "аргументов"), len(args)),
			hint: firstExample(cmd)}
	}
}

// firstExample is the first line of a command's examples when it starts with the
// command (not with an environment variable to set first), or else its --help.
func firstExample(cmd *cobra.Command) string {
	ex, _, _ := strings.Cut(strings.TrimSpace(cmd.Example), "\n")
	if ex = strings.TrimSpace(ex); !strings.HasPrefix(ex, cmd.CommandPath()) {
		return cmd.CommandPath() + " --help"
	}
	return ex
}

// unknownCommand turns cobra's `unknown command "valdate" for "userimport"` (which it
// says before any check of ours runs) into a line in l with the command meant; any
// other error is returned as it is.
func unknownCommand(c *cobra.Command, err error, l lang.Lang) error {
	if err == nil || c == nil {
		return err
	}
	rest, ok := strings.CutPrefix(err.Error(), "unknown command ")
	if !ok {
		return err
	}
	q, qerr := strconv.QuotedPrefix(rest)
	word, uerr := strconv.Unquote(q)
	if qerr != nil || uerr != nil {
		return err
	}
	msg := fmt.Sprintf(l.Pick("unknown command %q", "неизвестная команда %q"), word)
	if !c.HasSubCommands() {
		msg = fmt.Sprintf(l.Pick("%s takes no arguments, got %q", "%s не принимает аргументов, а дано %q"), c.Name(), word)
	}
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	if s := c.SuggestionsFor(word); len(s) > 0 {
		msg += fmt.Sprintf(l.Pick("; did you mean %s?", "; может быть, %s?"), s[0])
	} else if best, ok := nearest(word, names); ok {
		msg += fmt.Sprintf(l.Pick("; did you mean %s?", "; может быть, %s?"), best)
	}
	return &usageError{msg: msg, hint: c.CommandPath() + " --help"}
}
