package columns

import (
	"strings"
	"unicode"
)

// HR exports write a known header with words around it: "Email сотрудника",
// "Табельный номер сотрудника", "Телефон (мобильный)", "Личный email", "Тел. моб.".
// Match reads such a header as its known name when every other word is a qualifier
// that keeps the value the person's own (README, Columns). A word it does not know
// keeps the header unknown, since it may change whose value it is: "Email
// руководителя" is the manager's address, "Телефон отдела" the department's; --map
// still assigns such a column, and a missing column's message suggests it.

// qualifiers are the words, folded, that say whose or which value a header holds
// without making it someone else's: the person (сотрудника, работника), the kind of
// contact (личный, рабочий, мобильный), "full", "number", "address".
var qualifiers = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		// the person
		"сотрудник", "сотрудника", "сотруднику", "работник", "работника", "работнику",
		"физлица", "физ", "лица", "лицо", "пользователь", "пользователя", "слушатель", "слушателя",
		"ученик", "ученика", "участник", "участника", "студент", "студента", "employee", "employees",
		"staff", "user", "users", "person", "member", "worker", "learner", "student",
		// the kind of contact or value
		"личный", "личная", "личное", "личного", "личной", "рабочий", "рабочая", "рабочее",
		"рабочего", "рабочей", "служебный", "служебная", "служебного", "корпоративный",
		"корпоративная", "корпоративной", "основной", "основная", "основного", "основной",
		"контактный", "контактная", "мобильный", "мобильного", "моб", "сотовый", "сотового",
		"сот", "полное", "полностью", "полный", "полн", "официальный", "текущий", "текущая",
		"текущее", "personal", "work", "business", "corporate", "primary", "main", "mobile",
		"cell", "contact", "office", "official", "current", "full",
		// number, address
		"номер", "ном", "no", "nr", "num", "number", "адрес", "address",
	} {
		m[w] = true
	}
	return m
}()

// Match finds the field a header stands for: by the whole header as Lookup does, else
// by a run of its words that is a known name ("Email" in "Email сотрудника", "E mail"
// in "E-mail работника") when every other word is a qualifier or another name of the
// same field ("Подразделение (отдел)"). A header whose words could be two fields
// matches neither.
func Match(header string) (Field, bool) {
	if f, ok := Lookup(header); ok {
		return f, true
	}
	return matchQualified(header)
}

// matchQualified is Match for a header that is not a known name as a whole.
func matchQualified(header string) (Field, bool) {
	ws := foldWords(header)
	if len(ws) < 2 || len(ws) > 8 {
		return "", false
	}
	var found Field
	for i := range ws {
		for j := i + 1; j <= len(ws); j++ {
			if i == 0 && j == len(ws) {
				continue // the whole header, which Lookup has tried
			}
			f, ok := index[strings.Join(ws[i:j], "")]
			if !ok || f == SourceRow || f == Repeats || !qualifiedBy(f, ws[:i], ws[j:]) {
				continue
			}
			if found != "" && found != f {
				return "", false
			}
			found = f
		}
	}
	return found, found != ""
}

// qualifiedBy reports whether every word around a name of f is a qualifier or
// another name of f.
func qualifiedBy(f Field, around ...[]string) bool {
	for _, ws := range around {
		for _, w := range ws {
			if g, ok := index[w]; !qualifiers[w] && (!ok || g != f) {
				return false
			}
		}
	}
	return true
}

// foldWords is words without the empty ones Fold leaves of punctuation.
func foldWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if w = Fold(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}
