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
			{Name: "notify", Kind: targets.BoolFlag, Help: "e-mail the product to the student"},
			{Name: "auth-header", Help: "the header the token goes in (default Authorization)"},
			{Name: "auth-scheme", Help: "the word before the token (default Bearer; none for the bare token)"},
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
