package ispring

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
	"userimport/targets/targettest"
	"userimport/validate"
)

// recorder keeps every request that reaches the sandbox.
type recorder struct{ targettest.Recorder }

// wrap is newEnv's wrap: the sandbox behind the recorder.
func (rec *recorder) wrap(_ *ispringtest.Sandbox, h http.Handler) http.Handler {
	rec.Next = h
	return rec
}

// writes are the POSTs after the token: the requests that may change an account.
func (rec *recorder) writes() []targettest.Request {
	var out []targettest.Request
	for _, r := range rec.Writes() {
		if r.Path != tokenPath {
			out = append(out, r)
		}
	}
	return out
}

func TestIdentityChangeFailsBeforeAnythingIsSent(t *testing.T) {
	tests := []struct {
		name string
		edit func(*ispringtest.User, *validate.User)
	}{
		{"found by login, another e-mail and another surname", func(ex *ispringtest.User, u *validate.User) {
			ex.Fields["email"] = "someone.else@example.com"
		}},
		{"found by e-mail, another first and last name", func(ex *ispringtest.User, u *validate.User) {
			u.FirstName, u.LastName = "Мария", "Сидорова"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, allow := range []bool{false, true} {
				e := newEnv(t, Config{Policy: targets.Policy{AllowIdentityChange: allow}}, nil)
				ex, u := existingAnna(), canonicalUser()
				tt.edit(&ex, u)
				id := mustAdd(t, e.sb, ex)
				plan, perr := e.c.Plan(t.Context(), u)
				res, err := e.c.Upsert(t.Context(), u)
				if allow {
					if perr != nil || err != nil || plan.Outcome != targets.Updated || res.Outcome != targets.Updated || res.ID != id {
						t.Errorf("allowed: plan %+v (%v), result %+v (%v); want both updated", plan, perr, res, err)
					}
					continue
				}
				for _, err := range []error{perr, err} {
					re := wantRowError(t, err, targets.Permanent, targets.CodeIdentity)
					if !strings.Contains(re.Error(), "--allow-identity-change") {
						t.Errorf("error %q does not say how to allow it", re.Error())
					}
				}
				if st := e.sb.Stats(); st.Writes != 0 || st.PasswordResets != 0 || e.sb.Writes() != 0 {
					t.Errorf("stats %+v, %d write requests: want nothing sent", st, e.sb.Writes())
				}
			}
		})
	}
}

// The identity rule sees the fields under the names it knows.
func TestChangeFieldNamesAreCanonical(t *testing.T) {
	e := newEnv(t, Config{Policy: targets.Policy{AllowIdentityChange: true}}, nil)
	mustAdd(t, e.sb, existingAnna())
	u := canonicalUser()
	u.Email, u.FirstName, u.Password = "anna.new@example.com", "Анюта", ""
	u.Login = "a.ivanova"
	plan, err := e.c.Plan(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range plan.Changes {
		names = append(names, c.Field)
	}
	want := []string{"email", "first_name", "last_name", "position", "department", "groups"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("change fields (-want +got):\n%s", diff)
	}
	if why := targets.IdentityChange(plan.Changes); why == "" {
		t.Error("IdentityChange sees no identity change in a new e-mail and a new name")
	}
}

func TestUpdateMissingSendsOnlyEmptyFields(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, Config{Policy: targets.Policy{UpdateFields: targets.UpdateMissing}}, rec.wrap)
	id := mustAdd(t, e.sb, existingAnna())
	u := canonicalUser() // another surname, department and groups, a job title the account lacks, a password
	want := targets.Plan{Outcome: targets.Updated, ID: id, Changes: []targets.Change{
		{Field: "position", Old: "", New: "Менеджер по продажам"},
	}}
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
	if diff := cmp.Diff(targets.Result{Outcome: targets.Updated, ID: id, Changes: want.Changes}, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	writes := rec.writes()
	if len(writes) != 1 || writes[0].Path != "/user/"+id {
		t.Fatalf("writes %+v, want one POST /user/%s", writes, id)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(writes[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	// The one new field, and everything else the account has sent back as it is.
	anna := existingAnna()
	wantFields := map[string]any{"job_title": "Менеджер по продажам"}
	for k, v := range anna.Fields {
		if v != "" {
			wantFields[k] = v
		}
	}
	wantBody := map[string]any{"fields": wantFields, "departmentId": anna.DepartmentID}
	if len(anna.GroupIDs) > 0 {
		var gs []any
		for _, g := range anna.GroupIDs {
			gs = append(gs, g)
		}
		wantBody["groupIds"] = gs
	}
	if diff := cmp.Diff(wantBody, body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	wantUser := existingAnna()
	wantUser.ID, wantUser.Status = id, 1
	wantUser.Fields["job_title"] = "Менеджер по продажам"
	if diff := cmp.Diff([]ispringtest.User{wantUser}, e.sb.Users()); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}

	// Nothing left empty: nothing to do, and nothing sent.
	plan, err = e.c.Plan(t.Context(), u)
	if err != nil || plan.Outcome != targets.Unchanged || plan.Changes != nil {
		t.Errorf("second plan %+v (%v), want unchanged", plan, err)
	}
	res, err = e.c.Upsert(t.Context(), u)
	if err != nil || res.Outcome != targets.Unchanged {
		t.Errorf("second import %+v (%v), want unchanged", res, err)
	}
	if n := len(rec.writes()); n != 1 {
		t.Errorf("%d writes in all, want 1", n)
	}
}

func TestUpdateMissingAddsGroupsToAnAccountWithout(t *testing.T) {
	e := newEnv(t, Config{Policy: targets.Policy{UpdateFields: targets.UpdateMissing}}, nil)
	ex := existingAnna()
	ex.GroupIDs = nil
	mustAdd(t, e.sb, ex)
	if _, err := e.c.Upsert(t.Context(), canonicalUser()); err != nil {
		t.Fatal(err)
	}
	got := e.sb.Users()[0]
	if diff := cmp.Diff([]string{ispringtest.NewcomersID, ispringtest.ManagersID}, got.GroupIDs); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if got.DepartmentID != ispringtest.KazanSalesID || got.Fields["last_name"] != "Петрова" {
		t.Errorf("department %s, last name %s: want the account's own", got.DepartmentID, got.Fields["last_name"])
	}
}

func TestPasswordOnUpdate(t *testing.T) {
	tests := []struct {
		name      string
		policy    targets.Policy
		generated bool
		wantSent  bool
	}{
		{"the file's own password goes", targets.Policy{}, false, true},
		{"a generated one does not", targets.Policy{}, true, false},
		{"a generated one goes with --reset-passwords", targets.Policy{ResetPasswords: true}, true, true},
		{"update missing keeps the file's own out", targets.Policy{UpdateFields: targets.UpdateMissing}, false, false},
		{"update missing with --reset-passwords", targets.Policy{UpdateFields: targets.UpdateMissing, ResetPasswords: true}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			e := newEnv(t, Config{Policy: tt.policy}, rec.wrap)
			// The account holds everything the row says: only the password may change.
			if _, err := e.sb.Put(ispringtest.User{DepartmentID: ispringtest.MoscowSalesID, GroupIDs: []string{ispringtest.NewcomersID, ispringtest.ManagersID},
				Fields: map[string]string{"login": "a.ivanova", "email": "anna.ivanova@example.com", "first_name": "Анна",
					"last_name": "Иванова", "phone": "+79123456789", "job_title": "Менеджер по продажам"}}); err != nil {
				t.Fatal(err)
			}
			u := canonicalUser()
			u.PasswordGenerated = tt.generated
			plan, err := e.c.Plan(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.c.Upsert(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			wantOutcome, wantChanges := targets.Unchanged, []targets.Change(nil)
			if tt.wantSent {
				wantOutcome, wantChanges = targets.Updated, []targets.Change{targets.PasswordChange()}
			}
			if plan.Outcome != wantOutcome || res.Outcome != wantOutcome || res.PasswordSet != tt.wantSent {
				t.Errorf("plan %s, result %+v; want %s, password set %v", plan.Outcome, res, wantOutcome, tt.wantSent)
			}
			if diff := cmp.Diff(wantChanges, plan.Changes); diff != "" {
				t.Errorf("plan changes (-want +got):\n%s", diff)
			}
			for _, c := range plan.Changes {
				if strings.Contains(c.Old+c.New, u.Password) {
					t.Errorf("change %+v shows the password", c)
				}
			}
			writes := rec.writes()
			st := e.sb.Stats()
			if !tt.wantSent {
				if len(writes) != 0 || st.Writes != 0 || st.PasswordResets != 0 {
					t.Errorf("writes %+v, stats %+v; want none", writes, st)
				}
				return
			}
			// Only the password request: the profile holds what the row says.
			if len(writes) != 1 || !strings.HasSuffix(writes[0].Path, "/password") ||
				writes[0].Body != `{"password":"`+u.Password+`"}` {
				t.Errorf("writes %+v, want one POST /user/{id}/password with the password", writes)
			}
			if st.Writes != 1 || st.PasswordResets != 1 || !e.sb.Users()[0].HasPassword {
				t.Errorf("stats %+v, want one write, one reset", st)
			}
		})
	}
}

func TestPasswordGoesBeforeTheProfile(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, Config{}, rec.wrap)
	id := mustAdd(t, e.sb, existingAnna())
	if _, err := e.c.Upsert(t.Context(), canonicalUser()); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, w := range rec.writes() {
		paths = append(paths, w.Path)
		if w.Path == "/user/"+id && strings.Contains(w.Body, "S3cret-pass") {
			t.Errorf("the profile update carries the password: %s", w.Body)
		}
	}
	if diff := cmp.Diff([]string{"/user/" + id + "/password", "/user/" + id}, paths); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
}

func TestRefusedPasswordChangesNothingAndIsNotShown(t *testing.T) {
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/password") {
				var b struct{ Password string }
				_ = json.NewDecoder(r.Body).Decode(&b)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"code":400,"message":"Password ` + b.Password + ` is too weak"}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	mustAdd(t, e.sb, existingAnna())
	_, err := e.c.Upsert(t.Context(), canonicalUser())
	re := wantRowError(t, err, targets.Permanent, targets.CodeRejected)
	if strings.Contains(re.Error(), "S3cret-pass") || !strings.Contains(re.Error(), "too weak") {
		t.Errorf("error %q: want the platform's message without the password", re.Error())
	}
	if st := e.sb.Stats(); st.Writes != 0 {
		t.Errorf("stats %+v: the profile changed after the password was refused", st)
	}
}

func TestCreatedPasswordIsNotShown(t *testing.T) {
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/user" {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"code":400,"message":"Invalid value S3cret-pass. Field password is invalid."}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	_, err := e.c.Upsert(t.Context(), canonicalUser())
	re := wantRowError(t, err, targets.Permanent, targets.CodeRejected)
	if strings.Contains(re.Error(), "S3cret-pass") {
		t.Errorf("error %q shows the password", re.Error())
	}
}

func TestCreateWithoutPassword(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	u := canonicalUser()
	u.Password = ""
	res, err := e.c.Upsert(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != targets.Created || res.PasswordSet || e.sb.Users()[0].HasPassword {
		t.Errorf("result %+v: want created with no password set", res)
	}
}

func TestModeCreatePlanSkipsExisting(t *testing.T) {
	e := newEnv(t, Config{Mode: targets.ModeCreate}, nil)
	mustAdd(t, e.sb, existingAnna())
	_, err := e.c.Plan(t.Context(), canonicalUser())
	wantRowError(t, err, targets.Permanent, targets.CodeExists)
	e2 := newEnv(t, Config{Mode: targets.ModeUpdate}, nil)
	_, err = e2.c.Plan(t.Context(), canonicalUser())
	wantRowError(t, err, targets.Permanent, targets.CodeNotFound)
}

func TestNewRejectsUnknownUpdateFields(t *testing.T) {
	_, err := New(Config{BaseURL: "https://api-learn.ispringlearn.com", ClientID: "id", ClientSecret: "secret",
		Policy: targets.Policy{UpdateFields: "some"}})
	if err == nil || !strings.Contains(err.Error(), "--update-fields") {
		t.Errorf("error %v, want one about --update-fields", err)
	}
}
