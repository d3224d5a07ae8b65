package validate

import "strings"

// genderWords maps the words HR files use for gender, lower case and without trailing
// dots, to genders. 0 and 1 follow Collaborator (0 male, 1 female), the only platform
// here that takes gender as a number.
var genderWords = map[string]Gender{
	"м": Male, "муж": Male, "мужской": Male, "мужчина": Male, "m": Male, "male": Male,
	"man": Male, "0": Male,
	"ж": Female, "жен": Female, "женский": Female, "женщина": Female, "f": Female,
	"female": Female, "woman": Female, "1": Female,
}

// ParseGender reads a gender word (`м`, `Муж.`, `мужской`, `m`, `male`, `man`, `0`;
// `ж`, `жен.`, `женский`, `f`, `female`, `woman`, `1`), in any case and with trailing
// dots. Anything else is CodeGenderInvalid. It is safe for concurrent use.
func ParseGender(raw string) (Gender, []Issue) {
	t := trimSpace(raw)
	s := strings.TrimRight(t, ".")
	if s == "" {
		if t == "" {
			return GenderUnknown, nil
		}
		return GenderUnknown, one(CodeGenderInvalid, Error, "", "")
	}
	if g, ok := genderWords[s]; ok {
		return g, nil
	}
	if g, ok := lookupLower(genderWords, s); ok {
		return g, nil
	}
	return GenderUnknown, one(CodeGenderInvalid, Error, "", "")
}
