package ispringtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"userimport/targets/sandbox"
)

// The credentials the tests' sandboxes accept.
const (
	testID     = "client-id-1"
	testSecret = "very-secret-value-42"
)

// existingAnna is an account as a test preloads it.
func existingAnna() User {
	return User{
		DepartmentID: KazanSalesID,
		Fields: map[string]string{"login": "a.ivanova", "email": "Anna.Ivanova@example.com",
			"first_name": "Анна", "last_name": "Петрова", "phone": "+7 912 345-67-89"},
		GroupIDs: []string{NewcomersID},
	}
}

func mustAdd(t *testing.T, sb *Sandbox, u User) string {
	t.Helper()
	id, err := sb.Put(u)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// sandboxCall sends one raw request to h and returns the status and body.
func sandboxCall(t *testing.T, h http.Handler, method, target, token, accept, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	switch {
	case target == tokenPath:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

func sandboxToken(t *testing.T, sb *Sandbox) string {
	t.Helper()
	form := url.Values{"client_id": {testID}, "client_secret": {testSecret}, "grant_type": {"client_credentials"}}
	code, body := sandboxCall(t, sb, http.MethodPost, tokenPath, "", "application/json", form.Encode())
	if code != http.StatusOK {
		t.Fatalf("token: %d %s", code, body)
	}
	var a sandboxTokenAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if a.ExpiresIn != 1800 || a.TokenType != "bearer" {
		t.Errorf("token answer %+v, want expires_in 1800 and bearer", a)
	}
	return a.AccessToken
}

// profilesPage is a page of GET /users/v2.
type profilesPage struct {
	UserProfiles  []sandboxProfile `json:"userProfiles"`
	NextPageToken string           `json:"nextPageToken"`
}

func TestSandboxToken(t *testing.T) {
	tests := []struct {
		name     string
		id, sec  string // the sandbox's key
		form     url.Values
		wantCode int
	}{
		{"right key", testID, testSecret, url.Values{"client_id": {testID}, "client_secret": {testSecret}, "grant_type": {"client_credentials"}}, 200},
		{"wrong secret", testID, testSecret, url.Values{"client_id": {testID}, "client_secret": {"x"}, "grant_type": {"client_credentials"}}, 401},
		{"no grant type", testID, testSecret, url.Values{"client_id": {testID}, "client_secret": {testSecret}}, 400},
		{"no secret", testID, testSecret, url.Values{"client_id": {testID}, "grant_type": {"client_credentials"}}, 400},
		{"any key when none is set", "", "", url.Values{"client_id": {"a"}, "client_secret": {"b"}, "grant_type": {"client_credentials"}}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := New(tt.id, tt.sec)
			code, body := sandboxCall(t, sb, http.MethodPost, tokenPath, "", "application/json", tt.form.Encode())
			if code != tt.wantCode {
				t.Fatalf("status %d (%s), want %d", code, body, tt.wantCode)
			}
			if code != 200 && !strings.Contains(body, `"code":`) {
				t.Errorf("error body %s lacks the API's shape", body)
			}
		})
	}
}

func TestSandboxTokenExpires(t *testing.T) {
	sb := New(testID, testSecret)
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	sb.SetClock(func() time.Time { return now })
	tok := sandboxToken(t, sb)
	if code, _ := sandboxCall(t, sb, http.MethodGet, "/groups", tok, "application/json", ""); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	now = now.Add(30 * time.Minute)
	code, body := sandboxCall(t, sb, http.MethodGet, "/groups", tok, "application/json", "")
	if code != http.StatusUnauthorized || !strings.Contains(body, `"code":401`) {
		t.Errorf("expired token: %d %s, want 401 with the error shape", code, body)
	}
	if code, _ := sandboxCall(t, sb, http.MethodGet, "/groups", "made-up", "application/json", ""); code != http.StatusUnauthorized {
		t.Errorf("unknown token: %d, want 401", code)
	}
	if code, _ := sandboxCall(t, sb, http.MethodGet, "/groups", "", "application/json", ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
}

func TestSandboxXMLUnlessAcceptJSON(t *testing.T) {
	sb := New(testID, testSecret)
	tok := sandboxToken(t, sb)
	code, body := sandboxCall(t, sb, http.MethodPost, "/user", tok, "",
		`{"departmentId":"`+RootID+`","fields":{"login":"a","email":"a@x.ru"}}`)
	if code != http.StatusCreated || !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, "<response>30000000-") {
		t.Errorf("create without Accept: %d %s, want 201 and <response>id</response>", code, body)
	}
	if id := sb.Users()[0].ID; !strings.Contains(body, "<response>"+id+"</response>") {
		t.Errorf("the XML answer %s does not hold the new id %s", body, id)
	}
	_, body = sandboxCall(t, sb, http.MethodGet, "/users/v2?emails[]=a@x.ru", tok, "application/xml", "")
	for _, want := range []string{"<userProfiles><userProfile>", "<fields><field><name>EMAIL</name><value>a@x.ru</value></field>"} {
		if !strings.Contains(body, want) {
			t.Errorf("XML list %s lacks %s", body, want)
		}
	}
	_, body = sandboxCall(t, sb, http.MethodPost, "/user", tok, "", `{"fields":{}}`)
	if !strings.Contains(body, "<message>Field departmentId is required</message>") {
		t.Errorf("XML error %s", body)
	}
	if n := sb.XMLAnswers(); n != 3 {
		t.Errorf("XMLAnswers %d, want 3", n)
	}
}

func TestSandboxUserRules(t *testing.T) {
	sb := New(testID, testSecret)
	tok := sandboxToken(t, sb)
	dept := `"departmentId":"` + RootID + `"`
	code, first := sandboxCall(t, sb, http.MethodPost, "/user", tok, "application/json", `{`+dept+`,"fields":{"login":"ivanov","email":"ivanov@x.ru"}}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, first)
	}
	var id string
	if err := json.Unmarshal([]byte(first), &id); err != nil {
		t.Fatalf("create answered %s, want a JSON string: %v", first, err)
	}
	tests := []struct {
		name, method, path, body string
		wantCode                 int
		wantMessage              string
	}{
		{"no department", "POST", "/user", `{"fields":{"login":"a","email":"a@x.ru"}}`, 400, "Field departmentId is required"},
		{"unknown department", "POST", "/user", `{"departmentId":"nope","fields":{"login":"a","email":"a@x.ru"}}`, 400, "Department with id nope not found"},
		{"no login", "POST", "/user", `{` + dept + `,"fields":{"email":"a@x.ru"}}`, 400, "Field login is required"},
		{"no email", "POST", "/user", `{` + dept + `,"fields":{"login":"a"}}`, 400, "Field email is required"},
		{"duplicate login", "POST", "/user", `{` + dept + `,"fields":{"login":"IVANOV","email":"a@x.ru"}}`, 400, "Invalid value IVANOV. Field login must be unique."},
		{"duplicate email", "POST", "/user", `{` + dept + `,"fields":{"login":"a","email":"ivanov@x.ru"}}`, 400, "Invalid value ivanov@x.ru. Field email must be unique."},
		{"unknown field", "POST", "/user", `{` + dept + `,"fields":{"login":"a","email":"a@x.ru","shoe_size":"44"}}`, 400, "Unknown user profile field shoe_size"},
		{"smart group", "POST", "/user", `{` + dept + `,"fields":{"login":"a","email":"a@x.ru"},"groupIds":["` + EveryoneID + `"]}`, 400, "smart group"},
		{"bad role", "POST", "/user", `{` + dept + `,"fields":{"login":"a","email":"a@x.ru"},"role":"boss"}`, 400, "Field role must be one of"},
		{"invitation without text", "POST", "/user", `{` + dept + `,"fields":{"login":"a","email":"a@x.ru"},"sendLoginEmail":true}`, 400, "invitationMessage is required"},
		{"not json", "POST", "/user", `login=a`, 400, "Invalid request body"},
		{"update without login", "POST", "/user/" + id, `{"fields":{"first_name":"Иван"}}`, 400, "Field login is required"},
		{"update unknown user", "POST", "/user/nope", `{"fields":{"login":"x"}}`, 404, "User not found"},
		{"update to a taken e-mail", "POST", "/user/" + id, `{"fields":{"login":"ivanov","email":"other@x.ru"}}`, 200, ""},
		{"wrong method", "PUT", "/user/" + id, `{}`, 405, "Method not allowed"},
		{"unknown path", "GET", "/nothing", ``, 404, "Not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := sandboxCall(t, sb, tt.method, tt.path, tok, "application/json", tt.body)
			if code != tt.wantCode {
				t.Fatalf("status %d (%s), want %d", code, body, tt.wantCode)
			}
			if tt.wantMessage == "" {
				return
			}
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != tt.wantCode || !strings.Contains(e.Message, tt.wantMessage) {
				t.Errorf("body %s, want {code:%d, message containing %q}", body, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

func TestSandboxUpdateOnlySentFields(t *testing.T) {
	sb := New("", "")
	id := mustAdd(t, sb, existingAnna())
	tok := sandboxToken(t, sb)
	code, body := sandboxCall(t, sb, http.MethodPost, "/user/"+id, tok, "application/json",
		`{"fields":{"login":"a.ivanova","job_title":"Бухгалтер"},"groupIds":["`+ManagersID+`"]}`)
	if code != http.StatusOK {
		t.Fatalf("update: %d %s", code, body)
	}
	want := existingAnna()
	want.ID, want.Status = id, 1
	want.Fields["job_title"] = "Бухгалтер"
	want.GroupIDs = []string{ManagersID} // groupIds replaces the membership
	if diff := cmp.Diff([]User{want}, sb.Users()); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if sb.Writes() != 1 || sb.Len() != 1 {
		t.Errorf("writes %d, len %d", sb.Writes(), sb.Len())
	}
}

func TestSandboxLookupIsExactAndPaged(t *testing.T) {
	sb := New("", "")
	for _, u := range []struct{ login, email string }{{"anna", "anna@corp.ru"}, {"xanna", "xanna@corp.ru"}, {"boris", "boris@corp.ru"}} {
		mustAdd(t, sb, User{DepartmentID: RootID, Fields: map[string]string{"login": u.login, "email": u.email}})
	}
	tok := sandboxToken(t, sb)
	_, body := sandboxCall(t, sb, http.MethodGet, "/users/v2?emails[]=ANNA@corp.ru", tok, "application/json", "")
	var found profilesPage
	err := json.Unmarshal([]byte(body), &found)
	if err != nil || len(found.UserProfiles) != 1 || found.UserProfiles[0].UserID != sb.Users()[0].ID {
		t.Errorf("lookup of anna@corp.ru: %s (%v)", body, err)
	}
	if !strings.Contains(body, `{"name":"LOGIN","value":"anna"}`) {
		t.Errorf("fields are not the upper-case list: %s", body)
	}
	sb.SetPageSize(2)
	_, body = sandboxCall(t, sb, http.MethodGet, "/users/v2", tok, "application/json", "")
	var p profilesPage
	if err := json.Unmarshal([]byte(body), &p); err != nil || len(p.UserProfiles) != 2 || p.NextPageToken != "2" {
		t.Errorf("first page %s", body)
	}
	code, _ := sandboxCall(t, sb, http.MethodGet, "/users/v2?pageToken=x", tok, "application/json", "")
	if code != http.StatusBadRequest {
		t.Errorf("bad page token: %d, want 400", code)
	}
}

func TestSandboxAddUserChecks(t *testing.T) {
	sb := New("", "")
	mustAdd(t, sb, existingAnna())
	if _, err := sb.Put(existingAnna()); err == nil || !strings.Contains(err.Error(), "must be unique") {
		t.Errorf("adding a duplicate: %v", err)
	}
	if _, err := sb.Put(User{Fields: map[string]string{"login": "x", "email": "x@x.ru"}}); err == nil {
		t.Error("adding a user without a department succeeded")
	}
}

func TestSandboxPasswordAndStats(t *testing.T) {
	sb := New("", "")
	tok := sandboxToken(t, sb)
	dept := `"departmentId":"` + RootID + `"`
	code, body := sandboxCall(t, sb, http.MethodPost, "/user", tok, "application/json",
		`{`+dept+`,"fields":{"login":"ivanov","email":"ivanov@x.ru"},"password":"Start-123"}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var id string
	if err := json.Unmarshal([]byte(body), &id); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name, path, body string
		wantCode         int
		want             sandbox.Stats
	}{
		// A password on create is not a reset.
		{"after the create", "", "", 0, sandbox.Stats{Accounts: 1, Writes: 1}},
		{"an update that changes nothing", "/user/" + id, `{"fields":{"login":"ivanov","email":"ivanov@x.ru"}}`, 200,
			sandbox.Stats{Accounts: 1, Writes: 1}},
		{"an update that changes a field", "/user/" + id, `{"fields":{"login":"ivanov","first_name":"Иван"}}`, 200,
			sandbox.Stats{Accounts: 1, Writes: 2}},
		{"a password", "/user/" + id + "/password", `{"password":"Next-456"}`, 200,
			sandbox.Stats{Accounts: 1, Writes: 3, PasswordResets: 1}},
		{"an empty password", "/user/" + id + "/password", `{"password":""}`, 400,
			sandbox.Stats{Accounts: 1, Writes: 3, PasswordResets: 1}},
		{"a password for nobody", "/user/nope/password", `{"password":"Next-456"}`, 404,
			sandbox.Stats{Accounts: 1, Writes: 3, PasswordResets: 1}},
		// The spec's update has no password; the sandbox takes one anyway and counts it.
		{"a password in an update", "/user/" + id, `{"fields":{"login":"ivanov"},"password":"Other-789"}`, 200,
			sandbox.Stats{Accounts: 1, Writes: 4, PasswordResets: 2}},
		{"a refused update", "/user/" + id, `{"fields":{"first_name":"Пётр"}}`, 400,
			sandbox.Stats{Accounts: 1, Writes: 4, PasswordResets: 2}},
	}
	for _, st := range steps {
		if st.path != "" {
			code, body := sandboxCall(t, sb, http.MethodPost, st.path, tok, "application/json", st.body)
			if code != st.wantCode {
				t.Errorf("%s: %d %s, want %d", st.name, code, body, st.wantCode)
			}
		}
		if diff := cmp.Diff(st.want, sb.Stats()); diff != "" {
			t.Errorf("%s: stats (-want +got):\n%s", st.name, diff)
		}
	}
	if u := sb.Users()[0]; !u.HasPassword || u.Fields["first_name"] != "Иван" {
		t.Errorf("user %+v", u)
	}
}

// The sandbox serves the documented paths itself; the client's constants are checked
// against it by every client test.
func TestSandboxServesDocumentedPaths(t *testing.T) {
	sb := New("", "")
	tok := sandboxToken(t, sb)
	for _, path := range []string{"/departments?pageSize=1", "/groups?pageSize=1", "/users/v2?pageSize=1"} {
		if code, body := sandboxCall(t, sb, http.MethodGet, path, tok, "application/json", ""); code != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
	}
	code, body := sandboxCall(t, sb, http.MethodGet, "/departments?pageSize=1", tok, "application/json", "")
	if code != 200 || !strings.Contains(body, `"departmentId":"`+RootID+`"`) || !strings.Contains(body, `"nextPageToken":"1"`) {
		t.Errorf("departments page: %s", body)
	}
}
