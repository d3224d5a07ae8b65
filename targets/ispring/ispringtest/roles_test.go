package ispringtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestSandboxRoles: the roles are given as the documentation says: a publisher or a
// custom role as role custom with a roleId from GET /role, and with
// manageableDepartmentIds, as a department administrator is; role publisher itself,
// custom without a roleId and a managing role without departments are refused.
func TestSandboxRoles(t *testing.T) {
	sb := New(testID, testSecret)
	tok := sandboxToken(t, sb)
	code, body := sandboxCall(t, sb, http.MethodGet, "/role", tok, "application/json", "")
	var roles []Role
	if code != http.StatusOK || json.Unmarshal([]byte(body), &roles) != nil || len(roles) != len(defaultRoles) {
		t.Fatalf("GET /role: %d %s", code, body)
	}
	user := func(login, extra string) string {
		return `{"departmentId":"` + AccountingID + `","fields":{"login":"` + login + `","email":"` + login + `@example.com"}` + extra + `}`
	}
	manages := `,"manageableDepartmentIds":["` + AccountingID + `"]`
	tests := []struct {
		name, body string
		code       int
		role, id   string
	}{
		{"publisher by name", user("p1", `,"role":"publisher"`+manages), http.StatusBadRequest, "", ""},
		{"custom without roleId", user("p2", `,"role":"custom"`+manages), http.StatusBadRequest, "", ""},
		{"custom with an unknown roleId", user("p3", `,"role":"custom","roleId":"nope"`+manages), http.StatusBadRequest, "", ""},
		{"publisher without departments", user("p4", `,"role":"custom","roleId":"`+PublisherRoleID+`"`), http.StatusBadRequest, "", ""},
		{"department admin without departments", user("p5", `,"role":"department_administrator"`), http.StatusBadRequest, "", ""},
		{"publisher", user("p6", `,"role":"custom","roleId":"`+PublisherRoleID+`"`+manages), http.StatusCreated, "publisher", PublisherRoleID},
		{"custom", user("p7", `,"role":"custom","roleId":"`+CuratorRoleID+`"`+manages), http.StatusCreated, "custom", CuratorRoleID},
		{"department admin", user("p8", `,"role":"department_administrator"`+manages), http.StatusCreated, "department_administrator", ""},
		{"learner", user("p9", `,"role":"learner"`), http.StatusCreated, "learner", ""},
	}
	for _, tt := range tests {
		code, body := sandboxCall(t, sb, http.MethodPost, "/user", tok, "application/json", tt.body)
		if code != tt.code {
			t.Errorf("%s: %d %s, want %d", tt.name, code, body, tt.code)
			continue
		}
		if code != http.StatusCreated {
			continue
		}
		var id string
		_ = json.Unmarshal([]byte(body), &id)
		_, list := sandboxCall(t, sb, http.MethodGet, "/users/v2?userIds[]="+id, tok, "application/json", "")
		var page struct {
			UserProfiles []sandboxProfile `json:"userProfiles"`
		}
		if json.Unmarshal([]byte(list), &page) != nil || len(page.UserProfiles) != 1 {
			t.Fatalf("%s: listing %s", tt.name, list)
		}
		p := page.UserProfiles[0]
		if p.Role != tt.role || (tt.id != "" && p.RoleID != tt.id) {
			t.Errorf("%s: listed as role %q roleId %q, want %q %q", tt.name, p.Role, p.RoleID, tt.role, tt.id)
		}
	}
	// A role change through the update, and the listing after it.
	id := mustAdd(t, sb, User{DepartmentID: AccountingID, Fields: map[string]string{"login": "boris", "email": "boris@example.com"}})
	code, body = sandboxCall(t, sb, http.MethodPost, "/user/"+id, tok, "application/json",
		`{"fields":{"login":"boris"},"role":"custom","roleId":"`+MentorRoleID+`"`+manages+`}`)
	if code != http.StatusOK {
		t.Fatalf("role change: %d %s", code, body)
	}
	for _, u := range sb.Users() {
		if u.ID == id && (u.Role != "custom" || u.RoleID != MentorRoleID || len(u.ManageableDepartmentIDs) != 1) {
			t.Errorf("after the change: %+v", u)
		}
	}
}

// TestSandboxProfileFields: GET /user/profile/fields lists the fields with isRequired
// and isUnique as 0/1; a new account without a required field (a country one aside)
// is refused, and a unique field's value may not repeat.
func TestSandboxProfileFields(t *testing.T) {
	sb := New(testID, testSecret)
	sb.AddProfileField(ProfileField{ID: "USER_DEFINED_FIELD3", Name: "city", Label: "Город", Type: "string", Required: true})
	sb.AddProfileField(ProfileField{ID: "USER_DEFINED_FIELD4", Name: "country", Label: "Страна", Type: "country", Required: true})
	sb.AddProfileField(ProfileField{ID: "USER_DEFINED_FIELD5", Name: "tab", Label: "Табельный", Type: "string", Unique: true})
	tok := sandboxToken(t, sb)
	code, body := sandboxCall(t, sb, http.MethodGet, "/user/profile/fields", tok, "application/json", "")
	if code != http.StatusOK || !strings.Contains(body, `"name":"city","label":"Город","type":"string","isUnique":0,"isRequired":1`) {
		t.Fatalf("fields: %d %s", code, body)
	}
	post := func(fields string) (int, string) {
		return sandboxCall(t, sb, http.MethodPost, "/user", tok, "application/json",
			`{"departmentId":"`+AccountingID+`","fields":{`+fields+`}}`)
	}
	if code, body := post(`"login":"a","email":"a@example.com"`); code != http.StatusBadRequest || !strings.Contains(body, "city") {
		t.Errorf("without the required field: %d %s", code, body)
	}
	if code, body := post(`"login":"a","email":"a@example.com","city":"Казань","tab":"7"`); code != http.StatusCreated {
		t.Errorf("with it: %d %s", code, body)
	}
	if code, body := post(`"login":"b","email":"b@example.com","city":"Казань","tab":"7"`); code != http.StatusBadRequest || !strings.Contains(body, "must be unique") {
		t.Errorf("a unique value again: %d %s", code, body)
	}
	if code, body := post(`"login":"c","email":"c@example.com","city":"Казань","nickname":"x"`); code != http.StatusBadRequest {
		t.Errorf("an unknown field: %d %s", code, body)
	}
}

// TestSandboxStatus: POST /user/{id}/status {"status": 3} blocks, 1 unblocks, anything
// else is refused; the listing shows the status, and only a change counts as a write.
func TestSandboxStatus(t *testing.T) {
	sb := New(testID, testSecret)
	tok := sandboxToken(t, sb)
	id := mustAdd(t, sb, existingAnna())
	status := func() int {
		for _, u := range sb.Users() {
			if u.ID == id {
				return u.Status
			}
		}
		return 0
	}
	for _, tt := range []struct {
		body       string
		code, want int
	}{
		{`{"status":3}`, http.StatusOK, 3},
		{`{"status":3}`, http.StatusOK, 3},
		{`{"status":"1"}`, http.StatusOK, 1},
		{`{"status":5}`, http.StatusBadRequest, 1},
		{`{}`, http.StatusBadRequest, 1},
	} {
		code, body := sandboxCall(t, sb, http.MethodPost, "/user/"+id+"/status", tok, "application/json", tt.body)
		if code != tt.code || status() != tt.want {
			t.Errorf("%s: %d %s, status %d; want %d, %d", tt.body, code, body, status(), tt.code, tt.want)
		}
	}
	if got := sb.Stats().Writes; got != 2 {
		t.Errorf("%d writes counted, want 2 (the block and the unblock)", got)
	}
	if code, _ := sandboxCall(t, sb, http.MethodPost, "/user/nobody/status", tok, "application/json", `{"status":3}`); code != http.StatusNotFound {
		t.Errorf("unknown user: %d", code)
	}
	_, list := sandboxCall(t, sb, http.MethodGet, "/users/v2?userIds[]="+id, tok, "application/json", "")
	if !strings.Contains(list, `"status":1`) {
		t.Errorf("listing %s", list)
	}
}
