package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"userimport/lang"
	"userimport/reports"
	"userimport/template"
)

func newTemplateCmd(env Env, stdio IO, l lang.Lang) *cobra.Command {
	var (
		target, out, langFlag string
		force                 bool
	)
	cmd := &cobra.Command{
		Use: "template --target T [-o FILE.xlsx|FILE.csv]",
		Short: l.Pick("Write an empty spreadsheet with the platform's columns, to fill in",
			"Создать пустую таблицу со столбцами платформы, чтобы заполнить"),
		Long: l.Pick(`Write an empty spreadsheet for the platform: its columns in the order people fill
them, with headers the tool recognises without --map, the required ones bold and marked
with *, a note on each header explaining what goes there with an example, drop-down lists
where the values are fixed, one example row (replace it) and a frozen header. Every cell
is text, so Excel keeps phone numbers and leading zeros as typed. A .csv gets the header
and the example row only.`, `Создать пустую таблицу для платформы: столбцы в том порядке, в каком их заполняют,
заголовки, которые программа узнаёт без --map, обязательные выделены и отмечены *,
у каждого заголовка примечание — что писать, с примером; списки там, где значения
заданы; одна строка-пример (замените её) и закреплённая шапка. Все ячейки текстовые,
так что Excel не испортит телефоны и ведущие нули. В .csv — только шапка и пример.`),
		Example: `  userimport template --target collaborator -o staff.xlsx
  userimport template --target cscart -o customers.csv --lang en
  userimport template --target ispring --lang ru`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l := l
			if langFlag != "" {
				l = lang.Parse(langFlag)
			}
			spec, err := lookupTarget(target, l)
			if err != nil {
				return err
			}
			if out == "" {
				out = spec.name + "-template.xlsx"
			}
			var b bytes.Buffer
			if err := template.Write(&b, template.FormatOf(out), spec.schema(), l); err != nil {
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			// Owner-only: the file will hold people's data once it is filled in.
			file, err := os.OpenFile(out, flags, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return &usageError{
					msg:  fmt.Sprintf(l.Pick("%s already exists; it is not overwritten", "%s уже есть; не перезаписываю"), out),
					hint: cmd.CommandPath() + " --target " + spec.name + " -o " + out + " --force",
				}
			}
			if err != nil {
				return &usageError{msg: fmt.Sprintf(l.Pick("write template: %v", "не удалось записать шаблон: %v"), err)}
			}
			if _, err := file.Write(b.Bytes()); err != nil {
				file.Close()
				return &usageError{msg: fmt.Sprintf(l.Pick("write template: %v", "не удалось записать шаблон: %v"), err)}
			}
			if err := file.Close(); err != nil {
				return &usageError{msg: fmt.Sprintf(l.Pick("write template: %v", "не удалось записать шаблон: %v"), err)}
			}
			// The next command is quoted for the user's shell; a name that cannot be
			// quoted safely gets no command to paste.
			sh, _ := detectShell(runtime.GOOS, env)
			if q, err := sh.quote(out); err == nil {
				fmt.Fprintf(stdio.Stderr, l.Pick(
					"wrote %s: fill it in (replace the grey example row), then check it:\n  userimport validate %s --target %s\n",
					"записан %s: заполните (серую строку-пример замените), затем проверьте:\n  userimport validate %s --target %s\n"),
					reports.Printable(out), q, spec.name)
			} else {
				fmt.Fprintf(stdio.Stderr, l.Pick(
					"wrote %s: fill it in (replace the grey example row), then check it with userimport validate\n",
					"записан %s: заполните (серую строку-пример замените), затем проверьте командой userimport validate\n"),
					reports.Printable(out))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&target, "target", "t", "", l.Pick("platform: ", "платформа: ")+joinNames())
	fs.StringVarP(&out, "output", "o", "", l.Pick("file to write, .xlsx or .csv (default: <target>-template.xlsx)",
		"куда записать, .xlsx или .csv (по умолчанию <платформа>-template.xlsx)"))
	fs.StringVar(&langFlag, "lang", "", l.Pick("language of headers and notes: ru or en (default: from LANG)",
		"язык заголовков и примечаний: ru или en (по умолчанию из LANG)"))
	fs.BoolVar(&force, "force", false, l.Pick("overwrite the file if it exists", "перезаписать файл, если он есть"))
	completeTargets(cmd)
	return cmd
}
