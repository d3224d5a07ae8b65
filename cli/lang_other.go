//go:build !windows

package cli

// osLanguage is "" outside Windows: there LANG and LC_* say the language.
func osLanguage() string { return "" }
