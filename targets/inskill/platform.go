package inskill

import (
	"net/http"

	"userimport/columns"
	"userimport/lang"
	"userimport/targets"
	"userimport/targets/inskill/inskilltest"
	"userimport/validate"
)

// Platform declares inSkill to the tool (package platforms lists it).
func Platform() targets.Platform {
	return targets.Platform{
		Name:    "inskill",
		Title:   "inSkill",
		Aliases: []string{"инскилл"},
		Schema:  Schema,
		Env:     []targets.EnvVar{{Name: "USERIMPORT_INSKILL_TOKEN", Role: targets.Token}},
		Flags: []targets.Flag{
			{Name: "notify", Kind: targets.BoolFlag, Help: "e-mail the product to the student", HelpRU: "прислать слушателю письмо с продуктом"},
			{Name: "auth-header", Help: "the header the token goes in (default Authorization)", HelpRU: "заголовок, в котором передаётся токен (по умолчанию Authorization)"},
			{Name: "auth-scheme", Help: "the word before the token (default Bearer; none for the bare token)",
				HelpRU: "слово перед токеном (по умолчанию Bearer; none — токен без него)"},
		},
		New: func(s targets.Settings) (targets.Target, error) {
			return New(Config{
				BaseURL:            s.BaseURL,
				Token:              s.Credential(targets.Token),
				AuthHeader:         s.Options.String("auth-header"),
				AuthScheme:         s.Options.String("auth-scheme"),
				NotifyAboutProduct: s.Options.Bool("notify"),
				HTTPClient:         s.HTTPClient,
				Mode:               s.Mode,
				Policy:             s.Policy,
			})
		},
		NewSandbox: func(creds func(targets.Credential) string) http.Handler {
			return inskilltest.New(creds(targets.Token))
		},
		Notice: notice,
		Facts:  facts,
	}
}

// Schema is what inSkill takes of a student (docs/platforms/inskill.md): the e-mail is
// the key and the only required field; the name goes as one ФИО string; the phone must
// be E.164, so an extension cannot go; a product is an integer id.
func Schema() *validate.Schema {
	return &validate.Schema{
		Target: "inskill",
		Keys:   []columns.Field{columns.Email},
		Fields: []validate.FieldRule{
			{Field: columns.Email, Required: true, MaxLen: 255, Format: "e-mail, unique"},
			{Field: columns.LastName, MaxLen: 255, Format: "letters; sent with the first and middle name as one ФИО"},
			{Field: columns.FirstName, MaxLen: 255, Format: "letters"},
			{Field: columns.MiddleName, MaxLen: 255, Format: "letters"},
			{Field: columns.Phone, MaxLen: 16, Format: "E.164, +79123456789"},
			{Field: columns.Product, MaxLen: 20, Format: "the product's number in inSkill"},
		},
	}
}

// notice is what plan and import say once, before the first row: inSkill e-mails every
// student it creates, and nothing in its API turns that off (docs/platforms/inskill.md,
// "Passwords").
func notice(l lang.Lang) string {
	return l.Pick(
		"inSkill sends every student this import creates a welcome e-mail with a password it makes up, "+
			"and its API cannot turn that off: check the e-mail addresses before importing. "+
			"Students who already exist are updated without one (inSkill does not document any e-mail on an update).",
		"inSkill отправит каждому ученику, которого создаст импорт, приветственное письмо с паролем, придуманным inSkill, "+
			"и отключить это через API нельзя: проверьте адреса до импорта. "+
			"Существующие ученики обновляются без письма (об отправке писем при обновлении документация inSkill ничего не говорит).")
}

// The public sources of facts, as docs/platforms/inskill.md cites them.
const (
	srcStudents = "https://docs.inskill.ru/nastroiki-proekta/api/students"
	srcAPI      = "https://docs.inskill.ru/nastroiki-proekta/api"
	srcRetail   = "https://docs.inskill.ru/nastroiki-proekta/integrations/retailcrm"
	srcLaravel  = "https://laravel.com/docs/validation#rule-boolean"
	checked     = "2026-12-03"
)

// facts are what the client relies on about inSkill's API, verified against its
// documentation or inferred (docs/platforms/inskill.md has each in full). The
// authentication, the search answer and its paging are not published.
var facts = []targets.Fact{
	{Behaviour: "the API is https://{school}.inskill.ru/api/v3; --url is the school's address", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "the token goes in Authorization: Bearer <token>; --auth-header and --auth-scheme change that", Source: "inferred, unverified: the page's Аутентификация section is not retrievable; Laravel's usual token guard", Checked: checked},
	{Behaviour: "a rejected token is a 401 or a 403, which stops the run", Source: "inferred, unverified: Laravel's defaults", Checked: checked},
	{Behaviour: "a lookup is GET /api/v3/students?search=<e-mail>, a fuzzy search over e-mail, full name and phone; the client keeps only the student whose e-mail is the row's", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "withProducts is a Laravel boolean: sent as 1, and only when a product is to be granted", Verified: true, Source: srcStudents + "; " + srcLaravel, Checked: checked},
	{Behaviour: "the search answer is {\"data\":[…]} (with Laravel's links and meta), a paginator at the top or inside data, or a bare list; any other answer stops the run", Source: "inferred, unverified: the answer is not documented; the create answer and the 422 show a Laravel backend", Checked: checked},
	{Behaviour: "the search pages with page=N up to last_page (or while next_page_url is set), 20 pages at most", Source: "inferred, unverified: the paging is not documented; Laravel's paginators", Checked: checked},
	{Behaviour: "a student found with withProducts lists its products as ids, or objects with id or product_id", Source: "inferred, unverified: not documented", Checked: checked},
	{Behaviour: "a create is POST /api/v3/students with email, name (the full name), phone, product and notify_about_product; the answer is 200 with the student in data", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "the create body is JSON (the page says \"Form Data\" in one rendering and \"Request Body\" in another)", Source: "inferred, unverified", Checked: checked},
	{Behaviour: "an e-mail already taken is a 422 with errors.email and the existing student in data", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "force makes a create update an existing student; the client never sends it", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "an update is PATCH /api/v3/students/{id} with name, phone and product; any 2xx answer means done", Verified: true, Source: srcStudents + " (the answer's shape inferred)", Checked: checked},
	{Behaviour: "creating a student makes up a password and sends a welcome e-mail; no documented switch turns it off", Verified: true, Source: srcRetail, Checked: checked},
	{Behaviour: "neither create nor update takes a password; the client never sends one", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "phones are E.164 (+79123456789)", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "validation errors are a 422 {\"message\",\"errors\":{\"field\":[…]}}", Verified: true, Source: srcStudents, Checked: checked},
	{Behaviour: "a rate limit is a 429 with Retry-After", Source: "inferred, unverified: the page's Ограничения section is not retrievable (" + srcAPI + "); Laravel's throttle", Checked: checked},
}
