package collaboratortest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"userimport/targets/sandbox"
)

// testToken is the token the tests' sandboxes accept.
const testToken = "s3cr3t-T0ken-value"

const v1URL = "/api/rest.php/imports-user?action=single-import"

// call sends one request to sb and returns the status and the body.
func call(sb http.Handler, method, target, header, value, body string) (int, string) {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if header != "" {
		req.Header.Set(header, value)
	}
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// post imports body through v1 with the right API token, in its header.
func post(sb *Sandbox, body string) (int, string) {
	return call(sb, http.MethodPost, v1URL, "X-Cbr-Authorization", "Bearer "+testToken, body)
}

const anna = `{"uid":"1","secondname":"Смирнова","firstname":"Анна","login":"anna","email":"anna@example.ru",` +
	`"password":"pw","position":"Менеджер"}`

const (
	created   = `{"created_count":1,"updated_count":0,"blocked_count":0,"unblocked_count":0}`
	updated   = `{"created_count":0,"updated_count":1,"blocked_count":0,"unblocked_count":0}`
	unchanged = `{"created_count":0,"updated_count":0,"blocked_count":0,"unblocked_count":0}`
	blocked   = `{"created_count":0,"updated_count":1,"blocked_count":1,"unblocked_count":0}`
	unblocked = `{"created_count":0,"updated_count":1,"blocked_count":0,"unblocked_count":1}`
)

func TestSandboxRules(t *testing.T) {
	type step struct {
		body   string
		status int
		answer string
	}
	tests := []struct {
		name  string
		steps []step
		want  []User // the store afterwards; nil: not checked
	}{
		{
			name: "all required fields missing at once",
			steps: []step{{`{"uid":"1","login":"x"}`, 400, `{"email":{"required":"Field cannot be empty"},` +
				`"firstname":{"required":"Field cannot be empty"},"password":{"required":"Field cannot be empty"},` +
				`"position":{"required":"Field cannot be empty"},"secondname":{"required":"Field cannot be empty"}}`}},
			want: []User{},
		},
		{
			name:  "a blank uid",
			steps: []step{{strings.Replace(anna, `"uid":"1"`, `"uid":" "`, 1), 400, `{"uid":{"required":"Field cannot be empty"}}`}},
		},
		{
			name: "create, then an update of one field keeps the rest",
			steps: []step{
				{anna, 200, created},
				{`{"uid":"1","city":"Казань"}`, 200, updated},
				{`{"uid":"1","city":"Казань"}`, 200, unchanged},
				{anna, 200, unchanged},
			},
			want: []User{{UID: "1", SecondName: "Смирнова", FirstName: "Анна", Login: "anna", Email: "anna@example.ru",
				Password: "pw", Position: "Менеджер", City: "Казань"}},
		},
		{
			name: "a required field sent empty on update",
			steps: []step{
				{anna, 200, created},
				{`{"uid":"1","position":"  "}`, 400, `{"position":{"required":"Field cannot be empty"}}`},
			},
		},
		{
			name: "an optional field sent empty erases it, null does not",
			steps: []step{
				{`{"uid":"1","secondname":"С","firstname":"А","login":"a","email":"a@example.ru","password":"p","position":"P","city":"Омск","tags":"x"}`, 200, created},
				{`{"uid":"1","city":"","tags":null}`, 200, updated},
			},
			want: []User{{UID: "1", SecondName: "С", FirstName: "А", Login: "a", Email: "a@example.ru", Password: "p", Position: "P", Tags: "x"}},
		},
		{
			name: "invalid e-mail",
			steps: []step{{strings.Replace(anna, "anna@example.ru", "anna@example", 1), 400,
				`{"email":{"email":"Invalid email"}}`}},
		},
		{
			name: "gender, is_active and dates",
			steps: []step{{strings.Replace(anna, `"position"`, `"gender":2,"is_active":"yes","birth_date":"31.02.1990","date_of_employment":"2020/01/01","position"`, 1), 400,
				`{"birth_date":{"date":"Invalid date, use DD.MM.YYYY or YYYY-MM-DD"},` +
					`"date_of_employment":{"date":"Invalid date, use DD.MM.YYYY or YYYY-MM-DD"},` +
					`"gender":{"in":"Must be 0 or 1"},"is_active":{"in":"Must be 0 or 1"}}`}},
		},
		{
			name:  "numbers as strings and ISO dates",
			steps: []step{{strings.Replace(anna, `"position"`, `"gender":"1","is_active":"0","birth_date":"1988-07-26","date_of_employment":"01.03.2020","position"`, 1), 200, created}},
			want: []User{{UID: "1", SecondName: "Смирнова", FirstName: "Анна", Login: "anna", Email: "anna@example.ru",
				Password: "pw", Position: "Менеджер", Gender: "1", Blocked: true, BirthDate: "26.07.1988", HireDate: "01.03.2020"}},
		},
		{
			name:  "a field of the wrong type",
			steps: []step{{strings.Replace(anna, `"position":"Менеджер"`, `"position":["a"]`, 1), 400, `{"position":{"type":"Must be a string or a number"}}`}},
		},
		{
			name: "login and e-mail of another uid, whatever the case",
			steps: []step{
				{anna, 200, created},
				{strings.NewReplacer(`"uid":"1"`, `"uid":"2"`, `"anna"`, `"ANNA"`, "anna@", "ANNA@").Replace(anna), 400,
					`{"email":{"unique":"Email already taken by another user"},"login":{"unique":"Login already taken by another user"}}`},
			},
		},
		{
			name: "a uid may change its own login, and the old one is free again",
			steps: []step{
				{anna, 200, created},
				{`{"uid":"1","login":"anna2"}`, 200, updated},
				{strings.NewReplacer(`"uid":"1"`, `"uid":"2"`, "anna@", "other@").Replace(anna), 200, created},
			},
		},
		{
			name: "block and unblock",
			steps: []step{
				{anna, 200, created},
				{`{"uid":"1","is_active":1}`, 200, unchanged},
				{`{"uid":"1","is_active":0}`, 200, blocked},
				{`{"uid":"1","is_active":0}`, 200, unchanged},
				{`{"uid":"1","is_active":1}`, 200, unblocked},
			},
		},
		{
			name: "created blocked is not counted as blocked",
			steps: []step{
				{strings.Replace(anna, `"position"`, `"is_active":0,"position"`, 1), 200, created},
			},
		},
		{
			name: "unknown fields are ignored",
			steps: []step{
				{strings.Replace(anna, `"position"`, `"facebook_id":"fb","google_id":{"a":1},"position"`, 1), 200, created},
			},
		},
		{
			name: "malformed JSON",
			steps: []step{
				{`{"uid":`, 400, `{"error":"invalid JSON"}`},
				{`[1,2]`, 400, `{"error":"invalid JSON"}`},
				{`null`, 400, `{"error":"invalid JSON"}`},
				{``, 400, `{"error":"invalid JSON"}`},
			},
			want: []User{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := New(testToken)
			for i, s := range tt.steps {
				status, answer := post(sb, s.body)
				if status != s.status || answer != s.answer {
					t.Errorf("step %d: %d %s\nwant %d %s", i, status, answer, s.status, s.answer)
				}
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, sb.Users()); diff != "" {
					t.Errorf("store (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestSandboxRouting(t *testing.T) {
	const v2URL = "/api/v2/users-import/single"
	tests := []struct {
		name                   string
		token                  string // New's
		method, target, header string
		value                  string
		status                 int
	}{
		// The credential decides the header, not the path: an API token goes in
		// X-Cbr-Authorization on rest.php as on v2, and is refused in Authorization,
		// which takes only a session JWT (TestSandboxSession).
		{"v1", testToken, "POST", v1URL, "X-Cbr-Authorization", "Bearer " + testToken, 200},
		{"v1 scheme in lower case", testToken, "POST", v1URL, "X-Cbr-Authorization", "bearer " + testToken, 200},
		{"v2", testToken, "POST", v2URL, "X-Cbr-Authorization", "Bearer " + testToken, 200},
		{"v1 wrong token", testToken, "POST", v1URL, "X-Cbr-Authorization", "Bearer nope", 401},
		{"v1 no scheme", testToken, "POST", v1URL, "X-Cbr-Authorization", testToken, 401},
		{"v1 no header", testToken, "POST", v1URL, "", "", 401},
		{"v2 API token in Authorization", testToken, "POST", v2URL, "Authorization", "Bearer " + testToken, 401},
		{"v1 API token in Authorization", testToken, "POST", v1URL, "Authorization", "Bearer " + testToken, 401},
		{"any token when none is set", "", "POST", v2URL, "X-Cbr-Authorization", "Bearer whatever", 200},
		{"no header when none is set", "", "POST", v1URL, "", "", 200},
		{"a token in Authorization when none is set", "", "POST", v2URL, "Authorization", "Bearer whatever", 401},
		{"GET", testToken, "GET", v1URL, "X-Cbr-Authorization", "Bearer " + testToken, 405},
		{"PUT on v2", testToken, "PUT", v2URL, "X-Cbr-Authorization", "Bearer " + testToken, 405},
		{"unknown action", testToken, "POST", "/api/rest.php/imports-user?action=import", "X-Cbr-Authorization", "Bearer " + testToken, 404},
		{"unknown path", testToken, "POST", "/api/v2/users/lists", "X-Cbr-Authorization", "Bearer " + testToken, 404},
		{"v2 list", testToken, "GET", "/api/v2/users/list", "X-Cbr-Authorization", "Bearer " + testToken, 200},
		{"v1 list", testToken, "GET", "/api/rest.php/auth/users?filter[login]=anna", "X-Cbr-Authorization", "Bearer " + testToken, 200},
		{"v2 list, API token in Authorization", testToken, "GET", "/api/v2/users/list", "Authorization", "Bearer " + testToken, 401},
		{"v1 list, API token in Authorization", testToken, "GET", "/api/rest.php/auth/users", "Authorization", "Bearer " + testToken, 401},
		{"POST to the list", testToken, "POST", "/api/v2/users/list", "X-Cbr-Authorization", "Bearer " + testToken, 405},
		{"GET the login", testToken, "GET", "/api/rest.php/auth/session", "", "", 405},
		{"batch is not served", testToken, "POST", "/api/v2/users-import/batch", "X-Cbr-Authorization", "Bearer " + testToken, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := New(tt.token)
			status, body := call(sb, tt.method, tt.target, tt.header, tt.value, anna)
			if status != tt.status {
				t.Errorf("status %d (%s), want %d", status, body, tt.status)
			}
			if !json.Valid([]byte(body)) {
				t.Errorf("answer is not JSON: %q", body)
			}
			if tt.token != "" && strings.Contains(body, tt.token) {
				t.Errorf("the answer shows the token: %s", body)
			}
			wantWrites := int64(0)
			if status == 200 && tt.method == http.MethodPost {
				wantWrites = 1
			}
			if sb.Writes() != wantWrites || sb.Len() != int(wantWrites) {
				t.Errorf("Writes() = %d, Len() = %d, want %d", sb.Writes(), sb.Len(), wantWrites)
			}
		})
	}
}

func TestSandboxTooLarge(t *testing.T) {
	sb := New("")
	body := `{"uid":"1","tags":"` + strings.Repeat("x", sandbox.MaxBody) + `"}`
	if status, _ := post(sb, body); status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
}

func TestSandboxPutAndAccessors(t *testing.T) {
	sb := New(testToken)
	sb.Put(User{UID: "b", Login: "Bob", Email: "bob@example.ru"})
	sb.Put(User{UID: "a", Login: "alice", Email: "alice@example.ru", Blocked: true})
	sb.Put(User{UID: "b", Login: "robert", Email: "bob@example.ru"}) // replaces, frees "Bob"
	if sb.Len() != 2 || sb.Writes() != 0 {
		t.Errorf("Len() = %d Writes() = %d, want 2 and 0", sb.Len(), sb.Writes())
	}
	if got := []string{sb.Users()[0].UID, sb.Users()[1].UID}; !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("Users() order %v", got)
	}
	// "bob" is free now; "alice" is not.
	body := `{"uid":"c","secondname":"S","firstname":"F","login":"BOB","email":"c@example.ru","password":"p","position":"P"}`
	if status, answer := post(sb, body); status != 200 {
		t.Errorf("login freed by Put: %d %s", status, answer)
	}
	body = strings.Replace(body, `"login":"BOB"`, `"login":"Alice"`, 1)
	body = strings.Replace(body, `"uid":"c"`, `"uid":"d"`, 1)
	body = strings.Replace(body, "c@example.ru", "d@example.ru", 1)
	if status, _ := post(sb, body); status != 400 {
		t.Errorf("login preloaded by Put: %d, want 400", status)
	}
	// The snapshot is a copy.
	users := sb.Users()
	users[0].Login = "changed"
	if sb.Users()[0].Login != "alice" {
		t.Error("Users() shares memory with the store")
	}
}

// TestSandboxConcurrent imports from many goroutines: every uid lands exactly once, and
// of several uids racing for one login exactly one wins.
func TestSandboxConcurrent(t *testing.T) {
	sb := New("")
	var wg sync.WaitGroup
	results := make(chan int, 400)
	for i := range 200 {
		wg.Go(func() {
			body := fmt.Sprintf(`{"uid":"u%d","secondname":"S","firstname":"F","login":"l%d","email":"e%d@example.ru","password":"p","position":"P"}`, i%100, i%100, i%100)
			status, _ := post(sb, body)
			results <- status
		})
		wg.Go(func() {
			body := fmt.Sprintf(`{"uid":"race%d","secondname":"S","firstname":"F","login":"shared","email":"r%d@example.ru","password":"p","position":"P"}`, i, i)
			status, _ := post(sb, body)
			if status == 200 {
				results <- 1
			}
		})
	}
	wg.Wait()
	close(results)
	var ok, won int
	for s := range results {
		switch s {
		case 200:
			ok++
		case 1:
			won++
		}
	}
	// Each of the 100 uids is sent twice alike: created once, then unchanged, which is
	// no write; of the racers, one wins.
	if ok != 200 || won != 1 || sb.Len() != 101 || sb.Writes() != 101 {
		t.Errorf("ok %d, won %d, Len %d, Writes %d; want 200, 1, 101, 101", ok, won, sb.Len(), sb.Writes())
	}
}

// TestSandboxStats: writes are imports that created or changed an account; a password
// sent for a uid that exists is a reset, even when it is the same.
func TestSandboxStats(t *testing.T) {
	sb := New(testToken)
	steps := []struct {
		body string
		want sandbox.Stats
	}{
		{anna, sandbox.Stats{Accounts: 1, Writes: 1}},
		{anna, sandbox.Stats{Accounts: 1, Writes: 1, PasswordResets: 1}},
		{`{"uid":"1","city":"Омск"}`, sandbox.Stats{Accounts: 1, Writes: 2, PasswordResets: 1}},
		{`{"uid":"1","city":"Омск"}`, sandbox.Stats{Accounts: 1, Writes: 2, PasswordResets: 1}},
		{`{"uid":"1","password":"new"}`, sandbox.Stats{Accounts: 1, Writes: 3, PasswordResets: 2}},
		{`{"uid":"1","password":"new","email":"bad"}`, sandbox.Stats{Accounts: 1, Writes: 3, PasswordResets: 2}},
	}
	for i, s := range steps {
		post(sb, s.body)
		if got := sb.Stats(); got != s.want {
			t.Errorf("step %d: %+v, want %+v", i, got, s.want)
		}
	}
}

// login logs in to sb and returns the status and the JWT of the answer's key.
func login(t *testing.T, sb *Sandbox, body, key string) (int, string) {
	t.Helper()
	status, answer := call(sb, http.MethodPost, "/api/rest.php/auth/session", "", "", body)
	var a map[string]string
	if err := json.Unmarshal([]byte(answer), &a); err != nil {
		t.Fatalf("login answer %q: %v", answer, err)
	}
	return status, a[key]
}

// TestSandboxSession: a login by e-mail and password gets a JWT, which goes in
// Authorization on either generation, is refused in X-Cbr-Authorization, and expires.
func TestSandboxSession(t *testing.T) {
	const creds = `{"email":"api@example.ru","password":"pa55"}`
	sb := NewConfig(Config{Token: testToken, Email: "api@example.ru", Password: "pa55", JWTUses: 3})
	for _, body := range []string{`{"email":"api@example.ru","password":"wrong"}`, `{"email":"x@example.ru","password":"pa55"}`, `{}`} {
		if status, _ := call(sb, http.MethodPost, "/api/rest.php/auth/session", "", "", body); status != 400 {
			t.Errorf("login %s: status %d, want 400", body, status)
		}
	}
	status, jwt := login(t, sb, creds, "jwt_token")
	if status != 200 || jwt == "" || strings.ContainsAny(jwt, " \t\n") {
		t.Fatalf("login: status %d, jwt %q", status, jwt)
	}
	if status, _ := call(sb, http.MethodPost, v1URL, "X-Cbr-Authorization", "Bearer "+jwt, anna); status != 401 {
		t.Errorf("a JWT in X-Cbr-Authorization: %d, want 401", status)
	}
	for i, target := range []string{v1URL, "/api/v2/users-import/single", "/api/v2/users/list"} {
		method := http.MethodPost
		if strings.Contains(target, "list") {
			method = http.MethodGet
		}
		if status, answer := call(sb, method, target, "Authorization", "Bearer "+jwt, anna); status != 200 {
			t.Errorf("use %d of the JWT, %s: %d %s, want 200", i+1, target, status, answer)
		}
	}
	if status, _ := call(sb, http.MethodPost, v1URL, "Authorization", "Bearer "+jwt, anna); status != 401 {
		t.Errorf("the JWT's 4th use with JWTUses 3: %d, want 401", status)
	}
	_, again := login(t, sb, creds, "jwt_token")
	if again == jwt || sb.Logins() != 2 {
		t.Errorf("a second login: same JWT %v, Logins() = %d, want a new one and 2", again == jwt, sb.Logins())
	}
	if status, _ := call(sb, http.MethodPost, v1URL, "Authorization", "Bearer "+again, anna); status != 200 {
		t.Errorf("the new JWT: %d, want 200", status)
	}

	old := NewConfig(Config{Email: "api", Password: "admin", AccessToken: true, JWTLifetime: time.Nanosecond})
	status, jwt = login(t, old, `{"email":"API","password":"admin"}`, "access_token")
	if status != 200 || jwt == "" {
		t.Fatalf("an older server's login: status %d, access_token %q", status, jwt)
	}
	time.Sleep(time.Millisecond)
	if status, _ := call(old, http.MethodPost, v1URL, "Authorization", "Bearer "+jwt, anna); status != 401 {
		t.Errorf("a JWT past its lifetime: %d, want 401", status)
	}
	if status, _ := call(old, http.MethodPost, v1URL, "", "", anna); status != 401 {
		t.Errorf("no credentials to a sandbox with a login: %d, want 401", status)
	}
}
