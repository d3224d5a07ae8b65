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
			{Name: EmailEnv, Role: targets.Email, Alt: 1},
			{Name: PasswordEnv, Role: targets.Password, Alt: 1},
		},
		Flags: []targets.Flag{
			{Name: "api", Help: "v2 (/api/v2, default) or v1 (/api/rest.php, servers before 2.43); either takes an API token or a login",
				HelpRU: "v2 (/api/v2, по умолчанию) или v1 (/api/rest.php, серверы до 2.43); обе принимают токен API или логин"},
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
		Facts: facts,
	}
}

// checked is the day the facts were last checked against their sources.
const checked = "2026-12-03"

// facts are what the client relies on; docs/platforms/collaborator.md has the details.
var facts = []targets.Fact{
	{Behaviour: "an API token (2.43 and later) goes as X-Cbr-Authorization: Bearer <token> on every request, rest.php included", Verified: true,
		Source: "https://wiki.collaborator.biz/docs/api-token/; davintoo/cbr-csv-sync-to-saas and davintoo/ad-sync-to-cbr Program.cs", Checked: checked},
	{Behaviour: "a session JWT comes from POST /api/rest.php/auth/session {email,password} as jwt_token (older servers: access_token) and goes as Authorization: Bearer <jwt>", Verified: true,
		Source: "https://wiki.collaborator.biz/docs/api-authorization/; davintoo/collaborator-simple-api sample.php; davintoo/ad-sync-to-cbr (2019) Program.cs", Checked: checked},
	{Behaviour: "an expired JWT or a wrong credential answers 401; the client logs in again once on a 401", Verified: false,
		Source: "inferred: the documentation gives neither the JWT's lifetime nor the refusal's status", Checked: checked},
	{Behaviour: "the /api/v2 paths take a session JWT in Authorization as well as an API token", Verified: false,
		Source: "inferred: the documentation shows the JWT only with rest.php", Checked: checked},
	{Behaviour: "the single-user import is POST /api/v2/users-import/single (v1: /api/rest.php/imports-user?action=single-import), one JSON object, an upsert keyed by uid", Verified: true,
		Source: "https://wiki.collaborator.biz/docs/user-import/", Checked: checked},
	{Behaviour: "the import takes work_contact, date_of_employment, date_of_assignment_current_position, tags and user_field1..user_field5; dates as DD.MM.YYYY or YYYY-MM-DD", Verified: true,
		Source: "https://wiki.collaborator.biz/docs/user-import/", Checked: checked},
	{Behaviour: "the import answers 200 {created_count,updated_count,blocked_count,unblocked_count}, 400 {field:{rule:message}}", Verified: true,
		Source: "https://wiki.collaborator.biz/docs/user-import/", Checked: checked},
	{Behaviour: "an import that changes nothing answers all counts zero", Verified: false,
		Source: "inferred: the documentation describes each count only as 1 when it happened", Checked: checked},
	{Behaviour: "a password sent on an update resets it", Verified: false,
		Source: "inferred from davintoo/ad-sync-to-cbr, which sends a new random password on every sync", Checked: checked},
	{Behaviour: "the lookup is GET /api/v2/users/list?filter[fullname]= (name, e-mail or login, fuzzy), v1 GET /api/rest.php/auth/users?filter[login]=", Verified: true,
		Source: "https://wiki.collaborator.biz/docs/api-user-list/; davintoo/collaborator-simple-api src/Cbr/Api.php", Checked: checked},
	{Behaviour: "list items carry the import's field names, uid included; pages are chosen with page=N", Verified: false,
		Source: "inferred: the list item and the page parameter are not documented", Checked: checked},
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
		ExtensionField:   "work_contact", // sent there with the phone (collaborator.go, workContact)
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
			{Field: columns.Phone, MaxLen: 32, Format: "international, +79123456789"},
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
