package cscart

import (
	"net/http"

	"userimport/columns"
	"userimport/targets"
	"userimport/targets/cscart/cscarttest"
	"userimport/validate"
)

// Platform declares CS-Cart to the tool (package platforms lists it).
func Platform() targets.Platform {
	return targets.Platform{
		Name:    "cscart",
		Title:   "CS-Cart",
		Aliases: []string{"cs-cart", "cs cart"},
		Schema:  Schema,
		Env: []targets.EnvVar{
			{Name: "USERIMPORT_CSCART_EMAIL", Role: targets.Email},
			{Name: "USERIMPORT_CSCART_API_KEY", Role: targets.APIKey},
		},
		Flags: []targets.Flag{
			{Name: "user-type", Help: "user type for rows without one: C customer (default), A, V"},
			{Name: "company-id", Help: "storefront for rows without one (default 1)"},
			{Name: "status", Help: "status for new accounts without one: A active (default) or D disabled"},
		},
		New: func(s targets.Settings) (targets.Target, error) {
			return New(Config{
				BaseURL:    s.BaseURL,
				Email:      s.Credential(targets.Email),
				APIKey:     s.Credential(targets.APIKey),
				UserType:   s.Options.String("user-type"),
				CompanyID:  s.Options.String("company-id"),
				Status:     s.Options.String("status"),
				HTTPClient: s.HTTPClient,
				Mode:       s.Mode,
				Policy:     s.Policy,
			})
		},
		NewSandbox: func(creds func(targets.Credential) string) http.Handler {
			return cscarttest.New(creds(targets.Email), creds(targets.APIKey))
		},
	}
}

// Schema is what CS-Cart takes of a user (docs/platforms/cscart.md): the e-mail is the
// key and the login must not repeat either; user type, storefront and status default
// in the client; names take letters, apostrophes and dashes only
// (fn_validate_text_field); the birthday goes as a Unix timestamp. Lengths are the
// columns of CS-Cart's cscart_users table (VERIFIED in its install/database/scheme.sql).
func Schema() *validate.Schema {
	return &validate.Schema{
		Target: "cscart",
		Keys:   []columns.Field{columns.Email, columns.Login},
		Fields: []validate.FieldRule{
			{Field: columns.Email, Required: true, MaxLen: 128, Format: "e-mail, unique"},
			{Field: columns.FirstName, MaxLen: 128, Format: "letters, apostrophes and dashes"},
			{Field: columns.LastName, MaxLen: 128, Format: "letters, apostrophes and dashes"},
			{Field: columns.Phone, MaxLen: 128, Format: "international, +79123456789"},
			{Field: columns.Login, MaxLen: 255, Format: "Latin letters, digits, . _ - @; empty: user_<id>"},
			{Field: columns.Password, MaxLen: 255, Format: "text"},
			{Field: columns.BirthDate, Format: "DD.MM.YYYY (sent as a Unix timestamp)"},
			{Field: columns.UserType, MaxLen: 1, Format: "C customer, A administrator, V vendor; default C", Values: []string{"C", "A", "V"}},
			{Field: columns.CompanyID, MaxLen: 11, Format: "the storefront's number; default 1"},
			{Field: columns.Status, MaxLen: 1, Format: "A active, D disabled; default A", Values: []string{"A", "D"}},
			{Field: columns.Active, Format: "да/нет (sent as status A/D)"},
		},
	}
}
