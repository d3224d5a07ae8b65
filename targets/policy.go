package targets

import (
	"fmt"
	"strings"
	"unicode"

	"userimport/outcome"
	"userimport/validate"
)

// Policy is what an import may change on an account that already exists, beyond the
// mode. Every client applies it the same way, through Apply and SendPassword, both
// to what it sends and to what it plans; the README's "What the tool never changes"
// says why each rule exists.
type Policy struct {
	// UpdateFields says which fields an update sends: all that differ (the default),
	// or only those the platform holds empty (Moodle's "fill in missing from file").
	UpdateFields UpdateFields
	// AllowIdentityChange lets an update change who an account is: its e-mail and
	// its name both, or every part of its name. Off, such a row fails with
	// CodeIdentity before anything is sent.
	AllowIdentityChange bool
	// ResetPasswords sends a generated password to accounts that already exist. Off,
	// a generated password only ever goes with a create.
	ResetPasswords bool
}

// UpdateFields is --update-fields.
type UpdateFields string

const (
	UpdateAll     UpdateFields = "all"
	UpdateMissing UpdateFields = "missing"
)

// ParseUpdateFields checks an --update-fields value.
func ParseUpdateFields(s string) (UpdateFields, error) {
	switch f := UpdateFields(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return UpdateAll, nil
	case UpdateAll, UpdateMissing:
		return f, nil
	}
	return "", fmt.Errorf("unknown --update-fields %q: use all or missing", s)
}

// PasswordField is the Change.Field of a password an update sets. Its Old and New
// never hold a password: New is PasswordSet.
const (
	PasswordField = "password"
	PasswordSet   = "(new password)"
)

// SendPassword reports whether u's password goes with an update of an existing
// account: the file's own password column asks for it, or --reset-passwords does for
// a generated one. A create always sends the password it has.
func (p Policy) SendPassword(u *validate.User) bool {
	return u.Password != "" && (!u.PasswordGenerated || p.ResetPasswords)
}

// PasswordChange is the Change a client lists when an update sets a password.
func PasswordChange() outcome.Change { return outcome.Change{Field: PasswordField, New: PasswordSet} }

// Apply turns what a lookup found (pl) into what the import may do, by the policy:
// an update that would change who the account is fails with CodeIdentity (Permanent,
// nothing sent), and with UpdateMissing an update keeps only the fields the platform
// holds empty (none left: Unchanged). Creates and unchanged accounts pass as they
// are. Clients call it before an update, and plan calls it, so both agree.
func (p Policy) Apply(pl Plan) (Plan, error) {
	if pl.Outcome != Updated {
		return pl, nil
	}
	if !p.AllowIdentityChange {
		if why := IdentityChange(pl.Changes); why != "" {
			return pl, &Error{Kind: Permanent, Code: CodeIdentity, Messages: []string{why +
				": the row may describe another person; check its key, or run with --allow-identity-change if this is the same person"}}
		}
	}
	if p.UpdateFields == UpdateMissing {
		kept := pl.Changes[:0:0]
		for _, c := range pl.Changes {
			if c.Old == "" && (c.Field != PasswordField || p.ResetPasswords) {
				kept = append(kept, c)
			}
		}
		pl.Changes = kept
		if len(kept) == 0 {
			pl.Outcome = Unchanged
		}
	}
	return pl, nil
}

// Keeps reports whether an update under p sends field, given the change list Apply
// returned: clients use it to build the body of an update with UpdateMissing.
func Keeps(changes []outcome.Change, field string) bool {
	for _, c := range changes {
		if c.Field == field {
			return true
		}
	}
	return false
}

// Names of the fields IdentityChange looks at, as the clients spell them in a Change.
// Clients use the canonical field names of package columns where they can; the
// platforms' own spellings are listed too.
var (
	emailFields = []string{"email"}
	firstFields = []string{"first_name", "firstname"}
	lastFields  = []string{"last_name", "lastname", "secondname"}
	fullFields  = []string{"full_name", "name", "fullname"}
)

// IdentityChange says why an update's changes would make the account someone else,
// or "" when they would not. An account becomes someone else when its e-mail changes
// together with any part of its name, or when its whole name changes (first and last
// name both, or a full name sharing no word with the old one). A field the platform
// held empty is being filled in, not changed. A changed surname alone (marriage), a
// corrected first name, or a new e-mail alone are ordinary updates.
func IdentityChange(changes []outcome.Change) string {
	find := func(names []string) (outcome.Change, bool) {
		for _, c := range changes {
			for _, n := range names {
				if c.Field == n && strings.TrimSpace(c.Old) != "" && !sameText(c.Old, c.New) {
					return c, true
				}
			}
		}
		return outcome.Change{}, false
	}
	email, emailChanged := find(emailFields)
	first, firstChanged := find(firstFields)
	last, lastChanged := find(lastFields)
	full, fullChanged := find(fullFields)
	nameChanged := firstChanged || lastChanged || fullChanged
	oldName, newName := strings.TrimSpace(last.Old+" "+first.Old), strings.TrimSpace(last.New+" "+first.New)
	if fullChanged {
		oldName, newName = full.Old, full.New
	}
	switch {
	case emailChanged && nameChanged:
		return fmt.Sprintf("the account %s (%s) would get another e-mail (%s) and another name (%s)", email.Old, oldName, email.New, newName)
	case firstChanged && lastChanged:
		return fmt.Sprintf("the account of %s would be renamed %s", oldName, newName)
	case fullChanged && !shareWord(full.Old, full.New):
		return fmt.Sprintf("the account of %s would be renamed %s", oldName, newName)
	}
	return ""
}

// sameText compares two values as a person would: case, ё/е and spacing aside.
func sameText(a, b string) bool { return strings.Join(words(a), " ") == strings.Join(words(b), " ") }

// shareWord reports whether two names have a word in common.
func shareWord(a, b string) bool {
	seen := make(map[string]bool)
	for _, w := range words(a) {
		seen[w] = true
	}
	for _, w := range words(b) {
		if seen[w] {
			return true
		}
	}
	return false
}

func words(s string) []string {
	s = strings.NewReplacer("ё", "е", "Ё", "е").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '@' && r != '.' && r != '-' && r != '_' && r != '+'
	})
}
