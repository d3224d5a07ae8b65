package collaborator

import (
	"net/http"

	"userimport/columns"
	"userimport/targets"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/validate"
)

// Platform declares Collaborator to the tool (package platforms lists it).
func Platform() targets.Platform {
	return targets.Platform{
		Name:    "collaborator",
		Title:   "Collaborator",
		Aliases: []string{"коллаборатор"},
		Schema:  Schema,
		Env: []targets.EnvVar{
			{Name: TokenEnv, Role: targets.Token},
			{Name: EmailEnv, Role: targets.Email},
			{Name: PasswordEnv, Role: targets.Password},
		},
		Flags: []targets.Flag{
			{Name: "api", Help: "v2 (/api/v2, default) or v1 (/api/rest.php, servers before 2.43); either takes an API token or a login"},
		},
		New: func(s targets.Settings) (targets.Target, error) {
			return New(Config{
				BaseURL:    s.BaseURL,
				Token:      s.Credential(targets.Token),
				Email:      s.Credential(targets.Email),
				Password:   s.Credential(targets.Password),
				API:        s.Options.String("api"),
				HTTPClient: s.HTTPClient,
				Mode:       s.Mode,
				Policy:     s.Policy,
			})
		},
		NewSandbox: func(creds func(targets.Credential) string) http.Handler {
			return collaboratortest.NewConfig(collaboratortest.Config{Token: creds(targets.Token),
				Email: creds(targets.Email), Password: creds(targets.Password)})
		},
	}
}

// Schema is what Collaborator's single-user import takes (docs/platforms/collaborator.md;
// the reference page marks uid, secondname, firstname, login, email, password and
// position as required). The lengths are INFERRED: the API documents none, so 255
// stands for the usual VARCHAR column.
func Schema() *validate.Schema {
	return &validate.Schema{
		Target:           "collaborator",
		Keys:             []columns.Field{columns.UID, columns.Email, columns.Login},
		GeneratePassword: true,
		GenerateLogin:    true,
		PhoneExt:         true, // sent in work_contact with the phone
		Fields: []validate.FieldRule{
			{Field: columns.UID, Required: true, MaxLen: 255, Format: "text, unique: the employee's stable id"},
			{Field: columns.LastName, Required: true, MaxLen: 255, Format: "letters"},
			{Field: columns.FirstName, Required: true, MaxLen: 255, Format: "letters"},
			{Field: columns.MiddleName, MaxLen: 255, Format: "letters"},
			{Field: columns.Login, Required: true, MaxLen: 255, Format: "Latin letters, digits, . _ -; made from the e-mail when empty"},
			{Field: columns.Email, Required: true, MaxLen: 255, Format: "e-mail, unique"},
			{Field: columns.Password, Required: true, MaxLen: 255, Format: "text; generated when empty"},
			{Field: columns.BirthDate, Format: "DD.MM.YYYY"},
			{Field: columns.Gender, Format: "м/ж (sent as 0/1)"},
			{Field: columns.Active, Format: "да/нет (sent as 1/0)"},
			{Field: columns.City, MaxLen: 255, Format: "text"},
			{Field: columns.Department, MaxLen: 255, Format: "text"},
			{Field: columns.Position, Required: true, MaxLen: 255, Format: "text"},
			{Field: columns.Phone, MaxLen: 32, Format: "international, +79123456789; an extension goes to the work contacts"},
			{Field: columns.Tags, MaxLen: 1024, Format: "comma-separated"},
			{Field: columns.HireDate, Format: "DD.MM.YYYY"},
			{Field: columns.WorkContact, MaxLen: 255, Format: "text"},
			{Field: columns.PositionDate, Format: "DD.MM.YYYY"},
			{Field: columns.UserField1, MaxLen: 255, Format: "text"},
			{Field: columns.UserField2, MaxLen: 255, Format: "text"},
			{Field: columns.UserField3, MaxLen: 255, Format: "text"},
			{Field: columns.UserField4, MaxLen: 255, Format: "text"},
			{Field: columns.UserField5, MaxLen: 255, Format: "text"},
		},
	}
}
