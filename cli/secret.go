package cli

import (
	"net/url"
	"strings"

	"userimport/columns"
)

// placeholder stands for a secret the tool does not repeat: in the resume command,
// where the user puts the value back before running it, and in logs. A --set of a
// secret field to exactly this is refused, so a resume command pasted without filling
// it in cannot give accounts the password "...".
const placeholder = "..."

// secretWords are the parts of a field's name that say its value is a secret.
var secretWords = []string{"password", "passwd", "secret", "token", "key", "парол"}

// secretField reports whether --set name=... gives a secret: the password field (by
// any of its headers, Пароль too), or a field whose name says secret, token or key.
func secretField(name string) bool {
	name = strings.TrimSpace(name)
	names := []string{strings.ToLower(name)}
	if f, ok := columns.Lookup(name); ok {
		names = append(names, string(f))
	}
	for _, n := range names {
		for _, w := range secretWords {
			if strings.Contains(n, w) {
				return true
			}
		}
	}
	return false
}

// redactURL hides the password of a URL written with one (https://user:pass@host).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); !has {
		return s
	}
	u.User = url.UserPassword(u.User.Username(), placeholder)
	return u.String()
}

// redactArgs returns the command line with the values of secret --set fields and the
// password of a --url replaced by the placeholder, and the flags it changed, for a
// command line that is printed (the resume command). Flags are matched the way the
// command line reads them: --set V, --set=V, in any case and with _ for -.
func redactArgs(args []string) (out []string, redacted []string) {
	out = make([]string, len(args))
	copy(out, args)
	for i := 0; i < len(out); i++ {
		a := out[i]
		if a == "--" {
			break
		}
		name, value, inline := strings.Cut(a, "=")
		if !strings.HasPrefix(name, "--") {
			continue
		}
		flag := string(normalizeFlag(nil, strings.TrimPrefix(name, "--")))
		if flag != "set" && flag != "url" {
			continue
		}
		if !inline {
			if i+1 >= len(out) {
				break
			}
			i++
			value = out[i]
		}
		clean := value
		switch flag {
		case "set":
			if s := parseSetting(value); s.redacted() != value {
				clean = s.redacted()
				redacted = append(redacted, "--set "+strings.TrimSpace(s.key))
			}
		case "url":
			clean = redactURL(value)
			if clean != value {
				redacted = append(redacted, "--url")
			}
		}
		if inline {
			out[i] = name + "=" + clean
		} else {
			out[i] = clean
		}
	}
	return out, redacted
}
