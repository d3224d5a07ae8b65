package validate

import (
	"strings"

	"userimport/lang"
)

// messages holds the text of every Code in English and Russian. A "%s" in a template is
// replaced by Issue.Detail; a template without one gets the detail appended in brackets.
// A template that names two values uses "%[1]s" for Issue.Detail and "%[2]s" for
// Issue.Normalized.
var messages = map[Code]struct{ en, ru string }{
	CodeRequired:        {"a value is required", "нужно заполнить"},
	CodeTooLong:         {"too long: at most %s characters", "слишком длинное значение: не больше %s символов"},
	CodeEmailInvalid:    {"not a valid e-mail address", "это не адрес электронной почты"},
	CodeEmailTypo:       {"the domain looks mistyped, did you mean %s?", "похоже на опечатку в домене, может быть, %s?"},
	CodeMixedScript:     {"Latin and Cyrillic letters mixed: %s", "латинские и русские буквы вперемешку: %s"},
	CodePhoneInvalid:    {"not a valid phone number", "это не номер телефона"},
	CodePhoneExcel:      {"Excel has rounded this number (%s); type it again as text", "Excel округлил номер (%s); введите его заново как текст"},
	CodePhoneMultiple:   {"more than one number in the cell: kept %[2]s, left out: %[1]s", "в ячейке больше одного номера: взят %[2]s, отброшено: %[1]s"},
	CodePhoneExt:        {"the platform has no place for an extension: %[2]s is sent, extension %[1]s is left out", "на платформе нет поля для добавочного номера: передан %[2]s, добавочный %[1]s не передан"},
	CodeDateInvalid:     {"not a date; write it as DD.MM.YYYY", "это не дата; напишите как ДД.ММ.ГГГГ"},
	CodeDateAmbiguous:   {"the date can be read two ways (%s); write it as DD.MM.YYYY", "дату можно прочитать двумя способами (%s); напишите как ДД.ММ.ГГГГ"},
	CodeDateImplausible: {"an unlikely birth date (%s)", "маловероятная дата рождения (%s)"},
	CodeNameInvalid:     {"a name may hold only letters, spaces, apostrophes and dashes", "в имени могут быть только буквы, пробелы, апострофы и дефисы"},
	CodeNameIncomplete:  {"the full name needs at least a last and a first name", "в ФИО нужны хотя бы фамилия и имя"},
	CodeGenderInvalid:   {"not a gender; write м or ж", "пол не распознан; напишите м или ж"},
	CodeGenderInferred:  {"gender taken from the patronymic: %s", "пол определён по отчеству: %s"},
	CodeValueInvalid:    {"not one of the allowed values: %s", "недопустимое значение; можно: %s"},
	CodeLoginInvalid:    {"a login may hold only Latin letters, digits, dots, dashes and underscores", "в логине могут быть только латинские буквы, цифры, точки, дефисы и подчёркивания"},
	CodeLoginGenerated:  {"login made from %s", "логин составлен из: %s"},
	CodeIDPrecision:     {"Excel has rounded this number (%s); format the column as text and type it again", "Excel округлил число (%s); сделайте столбец текстовым и введите заново"},
	CodeIDZerosDropped: {"a number among ids with leading zeros: Excel may have dropped its zeros (was it %s?); format the column as text and type it again",
		"число среди табельных номеров с нулями впереди: Excel мог отбросить нули (было %s?); сделайте столбец текстовым и введите заново"},
	CodeDuplicate:       {"the same as row %s", "повторяет строку %s"},
	CodeFormulaNoValue:  {"a formula with no saved value; open the file in Excel and save it", "формула без сохранённого значения; откройте файл в Excel и сохраните"},
	CodeDateYearGuessed: {"a two-digit year, read as %s; write the year in full", "год из двух цифр прочитан как %s; напишите год полностью"},
}

// detailIn is an issue's detail in l: the few details written in English words (the
// implausible date's "age 126" and "after 03.12.2026") are said in Russian; the rest
// are values from the file, which stay as they are.
func detailIn(l lang.Lang, detail string) string {
	if l != lang.Russian {
		return detail
	}
	if n, ok := strings.CutPrefix(detail, "age "); ok {
		return "возраст " + n
	}
	if d, ok := strings.CutPrefix(detail, "after "); ok {
		return "позже " + d
	}
	return detail
}
