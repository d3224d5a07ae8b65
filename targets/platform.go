package targets

import (
	"net/http"
	"strconv"
	"strings"

	"userimport/lang"
	"userimport/validate"
)

// Platform is everything the tool knows of one platform besides its client: its names,
// what it takes, where its credentials are, its own options and how to build its client
// and its sandbox. Each platform's package declares its Platform once; package
// platforms lists them, and the command line, the templates, the settings file and the
// suggestions read them from there (docs/design.md, "Packages").
type Platform struct {
	// Name is the platform as --target spells it.
	Name string
	// Title is the platform's name for people ("CS-Cart").
	Title string
	// Aliases are other names people type for the platform ("cs-cart"), in lower case,
	// which an unknown --target is matched against to suggest Name.
	Aliases []string
	// Schema is what the platform takes; every call returns a new one.
	Schema func() *validate.Schema
	// Env are the environment variables holding the credentials, in the order help
	// lists them.
	Env []EnvVar
	// Flags are the command-line options only this platform reads.
	Flags []Flag
	// New builds the platform's client. Building one sends no request.
	New func(Settings) (Target, error)
	// NewSandbox builds the platform's stand-in, accepting the credentials creds gives;
	// empty ones mean "accept any".
	NewSandbox func(creds func(Credential) string) http.Handler
	// Notice, when set, is what an administrator must know before anything is written
	// (a welcome e-mail the API cannot turn off): plan and import say it once, before
	// the first row.
	Notice func(lang.Lang) string
	// Facts are what the client relies on about the platform's API, each with how it is
	// known; `userimport targets` shows them, and docs/platforms/<name>.md has the
	// details.
	Facts []Fact
	// SheetName, when set, names the sheet of the platform's template after the people
	// it keeps ("Customers" / «Покупатели»); nil means staff ("Staff" / «Сотрудники»).
	SheetName func(lang.Lang) string
}

// Fact is one behaviour of a platform's API that its client relies on, and where that
// is known from, so that an administrator (and the next maintainer) can tell what was
// checked against the platform from what was inferred.
type Fact struct {
	// Behaviour says it in one line: "a lookup by e-mail is GET /api/users?email=, a
	// substring match".
	Behaviour string `json:"behaviour"`
	// Verified is true when the behaviour was checked against the platform's own
	// documentation, its vendor's tools or the server itself; false when it is inferred.
	Verified bool `json:"verified"`
	// Source is where: a documentation address, the vendor's tool, the server's source
	// file, or what the inference rests on.
	Source string `json:"source"`
	// Checked is the day it was last checked, as 2006-01-02.
	Checked string `json:"checked,omitempty"`
}

// Var is the environment variable holding credential c, or "" when the platform needs
// no such credential.
func (p *Platform) Var(c Credential) string {
	for _, e := range p.Env {
		if e.Role == c {
			return e.Name
		}
	}
	return ""
}

// EnvNames lists the names of the platform's environment variables, in order.
func (p *Platform) EnvNames() []string {
	var names []string
	for _, e := range p.Env {
		names = append(names, e.Name)
	}
	return names
}

// CanPlan reports whether the platform's client can look accounts up without writing
// (targets.Planner), which `plan` and a preview need. It builds a client for nothing,
// which sends no request.
func (p *Platform) CanPlan() bool {
	t, err := p.New(Settings{BaseURL: "http://127.0.0.1", Credential: func(Credential) string { return "x" },
		HTTPClient: &http.Client{}, Mode: ModeUpsert})
	if err != nil {
		return false
	}
	_, ok := t.(Planner)
	return ok
}

// EnvVar is an environment variable that holds one of a platform's credentials.
type EnvVar struct {
	// Name is the variable, USERIMPORT_<PLATFORM>_<ROLE>.
	Name string
	// Role says which credential it holds.
	Role Credential
	// Alt numbers the ways of giving credentials where a platform has more than one:
	// the variables with the same Alt are needed together, and one complete set is
	// enough (Collaborator: a token, 0, or an e-mail and a password, 1).
	Alt int
}

// Credential is the role of one secret a platform's client needs. A profile of the
// settings file can name another variable to read it from, under the key
// Credential.ProfileKey.
type Credential string

// The credentials the platforms need.
const (
	Token        Credential = "token"
	ClientID     Credential = "client_id"
	ClientSecret Credential = "client_secret"
	Email        Credential = "email"
	Password     Credential = "password"
	APIKey       Credential = "api_key"
)

// Secret reports whether c is a secret (a token, a password), as opposed to a name
// the administrator may see (a client id, an e-mail): a page types a secret into a
// password box.
func (c Credential) Secret() bool { return c != ClientID && c != Email }

// ProfileKey is the settings file's key naming the variable that holds c in place of
// the standard one: token_env for Token.
func (c Credential) ProfileKey() string { return string(c) + "_env" }

// Flag is a command-line option that only some platforms read. Several platforms may
// declare the same name; the command line shows it once, with each platform's help.
type Flag struct {
	// Name is the flag without its dashes ("auth-header"); a profile of the settings
	// file gives it under Key.
	Name string
	// Help says what the flag does on this platform, for --help.
	Help string
	// Kind is whether the flag is a switch or takes a value.
	Kind FlagKind
	// HelpRU is Help in Russian, shown with Russian chosen; empty shows Help.
	HelpRU string
}

// HelpIn is the flag's help in l.
func (f Flag) HelpIn(l lang.Lang) string {
	if l == lang.Russian && f.HelpRU != "" {
		return f.HelpRU
	}
	return f.Help
}

// Key is the flag's key in a profile of the settings file: its name with _ for -.
func (f Flag) Key() string { return strings.ReplaceAll(f.Name, "-", "_") }

// FlagKind is whether a Flag is a switch or takes a value.
type FlagKind int8

const (
	// StringFlag takes a value: --api v2.
	StringFlag FlagKind = iota
	// BoolFlag is a switch: --notify.
	BoolFlag
)

// Settings are what a Platform's New builds a client from: the address, the
// credentials and options the command line gathered, and what every client takes.
type Settings struct {
	// BaseURL is the platform's address without the API path.
	BaseURL string
	// Credential gives the value of one of the platform's credentials.
	Credential func(Credential) string
	// Options are the values of the platform's Flags.
	Options Options
	// HTTPClient sends the requests.
	HTTPClient *http.Client
	Mode       Mode
	Policy     Policy
}

// Options are the values of a platform's Flags, as text, by flag name; a flag not given
// is empty.
type Options map[string]string

// String is the value of the flag name.
func (o Options) String(name string) string { return o[name] }

// Bool is the value of the switch name: false unless it was given.
func (o Options) Bool(name string) bool {
	b, _ := strconv.ParseBool(o[name])
	return b
}
