package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
	"userimport/targets"
	"userimport/validate"
)

// commonFlags are the flags validate, plan and import share.
type commonFlags struct {
	target   string
	reading  readingFlags
	checking checkingFlags
	report   string
	json     bool
	lang     string
	profile  string
	logs     logFlags
}

// readingFlags say how the file is read: importer.Reading.
type readingFlags struct {
	sheet     string
	delimiter string
	encoding  string
	maps      []string
	// fromProfile counts the maps, first in maps, that came from --profile: a saved
	// column the file no longer has is passed over (columns.Override.Optional).
	fromProfile int
}

// checkingFlags say how each row is checked and completed: importer.Checking.
type checkingFlags struct {
	sets      []string
	region    string
	loginFrom string
	translit  string
}

func (f *commonFlags) add(fs *pflag.FlagSet, l lang.Lang) {
	t := l.Pick
	fs.StringVarP(&f.target, "target", "t", "", t("platform: ", "платформа: ")+joinNames())
	fs.StringVar(&f.reading.sheet, "sheet", "", t("XLSX sheet by name or number (default: the first visible sheet)",
		"лист XLSX по имени или номеру (по умолчанию первый видимый)"))
	fs.StringVar(&f.reading.delimiter, "delimiter", "", t("CSV column separator: , ; tab | (default: detected)",
		"разделитель столбцов CSV: , ; tab | (по умолчанию определяется сам)"))
	fs.StringVar(&f.reading.encoding, "encoding", "", t("CSV encoding: utf-8, cp1251, utf-16, koi8-r, cp866 (default: detected)",
		"кодировка CSV: utf-8, cp1251, utf-16, koi8-r, cp866 (по умолчанию определяется сама)"))
	fs.StringArrayVar(&f.reading.maps, "map", nil, t("read a column as a field: 'Header=field' (repeatable; field - ignores the column)",
		"какое поле в столбце: 'Заголовок=поле' (можно несколько; поле - пропускает столбец)"))
	fs.StringArrayVar(&f.checking.sets, "set", nil, t("a value for rows whose cell is empty: 'field=value' (repeatable)",
		"значение для строк с пустой ячейкой: 'поле=значение' (можно несколько)"))
	fs.StringVar(&f.report, "report", "", t("folder for the reports (default: <file>.report beside the file)",
		"папка отчётов (по умолчанию <файл>.report рядом с файлом)"))
	fs.BoolVar(&f.json, "json", false, t("print the summary as JSON on stdout", "вывести итог в JSON на stdout"))
	fs.StringVar(&f.lang, "lang", "", t("language of messages: ru or en (default: from LANG)",
		"язык сообщений: ru или en (по умолчанию из LANG)"))
	fs.StringVar(&f.checking.region, "region", "RU", t("country for phone numbers written without a country code",
		"страна для телефонов без кода страны"))
	fs.StringVar(&f.checking.loginFrom, "login-from", "email", t("where a missing login comes from: email (its local part) or name (transliterated)",
		"откуда взять логин, если его нет: email (часть адреса до @) или name (ФИО латиницей)"))
	fs.StringVar(&f.checking.translit, "translit", "icao", t("transliteration for logins made from names: icao (as in passports) or gost (7.79-2000)",
		"транслитерация логинов из ФИО: icao (как в загранпаспорте) или gost (7.79-2000)"))
	fs.StringVarP(&f.profile, "profile", "p", "", t("use the settings saved under this name in the --config file",
		"взять настройки, сохранённые под этим именем в файле --config"))
	f.logs.add(fs, l)
	fs.SetNormalizeFunc(normalizeFlag)
}

// fileRun is what validate, plan and import share once their flags are read: the
// importer's options, the platform, and how the run speaks.
type fileRun struct {
	opts     importer.Options
	platform targets.Platform
	sets     sets
	// env is the environment with a profile's credential variables in place of the
	// standard ones.
	env  Env
	io   IO
	logs logFlags
	json bool
	// profile and maps are as given, for the log.
	profile string
	maps    []string
}

// read is the run the flags ask for on file, after filling the flags the command line
// left unset from --profile.
func (f *commonFlags) read(cmd *cobra.Command, a *app, file string) (fileRun, error) {
	env, err := applyProfile(cmd, f, a)
	if err != nil {
		return fileRun{}, err
	}
	l := f.language(env, a.system)
	r := fileRun{env: env, io: a.io, logs: f.logs, json: f.json, profile: f.profile, maps: f.reading.maps}
	if r.platform, err = lookupTarget(f.target, l); err != nil {
		return r, err
	}
	opts := importer.DefaultOptions()
	opts.Input, opts.Schema, opts.ReportDir, opts.Lang = file, r.platform.Schema(), f.report, l
	opts.Region = strings.ToUpper(strings.TrimSpace(f.checking.region))
	if opts.LoginFrom, err = importer.ParseLoginSource(f.checking.loginFrom); err != nil {
		return r, &usageError{msg: fmt.Sprintf(l.Pick("--login-from %q: use email or name", "--login-from %q: укажите email или name"), f.checking.loginFrom)}
	}
	if opts.Translit, err = validate.ParseTranslit(f.checking.translit); err != nil {
		return r, &usageError{msg: fmt.Sprintf(l.Pick("--translit %q: use icao or gost", "--translit %q: укажите icao или gost"), f.checking.translit)}
	}
	opts.Source.Sheet = f.reading.sheet
	opts.Source.Delimiter = f.reading.delimiter
	opts.Source.Encoding = f.reading.encoding
	for i, m := range f.reading.maps {
		o, err := columns.ParseOverride(m)
		if oe, ok := errors.AsType[*columns.OverrideError](err); ok {
			return r, &usageError{msg: oe.Text(l)}
		} else if err != nil {
			return r, err
		}
		o.Optional = i < f.reading.fromProfile
		opts.Map = append(opts.Map, o)
	}
	if r.sets, err = parseSets(f.checking.sets, l); err != nil {
		return r, err
	}
	opts.Sets = r.sets.values()
	r.opts = opts
	return r, nil
}

func (f *commonFlags) language(env Env, system systemLanguage) lang.Lang {
	if f.lang != "" {
		return lang.Parse(f.lang)
	}
	return langFrom(nil, env, system)
}

// setting is one --set 'field=value', as given.
type setting struct {
	raw string
	// key is what stands before the =, as typed; field is the field it names, "" for
	// none.
	key   string
	field columns.Field
	value string
	// hasValue is false for a --set without an =.
	hasValue bool
}

// parseSetting reads one --set; whether it names a known field is for parseSets to say.
func parseSetting(s string) setting {
	k, v, ok := strings.Cut(s, "=")
	fld, _ := columns.Lookup(strings.TrimSpace(k))
	return setting{raw: s, key: k, field: fld, value: strings.TrimSpace(v), hasValue: ok}
}

// secret reports whether the value is a secret (a password): never shown, logged or
// saved in a profile.
func (s setting) secret() bool { return secretField(s.key) }

// redacted is the --set as it may be shown or written down: the value of a secret field
// replaced by the placeholder.
func (s setting) redacted() string {
	if s.hasValue && s.secret() {
		return s.key + "=" + placeholder
	}
	return s.raw
}

// sets are the --set arguments, parsed once, in the order given (a later one wins).
type sets []setting

// parseSets reads the --set arguments; one without an = or with an unknown field is a
// usage error, and so is a secret given as the placeholder.
func parseSets(raw []string, l lang.Lang) (sets, error) {
	var out sets
	for _, r := range raw {
		s := parseSetting(r)
		name := strings.TrimSpace(s.key)
		if !s.hasValue || s.field == "" {
			// Only the field is repeated: the value may be a misspelt field's secret.
			shown := name
			if s.hasValue {
				shown += "=" + placeholder
			}
			return out, &usageError{
				msg: fmt.Sprintf(l.Pick("--set %q: write it as 'field=value' with a known field",
					"--set %q: пишите 'поле=значение' с известным полем"), shown),
				hint: "--set department=Продажи",
			}
		}
		if s.value == placeholder && s.secret() {
			return out, &usageError{msg: fmt.Sprintf(l.Pick(
				"--set %s=%s: put the value in place of %s (the command printed to resume an import leaves secrets out)",
				"--set %s=%s: впишите значение вместо %s (команда для продолжения загрузки секретов не повторяет)"),
				name, placeholder, placeholder)}
		}
		out = append(out, s)
	}
	return out, nil
}

// values are the sets as the importer takes them: field → value.
func (s sets) values() map[columns.Field]string {
	m := map[columns.Field]string{}
	for _, st := range s {
		m[st.field] = st.value
	}
	return m
}

// forProfile is field → value, for a profile, without the secrets: the settings file
// never holds one. secret names the fields left out.
func (s sets) forProfile() (m map[string]string, secret []string) {
	m = map[string]string{}
	for _, st := range s {
		switch {
		case !st.secret():
			m[string(st.field)] = st.value
		case !slices.Contains(secret, string(st.field)):
			secret = append(secret, string(st.field))
		}
	}
	return m, secret
}

// redacted are the --set arguments as they may be logged.
func (s sets) redacted() []string {
	out := make([]string, len(s))
	for i, st := range s {
		out[i] = st.redacted()
	}
	return out
}

// normalizeFlag accepts the spellings people type for a flag: --save_profile and
// --SAVE-PROFILE are --save-profile.
func normalizeFlag(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(strings.ToLower(strings.ReplaceAll(name, "_", "-")))
}

// exactFile checks that a command got one file.
func exactFile(l lang.Lang) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return &usageError{msg: fmt.Sprintf(l.Pick("%s takes one file, got %d", "%s нужен один файл, а дано %d"),
				cmd.Name(), len(args)), hint: firstExample(cmd)}
		}
		return nil
	}
}

// completeTargets makes the shell complete --target with the platforms' names.
func completeTargets(cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("target", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return targetNames(), cobra.ShellCompDirectiveNoFileComp
	})
}

// targetFlag registers --target alone, for the commands that read no file.
func targetFlag(fs *pflag.FlagSet, p *string, l lang.Lang) {
	fs.StringVarP(p, "target", "t", "", l.Pick("platform: ", "платформа: ")+joinNames())
}
