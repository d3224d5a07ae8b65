package ispring

import (
	"net/http"

	"userimport/columns"
	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
	"userimport/validate"
)

// Platform declares iSpring Learn to the tool (package platforms lists it).
func Platform() targets.Platform {
	return targets.Platform{
		Name:    "ispring",
		Title:   "iSpring Learn",
		Aliases: []string{"ispring learn", "ispringlearn"},
		Schema:  Schema,
		Env: []targets.EnvVar{
			{Name: "USERIMPORT_ISPRING_CLIENT_ID", Role: targets.ClientID},
			{Name: "USERIMPORT_ISPRING_CLIENT_SECRET", Role: targets.ClientSecret},
		},
		Flags: []targets.Flag{
			{Name: "notify", Kind: targets.BoolFlag, Help: "e-mail new users their login"},
			{Name: "invitation", Help: "the text of the login e-mail (with --notify)"},
			{Name: "default-department", Help: "department (code, name or Parent/Child) for new accounts whose row has none"},
		},
		New: func(s targets.Settings) (targets.Target, error) {
			return New(Config{
				BaseURL:           s.BaseURL,
				ClientID:          s.Credential(targets.ClientID),
				ClientSecret:      s.Credential(targets.ClientSecret),
				DefaultDepartment: s.Options.String("default-department"),
				SendLoginEmail:    s.Options.Bool("notify"),
				InvitationMessage: s.Options.String("invitation"),
				HTTPClient:        s.HTTPClient,
				Mode:              s.Mode,
				Policy:            s.Policy,
			})
		},
		NewSandbox: func(creds func(targets.Credential) string) http.Handler {
			return ispringtest.New(creds(targets.ClientID), creds(targets.ClientSecret))
		},
	}
}

// Schema is what iSpring Learn takes of a user (docs/platforms/ispring.md): the login
// is the key (made from the e-mail when empty), the e-mail comes second; a department
// is required for new accounts, by code, name or Parent/Child path, and may come from
// --set.
func Schema() *validate.Schema {
	return &validate.Schema{
		Target:        "ispring",
		Keys:          []columns.Field{columns.Login, columns.Email},
		GenerateLogin: true,
		Fields: []validate.FieldRule{
			{Field: columns.Login, Required: true, MaxLen: 255, Format: "Latin letters, digits, . _ - @; made from the e-mail when empty"},
			{Field: columns.Email, Required: true, MaxLen: 255, Format: "e-mail"},
			{Field: columns.LastName, MaxLen: 255, Format: "letters"},
			{Field: columns.FirstName, MaxLen: 255, Format: "letters"},
			{Field: columns.Phone, MaxLen: 32, Format: "international, +79123456789"},
			{Field: columns.Position, MaxLen: 255, Format: "text (job_title)"},
			{Field: columns.Department, Required: true, MaxLen: 255, Format: "code, name or Parent/Child path of a department"},
			{Field: columns.Groups, MaxLen: 1024, Format: "group names, comma-separated"},
			{Field: columns.Role, MaxLen: 64, Format: "learner, administrator, department_administrator, publisher",
				Values: []string{"learner", "administrator", "department_administrator", "publisher"}},
			{Field: columns.Password, MaxLen: 255, Format: "text; empty: the user sets one"},
		},
	}
}
