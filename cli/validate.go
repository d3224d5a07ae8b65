package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"userimport/importer"
	"userimport/reports"
)

// validateOptions are what `userimport validate` was asked.
type validateOptions struct {
	fileRun
	// saveAs is the profile to save the columns and --set values as; empty for none.
	saveAs string
	// configFile is the settings file the profile goes to.
	configFile func(Env) (string, error)
}

func newValidateCmd(a *app) *cobra.Command {
	l := a.lang
	var (
		f    commonFlags
		save string
	)
	cmd := &cobra.Command{
		Use:   "validate FILE --target T",
		Short: l.Pick("Check every row of a spreadsheet, offline; nothing is sent", "Проверить каждую строку таблицы, без сети; ничего не отправляется"),
		Long: l.Pick(`Check every row of a spreadsheet against what the platform takes, without
connecting to it. The report (results.csv, summary.json) goes to <FILE>.report/.
With --save-profile NAME, the columns it used (and --set defaults) are saved as a
profile, so the next run needs only --profile NAME.`, `Проверить каждую строку таблицы по требованиям платформы, не подключаясь к ней.
Отчёт (results.csv, summary.json) — в папке <ФАЙЛ>.report/.
С --save-profile ИМЯ найденные столбцы (и значения --set) сохраняются в профиль,
и в следующий раз достаточно --profile ИМЯ.`) + exitStatusHelp(l),
		Example: `  userimport validate staff.xlsx --target collaborator
  userimport validate staff.csv --target collaborator --map 'Эл. адрес=email' --json
  userimport validate staff.xlsx --target collaborator --set position=Сотрудник
  userimport validate staff.xlsx --target collaborator --map 'Эл. адрес=email' --save-profile lms
  userimport validate next-month.xlsx --profile lms`,
		Args: exactFile(l),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := f.read(cmd, a, args[0])
			if err != nil {
				return err
			}
			run.opts.Kind = importer.Validate
			return runValidate(cmd.Context(), validateOptions{fileRun: run, saveAs: save, configFile: a.configFile})
		},
	}
	f.add(cmd.Flags(), l)
	cmd.Flags().StringVar(&save, "save-profile", "", l.Pick(
		"save the columns used and --set values as this profile in the --config file (created 0600)",
		"сохранить столбцы и значения --set профилем с этим именем в файле --config (создаётся с правами 0600)"))
	completeTargets(cmd)
	return cmd
}

// runValidate checks the file offline, reports, and saves the profile asked for.
func runValidate(ctx context.Context, opts validateOptions) error {
	con, err := openConsole(opts.io, opts.logs, opts.opts.Lang)
	if err != nil {
		return err
	}
	defer con.close()
	logOptions(con, &opts.fileRun)
	sum, err := runAndReport(ctx, &opts.fileRun, importer.Deps{}, con)
	if opts.saveAs != "" && sum != nil {
		if perr := saveValidated(opts, sum); perr != nil {
			return perr
		}
	}
	return err
}

// saveValidated saves what validate used as the profile opts.saveAs, and says so.
func saveValidated(opts validateOptions, sum *reports.Summary) error {
	path, err := opts.configFile(opts.env)
	if err != nil {
		return err
	}
	sets, secret := opts.sets.forProfile()
	if err := saveProfile(path, opts.saveAs, opts.platform.Name, sum, sets); err != nil {
		return err
	}
	l, stderr, name := opts.opts.Lang, opts.io.Stderr, reports.Printable(opts.saveAs)
	shown := reports.Printable(path)
	fmt.Fprintf(stderr, l.Pick("saved profile %s in %s; next time: userimport validate FILE --profile %s\n",
		"профиль %s сохранён в %s; в следующий раз: userimport validate ФАЙЛ --profile %s\n"), name, shown, name)
	if len(secret) > 0 {
		fmt.Fprintf(stderr, l.Pick(
			"not saved in the profile: --set %s, a secret (%s never holds one); give it on the command line each time\n",
			"не сохранено в профиле: --set %s — это секрет (в %s секретов не бывает); указывайте его в командной строке каждый раз\n"),
			strings.Join(secret, ", --set "), shown)
	}
	return nil
}
