package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"userimport/config"
	"userimport/reports"
)

// applyProfile fills the flags the command line left unset from --profile, and returns
// the environment with the profile's credential variables in place of the standard
// ones. A flag given on the command line always wins; --map and --set from the profile
// come first, so that the command line's for the same header or field win too.
func applyProfile(cmd *cobra.Command, f *commonFlags, a *app) (Env, error) {
	env, l := a.env, a.lang
	if f.profile == "" {
		return env, nil
	}
	path, err := a.configFile(env)
	if err != nil {
		return nil, err
	}
	file, err := config.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &usageError{
			msg:  fmt.Sprintf(l.Pick("--profile %s: there is no settings file %s", "--profile %s: нет файла настроек %s"), f.profile, path),
			hint: "userimport validate FILE --target T --save-profile " + f.profile,
		}
	}
	if err != nil {
		return nil, err
	}
	p, err := file.Profile(f.profile)
	if err != nil {
		msg := err.Error()
		if t, ok := errors.AsType[speaker](err); ok {
			msg = t.Text(l)
		}
		return nil, &usageError{msg: path + ": " + msg, hint: "userimport validate FILE --target T --save-profile " + f.profile}
	}
	flags := cmd.Flags()
	for _, s := range p.Settings() {
		name := strings.ReplaceAll(s.Key, "_", "-")
		fl := flags.Lookup(name)
		if fl == nil || fl.Changed {
			continue // not a flag of this command (url for validate), or given
		}
		if err := flags.Set(name, s.Value); err != nil {
			return nil, &usageError{msg: fmt.Sprintf("%s, profile %s: %s = %q: %v", path, f.profile, s.Key, s.Value, err)}
		}
	}
	f.reading.maps = append(pairs(p.Map), f.reading.maps...)
	f.reading.fromProfile = len(p.Map)
	for _, k := range slices.Sorted(maps.Keys(p.Set)) {
		if secretField(k) {
			// An earlier version saved --set password=... here; say so, and keep working.
			fmt.Fprintf(cmd.ErrOrStderr(), l.Pick(
				"warning: %s, profile %s: set.%s is a secret, which the settings file should not hold; remove it and give it with --set\n",
				"внимание: %s, профиль %s: set.%s — секрет, а в файле настроек секретов быть не должно; удалите его и указывайте через --set\n"),
				reports.Printable(path), reports.Printable(f.profile), reports.Printable(k))
		}
	}
	f.checking.sets = append(pairs(p.Set), f.checking.sets...)
	return credentialEnv(env, p.CredentialVars()), nil
}

// pairs is a profile's map or set table as the flags write it, 'key=value', by key.
func pairs(m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

// credentialEnv is env with the credential variables a profile names (vars: the ending
// of a standard variable → the variable to read instead) in place of the standard ones.
func credentialEnv(env Env, vars map[string]string) Env {
	if len(vars) == 0 {
		return env
	}
	return func(key string) string {
		if rest, ok := strings.CutPrefix(key, "USERIMPORT_"); ok {
			for suffix, name := range vars {
				if strings.HasSuffix(rest, "_"+suffix) {
					return env(name)
				}
			}
		}
		return env(key)
	}
}

// saveProfile writes what validate used into profile name: the target, the column of
// every field (the headers the tool recognised as well as the --map overrides, so the
// profile still works when a header is renamed to something it recognises differently),
// the columns ignored on purpose, and the --set defaults.
func saveProfile(path, name, target string, sum *reports.Summary, sets map[string]string) error {
	m := map[string]string{}
	if sum.Source != nil {
		for _, c := range sum.Source.Columns {
			switch {
			case c.Field != "":
				m[c.Header] = c.Field
			case c.Note == "ignored":
				m[c.Header] = "-"
			}
		}
	}
	return config.Update(path, name, func(p *config.Profile) {
		p.Target = target
		p.Map = m
		if len(sets) > 0 {
			p.Set = sets
		} else {
			p.Set = nil
		}
	})
}
