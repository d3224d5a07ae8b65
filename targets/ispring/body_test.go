package ispring

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
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
			golden := filepath.Join("testdata", "bodies", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("body (-%s +got):\n%s", golden, diff)
			}
			// The body the golden file shows is one the sandbox accepts.
			if _, err := e.c.Upsert(t.Context(), u); err != nil {
				t.Errorf("sending it: %v", err)
			}
		})
	}
}
