package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"userimport/columns"
	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
	"userimport/template"
)

// targetInfo is what `userimport targets` tells about a platform; with --json it is the
// output, for scripts.
type targetInfo struct {
	Name string `json:"name"`
	// Keys identify an account, most important first.
	Keys  []string `json:"keys"`
	Modes []string `json:"modes"`
	// Plan says whether `userimport plan` works: the platform can be asked without
	// writing.
	Plan   bool        `json:"plan"`
	Env    []string    `json:"env"`
	Fields []fieldInfo `json:"fields"`
	// Notice is what to know before the first import, when the platform has something.
	Notice string `json:"notice,omitempty"`
	// Facts are what the client relies on about the platform's API, each verified or
	// inferred, with its source.
	Facts []targets.Fact `json:"facts"`
}

type fieldInfo struct {
	Field    string `json:"field"`
	Required bool   `json:"required"`
	// Generated is true for a required field the tool fills when the cell is empty.
	Generated bool     `json:"generated,omitempty"`
	MaxLen    int      `json:"max_len,omitempty"`
	Format    string   `json:"format,omitempty"`
	Values    []string `json:"values,omitempty"`
	Headers   []string `json:"headers"`
}

func describeTarget(p targets.Platform, l lang.Lang) targetInfo {
	s := p.Schema()
	info := targetInfo{
		Name:  p.Name,
		Modes: []string{string(targets.ModeUpsert), string(targets.ModeCreate), string(targets.ModeUpdate)},
		Env:   p.EnvNames(),
		Plan:  p.CanPlan(),
		Facts: p.Facts,
	}
	if p.Notice != nil {
		info.Notice = p.Notice(l)
	}
	for _, k := range s.KeyFields() {
		info.Keys = append(info.Keys, string(k))
	}
	for _, r := range s.Fields {
		fi := fieldInfo{
			Field: string(r.Field), Required: r.Required, MaxLen: r.MaxLen, Format: r.Format,
			Values: r.Values, Headers: columns.Aliases(r.Field),
		}
		fi.Generated = r.Required && (r.Field == columns.Login && s.GenerateLogin || r.Field == columns.Password && s.GeneratePassword)
		info.Fields = append(info.Fields, fi)
	}
	return info
}

// targetsOptions are what `userimport targets` was asked.
type targetsOptions struct {
	out io.Writer
	// name is the one platform to describe; empty for all.
	name   string
	asJSON bool
	lang   lang.Lang
}

func newTargetsCmd(a *app) *cobra.Command {
	l := a.lang
	opts := targetsOptions{out: a.io.Stdout}
	var langFlag string
	cmd := &cobra.Command{
		Use: "targets [T]",
		Short: l.Pick("List what each platform takes: fields, headers, keys, modes, credentials",
			"Что принимает каждая платформа: поля, заголовки, ключи, режимы, учётные данные"),
		Long: l.Pick(`List each platform's fields (the canonical name --map and --set use, the headers
recognised for it, whether it is required, its format), the fields that identify an
account, the import modes, whether plan works, and the environment variables holding
its credentials. With --json, the same for scripts.`, `Поля каждой платформы (имя для --map и --set, какие заголовки узнаются, обязательно
ли поле, формат), поля, по которым узнаётся учётная запись, режимы загрузки, работает
ли plan и в каких переменных окружения учётные данные. С --json — то же для скриптов.`),
		Example: `  userimport targets
  userimport targets ispring
  userimport targets cscart --json`,
		Args: atMostArgs(1, a.lang),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return targetNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.lang = langOr(langFlag, l)
			if len(args) == 1 {
				opts.name = args[0]
			}
			return runTargets(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, l.Pick("print JSON, for scripts", "вывести JSON, для скриптов"))
	cmd.Flags().StringVar(&langFlag, "lang", "", l.Pick("language: ru or en (default: from LANG)", "язык: ru или en (по умолчанию из LANG)"))
	return cmd
}

// runTargets describes the platforms, for people or, with --json, for scripts.
func runTargets(opts targetsOptions) error {
	all := platforms.All()
	if opts.name != "" {
		p, err := lookupTarget(opts.name, opts.lang)
		if err != nil {
			return err
		}
		all = []targets.Platform{p}
	}
	var infos []targetInfo
	for _, p := range all {
		infos = append(infos, describeTarget(p, opts.lang))
	}
	if opts.asJSON {
		enc := json.NewEncoder(opts.out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(infos)
	}
	for i, info := range infos {
		if i > 0 {
			fmt.Fprintln(opts.out)
		}
		printTarget(opts.out, info, opts.lang, len(infos) == 1)
	}
	return nil
}

// langOr is the language a command's --lang names, else l.
func langOr(flag string, l lang.Lang) lang.Lang {
	if flag != "" {
		return lang.Parse(flag)
	}
	return l
}

// printTarget writes a platform's description for people; facts lists each API fact
// the client relies on, not only how many were verified.
func printTarget(w io.Writer, info targetInfo, l lang.Lang, facts bool) {
	t := l.Pick
	yesNo := func(b bool) string {
		if b {
			return t("yes", "да")
		}
		return t("no", "нет")
	}
	fmt.Fprintf(w, "%s\n", info.Name)
	fmt.Fprintf(w, "  %s %s\n", t("identity:   ", "ключ:       "), strings.Join(info.Keys, t(", then ", ", затем ")))
	fmt.Fprintf(w, "  %s %s; plan: %s\n", t("modes:      ", "режимы:     "), strings.Join(info.Modes, ", "), yesNo(info.Plan))
	fmt.Fprintf(w, "  %s %s\n", t("credentials:", "доступ:     "), strings.Join(info.Env, ", "))
	fmt.Fprintf(w, "  %s\n", t("fields (* required, + required but made by the tool when empty):",
		"поля (* обязательное, + обязательное, но программа заполнит сама):"))
	width := 12
	for _, f := range info.Fields {
		width = max(width, len(f.Field))
	}
	for _, f := range info.Fields {
		mark := " "
		switch {
		case f.Generated:
			mark = "+"
		case f.Required:
			mark = "*"
		}
		format := template.FormatIn(f.Format, l)
		if f.MaxLen > 0 {
			format += fmt.Sprintf(t("; up to %d characters", "; до %d символов"), f.MaxLen)
		}
		fmt.Fprintf(w, "    %s %-*s %s\n", mark, width, f.Field, format)
		fmt.Fprintf(w, "      %-*s %s %s\n", width, "", t("headers:", "заголовки:"), strings.Join(f.Headers, ", "))
	}
	if info.Notice != "" {
		fmt.Fprintf(w, "  %s %s\n", t("before importing:", "перед загрузкой:"), info.Notice)
	}
	printFacts(w, info, l, facts)
}

// printFacts says how many of the API facts the client relies on were verified, and
// with all, lists them with their sources.
func printFacts(w io.Writer, info targetInfo, l lang.Lang, all bool) {
	t := l.Pick
	verified := 0
	for _, f := range info.Facts {
		if f.Verified {
			verified++
		}
	}
	fmt.Fprintf(w, "  %s %d %s, %d %s (docs/platforms/%s.md)\n", t("API facts:  ", "факты API:  "),
		verified, t("verified", "проверено"), len(info.Facts)-verified, t("inferred", "предположено"), info.Name)
	if !all {
		return
	}
	for _, f := range info.Facts {
		mark := t("inferred", "предположение")
		if f.Verified {
			mark = t("verified", "проверено")
		}
		fmt.Fprintf(w, "    [%s] %s\n", mark, f.Behaviour)
		if f.Source != "" {
			fmt.Fprintf(w, "      %s %s\n", t("source:", "источник:"), f.Source)
		}
	}
}
