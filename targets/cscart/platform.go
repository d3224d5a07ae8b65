package cscart

import (
	"net/http"

	"userimport/columns"
	"userimport/lang"
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
			{Name: "user-type", Help: "user type for rows without one: C customer (default), A, V",
				HelpRU: "тип пользователя для строк без него: C — покупатель (по умолчанию), A, V"},
			{Name: "company-id", Help: "storefront for rows without one, and the one lookups are limited to; default: 1 in Ultimate, 0 in Multi-Vendor, as the store's settings say",
				HelpRU: "витрина для строк без неё, и только в ней ищутся учётные записи; по умолчанию 1 в Ultimate, 0 в Multi-Vendor, по настройкам магазина"},
			{Name: "status", Help: "status for new accounts without one: A active (default) or D disabled",
				HelpRU: "статус новых учётных записей без него: A — активен (по умолчанию) или D — отключён"},
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
		Facts: facts(),
		// A store's users are its customers, not staff.
		SheetName: func(l lang.Lang) string { return l.Pick("Customers", "Покупатели") },
	}
}

// facts are what the client relies on (docs/platforms/cscart.md has the details).
func facts() []targets.Fact {
	const checked = "2026-12-03"
	code := "CS-Cart 4.20.1 source (public copy zafarvirk/cs-cart-products-task): "
	store := "a real CS-Cart 4.20.1 Ultimate store on loopback"
	docs := "https://docs.cs-cart.com/latest/developer_guide/api/entities/users.html"
	return []targets.Fact{
		{Behaviour: "HTTP Basic with the administrator's e-mail and API key; a wrong pair is 401", Verified: true, Source: "https://docs.cs-cart.com/latest/developer_guide/api/index.html; " + store, Checked: checked},
		{Behaviour: "GET /api/2.0/users needs user_type; its email filter is a substring match (LIKE %x%)", Verified: true, Source: code + "Api/Entities/Users.php, fn_get_users", Checked: checked},
		{Behaviour: "company_id (Ultimate) and company_ids[] filter the users list by storefront", Verified: true, Source: code + "fn_ult_get_users, fn_get_users; " + store, Checked: checked},
		{Behaviour: "POST /api/2.0/users creates (201 {user_id}); PUT /api/2.0/users/{id} writes only the keys sent", Verified: true, Source: docs + "; " + store, Checked: checked},
		{Behaviour: "password1 and password2 (equal) are hashed after the store's password rules; API 2.0's password is stored as plain text", Verified: true, Source: code + "Api/Entities/v20/Users.php, fn_update_user; " + store, Checked: checked},
		{Behaviour: "a password the account has had (current or four before) is refused on update", Verified: true, Source: code + "fn_update_user; " + store, Checked: checked},
		{Behaviour: "messages follow ?sl=, then Accept-Language, then the admin language; the client sends Accept-Language: en", Verified: true, Source: store, Checked: checked},
		{Behaviour: "a taken e-mail or login is 400 \"already exists\" (Russian: \"уже существуют\")", Verified: true, Source: code + "fn_update_user, en.po/ru.po error_user_exists; " + store, Checked: checked},
		{Behaviour: "birthday is a Unix timestamp read in the store's timezone: noon UTC keeps the date", Verified: true, Source: store + " (timezone America/Los_Angeles)", Checked: checked},
		{Behaviour: "Ultimate customers are unique per storefront unless Share users; Ultimate refuses a customer in company 0", Verified: true, Source: code + "fn_ult_user_exist, fn_update_user; " + store, Checked: checked},
		{Behaviour: "GET /api/2.0/settings lists only the running edition's settings, edition_type marked ULT: or MVE:", Verified: true, Source: code + "Tygh/Settings.php getList; " + store + " (ULT: marks)", Checked: checked},
		{Behaviour: "Multi-Vendor keeps customers at company 0 and marks its settings MVE:", Verified: false, Source: "inferred from the 4.20.1 code's Multi-Vendor branches; no Multi-Vendor store or source was available", Checked: checked},
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
			{Field: columns.CompanyID, MaxLen: 11, Format: "the storefront's number; default 1 (Ultimate) or 0 (Multi-Vendor)"},
			{Field: columns.Status, MaxLen: 1, Format: "A active, D disabled; default A", Values: []string{"A", "D"}},
			{Field: columns.Active, Format: "да/нет (sent as status A/D)"},
		},
	}
}
