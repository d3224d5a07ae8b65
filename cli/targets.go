package cli

import (
	"net/http"
	"strings"

	"github.com/spf13/pflag"

	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
	"userimport/validate"
)

// clientConfig is what the command line hands a target constructor.
type clientConfig struct {
	url      string
	env      Env
	http     *http.Client
	mode     targets.Mode
	policy   targets.Policy
	platform platformFlags
}

// targetSpec is a platform (declared in its package, listed by package platforms) as
// the command line drives it.
type targetSpec struct {
	platform targets.Platform
	name     string
	envVars  []string
	// sandboxCreds are credentials for a client of a sandbox that accepts any.
	sandboxCreds Env
}

// registry is every platform, in the order package platforms lists them.
var registry = specs(platforms.All())

func specs(all []targets.Platform) []*targetSpec {
	var out []*targetSpec
	for _, p := range all {
		out = append(out, specOf(p))
	}
	return out
}

func specOf(p targets.Platform) *targetSpec {
	return &targetSpec{platform: p, name: p.Name, envVars: p.EnvNames(), sandboxCreds: anyCreds}
}

// schema is what the platform takes.
func (s *targetSpec) schema() *validate.Schema { return s.platform.Schema() }

// credentials reads the platform's credentials from env.
func (s *targetSpec) credentials(env Env) func(targets.Credential) string {
	return func(c targets.Credential) string { return env(s.platform.Var(c)) }
}

// newClient builds the platform's client.
func (s *targetSpec) newClient(c clientConfig) (targets.Target, error) {
	return s.platform.New(targets.Settings{
		BaseURL:    c.url,
		Credential: s.credentials(c.env),
		Options:    c.platform.options(s.platform),
		HTTPClient: c.http,
		Mode:       c.mode,
		Policy:     c.policy,
	})
}

// newSandbox builds the platform's stand-in, accepting the credentials in env; empty
// credentials mean "accept any".
func (s *targetSpec) newSandbox(env Env) http.Handler {
	return s.platform.NewSandbox(s.credentials(env))
}

// anyCreds stands in for credentials when talking to a sandbox started to accept any:
// the clients refuse to start without some.
func anyCreds(string) string { return "sandbox" }

func targetNames() []string { return platforms.Names() }

// lookupTarget finds a platform by name; a misspelt one gets the nearest suggested.
func lookupTarget(name string, l lang.Lang) (*targetSpec, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil, &usageError{
			msg:  l.Pick("--target is required: ", "нужен --target: ") + strings.Join(targetNames(), ", "),
			hint: "userimport targets",
		}
	}
	p, ok := platforms.Lookup(name)
	if !ok {
		return nil, unknownTarget(name, l)
	}
	return specOf(p), nil
}

// platformFlags are the options only some platforms read (targets.Platform.Flags), by
// name, as the command line parses them.
type platformFlags map[string]pflag.Value

// addPlatformFlags registers every platform's own flags on fs: a name several platforms
// declare once, its help naming each ("inskill: ...; ispring: ...").
func addPlatformFlags(fs *pflag.FlagSet) platformFlags {
	var names []string
	kinds := map[string]targets.FlagKind{}
	helps := map[string][]string{}
	for _, p := range platforms.All() {
		for _, fl := range p.Flags {
			if _, seen := kinds[fl.Name]; !seen {
				names = append(names, fl.Name)
				kinds[fl.Name] = fl.Kind
			}
			helps[fl.Name] = append(helps[fl.Name], p.Name+": "+fl.Help)
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
