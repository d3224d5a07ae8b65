package validate

import "strings"

// boolWords maps yes/no words, lower case and without trailing dots, to Yes or No. The
// status words are the ones HR files put in an "active" or "status" column.
var boolWords = map[string]Tristate{
	"да": Yes, "yes": Yes, "y": Yes, "true": Yes, "1": Yes, "+": Yes, "д": Yes,
	"активен": Yes, "активна": Yes, "активный": Yes, "активная": Yes, "active": Yes,
	"включен": Yes, "включён": Yes, "включена": Yes, "вкл": Yes, "работает": Yes,
	"нет": No, "no": No, "n": No, "false": No, "0": No, "-": No, "н": No,
	"заблокирован": No, "заблокирована": No, "blocked": No, "неактивен": No,
	"неактивна": No, "неактивный": No, "inactive": No, "выкл": No, "отключен": No,
	"отключён": No, "уволен": No, "уволена": No, "disabled": No,
}

// boolAccepted is the Detail of CodeValueInvalid: what a person may write instead.
const boolAccepted = "да, нет, yes, no, 1, 0, +, -, активен, заблокирован"

// ParseBool reads a yes/no cell: да/нет, yes/no, y/n, true/false, 1/0, +/-, and status
// words (активен, active, включен, вкл → Yes; заблокирован, blocked, неактивен,
// inactive, выкл, уволен → No), in any case and with trailing dots. Anything else is
// CodeValueInvalid whose Detail lists the accepted words. An empty cell is Unset. It is
// safe for concurrent use.
func ParseBool(raw string) (Tristate, []Issue) {
	s := trimSpace(raw)
	if s == "" {
		return Unset, nil
	}
	if t := strings.TrimRight(s, "."); t != "" {
		s = t
	}
	if v, ok := boolWords[s]; ok {
		return v, nil
	}
	if v, ok := lookupLower(boolWords, s); ok {
		return v, nil
	}
	return Unset, one(CodeValueInvalid, Error, boolAccepted, "")
}
