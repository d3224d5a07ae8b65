package cli

import (
	"net/http"
	"slices"
	"strings"

	"userimport/lang"
	"userimport/targets"
	"userimport/targets/collaborator"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/targets/cscart"
	"userimport/targets/cscart/cscarttest"
	"userimport/targets/inskill"
	"userimport/targets/inskill/inskilltest"
	"userimport/targets/ispring"
	"userimport/targets/ispring/ispringtest"
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

// targetSpec ties a platform's name to its schema, client, sandbox and the
// environment variables that hold its credentials.
type targetSpec struct {
	name      string
	schema    func() *validate.Schema
	envVars   []string
	newClient func(clientConfig) (targets.Target, error)
	// newSandbox builds the platform's stand-in, accepting the credentials in env; empty
	// credentials mean "accept any".
	newSandbox func(env Env) http.Handler
	// sandboxCreds are credentials for a client of a sandbox that accepts any.
	sandboxCreds Env
}

var registry = []*targetSpec{
	{
		name:    "collaborator",
		schema:  validate.Collaborator,
		envVars: []string{"USERIMPORT_COLLABORATOR_TOKEN"},
		newClient: func(c clientConfig) (targets.Target, error) {
			return collaborator.New(collaborator.Config{
				BaseURL:    c.url,
				Token:      c.env("USERIMPORT_COLLABORATOR_TOKEN"),
				API:        c.platform.api,
				HTTPClient: c.http,
				Mode:       c.mode,
				Policy:     c.policy,
			})
		},
		newSandbox: func(env Env) http.Handler {
			return collaboratortest.New(env("USERIMPORT_COLLABORATOR_TOKEN"))
		},
		sandboxCreds: anyCreds,
	},
	{
		name:    "inskill",
		schema:  validate.InSkill,
		envVars: []string{"USERIMPORT_INSKILL_TOKEN"},
		newClient: func(c clientConfig) (targets.Target, error) {
			return inskill.New(inskill.Config{
				BaseURL:            c.url,
				Token:              c.env("USERIMPORT_INSKILL_TOKEN"),
				AuthHeader:         c.platform.authHeader,
				AuthScheme:         c.platform.authScheme,
				NotifyAboutProduct: c.platform.notify,
				HTTPClient:         c.http,
				Mode:               c.mode,
				Policy:             c.policy,
			})
		},
		newSandbox: func(env Env) http.Handler {
			return inskilltest.New(env("USERIMPORT_INSKILL_TOKEN"))
		},
		sandboxCreds: anyCreds,
	},
	{
		name:    "ispring",
		schema:  validate.ISpring,
		envVars: []string{"USERIMPORT_ISPRING_CLIENT_ID", "USERIMPORT_ISPRING_CLIENT_SECRET"},
		newClient: func(c clientConfig) (targets.Target, error) {
			return ispring.New(ispring.Config{
				BaseURL:           c.url,
				ClientID:          c.env("USERIMPORT_ISPRING_CLIENT_ID"),
				ClientSecret:      c.env("USERIMPORT_ISPRING_CLIENT_SECRET"),
				DefaultDepartment: c.platform.defaultDepart,
				SendLoginEmail:    c.platform.notify,
				InvitationMessage: c.platform.invitation,
				HTTPClient:        c.http,
				Mode:              c.mode,
				Policy:            c.policy,
			})
		},
		newSandbox: func(env Env) http.Handler {
			return ispringtest.New(env("USERIMPORT_ISPRING_CLIENT_ID"), env("USERIMPORT_ISPRING_CLIENT_SECRET"))
		},
		sandboxCreds: anyCreds,
	},
	{
		name:    "cscart",
		schema:  validate.CSCart,
		envVars: []string{"USERIMPORT_CSCART_EMAIL", "USERIMPORT_CSCART_API_KEY"},
		newClient: func(c clientConfig) (targets.Target, error) {
			return cscart.New(cscart.Config{
				BaseURL:    c.url,
				Email:      c.env("USERIMPORT_CSCART_EMAIL"),
				APIKey:     c.env("USERIMPORT_CSCART_API_KEY"),
				UserType:   c.platform.userType,
				CompanyID:  c.platform.companyID,
				Status:     c.platform.status,
				HTTPClient: c.http,
				Mode:       c.mode,
				Policy:     c.policy,
			})
		},
		newSandbox: func(env Env) http.Handler {
			return cscarttest.New(env("USERIMPORT_CSCART_EMAIL"), env("USERIMPORT_CSCART_API_KEY"))
		},
		sandboxCreds: anyCreds,
	},
}

// anyCreds stands in for credentials when talking to a sandbox started to accept any:
// the clients refuse to start without some.
func anyCreds(string) string { return "sandbox" }

func targetNames() []string {
	var names []string
	for _, s := range registry {
		names = append(names, s.name)
	}
	return names
}

// lookupTarget finds a platform by name; a misspelt one gets the nearest suggested.
func lookupTarget(name string, l lang.Lang) (*targetSpec, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil, &usageError{
			msg:  l.Pick("--target is required: ", "нужен --target: ") + strings.Join(targetNames(), ", "),
			hint: "userimport targets",
		}
	}
	i := slices.IndexFunc(registry, func(s *targetSpec) bool { return s.name == name })
	if i < 0 {
		return nil, unknownTarget(name, l)
	}
	return registry[i], nil
}
