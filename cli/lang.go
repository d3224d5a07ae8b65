package cli

import (
	"strings"

	"userimport/lang"
)

// langFrom is the language of messages before flags are parsed, because the help texts
// are built with the commands: the last --lang in args, else LC_ALL, LC_MESSAGES and
// LANG in the order the C library reads them, else English.
func langFrom(args []string, env Env) lang.Lang {
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
	return lang.English
}
