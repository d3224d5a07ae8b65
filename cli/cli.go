// Package cli is the command line: it parses flags into importer.Options, builds the
// target from the environment, runs, and maps the outcome to an exit code. It is the
// only package that knows about flags or reads the environment.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
)

// exitCode is the process's exit status; the values are the contract in docs/contract.md.
type exitCode int

const (
	exitOK      exitCode = 0 // every row valid (validate) or imported (import)
	exitRows    exitCode = 1 // some rows invalid or failed
	exitUsage   exitCode = 2 // usage, configuration or unreadable input; no report
	exitAborted exitCode = 3 // credentials rejected, platform unreachable, interrupted
)

func exitStatusHelp(l lang.Lang) string {
	return l.Pick(`
Exit status:
  0  every row valid (validate) or imported (import)
  1  some rows invalid or failed: see the report
  2  usage, configuration or unreadable input: nothing was written
  3  aborted (credentials rejected, platform unreachable, Ctrl-C): the report says how far it got`, `
Exit status (код выхода):
  0  все строки верны (validate) или загружены (import)
  1  есть строки с ошибками или незагруженные: смотрите отчёт
  2  ошибка в команде, настройках или файл не читается: ничего не записано
  3  прервано (неверные учётные данные, платформа недоступна, Ctrl-C): отчёт показывает, докуда дошло`)
}

// Env is the process environment as a lookup function, so tests can set their own.
type Env func(key string) string

// IO holds what the process gives the command line: the streams (stdout is for results,
// --json; stderr for people) and the version main was stamped with.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Version is set at build time with -ldflags "-X main.version=v1.2.3"; empty means
	// the module's build information is asked instead.
	Version string
	// SystemLanguage is the operating system's interface language ("ru-RU"), asked
	// when LC_ALL, LC_MESSAGES and LANG are all unset; nil asks the system itself
	// (Windows: GetUserPreferredUILanguages; elsewhere the environment is the answer).
	SystemLanguage func() string
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

func (e *usageError) Error() string { return e.text(lang.English) }

// text is the error as people read it, with its "try:" in l.
func (e *usageError) text(l lang.Lang) string {
	if e.hint == "" {
		return e.msg
	}
	return e.msg + "\n  " + l.Pick("try: ", "попробуйте: ") + e.hint
}

// Main runs the command line with args (without the program name) and returns the
// exit code. It is what main calls, and what tests call.
func Main(ctx context.Context, args []string, env Env, stdio IO) int {
	a := newApp(args, env, stdio)
	if len(args) == 0 && startedByExplorer() {
		return doubleClicked(ctx, a)
	}
	root := newRoot(a)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(ctx)
	err = unknownCommand(c, err, a.lang)
	code := codeFor(err)
	if err != nil && code != exitRows {
		// An error quotes file names, headers and the platform's words: shown, not obeyed.
		fmt.Fprintln(stdio.Stderr, "userimport: "+printableLines(explain(err, a.lang, env)))
	}
	return int(code)
}

// explainAndWait is what a double-clicked userimport.exe shows when the page cannot
// start (doubleClicked): how to run it, and a pause, so the window does not flash and
// close before anyone could read it.
func explainAndWait(stdio IO, l lang.Lang) int {
	fmt.Fprint(stdio.Stderr, l.Pick(`userimport is a command-line tool: it needs a command and a file.

Open a command prompt (Win+R, type cmd, Enter), go to the folder with your file and the
program, and run, for example:

  userimport.exe template --target collaborator -o staff.xlsx
  userimport.exe validate staff.xlsx --target collaborator
  userimport.exe import staff.xlsx --target collaborator --sandbox
  userimport.exe --help

Press Enter to close this window.
`, `userimport — программа для командной строки: ей нужны команда и файл.

Откройте командную строку (Win+R, наберите cmd, Enter), перейдите в папку с файлом и
программой и запустите, например:

  userimport.exe template --target collaborator -o staff.xlsx
  userimport.exe validate staff.xlsx --target collaborator
  userimport.exe import staff.xlsx --target collaborator --sandbox
  userimport.exe --help

Нажмите Enter, чтобы закрыть окно.
`))
	bufio.NewReader(stdio.Stdin).ReadString('\n')
	return int(exitUsage)
}

// codeFor maps an error to the exit code (docs/contract.md); the one switch that does.
// Every error it does not name (a usage, configuration or input mistake, or an
// unexpected failure before any report was written) is exitUsage.
func codeFor(err error) exitCode {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, rowsError{}):
		return exitRows
	}
	if _, ok := errors.AsType[*importer.AbortError](err); ok {
		return exitAborted
	}
	if _, ok := errors.AsType[*importer.PreflightError](err); ok {
		return exitAborted
	}
	return exitUsage
}

// speaker is an error that can say itself in a language: a file error
// (source.FileError), a settings file's (config.SyntaxError, config.PermissionError).
type speaker interface {
	error
	Text(l lang.Lang) string
}

// explain is the message for an error: its text, kept to the lines it has, with the
// missing-column error said in lang and with a guess at the column meant.
func explain(err error, l lang.Lang, env Env) string {
	if ce, ok := errors.AsType[*importer.ColumnsError](err); ok {
		sh, _ := detectShell(runtime.GOOS, env)
		return columnsMessage(ce, l, sh)
	}
	if me, ok := errors.AsType[*columns.MapError](err); ok {
		return mapMessage(me, l)
	}
	if t, ok := errors.AsType[speaker](err); ok {
		// Said in l, with whatever the error was wrapped in kept around it.
		return strings.TrimRight(strings.Replace(err.Error(), t.Error(), t.Text(l), 1), "\n")
	}
	if ue, ok := errors.AsType[*usageError](err); ok && ue.Error() == err.Error() {
		return strings.TrimRight(ue.text(l), "\n")
	}
	return strings.TrimRight(err.Error(), "\n")
}

func newRoot(a *app) *cobra.Command {
	l, stdio := a.lang, a.io
	root := &cobra.Command{
		Use: "userimport",
		Short: l.Pick("Put people from a spreadsheet into inSkill, iSpring Learn, Collaborator or CS-Cart",
			"Загрузить сотрудников из таблицы в inSkill, iSpring Learn, Collaborator или CS-Cart"),
		Long:          rootHelp(l) + exitStatusHelp(l),
		Version:       versionString(stdio.Version),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SuggestionsMinimumDistance = 2
	root.SetVersionTemplate("userimport {{.Version}}\n")
	root.SetIn(stdio.Stdin)
	root.SetOut(stdio.Stdout)
	root.SetErr(stdio.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return flagProblem(c, err, l)
	})
	root.PersistentFlags().StringVar(&a.configPath, "config", "", l.Pick(
		"settings file with profiles (default: "+defaultConfigHint()+")",
		"файл настроек с профилями (по умолчанию: "+defaultConfigHint()+")"))
	root.AddCommand(
		newValidateCmd(a),
		newImportCmd(a),
		newPlanCmd(a),
		newSandboxCmd(a),
		newTemplateCmd(a),
		newTargetsCmd(a),
		newUICmd(a),
		newVersionCmd(a),
	)
	localize(root, l)
	return root
}

// rootHelp is the root's --help: what the tool does and the first commands to run.
func rootHelp(l lang.Lang) string {
	return l.Pick(`userimport reads a spreadsheet of people (XLSX or CSV), checks every row, and
creates or updates their accounts on a learning or shop platform, with a report of
what happened to each row.

New here? Get a sheet with the right columns, fill it in, check it, then import:
  userimport template --target collaborator -o staff.xlsx
  userimport validate staff.xlsx --target collaborator
  userimport import staff.xlsx --target collaborator --url https://lms.example.ru

Try it with no account: the built-in sandbox stands in for the platform:
  userimport import staff.xlsx --target collaborator --sandbox

What each platform takes: userimport targets collaborator
`, `userimport читает таблицу сотрудников (XLSX или CSV), проверяет каждую строку и
создаёт или обновляет учётные записи на платформе обучения или в магазине, с отчётом
о каждой строке.

Впервые? Получите таблицу с нужными столбцами, заполните, проверьте и загрузите:
  userimport template --target collaborator -o staff.xlsx
  userimport validate staff.xlsx --target collaborator
  userimport import staff.xlsx --target collaborator --url https://lms.example.ru

Попробовать без учётной записи: встроенная песочница заменит платформу:
  userimport import staff.xlsx --target collaborator --sandbox

Что принимает платформа: userimport targets collaborator
`)
}
