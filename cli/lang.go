package cli

import (
	"strings"

	"userimport/validate"
)

// tr picks the English or the Russian text. The command line's own messages (usage
// errors, help, the sandbox and progress lines) come in both, like the summary and the
// validation messages do.
func tr(l validate.Lang, en, ru string) string {
	if l == validate.Russian {
		return ru
	}
	return en
}

// langFrom is the language of messages before flags are parsed, because the help texts
// are built with the commands: the last --lang in args, else LC_ALL, LC_MESSAGES and
// LANG in the order the C library reads them, else English.
func langFrom(args []string, env Env) validate.Lang {
	lang := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			lang = v
		} else if a == "--lang" && i+1 < len(args) {
			lang = args[i+1]
		}
	}
	if lang != "" {
		return validate.ParseLang(lang)
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := env(k); v != "" {
			return validate.ParseLang(v)
		}
	}
	return validate.English
}
