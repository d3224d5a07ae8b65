// Package lang is the language of the text userimport writes for people: the type, how
// a flag or a locale maps to it, and picking the English or the Russian text.
package lang

import "strings"

// Lang is the language of messages meant for people.
type Lang string

const (
	English Lang = "en"
	Russian Lang = "ru"
)

// Parse maps a flag value or a LANG-style locale (ru_RU.UTF-8) to a Lang; anything
// that is not Russian is English.
func Parse(s string) Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "ru") {
		return Russian
	}
	return English
}

// Pick returns the Russian text in Russian and the English text otherwise.
func (l Lang) Pick(en, ru string) string {
	if l == Russian {
		return ru
	}
	return en
}

// Pick is l.Pick(en, ru), for callers that pass the language along as a value.
func Pick(l Lang, en, ru string) string {
	return l.Pick(en, ru)
}

// Plural returns the form of a noun that goes with n: English has one ("row") and
// many ("rows"); Russian has one (1, 21, 101: "строка"), few (2–4, 22–24: "строки")
// and many (0, 5–20, 25–30, 111–114: "строк"). Only the word is returned, not n.
func (l Lang) Plural(n int, enOne, enMany, ruOne, ruFew, ruMany string) string {
	if l != Russian {
		if n == 1 {
			return enOne
		}
		return enMany
	}
	if n < 0 {
		n = -n
	}
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return ruOne
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return ruFew
	default:
		return ruMany
	}
}
