package validate

import (
	"slices"

	"userimport/columns"
)

// FieldRule says what a platform takes in one canonical field.
type FieldRule struct {
	Field    columns.Field
	Required bool
	// MaxLen is the longest value the platform takes, in characters; 0 means no limit
	// the tool knows of.
	MaxLen int
	// Format describes the value for people (`userimport targets`), e.g. "DD.MM.YYYY".
	Format string
	// Values, when set, are the only values the platform takes (compared without
	// regard to case; the value is sent as listed here).
	Values []string
}

// Schema is what one platform takes: its fields, which of them are required, and how
// a row is keyed. The validator checks a row against a Schema and nothing else.
type Schema struct {
	Target string
	// Keys are the fields that identify an account, most important first. A later row
	// repeating an earlier row's value in any of them is a duplicate; Keys[0] is the
	// key results.csv shows.
	Keys   []columns.Field
	Fields []FieldRule
	// GeneratePassword makes a password, with crypto/rand, for rows that have none.
	GeneratePassword bool
	// GenerateLogin makes a login from the e-mail for rows that have none.
	GenerateLogin bool
	// PhoneExt is true when the platform stores a phone extension; otherwise an
	// extension in the cell is an error.
	PhoneExt bool
}

// Rule returns the rule for f and whether the schema takes f at all.
func (s *Schema) Rule(f columns.Field) (FieldRule, bool) {
	for _, r := range s.Fields {
		if r.Field == f {
			return r, true
		}
	}
	return FieldRule{}, false
}

// Takes reports whether the platform takes f.
func (s *Schema) Takes(f columns.Field) bool {
	_, ok := s.Rule(f)
	return ok
}

// MissingColumns lists the required fields that no column of m and no default in sets
// can supply, so the file can be refused before any row is read. A generated field
// (login, password) is never missing, and the name parts may come from one full-name
// column.
func (s *Schema) MissingColumns(m *columns.Mapping, sets map[columns.Field]string) []columns.Field {
	has := func(f columns.Field) bool {
		if m.Has(f) {
			return true
		}
		_, ok := sets[f]
		return ok
	}
	var missing []columns.Field
	for _, r := range s.Fields {
		if !r.Required || has(r.Field) {
			continue
		}
		switch r.Field {
		case columns.Login:
			if s.GenerateLogin {
				continue
			}
		case columns.Password:
			if s.GeneratePassword {
				continue
			}
		case columns.LastName, columns.FirstName, columns.MiddleName:
			if has(columns.FullName) {
				continue
			}
		case columns.FullName:
			if has(columns.LastName) && has(columns.FirstName) {
				continue
			}
		}
		missing = append(missing, r.Field)
	}
	return missing
}

// Schemas returns the schema of every target the tool knows, by name.
func Schemas() map[string]*Schema {
	return map[string]*Schema{
		"collaborator": Collaborator(),
		"inskill":      InSkill(),
		"ispring":      ISpring(),
		"cscart":       CSCart(),
	}
}

// Collaborator is the schema of Collaborator's single-user import (docs/platforms/collaborator.md; the
// reference page marks uid, secondname, firstname, login, email, password and position
// as required). The lengths are INFERRED: the API documents none, so 255 stands for the
// usual VARCHAR column.
func Collaborator() *Schema {
	return &Schema{
		Target:           "collaborator",
		Keys:             []columns.Field{columns.UID, columns.Email, columns.Login},
		GeneratePassword: true,
		GenerateLogin:    true,
		Fields: []FieldRule{
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
		},
	}
}

// KeyFields returns s.Keys without fields s does not take, in order.
func (s *Schema) KeyFields() []columns.Field {
	return slices.DeleteFunc(slices.Clone(s.Keys), func(f columns.Field) bool { return !s.Takes(f) })
}

// InSkill is the schema of inSkill's students (docs/platforms/inskill.md): the e-mail is the key
// and the only required field; the name goes as one ФИО string; the phone must be
// E.164, so an extension cannot go; a product is an integer id.
func InSkill() *Schema {
	return &Schema{
		Target: "inskill",
		Keys:   []columns.Field{columns.Email},
		Fields: []FieldRule{
			{Field: columns.Email, Required: true, MaxLen: 255, Format: "e-mail, unique"},
			{Field: columns.LastName, MaxLen: 255, Format: "letters; sent with the first and middle name as one ФИО"},
			{Field: columns.FirstName, MaxLen: 255, Format: "letters"},
			{Field: columns.MiddleName, MaxLen: 255, Format: "letters"},
			{Field: columns.Phone, MaxLen: 16, Format: "E.164, +79123456789"},
			{Field: columns.Product, MaxLen: 20, Format: "the product's number in inSkill"},
		},
	}
}

// ISpring is the schema of iSpring Learn's users (docs/platforms/ispring.md): the login is the key
// (made from the e-mail when empty), the e-mail comes second; a department is required
// for new accounts, by code, name or Parent/Child path, and may come from --set.
func ISpring() *Schema {
	return &Schema{
		Target:        "ispring",
		Keys:          []columns.Field{columns.Login, columns.Email},
		GenerateLogin: true,
		Fields: []FieldRule{
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

// CSCart is the schema of CS-Cart's users (docs/platforms/cscart.md): the e-mail is the key and
// the login must not repeat either; user type, storefront and status default in the
// client; names take letters, apostrophes and dashes only (fn_validate_text_field);
// the birthday goes as a Unix timestamp. Lengths are the columns of CS-Cart's
// cscart_users table (VERIFIED in its install/database/scheme.sql).
func CSCart() *Schema {
	return &Schema{
		Target: "cscart",
		Keys:   []columns.Field{columns.Email, columns.Login},
		Fields: []FieldRule{
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
