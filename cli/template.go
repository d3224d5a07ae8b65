package cli

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"userimport/lang"
	"userimport/reports"
	"userimport/template"
)

// templateOptions are what `userimport template` was asked.
type templateOptions struct {
	env    Env
	stderr io.Writer
	target string
	// out is the file to write; empty means <target>-template.xlsx.
	out   string
	force bool
	lang  lang.Lang
	// commandPath is the command as typed, for the hint to overwrite.
	commandPath string
}

func newTemplateCmd(a *app) *cobra.Command {
	l := a.lang
	opts := templateOptions{env: a.env, stderr: a.io.Stderr}
	var langFlag string
	cmd := &cobra.Command{
		Use: "template --target T [-o FILE.xlsx|FILE.csv]",
		Short: l.Pick("Write an empty spreadsheet with the platform's columns, to fill in",
			"Создать пустую таблицу со столбцами платформы, чтобы заполнить"),
		Long: l.Pick(`Write an empty spreadsheet for the platform: its columns in the order people fill
them, with headers the tool recognises without --map, the required ones bold and marked
with *, a note on each header explaining what goes there with an example, drop-down lists
where the values are fixed, one example row and a frozen header. While the example row
is left as it is, validate, plan and import skip it and say so. Every cell is text, so
Excel keeps phone numbers and leading zeros as typed. A .csv gets the header and the
example row only.`, `Создать пустую таблицу для платформы: столбцы в том порядке, в каком их заполняют,
заголовки, которые программа узнаёт без --map, обязательные выделены и отмечены *,
у каждого заголовка примечание — что писать, с примером; списки там, где значения
заданы; одна строка-пример и закреплённая шапка. Пока строку-пример не изменили,
validate, plan и import её пропускают и говорят об этом. Все ячейки текстовые,
так что Excel не испортит телефоны и ведущие нули. В .csv — только шапка и пример.`),
		Example: `  userimport template --target collaborator -o staff.xlsx
  userimport template --target cscart -o customers.csv --lang en
  userimport template --target ispring --lang ru`,
		Args: noArgs(a.lang),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.lang, opts.commandPath = langOr(langFlag, l), cmd.CommandPath()
			return runTemplate(opts)
		},
	}
	fs := cmd.Flags()
	targetFlag(fs, &opts.target, l)
	fs.StringVarP(&opts.out, "output", "o", "", l.Pick("file to write, .xlsx or .csv (default: <target>-template.xlsx)",
		"куда записать, .xlsx или .csv (по умолчанию <платформа>-template.xlsx)"))
	fs.StringVar(&langFlag, "lang", "", l.Pick("language of headers and notes: ru or en (default: from LANG)",
		"язык заголовков и примечаний: ru или en (по умолчанию из LANG)"))
	fs.BoolVar(&opts.force, "force", false, l.Pick("overwrite the file if it exists", "перезаписать файл, если он есть"))
	completeTargets(cmd)
	return cmd
}

// runTemplate writes the platform's empty spreadsheet, then says what to do with it.
func runTemplate(opts templateOptions) error {
	l := opts.lang
	p, err := lookupTarget(opts.target, l)
	if err != nil {
		return err
	}
	out := cmp.Or(opts.out, p.Name+"-template.xlsx")
	format, ok := template.FormatOf(out)
	if !ok {
		return &usageError{msg: fmt.Sprintf(l.Pick(
			"%s: a template is written as .xlsx or .csv; name the file with one of them",
			"%s: шаблон записывается в .xlsx или .csv; дайте файлу одно из этих расширений"),
			reports.Printable(out))}
	}
	var b bytes.Buffer
	if err := template.Write(&b, format, &p, l); err != nil {
		return err
	}
	err = writeNew(out, b.Bytes(), opts.force)
	if errors.Is(err, fs.ErrExist) {
		return &usageError{
			msg:  fmt.Sprintf(l.Pick("%s already exists; it is not overwritten", "%s уже есть; не перезаписываю"), out),
			hint: opts.commandPath + " --target " + p.Name + " -o " + out + " --force",
		}
	}
	if err != nil {
		return &usageError{msg: fmt.Sprintf(l.Pick("write template: %v", "не удалось записать шаблон: %v"), err)}
	}
	// The next command is quoted for the user's shell; a name that cannot be quoted
	// safely gets no command to paste.
	sh, _ := detectShell(runtime.GOOS, opts.env)
	if q, err := sh.quote(out); err == nil {
		fmt.Fprintf(opts.stderr, l.Pick(
			"wrote %s: fill it in (the example row under the header is skipped while it is left as it is), then check it:\n  userimport validate %s --target %s\n",
			"записан %s: заполните (строка-пример под заголовком, пока её не изменили, пропускается), затем проверьте:\n  userimport validate %s --target %s\n"),
			reports.Printable(out), q, p.Name)
	} else {
		fmt.Fprintf(opts.stderr, l.Pick(
			"wrote %s: fill it in (the example row under the header is skipped while it is left as it is), then check it with userimport validate\n",
			"записан %s: заполните (строка-пример под заголовком, пока её не изменили, пропускается), затем проверьте командой userimport validate\n"),
			reports.Printable(out))
	}
	return nil
}

// writeNew writes data to a new file, owner-only because it will hold people's data
// once it is filled in; an existing file is an fs.ErrExist error unless force.
func writeNew(path string, data []byte, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	file, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return err
	}
	if _, err := file.Write(data); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
