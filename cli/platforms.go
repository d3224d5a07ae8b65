package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
)

// credentials reads p's credentials from env, by the variables p declares.
func credentials(p targets.Platform, env Env) func(targets.Credential) string {
	return func(c targets.Credential) string { return env(p.Var(c)) }
}

// anyCredential stands in for credentials when talking to a sandbox started to accept
// any: the clients refuse to start without some.
func anyCredential(targets.Credential) string { return "sandbox" }

func targetNames() []string { return platforms.Names() }

// joinNames is the list of platforms for help texts.
func joinNames() string { return strings.Join(targetNames(), ", ") }

// lookupTarget finds a platform by name; a misspelt one gets the nearest suggested.
func lookupTarget(name string, l lang.Lang) (targets.Platform, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return targets.Platform{}, &usageError{
			msg:  l.Pick("--target is required: ", "нужен --target: ") + joinNames(),
			hint: "userimport targets",
		}
	}
	p, ok := platforms.Lookup(name)
	if !ok {
		return targets.Platform{}, unknownTarget(name, l)
	}
	return p, nil
}

// platformFlags are the options only some platforms read (targets.Platform.Flags), by
// name, as the command line parses them.
type platformFlags map[string]pflag.Value

// addPlatformFlags registers every platform's own flags on fs: a name several platforms
// declare once, its help naming each ("inskill: ...; ispring: ..."), in l.
func addPlatformFlags(fs *pflag.FlagSet, l lang.Lang) platformFlags {
	var names []string
	kinds := map[string]targets.FlagKind{}
	helps := map[string][]string{}
	for _, p := range platforms.All() {
		for _, fl := range p.Flags {
			if _, seen := kinds[fl.Name]; !seen {
				names = append(names, fl.Name)
				kinds[fl.Name] = fl.Kind
			}
			helps[fl.Name] = append(helps[fl.Name], p.Name+": "+fl.HelpIn(l))
		}
	}
	f := platformFlags{}
	for _, name := range names {
		help := strings.Join(helps[name], "; ")
		switch kinds[name] {
		case targets.BoolFlag:
			fs.Bool(name, false, help)
		default:
			fs.String(name, "", help)
		}
		f[name] = fs.Lookup(name).Value
	}
	return f
}

// options are the values of the flags p reads.
func (f platformFlags) options(p targets.Platform) targets.Options {
	o := targets.Options{}
	for _, fl := range p.Flags {
		if v, ok := f[fl.Name]; ok {
			o[fl.Name] = v.String()
		}
	}
	return o
}

// missingCredentials is the usage error, in l, for credentials the environment does
// not hold, naming the variables to set; nil when every one is there. The clients say
// the same in English; saying it here puts it in the user's language.
func missingCredentials(p targets.Platform, creds func(targets.Credential) string, l lang.Lang) error {
	// The variables of each way of giving credentials (EnvVar.Alt), in order, and
	// whether that way is complete.
	var ways [][]string
	complete := map[int]bool{}
	for _, e := range p.Env {
		for len(ways) <= e.Alt {
			ways = append(ways, nil)
			complete[len(ways)-1] = true
		}
		ways[e.Alt] = append(ways[e.Alt], e.Name)
		if creds(e.Role) == "" {
			complete[e.Alt] = false
		}
	}
	var sets []string
	n := 0
	for i, names := range ways {
		if complete[i] {
			return nil
		}
		n += len(names)
		sets = append(sets, strings.Join(names, l.Pick(" and ", " и ")))
	}
	if len(sets) == 0 {
		return nil
	}
	return &usageError{
		msg: fmt.Sprintf(l.Pick("%s: no credentials: set the environment %s %s", "%s: нет учётных данных: задайте %s окружения %s"),
			p.Name, l.Plural(n, "variable", "variables", "переменную", "переменные", "переменные"), strings.Join(sets, l.Pick(", or ", ", или "))),
		hint: "userimport targets " + p.Name,
	}
}
