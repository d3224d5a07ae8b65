package validate

import (
	"fmt"
	"strings"

	"userimport/lang"
)

// Severity says whether an issue blocks the row (Error) or only informs (Warning).
// Warnings never block a row; errors always do.
type Severity int8

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Code is a stable, machine-readable name for a kind of problem. Codes appear in
// results.csv and summary.json and scripts match on them, so they never change.
type Code string

const (
	CodeRequired        Code = "required"         // a required value is empty
	CodeTooLong         Code = "too_long"         // longer than the platform takes
	CodeEmailInvalid    Code = "email_invalid"    // not an e-mail address
	CodeEmailTypo       Code = "email_typo"       // a likely typo of a common domain (warning)
	CodeMixedScript     Code = "mixed_script"     // Latin and Cyrillic letters in one word
	CodePhoneInvalid    Code = "phone_invalid"    // not a valid phone number
	CodePhoneExcel      Code = "phone_excel"      // Excel turned the number into 7,91E+10
	CodePhoneMultiple   Code = "phone_multiple"   // two numbers in one cell, the first kept (warning)
	CodePhoneExt        Code = "phone_ext"        // an extension the platform has no place for, left out (warning)
	CodeDateInvalid     Code = "date_invalid"     // not a date
	CodeDateAmbiguous   Code = "date_ambiguous"   // could be read two ways
	CodeDateImplausible Code = "date_implausible" // a birth date in the future or an age out of range (warning)
	CodeNameInvalid     Code = "name_invalid"     // characters a name cannot hold
	CodeNameIncomplete  Code = "name_incomplete"  // a full name without a first name
	CodeGenderInvalid   Code = "gender_invalid"   // not a gender word
	CodeGenderInferred  Code = "gender_inferred"  // gender taken from the patronymic (warning)
	CodeValueInvalid    Code = "value_invalid"    // a value not among the allowed ones
	CodeLoginInvalid    Code = "login_invalid"    // characters a login cannot hold
	CodeLoginGenerated  Code = "login_generated"  // the login was made from the e-mail or the name (warning)
	CodeIDPrecision     Code = "id_precision"     // a long number Excel already rounded (7.9E+17)
	CodeDuplicate       Code = "duplicate"        // the same key as an earlier row
	CodeFormulaNoValue  Code = "formula_no_value" // a formula cell with no cached value

	// Codes added with the value normalizers.
	CodeDateYearGuessed Code = "date_year_guessed" // a two-digit year read as 19YY or 20YY (warning)

	// CodeIDZerosDropped: an id written as a plain number among zero-padded ones (123
	// among 000124): Excel dropped its leading zeros (warning; see PaddedIDs).
	CodeIDZerosDropped Code = "id_zeros_dropped"
)

// Issue is one problem found in one cell. Field and Raw are filled by the row validator;
// normalizers fill Code, Severity, Detail and, where there is one, Normalized.
type Issue struct {
	Field      string // canonical field name, e.g. "phone"
	Column     string // the header of the column in the file, e.g. "Телефон"
	Code       Code
	Severity   Severity
	Raw        string // the value as it was in the file
	Normalized string // the value after normalization, where there is one
	// Detail is the variable part of the message: a suggested fix, an earlier row number,
	// a position. It is data, not prose, so the message renders in any language.
	Detail string
}

// Error renders the issue in English for logs: `phone: phone_invalid: not a valid phone number`.
func (i Issue) Error() string {
	return i.Field + ": " + string(i.Code) + ": " + i.Message(lang.English)
}

// Message renders the issue for a person in lang.
func (i Issue) Message(l lang.Lang) string {
	m, ok := messages[i.Code]
	if !ok {
		return string(i.Code)
	}
	tmpl, detail := l.Pick(m.en, m.ru), detailIn(l, i.Detail)
	if strings.Contains(tmpl, "%[2]s") {
		return fmt.Sprintf(tmpl, detail, i.Normalized)
	}
	if strings.Contains(tmpl, "%s") {
		return fmt.Sprintf(tmpl, detail)
	}
	if detail != "" {
		return tmpl + " (" + detail + ")"
	}
	return tmpl
}

// HasErrors reports whether any issue in list blocks the row.
func HasErrors(list []Issue) bool {
	for _, i := range list {
		if i.Severity == Error {
			return true
		}
	}
	return false
}
