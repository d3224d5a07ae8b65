//go:build windows

package cli

import "golang.org/x/sys/windows"

// osLanguage is the first of the user's preferred interface languages, as Windows names
// it ("ru-RU"): Windows sets no LANG, so this is how a Russian Windows is told apart.
func osLanguage() string {
	names, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(names) == 0 {
		return ""
	}
	return names[0]
}
