package cli

import (
	"path/filepath"
	"runtime"

	"userimport/config"
	"userimport/lang"
)

// app is what every command needs, built once in Main and handed to each newXCmd (the
// factory of gh's pkg/cmd): the environment, the streams, the whole command line, the
// language of the help texts, and the root's --config.
type app struct {
	env Env
	io  IO
	// argv is the whole command line, without the program name: the resume hint
	// repeats it.
	argv []string
	// lang is the language before flags are parsed (see langFrom); a command's --lang
	// may change it for its run.
	lang lang.Lang
	// configPath is the root's --config; empty means the default file.
	configPath string
	// system is the operating system's interface language, asked when the
	// environment names none (see langFrom).
	system systemLanguage
}

// newApp is the app of one command line.
func newApp(args []string, env Env, stdio IO) *app {
	system := systemLanguage(osLanguage)
	if stdio.SystemLanguage != nil {
		system = stdio.SystemLanguage
	}
	return &app{env: env, io: stdio, argv: args, lang: langFrom(args, env, system), system: system}
}

// configFile is the settings file to use: --config, else the default in the user's
// config folder, found through env.
func (a *app) configFile(env Env) (string, error) {
	if a.configPath != "" {
		return a.configPath, nil
	}
	dir, err := config.Dir(env, runtime.GOOS)
	if err != nil {
		return "", &usageError{msg: err.Error(), hint: "--config FILE"}
	}
	return filepath.Join(dir, "config.toml"), nil
}

// defaultConfigHint is the default settings file as help shows it.
func defaultConfigHint() string {
	switch runtime.GOOS {
	case "windows":
		return `%AppData%\userimport\config.toml`
	case "darwin":
		return "~/Library/Application Support/userimport/config.toml"
	}
	return "$XDG_CONFIG_HOME/userimport/config.toml"
}
