package config

import (
	"fmt"
	"regexp"
	"strings"
	"userimport/internal/editdist"

	"userimport/lang"
)

// The settings file's errors in the user's language (issue 17): each error keeps its
// English Error() and says itself in a lang.Lang through Text.

// Text is the error in l.
func (e *PermissionError) Text(l lang.Lang) string {
	return fmt.Sprintf(l.Pick("config %s: group or others may read or change it (mode %04o); make it private: chmod 600 %s",
		"файл настроек %s: его могут читать или менять другие (права %04o); сделайте его личным: chmod 600 %s"),
		e.Path, e.Mode.Perm(), e.Path)
}

// Text is the error in l: the message in Russian where the tool wrote it (an unknown
// key, a value of the wrong type), the TOML parser's own words otherwise.
func (e *SyntaxError) Text(l lang.Lang) string {
	if l != lang.Russian {
		return e.Error()
	}
	at := e.Path
	if e.Line > 0 {
		at = fmt.Sprintf("%s, строка %d", e.Path, e.Line)
	}
	msg := e.Msg
	if e.Ru != "" {
		msg = e.Ru
	}
	s := "файл настроек " + at + ": " + msg
	if e.Detail != "" {
		s += "\n" + e.Detail
	}
	return s
}

// typeError reads the TOML library's "incompatible types: TOML value has type string;
// destination has type integer".
var typeError = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (.+)$`)

// tomlType is a type as the TOML library names it, said for people in English and in
// Russian; example is a line of the settings file with a value of the type.
func tomlType(t string) (en, ru, example string) {
	switch {
	case t == "integer" || strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "a whole number", "целое число", "concurrency = 4"
	case t == "float" || strings.HasPrefix(t, "float"):
		return "a number", "число", "rate = 2.5"
	case t == "string" || strings.Contains(t, "string-like"):
		return "text in quotes", "текст в кавычках", `target = "inskill"`
	case t == "boolean" || t == "bool":
		return "true or false", "true или false", "notify = false"
	case strings.HasPrefix(t, "map"):
		return "a table", "таблица", `map = { "Эл. адрес" = "email" }`
	case t == "slice" || strings.HasPrefix(t, "[]"):
		return "a list", "список", `x = ["a", "b"]`
	}
	return t, t, ""
}

// wrongType says which key has a value of the wrong type and what type it wants; ok is
// false when msg is not the TOML library's type error.
func wrongType(key, msg string) (en, ru string, ok bool) {
	m := typeError.FindStringSubmatch(msg)
	if m == nil {
		return "", "", false
	}
	gotEn, gotRu, _ := tomlType(m[1])
	wantEn, wantRu, example := tomlType(m[2])
	if example != "" {
		example = " (" + example + ")"
	}
	if key == "" {
		key = "?"
	}
	return fmt.Sprintf("%s wants %s%s, not %s", key, wantEn, example, gotEn),
		fmt.Sprintf("в %s нужно %s%s, а здесь %s", key, wantRu, example, gotRu), true
}

// NoProfileError is a --profile the settings file does not have; it is ErrNoProfile.
type NoProfileError struct {
	Name string
	// Have are the profiles the file has.
	Have []string
}

func (e *NoProfileError) Error() string { return e.Text(lang.English) }

// Is makes errors.Is(err, ErrNoProfile) hold.
func (e *NoProfileError) Is(target error) bool { return target == ErrNoProfile }

// Text is the error in l.
func (e *NoProfileError) Text(l lang.Lang) string {
	if len(e.Have) == 0 {
		return fmt.Sprintf(l.Pick("profile %q: no such profile; the file has none yet", "профиль %q: такого профиля нет; в файле их пока нет"), e.Name)
	}
	return fmt.Sprintf(l.Pick("profile %q: no such profile; the file has %s", "профиль %q: такого профиля нет; в файле есть %s"),
		e.Name, strings.Join(e.Have, ", "))
}

// nearestKey is the key a profile takes that typed is most likely a misspelling of.
func nearestKey(typed string) (string, bool) {
	typed = strings.ToLower(typed)
	best, bestD := "", -1
	for _, k := range profileKeys() {
		d := editdist.Distance(typed, k)
		limit := 2
		if len(k) >= 10 {
			limit = 3
		}
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = k, d
		}
	}
	return best, bestD >= 0
}
