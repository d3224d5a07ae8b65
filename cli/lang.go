package cli

import (
	"strings"

	"userimport/lang"
)

// systemLanguage is the user's interface language as the operating system names it
// ("ru-RU"), for systems whose environment says nothing of it (Windows sets no LANG);
// "" where the environment is the answer. See lang_windows.go and lang_other.go.
type systemLanguage func() string

// langFrom is the language of messages before flags are parsed, because the help texts
// are built with the commands: the last --lang in args, else LC_ALL, LC_MESSAGES and
// LANG in the order the C library reads them, else the system's interface language
// (Windows: a Russian Windows gets Russian without a flag), else English. system may be
// nil.
func langFrom(args []string, env Env, system systemLanguage) lang.Lang {
	l := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			l = v
		} else if a == "--lang" && i+1 < len(args) {
			l = args[i+1]
		}
	}
	if l != "" {
		return lang.Parse(l)
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := env(k); v != "" {
			return lang.Parse(v)
		}
	}
	if system != nil {
		if v := system(); v != "" {
			return lang.Parse(v)
		}
	}
	return lang.English
}
