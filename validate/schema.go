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
	}
}

// Collaborator is the schema of Collaborator's single-user import (targets.md §3.3; the
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
