package cli

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/lang"
)

func init() {
	// Template functions are global in cobra: added once, before any command runs.
	cobra.AddTemplateFuncs(template.FuncMap{
		"ruFlagUsages": ruFlagUsages,
		"ruUseLine":    ruUseLine,
	})
}

// ruUsageTemplate is cobra's usage template (cobra v1.10's defaultUsageTemplate) with
// its words in Russian: "Usage:", "Flags:", "Global Flags:" and the closing line.
const ruUsageTemplate = `Использование:{{if .Runnable}}
  {{ruUseLine .UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [команда]{{end}}{{if gt (len .Aliases) 0}}

Другие имена:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Примеры:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Команды:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Флаги:
{{ruFlagUsages .LocalFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Общие флаги (для всех команд):
{{ruFlagUsages .InheritedFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Подробнее о команде: "{{.CommandPath}} [команда] --help".{{end}}
`

// ruFlagUsages is pflag's list of flags with its one English phrase, "(default x)",
// in Russian.
func ruFlagUsages(fs *pflag.FlagSet) string {
	return strings.ReplaceAll(fs.FlagUsages(), " (default ", " (по умолчанию ")
}

// ruUseLine is a command's usage line with cobra's "[flags]" in Russian.
func ruUseLine(s string) string {
	return strings.Replace(s, " [flags]", " [флаги]", 1)
}

// localize puts cobra's own texts in l: the usage template, the --help and --version
// flags, the help command and the completion commands. It runs once the tree of
// commands is built, before Execute, which then keeps what it finds.
func localize(root *cobra.Command, l lang.Lang) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = l.Pick("Help about any command", "Справка о любой команде")
			c.Long = l.Pick("Help about any command: userimport help [command].",
				"Справка о любой команде: userimport help [команда].")
			c.RunE = helpTopic(l)
		case "completion":
			localizeCompletion(c, l)
		}
	}
	root.Flags().BoolP("version", "v", false, l.Pick("print the version of userimport", "показать версию userimport"))
	if l != lang.Russian {
		addHelpFlags(root, l)
		return
	}
	root.SetUsageTemplate(ruUsageTemplate)
	addHelpFlags(root, l)
}

// addHelpFlags gives c and every command under it its own --help, described in l;
// cobra adds one only where there is none.
func addHelpFlags(c *cobra.Command, l lang.Lang) {
	if c.Flags().Lookup("help") == nil {
		c.Flags().BoolP("help", "h", false, l.Pick("help for "+c.Name(), "справка о команде "+c.Name()))
	}
	for _, sub := range c.Commands() {
		addHelpFlags(sub, l)
	}
}

// localizeCompletion says cobra's completion command and its shells in l.
func localizeCompletion(c *cobra.Command, l lang.Lang) {
	c.Short = l.Pick("Generate the autocompletion script for the specified shell",
		"Создать сценарий автодополнения для указанной оболочки")
	c.Long = l.Pick(`Generate the autocompletion script for userimport for the specified shell.
See each sub-command's help for details on how to use the generated script.
`, `Создать сценарий автодополнения userimport для указанной оболочки.
Как подключить сценарий, говорит справка каждой из команд ниже.
`)
	for _, sh := range c.Commands() {
		sh.Short = l.Pick("Generate the autocompletion script for "+sh.Name(),
			"Создать сценарий автодополнения для "+sh.Name())
		if f := sh.Flags().Lookup("no-descriptions"); f != nil {
			f.Usage = l.Pick("disable completion descriptions", "без описаний вариантов")
		}
	}
}

// helpTopic is the help command's run: the topic's --help, or for a topic the tool
// does not have, one line in l with the command meant (cobra prints "Unknown help
// topic" and the whole usage).
func helpTopic(l lang.Lang) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		cmd, rest, err := c.Root().Find(args)
		if err == nil && cmd != nil && len(rest) == 0 {
			return cmd.Help()
		}
		if cmd == nil {
			cmd = c.Root()
		}
		word := strings.Join(args, " ")
		if len(rest) > 0 {
			word = rest[0]
		}
		msg := fmt.Sprintf(l.Pick("no help on %q", "нет справки о %q"), word)
		if s := cmd.SuggestionsFor(word); len(s) > 0 {
			msg += fmt.Sprintf(l.Pick("; did you mean %s?", "; может быть, %s?"), s[0])
		}
		return &usageError{msg: msg, hint: c.Root().Name() + " --help"}
	}
}
