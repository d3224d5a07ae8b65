package ispring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"userimport/targets"
	"userimport/validate"
)

// Role is a role as GET /role lists it (docs/platforms/ispring.md, "Roles").
type Role struct {
	RoleID      string `json:"roleId"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// The standard roles the API takes by name in role. A publisher and every custom role
// are given as role "custom" with their roleId; a department administrator, a
// publisher and a custom role also need manageableDepartmentIds.
const (
	roleLearner       = "learner"
	roleAdministrator = "administrator"
	roleDeptAdmin     = "department_administrator"
	rolePublisher     = "publisher"
	roleCustom        = "custom"
)

// roleAliases are the names a row may give a standard role by, folded: the API's own
// and the Russian names the account's interface shows.
var roleAliases = map[string]string{
	"learner": roleLearner, "слушатель": roleLearner, "обучающийся": roleLearner, "пользователь": roleLearner,
	"administrator": roleAdministrator, "администратор": roleAdministrator,
	"account administrator": roleAdministrator, "администратор аккаунта": roleAdministrator,
	"department_administrator": roleDeptAdmin, "department administrator": roleDeptAdmin,
	"администратор подразделения": roleDeptAdmin,
	"publisher": rolePublisher, "автор": rolePublisher,
}

// roleChoice is what a row's role comes to in a request: role, and roleId for a
// publisher or a custom role. kind is the role's type (publisher, custom, or the
// standard role itself), name is how plans show it.
type roleChoice struct {
	role, roleID, kind, name string
}

// manages reports whether the role needs manageableDepartmentIds.
func (r *roleChoice) manages() bool {
	return r.kind == roleDeptAdmin || r.kind == rolePublisher || r.kind == roleCustom
}

// role resolves what a row says (a standard role by its API or Russian name, a role's
// title, or a roleId) to the request's role and roleId.
func (d *directory) role(s string) (*roleChoice, *targets.Error) {
	s = strings.TrimSpace(s)
	want := fold(s)
	if std, ok := roleAliases[want]; ok {
		if std != rolePublisher {
			return &roleChoice{role: std, kind: std, name: std}, nil
		}
		for _, r := range d.roles {
			if fold(r.Type) == rolePublisher {
				return &roleChoice{role: roleCustom, roleID: r.RoleID, kind: rolePublisher, name: rolePublisher}, nil
			}
		}
		return nil, rowError(CodeUnknownRole, "role", "the account lists no publisher role (GET /role)")
	}
	var found []Role
	for _, r := range d.roles {
		if r.RoleID == s {
			found = []Role{r}
			break
		}
		if fold(r.Title) == want {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		titles := make([]string, 0, len(d.roles))
		for _, r := range d.roles {
			if t := fold(r.Type); t == roleCustom || t == rolePublisher {
				titles = append(titles, r.Title)
			}
		}
		known := "learner, administrator, department_administrator, publisher"
		if len(titles) > 0 {
			known += ", " + strings.Join(titles, ", ")
		}
		return nil, rowError(CodeUnknownRole, "role", fmt.Sprintf("no role called %q: use one of %s", s, known))
	case 1:
	default:
		return nil, rowError(CodeAmbiguousRole, "role", fmt.Sprintf("%d roles are called %q", len(found), s))
	}
	r := found[0]
	switch t := fold(r.Type); t {
	case roleLearner, roleAdministrator, roleDeptAdmin:
		return &roleChoice{role: t, kind: t, name: t}, nil
	case rolePublisher:
		return &roleChoice{role: roleCustom, roleID: r.RoleID, kind: rolePublisher, name: rolePublisher}, nil
	case roleCustom:
		return &roleChoice{role: roleCustom, roleID: r.RoleID, kind: roleCustom, name: r.Title}, nil
	}
	return nil, rowError(CodeUnknownRole, "role", fmt.Sprintf("the role %q (type %s) cannot be given through the API", s, r.Type))
}

// roleName is how plans show an account's role: a custom role by its title.
func (d *directory) roleName(u *apiUser) string {
	if u.RoleID != "" {
		for _, r := range d.roles {
			if r.RoleID == u.RoleID && fold(r.Type) == roleCustom {
				return r.Title
			}
		}
	}
	return strings.ToLower(u.Role)
}

// heldBy reports whether the account already has the role rc: by roleId for a
// publisher or a custom role (the listing may give either "custom" or "publisher" as
// its role), by name for a standard one.
func (rc *roleChoice) heldBy(u *apiUser) bool {
	have := strings.ToLower(strings.TrimSpace(u.Role))
	if have == "" {
		have = roleLearner // the default of a new account
	}
	if rc.roleID == "" {
		return have == rc.role
	}
	if u.RoleID != "" {
		return u.RoleID == rc.roleID
	}
	return have == rc.kind
}

// FieldInfo is a profile field as GET /user/profile/fields lists it. isUnique and
// isRequired are 0 or 1 in the current documentation and true or false in older
// samples; both are read.
type FieldInfo struct {
	ID       string
	Name     string
	Label    string
	Type     string
	Unique   bool
	Required bool
}

// UnmarshalJSON reads one UserFieldInfo.
func (f *FieldInfo) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID         targets.FlexString `json:"userFieldInfoId"`
		Name       string             `json:"name"`
		Label      string             `json:"label"`
		Type       string             `json:"type"`
		IsUnique   targets.FlexString `json:"isUnique"`
		IsRequired targets.FlexString `json:"isRequired"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*f = FieldInfo{ID: string(raw.ID), Name: strings.ToLower(strings.TrimSpace(raw.Name)), Label: raw.Label,
		Type: strings.ToLower(raw.Type), Unique: truthy(raw.IsUnique), Required: truthy(raw.IsRequired)}
	return nil
}

func truthy(s targets.FlexString) bool {
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "1", "true":
		return true
	}
	return false
}

// decodeList reads a bare JSON list into list, or an object holding it under key
// (what a server that wraps its lists would send).
func decodeList(b []byte, key string, list any) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var o map[string]json.RawMessage
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		inner, ok := o[key]
		if !ok {
			inner, ok = o["response"]
		}
		if !ok {
			return fmt.Errorf("no %q list", key)
		}
		return json.Unmarshal(inner, list)
	}
	return json.Unmarshal(b, list)
}

// missingRequired returns the row error for the first profile field the account
// requires that a new account made from fields would lack (a country field aside: the
// documentation exempts it), naming the field and its label.
func (d *directory) missingRequired(fields map[string]string) *targets.Error {
	for _, f := range d.profile {
		if !f.Required || f.Type == "country" || f.Name == "" || strings.TrimSpace(fields[f.Name]) != "" {
			continue
		}
		col := f.Name
		if pf := slices.IndexFunc(profileFields, func(p profileField) bool { return p.api == f.Name }); pf >= 0 {
			col = profileFields[pf].canonical
			return rowError(CodeRequiredField, col, fmt.Sprintf(
				"the account requires the profile field %q (%s) for a new user: fill the column", f.Label, f.Name))
		}
		return rowError(CodeRequiredField, col, fmt.Sprintf(
			"the account requires the profile field %q (%s) for a new user, and this tool has no column for it: make it optional in iSpring Learn, or add the people by hand",
			f.Label, f.Name))
	}
	return nil
}

// statusOf is the account's status as the API numbers it: 1 active, 3 inactive, 5
// employment ended. A listing that gives none is read as active, a new account's
// status.
func statusOf(u *apiUser) int {
	if st := u.Status.Int(); st != 0 {
		return st
	}
	return statusActive
}

// Statuses a row's active column sets (POST /user/{id}/status).
const (
	statusActive   = 1
	statusInactive = 3
)

// wantStatus is the status the row asks for, or 0 when its active column is empty.
func wantStatus(u *validate.User) int {
	switch u.Active {
	case validate.Yes:
		return statusActive
	case validate.No:
		return statusInactive
	}
	return 0
}

func showStatus(st int) string {
	switch st {
	case statusActive:
		return "yes"
	case statusInactive:
		return "no"
	case 5:
		return "no (employment ended)"
	}
	return ""
}
