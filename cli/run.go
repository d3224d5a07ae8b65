package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/targets/sandbox"
	"userimport/validate"
)

// commonFlags are the flags validate, plan and import share.
type commonFlags struct {
	target    string
	sheet     string
	delimiter string
	encoding  string
	maps      []string
	sets      []string
	report    string
	json      bool
	lang      string
	region    string
	loginFrom string
	translit  string
	profile   string
	logs      logFlags
}

func (f *commonFlags) add(fs *pflag.FlagSet, l lang.Lang) {
	t := l.Pick
	fs.StringVarP(&f.target, "target", "t", "", t("platform: ", "платформа: ")+strings.Join(targetNames(), ", "))
	fs.StringVar(&f.sheet, "sheet", "", t("XLSX sheet by name or number (default: the first visible sheet)",
		"лист XLSX по имени или номеру (по умолчанию первый видимый)"))
	fs.StringVar(&f.delimiter, "delimiter", "", t("CSV column separator: , ; tab | (default: detected)",
		"разделитель столбцов CSV: , ; tab | (по умолчанию определяется сам)"))
	fs.StringVar(&f.encoding, "encoding", "", t("CSV encoding: utf-8, cp1251, utf-16, koi8-r, cp866 (default: detected)",
		"кодировка CSV: utf-8, cp1251, utf-16, koi8-r, cp866 (по умолчанию определяется сама)"))
	fs.StringArrayVar(&f.maps, "map", nil, t("read a column as a field: 'Header=field' (repeatable; field - ignores the column)",
		"какое поле в столбце: 'Заголовок=поле' (можно несколько; поле - пропускает столбец)"))
	fs.StringArrayVar(&f.sets, "set", nil, t("a value for rows whose cell is empty: 'field=value' (repeatable)",
		"значение для строк с пустой ячейкой: 'поле=значение' (можно несколько)"))
	fs.StringVar(&f.report, "report", "", t("folder for the reports (default: <file>.report beside the file)",
		"папка отчётов (по умолчанию <файл>.report рядом с файлом)"))
	fs.BoolVar(&f.json, "json", false, t("print the summary as JSON on stdout", "вывести итог в JSON на stdout"))
	fs.StringVar(&f.lang, "lang", "", t("language of messages: ru or en (default: from LANG)",
		"язык сообщений: ru или en (по умолчанию из LANG)"))
	fs.StringVar(&f.region, "region", "RU", t("country for phone numbers written without a country code",
		"страна для телефонов без кода страны"))
	fs.StringVar(&f.loginFrom, "login-from", "email", t("where a missing login comes from: email (its local part) or name (transliterated)",
		"откуда взять логин, если его нет: email (часть адреса до @) или name (ФИО латиницей)"))
	fs.StringVar(&f.translit, "translit", "icao", t("transliteration for logins made from names: icao (as in passports) or gost (7.79-2000)",
		"транслитерация логинов из ФИО: icao (как в загранпаспорте) или gost (7.79-2000)"))
	fs.StringVarP(&f.profile, "profile", "p", "", t("use the settings saved under this name in the --config file",
		"взять настройки, сохранённые под этим именем в файле --config"))
	f.logs.add(fs, l)
	fs.SetNormalizeFunc(normalizeFlag)
}

// options turns the shared flags into importer.Options.
func (f *commonFlags) options(file string, env Env) (importer.Options, *targetSpec, error) {
	l := f.language(env)
	spec, err := lookupTarget(f.target, l)
	if err != nil {
		return importer.Options{}, nil, err
	}
	opts := importer.DefaultOptions()
	opts.Input, opts.Schema, opts.ReportDir, opts.Lang = file, spec.schema(), f.report, l
	opts.Region = strings.ToUpper(strings.TrimSpace(f.region))
	opts.Sets = map[columns.Field]string{}
	if opts.LoginFrom, err = importer.ParseLoginSource(f.loginFrom); err != nil {
		return opts, nil, &usageError{msg: err.Error()}
	}
	if opts.Translit, err = validate.ParseTranslit(f.translit); err != nil {
		return opts, nil, &usageError{msg: err.Error()}
	}
	opts.Source.Sheet = f.sheet
	opts.Source.Delimiter = f.delimiter
	opts.Source.Encoding = f.encoding
	for _, m := range f.maps {
		o, err := columns.ParseOverride(m)
		if err != nil {
			return opts, nil, &usageError{msg: err.Error()}
		}
		opts.Map = append(opts.Map, o)
	}
	for _, s := range f.sets {
		field, value, ok := strings.Cut(s, "=")
		fld, known := columns.Lookup(strings.TrimSpace(field))
		if !ok || !known {
			// Only the field is repeated: the value may be a misspelt field's secret.
			shown := strings.TrimSpace(field)
			if ok {
				shown += "=" + placeholder
			}
			return opts, nil, &usageError{
				msg: fmt.Sprintf(l.Pick("--set %q: write it as 'field=value' with a known field",
					"--set %q: пишите 'поле=значение' с известным полем"), shown),
				hint: "--set department=Продажи",
			}
		}
		value = strings.TrimSpace(value)
		if value == placeholder && secretField(field) {
			return opts, nil, &usageError{msg: fmt.Sprintf(l.Pick(
				"--set %s=%s: put the value in place of %s (the command printed to resume an import leaves secrets out)",
				"--set %s=%s: впишите значение вместо %s (команда для продолжения загрузки секретов не повторяет)"),
				strings.TrimSpace(field), placeholder, placeholder)}
		}
		opts.Sets[fld] = value
	}
	return opts, spec, nil
}

func (f *commonFlags) language(env Env) lang.Lang {
	if f.lang != "" {
		return lang.Parse(f.lang)
	}
	return langFrom(nil, env)
}

// normalizeFlag accepts the spellings people type for a flag: --save_profile and
// --SAVE-PROFILE are --save-profile.
func normalizeFlag(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(strings.ToLower(strings.ReplaceAll(name, "_", "-")))
}

func newValidateCmd(env Env, stdio IO, cfg *configFlag, l lang.Lang) *cobra.Command {
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
			env, err := applyProfile(cmd, &f, cfg, env, l)
			if err != nil {
				return err
			}
			opts, spec, err := f.options(args[0], env)
			if err != nil {
				return err
			}
			opts.Kind = importer.Validate
			con, err := openConsole(stdio, f.logs, opts.Lang)
			if err != nil {
				return err
			}
			defer con.close()
			logOptions(con, &opts, &f)
			sum, err := runAndReport(cmd.Context(), opts, importer.Deps{}, &f, stdio, con)
			if save != "" && sum != nil {
				path, perr := cfg.file(env)
				sets, secret := f.setsMap()
				if perr == nil {
					perr = saveProfile(path, save, spec.name, sum, sets)
				}
				if perr != nil {
					return perr
				}
				shown := reports.Printable(path)
				fmt.Fprintf(stdio.Stderr, opts.Lang.Pick("saved profile %s in %s; next time: userimport validate FILE --profile %s\n",
					"профиль %s сохранён в %s; в следующий раз: userimport validate ФАЙЛ --profile %s\n"), reports.Printable(save), shown, reports.Printable(save))
				if len(secret) > 0 {
					fmt.Fprintf(stdio.Stderr, opts.Lang.Pick(
						"not saved in the profile: --set %s, a secret (%s never holds one); give it on the command line each time\n",
						"не сохранено в профиле: --set %s — это секрет (в %s секретов не бывает); указывайте его в командной строке каждый раз\n"),
						strings.Join(secret, ", --set "), shown)
				}
			}
			return err
		},
	}
	f.add(cmd.Flags(), l)
	cmd.Flags().StringVar(&save, "save-profile", "", l.Pick(
		"save the columns used and --set values as this profile in the --config file (created 0600)",
		"сохранить столбцы и значения --set профилем с этим именем в файле --config (создаётся с правами 0600)"))
	completeTargets(cmd)
	return cmd
}

// setsMap is --set as field → value, for a profile, without the secrets: the settings
// file never holds one. secret names the fields left out.
func (f *commonFlags) setsMap() (m map[string]string, secret []string) {
	m = map[string]string{}
	for _, s := range f.sets {
		k, v, ok := strings.Cut(s, "=")
		fld, known := columns.Lookup(strings.TrimSpace(k))
		switch {
		case !ok || !known:
		case secretField(k):
			if !slices.Contains(secret, string(fld)) {
				secret = append(secret, string(fld))
			}
		default:
			m[string(fld)] = strings.TrimSpace(v)
		}
	}
	return m, secret
}

// logOptions records what a run was asked to do, at debug level: --verbose shows it,
// --log keeps it. The values of secret --set fields (a password for every new account)
// are written as the placeholder; the credentials are never among the options.
func logOptions(con *console, opts *importer.Options, f *commonFlags) {
	con.log.Debug("options", "input", opts.Input, "target", opts.Schema.Target, "profile", f.profile,
		"dry_run", opts.Kind == importer.Validate, "plan", opts.Kind == importer.Plan, "mode", string(opts.Mode), "concurrency", opts.Concurrency,
		"rate", opts.Rate, "region", opts.Region, "lang", string(opts.Lang), "map", f.maps, "set", redactSets(f.sets),
		"report", importer.ReportDir(opts))
}

// exactFile checks that a command got one file.
func exactFile(l lang.Lang) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return &usageError{msg: fmt.Sprintf(l.Pick("%s takes one file, got %d", "%s нужен один файл, а дано %d"),
				cmd.Name(), len(args)), hint: strings.TrimSpace(cmd.Example)}
		}
		return nil
	}
}

// runAndReport runs the importer with progress on stderr, then prints the summary: a
// few lines for people on stderr always (and in the --log file), JSON on stdout with
// --json.
func runAndReport(ctx context.Context, opts importer.Options, deps importer.Deps, f *commonFlags, stdio IO, con *console) (*reports.Summary, error) {
	deps.Log = con.people
	deps.Progress = &importer.Progress{}
	deps.Hooks.Interrupted = func(grace time.Duration) {
		fmt.Fprintf(con.people, "interrupted: no new rows are sent; calls in flight may finish for up to %s (Ctrl-C again to quit at once)\n", grace)
	}
	con.startProgress(deps.Progress, opts.Kind.DryRun())
	start := time.Now()
	sum, err := importer.Run(ctx, opts, deps)
	con.stopProgress()
	if sum == nil {
		if err != nil {
			con.log.Debug("stopped before any row", "error", err.Error())
		}
		return nil, err
	}
	con.log.Debug("finished", "elapsed", time.Since(start).Round(time.Millisecond).String(), "report", sum.ReportDir)
	if _, ok := errors.AsType[*importer.PreflightError](err); ok {
		// Nothing was sent: the one line saying what to fix is the whole story
		// (summary.json and --json still say it, for scripts).
		if f.json {
			if werr := reports.WriteSummary(stdio.Stdout, sum); werr != nil {
				return sum, werr
			}
		}
		return sum, err
	}
	reports.PrintSummary(stdio.Stderr, sum, opts.Lang, reports.ColorTerminal(stdio.Stderr, os.Getenv("NO_COLOR")))
	if w := con.summaryTo(); w != nil {
		reports.PrintSummary(w, sum, opts.Lang, false)
	}
	if f.json {
		if werr := reports.WriteSummary(stdio.Stdout, sum); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return sum, err
	}
	if sum.Invalid > 0 || sum.Failed > 0 {
		return sum, rowsError{}
	}
	return sum, nil
}

// startSandbox serves the target's stand-in on a free loopback port until stop is
// called.
func startSandbox(spec *targetSpec, env Env) (stop func(), addr string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("start the sandbox: %w", err)
	}
	srv := &http.Server{Handler: spec.newSandbox(env), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, ln.Addr().String(), nil
}

func newSandboxCmd(ctx context.Context, env Env, stdio IO, l lang.Lang) *cobra.Command {
	var (
		target, addr string
		faults       sandbox.Faults
	)
	cmd := &cobra.Command{
		Use: "sandbox --target T [--addr 127.0.0.1:8080]",
		Short: l.Pick("Serve a local stand-in of a platform's API, for trying and testing",
			"Запустить местную замену API платформы, чтобы пробовать и тестировать"),
		Long: `Serve an in-memory stand-in of the platform's API on a local address until
Ctrl-C. It checks credentials the way the platform does, against the same environment
variables the import reads, so an import started in the same environment talks to it:
` + envHelp() + `
It can be made slow or unreliable on purpose, to see what an import does then: a latency
per request, a share of requests answered 500 (not applied) or applied with the
connection dropped, and a rate limit answered with 429 and Retry-After.`,
		Example: `  USERIMPORT_COLLABORATOR_TOKEN=secret userimport sandbox --target collaborator --addr 127.0.0.1:8080 &
  USERIMPORT_COLLABORATOR_TOKEN=secret userimport import staff.xlsx --target collaborator --url http://127.0.0.1:8080
  userimport sandbox --target cscart --latency 50ms --fail-rate 0.1 --rate-limit 50`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := lookupTarget(target, l)
			if err != nil {
				return err
			}
			if faults.FailRate < 0 || faults.FailRate > 1 || faults.DropRate < 0 || faults.DropRate > 1 {
				return &usageError{msg: l.Pick("--fail-rate and --drop-rate are shares between 0 and 1", "--fail-rate и --drop-rate — доли от 0 до 1")}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return &usageError{msg: fmt.Sprintf(l.Pick("listen on %s: %v", "не удалось занять адрес %s: %v"), addr, err)}
			}
			stand := spec.newSandbox(env)
			mux := http.NewServeMux()
			mux.Handle("/", sandbox.Wrap(stand, faults))
			if st, ok := stand.(interface{ Stats() sandbox.Stats }); ok {
				// For tests of the built binary: what the imports changed, never faulted.
				mux.HandleFunc("GET "+sandbox.StatsPath, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					json.NewEncoder(w).Encode(st.Stats())
				})
			}
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(stdio.Stderr, l.Pick("sandbox: %s stand-in listening on http://%s (Ctrl-C to stop)\n",
				"песочница: замена %s слушает http://%s (Ctrl-C — остановить)\n"), spec.name, ln.Addr())
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case <-ctx.Done():
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				return srv.Shutdown(sctx)
			case err := <-errc:
				return err
			}
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&target, "target", "t", "", l.Pick("platform: ", "платформа: ")+strings.Join(targetNames(), ", "))
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.DurationVar(&faults.Latency, "latency", 0, "delay every answer by this long")
	fs.DurationVar(&faults.Jitter, "jitter", 0, "add up to this much random delay")
	fs.Float64Var(&faults.FailRate, "fail-rate", 0, "share of requests answered 500 without being applied (0-1)")
	fs.Float64Var(&faults.DropRate, "drop-rate", 0, "share of requests applied, then the connection dropped with no answer (0-1)")
	fs.Float64Var(&faults.RateLimit, "rate-limit", 0, "answer 429 with Retry-After above this many requests per second (0: none)")
	fs.Int64Var(&faults.Seed, "seed", 1, "seed of the random faults, for repeatable runs")
	completeTargets(cmd)
	return cmd
}

func envHelp() string {
	var b strings.Builder
	for _, s := range registry {
		fmt.Fprintf(&b, "  %-13s %s\n", s.name, strings.Join(s.envVars, ", "))
	}
	return b.String()
}
