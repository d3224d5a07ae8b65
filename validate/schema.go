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
	// ExtensionField names the platform's field that takes a phone's extension (for
	// Collaborator, "work_contact"); the target sends User.PhoneExt there. Empty means
	// the platform has no place for one: the main number is sent and the extension is
	// left out with a CodePhoneExt warning, never an error (issue 17).
	ExtensionField string
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

// KeyFields returns s.Keys without fields s does not take, in order.
func (s *Schema) KeyFields() []columns.Field {
	return slices.DeleteFunc(slices.Clone(s.Keys), func(f columns.Field) bool { return !s.Takes(f) })
}
