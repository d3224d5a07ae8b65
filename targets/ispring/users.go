package ispring

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"userimport/outcome"
	"userimport/targets"
	"userimport/validate"
)

// userBody is the JSON body of POST /user and POST /user/{id}. Empty values are left
// out, so an update never erases what the account holds.
type userBody struct {
	DepartmentID            string            `json:"departmentId,omitempty"`
	Fields                  map[string]string `json:"fields"`
	GroupIDs                []string          `json:"groupIds,omitempty"`
	Password                string            `json:"password,omitempty"`
	Role                    string            `json:"role,omitempty"`
	RoleID                  string            `json:"roleId,omitempty"`
	ManageableDepartmentIDs []string          `json:"manageableDepartmentIds,omitempty"`
	SendLoginEmail          *bool             `json:"sendLoginEmail,omitempty"`
	InvitationMessage       string            `json:"invitationMessage,omitempty"`
}

// setRole puts rc in the body: role, the roleId of a publisher or a custom role, and
// for a role that manages departments, the department dept (the person's own: the
// row's, or the account's when the row names none).
func (b *userBody) setRole(rc *roleChoice, dept string) {
	b.Role, b.RoleID = rc.role, rc.roleID
	if rc.manages() && dept != "" {
		b.ManageableDepartmentIDs = []string{dept}
	}
}

// profileField maps one of iSpring's system profile fields to the canonical field name
// plans and reports use.
type profileField struct {
	api, canonical string
	get            func(*validate.User) string
}

// profileFields are the system fields this client writes, in the order plans list them.
var profileFields = []profileField{
	{"login", "login", func(u *validate.User) string { return u.Login }},
	{"email", "email", func(u *validate.User) string { return u.Email }},
	{"first_name", "first_name", func(u *validate.User) string { return u.FirstName }},
	{"last_name", "last_name", func(u *validate.User) string { return u.LastName }},
	{"phone", "phone", func(u *validate.User) string { return u.Phone }},
	{"job_title", "position", func(u *validate.User) string { return u.Position }},
}

// decision is what a row comes to: the plan, and the requests that carry it out. For
// an update, body is nil when no profile field changes, and password is set when the
// Policy lets the row's password go with it.
type decision struct {
	plan     targets.Plan
	body     []byte
	password string
	// status is the status to set after the write (POST /user/{id}/status), 0 for none.
	status int
}

// decide resolves the row's department and groups, looks the account up, and works out
// the requests Upsert would send. It only reads.
func (c *Client) decide(ctx context.Context, u *validate.User) (*decision, error) {
	dir, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	var dept *Department
	if u.Department != "" {
		var rerr *targets.Error
		if dept, rerr = dir.department(u.Department); rerr != nil {
			return nil, rerr
		}
	}
	var groups []string
	if u.Groups != "" {
		var rerr *targets.Error
		if groups, rerr = dir.groupIDs(u.Groups); rerr != nil {
			return nil, rerr
		}
	}
	var role *roleChoice
	if u.Role != "" {
		var rerr *targets.Error
		if role, rerr = dir.role(u.Role); rerr != nil {
			return nil, rerr
		}
	}
	existing, err := c.lookup(ctx, u)
	if err != nil {
		return nil, err
	}
	if existing == nil {
		if c.cfg.Mode == targets.ModeUpdate {
			return nil, rowError(targets.CodeNotFound, "email", "no account has this e-mail or login")
		}
		return c.decideCreate(dir, u, dept, groups, role)
	}
	if c.cfg.Mode == targets.ModeCreate {
		return nil, rowError(targets.CodeExists, "email",
			fmt.Sprintf("an account with this e-mail or login exists (id %s)", existing.UserID))
	}
	return c.decideUpdate(ctx, dir, u, existing, dept, groups, role)
}

func (c *Client) decideCreate(dir *directory, u *validate.User, dept *Department, groups []string, role *roleChoice) (*decision, error) {
	if dept == nil {
		if c.cfg.DefaultDepartment == "" {
			return nil, rowError(CodeDepartmentRequired, "department",
				"a new account needs a department: fill the column or configure a default department")
		}
		var rerr *targets.Error
		if dept, rerr = dir.department(c.cfg.DefaultDepartment); rerr != nil {
			return nil, rerr
		}
	}
	b := userBody{DepartmentID: dept.DepartmentID, Fields: map[string]string{}, GroupIDs: groups,
		Password: u.Password}
	if role != nil {
		b.setRole(role, dept.DepartmentID)
	}
	for _, f := range profileFields {
		if v := f.get(u); v != "" {
			b.Fields[f.api] = v
		}
	}
	if b.Fields["login"] == "" {
		// iSpring requires a login; the e-mail is the login people expect then.
		b.Fields["login"] = u.Email
	}
	if rerr := dir.missingRequired(b.Fields); rerr != nil {
		return nil, rerr
	}
	send := c.cfg.SendLoginEmail
	b.SendLoginEmail = &send
	if send {
		b.InvitationMessage = c.cfg.InvitationMessage
	}
	body, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("ispring: create user: %w", err)
	}
	d := &decision{plan: targets.Plan{Outcome: targets.Created}, body: body}
	if wantStatus(u) == statusInactive {
		d.status = statusInactive
	}
	return d, nil
}

// decideUpdate compares the row with the account and applies the Policy. Fields are
// compared as written, except the e-mail (case-insensitive) and the phone (digits
// only); the department by id; groups are added to the account's, never taken away.
// A password is listed as a change when the Policy sends it (the file's own, or a
// generated one with --reset-passwords); it goes in its own request, since the
// update's body has no password (docs/platforms/ispring.md, "Passwords").
//
// Sending every field (UpdateAll), the body carries the account's own values for the
// system fields the row leaves empty, so that a server that clears omitted fields
// loses nothing. With UpdateMissing it carries only the fields the Policy kept. Both
// always carry the login, which iSpring requires on update.
func (c *Client) decideUpdate(ctx context.Context, dir *directory, u *validate.User, ex *apiUser, dept *Department, groups []string, role *roleChoice) (*decision, error) {
	// The raw plan: everything the row would change, old → new.
	type value struct {
		f      profileField
		old, v string // v is "" when the row leaves the field as it is
	}
	values := make([]value, 0, len(profileFields))
	var changes []outcome.Change
	for _, f := range profileFields {
		old := ex.Fields[f.api]
		v := f.get(u)
		if f.api == "login" && (u.LoginGenerated || v == "") && old != "" {
			v = "" // keep the account's login rather than one made up from the row
		}
		if v != "" && sameValue(f.api, old, v) {
			v = ""
		}
		values = append(values, value{f: f, old: old, v: v})
		if v != "" {
			changes = append(changes, outcome.Change{Field: f.canonical, Old: old, New: v})
		}
	}
	if dept != nil && dept.DepartmentID != ex.DepartmentID {
		changes = append(changes, outcome.Change{Field: "department",
			Old: dir.path(ex.DepartmentID), New: dir.path(dept.DepartmentID)})
	}
	union := slices.Clone([]string(ex.Groups))
	for _, g := range groups {
		if !slices.Contains(union, g) {
			union = append(union, g)
		}
	}
	if len(union) != len(ex.Groups) {
		changes = append(changes, outcome.Change{Field: "groups",
			Old: groupNames(dir, ex.Groups), New: groupNames(dir, union)})
	}
	if role != nil && !role.heldBy(ex) {
		changes = append(changes, outcome.Change{Field: "role", Old: dir.roleName(ex), New: role.name})
	}
	status := 0
	if want, have := wantStatus(u), statusOf(ex); want != 0 && (want == statusActive) != (have == statusActive) {
		status = want
		changes = append(changes, outcome.Change{Field: "active", Old: showStatus(have), New: showStatus(want)})
	}
	if c.policy.SendPassword(u) {
		changes = append(changes, targets.PasswordChange())
	}
	plan := targets.Plan{Outcome: targets.Updated, ID: ex.UserID, Changes: changes}
	if len(changes) == 0 {
		plan.Outcome = targets.Unchanged
	}

	// What the Policy lets the row do.
	plan, err := c.policy.Apply(plan)
	if err != nil {
		return nil, err
	}
	if plan.Outcome != targets.Updated {
		plan.Changes = nil
		return &decision{plan: plan}, nil
	}
	d := &decision{plan: plan}
	if targets.Keeps(plan.Changes, targets.PasswordField) {
		d.password = u.Password
	}
	if targets.Keeps(plan.Changes, "active") {
		d.status = status
	}
	if !slices.ContainsFunc(plan.Changes, func(ch outcome.Change) bool {
		return ch.Field != targets.PasswordField && ch.Field != "active"
	}) {
		return d, nil // only the password or the status changes: no profile update
	}

	// Every field the account has goes back as it is, unless the plan changes it: the
	// documentation does not say whether the update keeps a field left out, and sending
	// the account's own value is right either way (docs/platforms/ispring.md).
	all := c.policy.UpdateFields != targets.UpdateMissing
	b := userBody{Fields: map[string]string{}}
	for _, fv := range values {
		switch {
		case fv.v != "" && targets.Keeps(plan.Changes, fv.f.canonical):
			b.Fields[fv.f.api] = fv.v
		case fv.old != "":
			b.Fields[fv.f.api] = fv.old
		}
	}
	if b.Fields["login"] == "" {
		// The account's own login; failing that (it always should have one), the row's,
		// or the e-mail, since the API refuses an update without one.
		b.Fields["login"] = cmp.Or(ex.Fields["login"], u.Login, u.Email, ex.Fields["email"])
	}
	if nl, ol := b.Fields["login"], ex.Fields["login"]; nl != "" && !strings.EqualFold(nl, ol) {
		if err := c.checkLoginFree(ctx, nl, ex.UserID); err != nil {
			return nil, err
		}
	}
	switch {
	case dept != nil && (all || targets.Keeps(plan.Changes, "department")):
		b.DepartmentID = dept.DepartmentID
	case ex.DepartmentID != "":
		b.DepartmentID = ex.DepartmentID
	}
	switch {
	case len(groups) > 0 && (all || targets.Keeps(plan.Changes, "groups")):
		b.GroupIDs = union
	case len(ex.Groups) > 0:
		b.GroupIDs = slices.Clone([]string(ex.Groups))
	}
	// The role goes only when it changes: the update's role, with its roleId and, for
	// a role that manages departments, the department the person is in after it.
	if role != nil && targets.Keeps(plan.Changes, "role") {
		b.setRole(role, b.DepartmentID)
	}
	body, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("ispring: update user: %w", err)
	}
	d.body = body
	return d, nil
}

func sameValue(field, old, v string) bool {
	switch field {
	case "email":
		return strings.EqualFold(strings.TrimSpace(old), v)
	case "phone":
		return digits(old) == digits(v)
	}
	return old == v
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func groupNames(dir *directory, ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = dir.groupName(id)
	}
	return strings.Join(names, ", ")
}

// lookup finds the row's account: by e-mail first, then by login. The API's filters are
// not documented as exact, so the answer is matched again here, exactly and without
// regard to case. Two accounts with the row's e-mail (possible where the account allows
// it) are told apart by the login, or are a conflict.
func (c *Client) lookup(ctx context.Context, u *validate.User) (*apiUser, error) {
	if u.Email != "" {
		found, err := c.findUsers(ctx, "emails[]", u.Email)
		if err != nil {
			return nil, err
		}
		switch len(found) {
		case 0:
		case 1:
			return found[0], nil
		default:
			for _, f := range found {
				if u.Login != "" && strings.EqualFold(f.Fields["login"], u.Login) {
					return f, nil
				}
			}
			return nil, rowError(targets.CodeConflict, "email",
				fmt.Sprintf("%d accounts have the e-mail %s: give the login to choose one", len(found), u.Email))
		}
	}
	if u.Login == "" {
		return nil, nil
	}
	found, err := c.findUsers(ctx, "logins[]", u.Login)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return found[0], nil
}

// checkLoginFree fails the row when the login it would give the account belongs to
// another one: the platform would refuse the update anyway, and the plan should say so.
func (c *Client) checkLoginFree(ctx context.Context, login, self string) error {
	found, err := c.findUsers(ctx, "logins[]", login)
	if err != nil {
		return err
	}
	for _, f := range found {
		if f.UserID != self {
			return rowError(targets.CodeConflict, "login",
				fmt.Sprintf("the login %s belongs to another account (id %s)", login, f.UserID))
		}
	}
	return nil
}

// findUsers asks GET /users/v2 with one filter and keeps the exact matches.
func (c *Client) findUsers(ctx context.Context, filter, value string) ([]*apiUser, error) {
	q := url.Values{filter: {value}}
	resp, err := c.call(ctx, http.MethodGet, "/users/v2?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("ispring: look up user: %w", err)
	}
	if resp.Status == http.StatusNotFound {
		return nil, nil // some servers answer an empty search with 404
	}
	if resp.Status != http.StatusOK {
		return nil, fmt.Errorf("ispring: look up user: %w", c.statusError(http.MethodGet, resp))
	}
	users, err := parseUsers(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("ispring: look up user: %w", &targets.Error{Kind: targets.Permanent,
			Status: resp.Status, Code: targets.CodeHTTP,
			Messages: []string{"the user list is not the JSON the API documents"}, Err: err})
	}
	field := "email"
	if filter == "logins[]" {
		field = "login"
	}
	var out []*apiUser
	for i := range users {
		if users[i].UserID != "" && strings.EqualFold(strings.TrimSpace(users[i].Fields[field]), value) {
			out = append(out, &users[i])
		}
	}
	return out, nil
}

// create sends POST /user and returns the new account's id. A 201 whose body holds no
// readable id still means the account exists, so it is a success with no id. password
// is the one the body carries, kept out of error messages.
func (c *Client) create(ctx context.Context, body []byte, password string) (string, error) {
	resp, err := c.post(ctx, "create user", "/user", body, []int{http.StatusCreated, http.StatusOK}, password)
	if err != nil {
		return "", targets.WithIntent(err, targets.Created)
	}
	id, _ := parseCreatedID(resp.Body)
	return id, nil
}

// update sends POST /user/{id}.
func (c *Client) update(ctx context.Context, id string, body []byte) error {
	_, err := c.post(ctx, "update user "+id, "/user/"+url.PathEscape(id), body, written)
	return err
}

// statusPath is where an account is blocked or unblocked
// (docs/platforms/ispring.md, "Blocking").
func statusPath(id string) string { return "/user/" + url.PathEscape(id) + "/status" }

// setStatus sends POST /user/{id}/status {"status": st}: 1 unblocks, 3 blocks.
func (c *Client) setStatus(ctx context.Context, id string, st int) error {
	body, err := json.Marshal(struct {
		Status int `json:"status"`
	}{st})
	if err != nil {
		return fmt.Errorf("ispring: set status of user %s: %w", id, err)
	}
	_, err = c.post(ctx, "set status of user "+id, statusPath(id), body, written)
	return err
}

// passwordPath is where an account's password is set: the update's body has no
// password (docs/platforms/ispring.md, "Passwords").
func passwordPath(id string) string { return "/user/" + url.PathEscape(id) + "/password" }

// setPassword sends POST /user/{id}/password. The password is kept out of every
// message, the platform's included.
func (c *Client) setPassword(ctx context.Context, id, password string) error {
	body, err := json.Marshal(struct {
		Password string `json:"password"`
	}{password})
	if err != nil {
		return fmt.Errorf("ispring: set password of user %s: %w", id, err)
	}
	_, err = c.post(ctx, "set password of user "+id, passwordPath(id), body, written, password)
	return err
}

// written are the answers to a write that say it was done.
var written = []int{http.StatusOK, http.StatusNoContent, http.StatusCreated}

// post sends POST path with body through call and returns the answer when its status
// is one of ok; any other is the error statusError makes of it, with passwords kept
// out. what names the call in errors ("update user 42").
func (c *Client) post(ctx context.Context, what, path string, body []byte, ok []int, passwords ...string) (*targets.Response, error) {
	resp, err := c.call(ctx, http.MethodPost, path, body)
	if err != nil {
		return nil, fmt.Errorf("ispring: %s: %w", what, err)
	}
	if !slices.Contains(ok, resp.Status) {
		return nil, fmt.Errorf("ispring: %s: %w", what, c.statusError(http.MethodPost, resp, passwords...))
	}
	return resp, nil
}
