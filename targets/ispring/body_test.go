package ispring

import (
	"bytes"
	"encoding/json"
	"flag"
	"path/filepath"
	"testing"

	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
	"userimport/targets/targettest"
	"userimport/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRequestBodies renders the body of every write this client sends for the canonical
// user and its variants, and compares it with testdata/bodies/<name>.json.
func TestRequestBodies(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		existing *ispringtest.User
		edit     func(*validate.User)
	}{
		{name: "create_full"},
		{name: "create_minimal", edit: func(u *validate.User) {
			*u = validate.User{Email: u.Email, Department: "ACC", LastName: u.LastName, FirstName: u.FirstName}
		}},
		{name: "create_default_department_and_invitation",
			cfg:  Config{DefaultDepartment: "Бухгалтерия", SendLoginEmail: true, InvitationMessage: "Добро пожаловать в обучение"},
			edit: func(u *validate.User) { u.Department, u.Groups, u.Password, u.Role = "", "", "", "" }},
		{name: "update_full", existing: new(existingAnna())},
		{name: "update_keeps_login_and_unsent_fields", existing: new(existingAnna()), edit: func(u *validate.User) {
			u.Login, u.LoginGenerated = "anna.ivanova", true
			u.Phone, u.Department, u.Groups = "", "", ""
		}},
		{name: "update_renames_login", existing: new(existingAnna()), edit: func(u *validate.User) {
			u.Login = "anna.i"
		}},
		// Only what the account holds empty, and the login the API requires.
		{name: "update_missing", cfg: Config{Policy: targets.Policy{UpdateFields: targets.UpdateMissing}},
			existing: new(existingAnna())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.cfg, nil)
			if tt.existing != nil {
				mustAdd(t, e.sb, *tt.existing)
			}
			u := canonicalUser()
			if tt.edit != nil {
				tt.edit(u)
			}
			d, err := e.c.decide(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, d.body, "", "  "); err != nil {
				t.Fatalf("body %s: %v", d.body, err)
			}
			got.WriteByte('\n')
			targettest.Golden(t, filepath.Join("testdata", "bodies", tt.name+".json"), got.Bytes(), *update)
			// The body the golden file shows is one the sandbox accepts.
			if _, err := e.c.Upsert(t.Context(), u); err != nil {
				t.Errorf("sending it: %v", err)
			}
		})
	}
}
