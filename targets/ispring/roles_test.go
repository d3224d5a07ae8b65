package ispring

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
	"userimport/validate"
)

// userByLogin is the sandbox's account with login, or fails the test.
func userByLogin(t *testing.T, sb *ispringtest.Sandbox, login string) ispringtest.User {
	t.Helper()
	for _, u := range sb.Users() {
		if u.Fields["login"] == login {
			return u
		}
	}
	t.Fatalf("no account %s", login)
	return ispringtest.User{}
}

// TestRolesOnCreate: a publisher and a custom role go as role custom with the roleId
// GET /role gives them, and with the person's department as the one they manage; a
// department administrator goes by name, with that department too.
func TestRolesOnCreate(t *testing.T) {
	tests := []struct {
		role                   string
		wantRole, wantRoleID   string
		wantBodyRole, wantBody string
		wantManages            []string
	}{
		{"publisher", "publisher", ispringtest.PublisherRoleID, "custom", ispringtest.PublisherRoleID, []string{ispringtest.MoscowSalesID}},
		{"Автор", "publisher", ispringtest.PublisherRoleID, "custom", ispringtest.PublisherRoleID, []string{ispringtest.MoscowSalesID}},
		{"куратор", "custom", ispringtest.CuratorRoleID, "custom", ispringtest.CuratorRoleID, []string{ispringtest.MoscowSalesID}},
		{"department_administrator", "department_administrator", "", "department_administrator", "", []string{ispringtest.MoscowSalesID}},
		{"Администратор", "administrator", "", "administrator", "", nil},
		{"learner", "learner", "", "learner", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			e := newEnv(t, Config{}, nil)
			u := canonicalUser()
			u.Role = tt.role
			d, err := e.c.decide(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			var body userBody
			if err := json.Unmarshal(d.body, &body); err != nil {
				t.Fatal(err)
			}
			if body.Role != tt.wantBodyRole || body.RoleID != tt.wantBody || !slices.Equal(body.ManageableDepartmentIDs, tt.wantManages) {
				t.Errorf("body role %q roleId %q manages %v, want %q %q %v", body.Role, body.RoleID,
					body.ManageableDepartmentIDs, tt.wantBodyRole, tt.wantBody, tt.wantManages)
			}
			res, err := e.c.Upsert(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != targets.Created {
				t.Fatalf("outcome %s", res.Outcome)
			}
			got := userByLogin(t, e.sb, "a.ivanova")
			if got.Role != tt.wantRole || got.RoleID != tt.wantRoleID || !slices.Equal(got.ManageableDepartmentIDs, tt.wantManages) {
				t.Errorf("account role %q %q manages %v, want %q %q %v", got.Role, got.RoleID, got.ManageableDepartmentIDs,
					tt.wantRole, tt.wantRoleID, tt.wantManages)
			}
			// The same row again changes nothing (the file's password aside).
			u.Password = ""
			res, err = e.c.Upsert(t.Context(), u)
			if err != nil || res.Outcome != targets.Unchanged {
				t.Errorf("second run: %v %v, want unchanged (changes %v)", res.Outcome, err, res.Changes)
			}
		})
	}
}

// TestUnknownRole: a role the account does not have fails the row before anything is
// sent, naming the roles it has; two custom roles with one title are ambiguous.
func TestUnknownRole(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	u := canonicalUser()
	u.Role = "Бухгалтер"
	_, err := e.c.Upsert(t.Context(), u)
	re := wantRowError(t, err, targets.Permanent, CodeUnknownRole)
	if msg := strings.Join(re.Messages, " "); !strings.Contains(msg, "Куратор") || !strings.Contains(msg, `"Бухгалтер"`) {
		t.Errorf("message %q should name the row's role and the account's custom roles", msg)
	}
	e2 := newEnv(t, Config{}, nil)
	e2.sb.SetRoles([]ispringtest.Role{{RoleID: "r1", Type: "custom", Title: "Куратор"}, {RoleID: "r2", Type: "custom", Title: "куратор"}})
	u.Role = "Куратор"
	_, err = e2.c.Upsert(t.Context(), u)
	wantRowError(t, err, targets.Permanent, CodeAmbiguousRole)
	// An account whose GET /role lists no publisher: a publisher row says so.
	e3 := newEnv(t, Config{}, nil)
	e3.sb.SetRoles(nil)
	u.Role = "publisher"
	_, err = e3.c.Upsert(t.Context(), u)
	wantRowError(t, err, targets.Permanent, CodeUnknownRole)
	for _, env := range []*env{e, e2, e3} {
		if w := env.sb.Writes(); w != 0 {
			t.Errorf("%d writes, want none", w)
		}
	}
}

// TestRoleChange: a row that gives an existing learner another role is an update
// whose plan shows the change, and the update sends the role; the account's other
// fields stay as they were.
func TestRoleChange(t *testing.T) {
	for _, tt := range []struct {
		role, wantNew, wantKind, wantID string
	}{
		{"publisher", "publisher", "publisher", ispringtest.PublisherRoleID},
		{"Наставник", "Наставник", "custom", ispringtest.MentorRoleID},
		{"department_administrator", "department_administrator", "department_administrator", ""},
	} {
		t.Run(tt.role, func(t *testing.T) {
			e := newEnv(t, Config{}, nil)
			id := mustAdd(t, e.sb, ispringtest.User{DepartmentID: ispringtest.AccountingID, Role: "learner",
				Fields: map[string]string{"login": "boris", "email": "boris@example.com", "first_name": "Борис", "last_name": "Борисов"}})
			u := &validate.User{Login: "boris", Email: "boris@example.com", FirstName: "Борис", LastName: "Борисов", Role: tt.role}
			want := targets.Plan{Outcome: targets.Updated, ID: id, Changes: []targets.Change{{Field: "role", Old: "learner", New: tt.wantNew}}}
			plan, err := e.c.Plan(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, plan); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			res, err := e.c.Upsert(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != targets.Updated || !cmp.Equal(res.Changes, want.Changes) {
				t.Errorf("result %+v, want updated with %v", res, want.Changes)
			}
			got := userByLogin(t, e.sb, "boris")
			if got.Role != tt.wantKind || got.RoleID != tt.wantID || !slices.Equal(got.ManageableDepartmentIDs, []string{ispringtest.AccountingID}) {
				t.Errorf("account role %q %q manages %v", got.Role, got.RoleID, got.ManageableDepartmentIDs)
			}
			if got.DepartmentID != ispringtest.AccountingID || got.Fields["first_name"] != "Борис" {
				t.Errorf("account lost its department or name: %+v", got)
			}
			if plan, err := e.c.Plan(t.Context(), u); err != nil || plan.Outcome != targets.Unchanged {
				t.Errorf("after the change: %+v %v, want unchanged", plan, err)
			}
		})
	}
}

// TestRoleUnchangedIsNotSent: a row whose role the account already has sends no role,
// so an update of another field does not need manageableDepartmentIds again.
func TestRoleUnchangedIsNotSent(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	mustAdd(t, e.sb, ispringtest.User{DepartmentID: ispringtest.AccountingID, Role: "publisher", RoleID: ispringtest.PublisherRoleID,
		ManageableDepartmentIDs: []string{ispringtest.RootID},
		Fields:                  map[string]string{"login": "boris", "email": "boris@example.com", "last_name": "Борисов"}})
	u := &validate.User{Login: "boris", Email: "boris@example.com", LastName: "Борисова", Role: "Publisher"}
	d, err := e.c.decide(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(d.body), "role") || strings.Contains(string(d.body), "manageable") {
		t.Errorf("body %s carries the role", d.body)
	}
	if _, err := e.c.Upsert(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if got := userByLogin(t, e.sb, "boris"); !slices.Equal(got.ManageableDepartmentIDs, []string{ispringtest.RootID}) {
		t.Errorf("managed departments %v, want the account's own", got.ManageableDepartmentIDs)
	}
}

// TestRequiredProfileField: a field the account's profile requires and the row leaves
// empty fails a new account's row with the field's name, in plan and import alike,
// before anything is written; an existing account is updated as before.
func TestRequiredProfileField(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	mustAdd(t, e.sb, existingAnna()) // from before the field was required
	e.sb.AddProfileField(ispringtest.ProfileField{ID: "USER_DEFINED_FIELD3", Name: "city", Label: "Город", Type: "string", Required: true})
	e.sb.AddProfileField(ispringtest.ProfileField{ID: "USER_DEFINED_FIELD4", Name: "country", Label: "Страна", Type: "country", Required: true})
	u := canonicalUser()
	u.Login, u.Email = "new", "new@example.com"
	for name, call := range map[string]func() error{
		"plan":   func() error { _, err := e.c.Plan(t.Context(), u); return err },
		"import": func() error { _, err := e.c.Upsert(t.Context(), u); return err },
	} {
		re := wantRowError(t, call(), targets.Permanent, CodeRequiredField)
		if msg := strings.Join(re.Messages, " "); !strings.HasPrefix(msg, "city: ") || !strings.Contains(msg, "Город") {
			t.Errorf("%s: message %q should name the field", name, msg)
		}
	}

	// A required system field the row leaves empty names the column.
	e2 := newEnv(t, Config{}, nil)
	e2.sb.SetProfileFields([]ispringtest.ProfileField{
		{ID: "1", Name: "login", Label: "Login", Type: "login", Unique: true, Required: true},
		{ID: "2", Name: "email", Label: "E-mail", Type: "email", Unique: true, Required: true},
		{ID: "3", Name: "first_name", Label: "Имя", Type: "first_name"},
		{ID: "4", Name: "last_name", Label: "Фамилия", Type: "last_name"},
		{ID: "5", Name: "job_title", Label: "Должность", Type: "job_title", Required: true},
		{ID: "6", Name: "phone", Label: "Телефон", Type: "phone"},
	})
	u2 := canonicalUser()
	u2.Position = ""
	_, err := e2.c.Upsert(t.Context(), u2)
	re := wantRowError(t, err, targets.Permanent, CodeRequiredField)
	if msg := strings.Join(re.Messages, " "); !strings.HasPrefix(msg, "position: ") || !strings.Contains(msg, "job_title") {
		t.Errorf("message %q should name the column and the field", msg)
	}
	for _, env := range []*env{e, e2} {
		if w := env.sb.Writes(); w != 0 {
			t.Errorf("%d writes, want none", w)
		}
	}
	// With the field filled the same row goes through.
	u2.Position = "Бухгалтер"
	if _, err := e2.c.Upsert(t.Context(), u2); err != nil {
		t.Errorf("filled: %v", err)
	}
	// An existing account is not held to it: the update sends only its own fields.
	if _, err := e.c.Upsert(t.Context(), canonicalUser()); err != nil {
		t.Errorf("update: %v", err)
	}
}

// TestBlockUnblock: the active column blocks and unblocks an account through its
// status endpoint, shown in plan as a change of "active" and counted as blocked or
// unblocked; a new account whose row says no is created, then blocked.
func TestBlockUnblock(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	id := mustAdd(t, e.sb, ispringtest.User{DepartmentID: ispringtest.AccountingID,
		Fields: map[string]string{"login": "boris", "email": "boris@example.com", "last_name": "Борисов"}})
	u := &validate.User{Login: "boris", Email: "boris@example.com", Active: validate.No}

	plan, err := e.c.Plan(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	want := targets.Plan{Outcome: targets.Updated, ID: id, Changes: []targets.Change{{Field: "active", Old: "yes", New: "no"}}}
	if diff := cmp.Diff(want, plan); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	writes := e.sb.Writes()
	res, err := e.c.Upsert(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != targets.Updated || !res.Blocked || res.Unblocked {
		t.Errorf("block: %+v", res)
	}
	if got := userByLogin(t, e.sb, "boris"); got.Status != 3 {
		t.Errorf("status %d, want 3", got.Status)
	}
	if n := e.sb.Writes() - writes; n != 1 {
		t.Errorf("%d writes, want only the status", n)
	}
	if res, err := e.c.Upsert(t.Context(), u); err != nil || res.Outcome != targets.Unchanged {
		t.Errorf("blocked again: %+v %v, want unchanged", res, err)
	}

	u.Active = validate.Yes
	res, err = e.c.Upsert(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != targets.Updated || res.Blocked || !res.Unblocked {
		t.Errorf("unblock: %+v", res)
	}
	if got := userByLogin(t, e.sb, "boris"); got.Status != 1 {
		t.Errorf("status %d, want 1", got.Status)
	}
	// An empty active column leaves the status alone.
	u.Active = validate.Unset
	if res, err := e.c.Upsert(t.Context(), u); err != nil || res.Outcome != targets.Unchanged {
		t.Errorf("no column: %+v %v", res, err)
	}

	n := canonicalUser()
	n.Active = validate.No
	res, err = e.c.Upsert(t.Context(), n)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != targets.Created || !res.Blocked {
		t.Errorf("create blocked: %+v", res)
	}
	if got := userByLogin(t, e.sb, "a.ivanova"); got.Status != 3 {
		t.Errorf("new account status %d, want 3", got.Status)
	}
	// A plan of a blocked new account says created: the block follows the create.
	n2 := canonicalUser()
	n2.Login, n2.Email, n2.Active = "x", "x@example.com", validate.No
	if plan, err := e.c.Plan(t.Context(), n2); err != nil || plan.Outcome != targets.Created {
		t.Errorf("plan of a blocked new account: %+v %v", plan, err)
	}
}
