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
			{Name: "notify", Kind: targets.BoolFlag, Help: "e-mail new users their login", HelpRU: "прислать новым пользователям письмо со входом"},
			{Name: "invitation", Help: "the text of the login e-mail (with --notify)", HelpRU: "текст письма со входом (с --notify)"},
			{Name: "default-department", Help: "department (code, name or Parent/Child) for new accounts whose row has none",
				HelpRU: "подразделение (код, название или Родитель/Дочерний) для новых учётных записей, у которых в строке его нет"},
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
		Facts: facts,
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
			// Also any custom role the account lists in GET /role, by its title (README).
			{Field: columns.Role, MaxLen: 64, Format: "learner, administrator, department_administrator, publisher"},
			{Field: columns.Password, MaxLen: 255, Format: "text; empty: the user sets one"},
			{Field: columns.Active, Format: "да/нет (sent as status 1/3)"},
		},
	}
}

// checked is the day the facts below were last checked against their sources.
const checked = "2026-12-03"

// Sources of the facts (docs/platforms/ispring.md lists them).
const (
	srcSpec     = "iSpring's OpenAPI \"Learn Rest Api\" 3.0 (https://api-learn.ispringlearn.com/docs/rest-api; public mirror api-evangelist/ispring openapi/_original/openapi.yaml)"
	srcToken    = "https://ispringhelpdocs.com/ispring-learn/access-token-86770677.html"
	srcAdd      = "https://docs.ispringsolutions.com/ispring-learn/adding-a-user-10684927.html"
	srcUpdate   = "https://docs.ispringsolutions.com/ispring-learn/updating-user-profile-10684933.html"
	srcPassword = "https://docs.ispringsolutions.com/ispring-learn/changing-user-password-10684934.html"
	srcFields   = "https://ispringhelpdocs.com/ispring-learn/getting-user-profile-fields-10684932.html"
	srcStatus   = "https://docs.ispringsolutions.com/ispring-learn/activating-and-blocking-a-user-10684935.html"
	srcPipe     = "Pipedream's iSpring Learn component (PipedreamHQ/pipedream components/ispring_learn)"
)

// facts are what the client relies on, each with how it is known
// (docs/platforms/ispring.md has the details).
var facts = []targets.Fact{
	{Behaviour: "token: POST /api/v3/token, form client_id, client_secret, grant_type=client_credentials; answer access_token, expires_in 1800", Verified: true, Source: srcToken + "; " + srcSpec, Checked: checked},
	{Behaviour: "every other request sends Authorization: Bearer <token>", Verified: true, Source: srcToken + "; " + srcSpec + "; " + srcPipe, Checked: checked},
	{Behaviour: "a 401 means the token expired; a new token and one retry follow", Verified: false, Source: "inferred from the 1800 s lifetime and the spec's 401", Checked: checked},
	{Behaviour: "lookup: GET /users/v2?emails[]= then logins[]=, answer {userProfiles, nextPageToken}", Verified: true, Source: srcSpec + " ListUsersV2", Checked: checked},
	{Behaviour: "emails[] and logins[] match exactly, case aside (the client matches again itself)", Verified: false, Source: "inferred: not documented", Checked: checked},
	{Behaviour: "a profile's fields come as a list of {name, value} with upper-case names, or as an object", Verified: true, Source: srcPipe + " (list); " + srcSpec + " (object)", Checked: checked},
	{Behaviour: "create: POST /user {departmentId, fields{login, email, ...}, password, role, roleId, manageableDepartmentIds, groupIds, sendLoginEmail}, answer 201 with the id", Verified: true, Source: srcAdd + "; " + srcSpec + " NewUser", Checked: checked},
	{Behaviour: "the 201's JSON body is the id as a bare string", Verified: false, Source: "inferred from the spec's schema (type string); the client reads an object or XML too", Checked: checked},
	{Behaviour: "update: POST /user/{id} {departmentId, role, roleId, manageableDepartmentIds, fields, groupIds}, login required in fields, answer 200", Verified: true, Source: srcUpdate + "; " + srcSpec + " UpdateUser", Checked: checked},
	{Behaviour: "fields and groupIds left out of an update are kept; groupIds may replace the membership (the client sends the union)", Verified: false, Source: "inferred: not documented", Checked: checked},
	{Behaviour: "a password is set by POST /user/{id}/password {password}; the update has none", Verified: true, Source: srcPassword + "; " + srcSpec + " UpdateUserPassword", Checked: checked},
	{Behaviour: "roles: learner, administrator, department_administrator by name; a publisher or a custom role as role custom with its roleId from GET /role", Verified: true, Source: srcAdd + " (role, roleId); " + srcSpec + " GetRoles, Role", Checked: checked},
	{Behaviour: "department_administrator, publisher and custom roles need manageableDepartmentIds; the client sends the person's own department", Verified: true, Source: srcAdd + " (required for those roles); which departments to send is this tool's choice", Checked: checked},
	{Behaviour: "GET /role lists the publisher with type publisher and custom roles with type custom", Verified: false, Source: "inferred: the spec's Role has type and title but lists no values", Checked: checked},
	{Behaviour: "a role left out of an update is kept, so the client sends one only when it changes", Verified: false, Source: "inferred: not documented", Checked: checked},
	{Behaviour: "GET /user/profile/fields lists each field's name, label, type, isRequired and isUnique (0/1)", Verified: true, Source: srcFields + "; " + srcSpec + " UserFieldInfo", Checked: checked},
	{Behaviour: "a new user must carry every required profile field but a country one", Verified: false, Source: "the project's notes of an older Adding a User page, not found again; the current page does not say it", Checked: checked},
	{Behaviour: "isRequired and isUnique may also come as true/false", Verified: true, Source: "the older Getting User Profile Fields sample, https://www.ispringsolutions.com/docs/pages/viewinfo.action?pageId=2623685", Checked: checked},
	{Behaviour: "block and unblock: POST /user/{id}/status {status: 3 | 1}, answer 200; a listing's status is 1 active, 3 inactive, 5 employment ended", Verified: true, Source: srcStatus + "; " + srcSpec + " ChangeUserStatus, UserStatus", Checked: checked},
	{Behaviour: "the status body is JSON {\"status\": n} (the documentation's sample is XML)", Verified: false, Source: "inferred from the spec's UpdateUserStatus, which takes application/json", Checked: checked},
	{Behaviour: "a taken login or e-mail: 400 \"... must be unique\"", Verified: true, Source: "the older Updating User Profile page (www.ispringsolutions.com/docs, pageId=2623686)", Checked: checked},
	{Behaviour: "rate limits are not published; the client honours 429 and Retry-After anyway", Verified: false, Source: "inferred: no 429 in the spec", Checked: checked},
}
