package collaborator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"userimport/targets"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/validate"
)

// The documented single-user import (docs/platforms/collaborator.md, "Single-user
// import"): its Content-Type and its fields. Every body the client sends must keep to
// them.
const documentedContentType = "application/json;charset=UTF-8"

var documentedFields = []string{"uid", "secondname", "firstname", "patronymic", "login", "email", "password",
	"birth_date", "gender", "is_active", "city", "department", "position", "phone", "tags", "facebook_id",
	"google_id", "date_of_employment", "work_contact", "date_of_assignment_current_position",
	"user_field1", "user_field2", "user_field3", "user_field4", "user_field5"}

// wire records the requests that reach the sandbox as text for a golden file: method,
// path and query, the headers that carry meaning (credentials shown by kind, never by
// value), and the body with the login's password masked.
type wire struct {
	next     http.Handler
	token    string
	password string

	mu    sync.Mutex
	lines []string
	// bodies are the import bodies, for the documented-fields check.
	bodies [][]byte
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
	for _, h := range []string{"Content-Type", "Authorization", "X-Cbr-Authorization"} {
		v := r.Header.Get(h)
		switch {
		case v == "":
			continue
		case w.token != "" && strings.Contains(v, w.token):
			v = strings.ReplaceAll(v, w.token, "<API token>")
		case strings.HasPrefix(v, "Bearer eyJ"):
			v = "Bearer <JWT from auth/session>"
		}
		fmt.Fprintf(&b, "%s: %s\n", h, v)
	}
	shown := string(body)
	if w.password != "" {
		shown = strings.ReplaceAll(shown, `"password":"`+w.password+`"`, `"password":"<password>"`)
	}
	if shown != "" {
		fmt.Fprintf(&b, "\n%s\n", shown)
	}
	w.mu.Lock()
	w.lines = append(w.lines, b.String())
	if r.Method == http.MethodPost && !strings.HasSuffix(r.URL.Path, "/auth/session") {
		w.bodies = append(w.bodies, body)
	}
	w.mu.Unlock()
	w.next.ServeHTTP(rw, r)
}

func (w *wire) text() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return []byte(strings.Join(w.lines, "----\n"))
}

// TestRequestsGolden is the exact requests, over the wire, of a create, an update, a
// lookup (plan) and a login, for both credentials and both generations, against the
// sandbox; testdata/requests/*.txt hold them (go test -update rewrites them). Each
// import body keeps to the documented fields and Content-Type.
func TestRequestsGolden(t *testing.T) {
	const email, password = "api@example.ru", "Pa55-w0rd"
	changed := func() *validate.User {
		u := fullUser()
		u.Password, u.PasswordGenerated = "generated-1", true
		u.City, u.Position = "Казань", "Руководитель"
		return u
	}
	tests := []struct {
		name    string
		api     string
		login   bool // log in by e-mail and password instead of the API token
		preload bool // the account exists
		user    *validate.User
		plan    bool // Plan instead of Upsert
		want    targets.Outcome
	}{
		{name: "create_v2_token", api: APIv2, user: fullUser(), want: targets.Created},
		{name: "update_v2_token", api: APIv2, preload: true, user: changed(), want: targets.Updated},
		{name: "lookup_v1_token", api: APIv1, preload: true, user: changed(), plan: true, want: targets.Updated},
		{name: "create_v1_token", api: APIv1, user: fullUser(), want: targets.Created},
		{name: "login_create_v2", api: APIv2, login: true, user: fullUser(), want: targets.Created},
		{name: "login_update_v1", api: APIv1, login: true, preload: true, user: changed(), want: targets.Updated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := collaboratortest.Config{Token: testToken}
			if tt.login {
				cfg = collaboratortest.Config{Email: email, Password: password}
			}
			sb := collaboratortest.NewConfig(cfg)
			if tt.preload {
				sb.Put(annaAccount())
			}
			w := &wire{next: sb, token: testToken, password: password}
			srv := httptest.NewServer(w)
			defer srv.Close()
			ccfg := Config{BaseURL: srv.URL, API: tt.api, Token: testToken}
			if tt.login {
				ccfg = Config{BaseURL: srv.URL, API: tt.api, Email: email, Password: password}
			}
			c, err := New(ccfg)
			if err != nil {
				t.Fatal(err)
			}
			var got targets.Outcome
			if tt.plan {
				p, err := c.Plan(context.Background(), tt.user)
				if err != nil {
					t.Fatal(err)
				}
				got = p.Outcome
			} else {
				res, err := c.Upsert(context.Background(), tt.user)
				if err != nil {
					t.Fatal(err)
				}
				got = res.Outcome
			}
			if got != tt.want {
				t.Errorf("outcome %q, want %q", got, tt.want)
			}
			text := w.text()
			if strings.Contains(string(text), testToken) || strings.Contains(string(text), password) {
				t.Error("a secret reached the golden text")
			}
			golden(t, "requests/"+tt.name+".txt", text)
			for _, body := range w.bodies {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(body, &m); err != nil {
					t.Fatalf("import body %s: %v", body, err)
				}
				for k := range m {
					if !slices.Contains(documentedFields, k) {
						t.Errorf("import body sends %q, which the documentation does not list", k)
					}
				}
			}
			if !strings.Contains(string(text), "Content-Type: "+documentedContentType) && len(w.bodies) > 0 {
				t.Errorf("no import with Content-Type %s", documentedContentType)
			}
		})
	}
}
