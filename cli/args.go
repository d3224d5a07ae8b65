package cli

import (
	"fmt"
	"regexp"
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

// pflag's complaints that flagError (suggest.go) passes on as they are, read to be
// said in the user's language.
var (
	needsArgument = regexp.MustCompile(`^flag needs an argument: (?:'(.)' in )?(-{1,2}\S+)$`)
	badArgument   = regexp.MustCompile(`^invalid argument ("(?:[^"\\]|\\.)*") for "([^"]+)" flag: `)
	badShorthand  = regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)$`)
)

// flagProblem is pflag's error said in l: a flag without its value, a value of the
// wrong kind (with what the flag wants, not strconv's words), an unknown short flag;
// other errors go to flagError.
func flagProblem(c *cobra.Command, err error, l lang.Lang) error {
	msg, hint := err.Error(), c.CommandPath()+" --help"
	if m := needsArgument.FindStringSubmatch(msg); m != nil {
		return &usageError{msg: fmt.Sprintf(l.Pick("%s needs a value", "после %s нужно значение"), m[2]), hint: hint}
	}
	if m := badArgument.FindStringSubmatch(msg); m != nil {
		want := l.Pick("a value of its kind", "значение другого вида")
		if f := c.Flags().Lookup(strings.TrimLeft(strings.Fields(m[2])[0], "-")); f != nil {
			switch f.Value.Type() {
			case "int", "int64", "uint", "uint64":
				want = l.Pick("a whole number", "целое число")
			case "float64", "float32":
				want = l.Pick("a number", "число")
			case "duration":
				want = l.Pick("a duration such as 30s or 2m", "длительность, например 30s или 2m")
			case "bool":
				want = "true " + l.Pick("or", "или") + " false"
			}
		}
		return &usageError{msg: fmt.Sprintf(l.Pick("%s %s: want %s", "%s %s: нужно %s"), m[2], m[1], want), hint: hint}
	}
	if m := badShorthand.FindStringSubmatch(msg); m != nil {
		return &usageError{msg: fmt.Sprintf(l.Pick("unknown flag -%s", "неизвестный флаг -%s"), m[1]), hint: hint}
	}
	return flagError(c, err, l)
}
