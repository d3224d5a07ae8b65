package cscart

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/cscart/cscarttest"
	"userimport/targets/targettest"
	"userimport/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	testEmail = "admin@shop.example.com"
	testKey   = "k3y-s3cr3t-value"
)

// birthday is 26.07.1988.
var birthday = validate.Date{Year: 1988, Month: time.July, Day: 26}

// noonUTC is d as the client sends it (issue 16): noon UTC, the same date in every
// timezone a store may be set to.
func noonUTC(d validate.Date) int64 {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Unix()
}

// canonical is the one user every body test maps from.
func canonical() *validate.User {
	return &validate.User{
		LastName: "Иванова", FirstName: "Анна", MiddleName: "Сергеевна",
		Email: "anna@corp.ru", Phone: "+79123456789", Login: "anna",
		BirthDate: birthday,
	}
}

func setup(t *testing.T, sb *cscarttest.Sandbox, h http.Handler, cfg Config) *Client {
	t.Helper()
	if h == nil {
		h = sb
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	if cfg.Email == "" {
		cfg.Email, cfg.APIKey = testEmail, testKey
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// anna is the canonical user as the store holds her after a create with the defaults.
func anna(id int64) cscarttest.User {
	return cscarttest.User{ID: id, Login: "anna", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Иванова",
		Phone: "+79123456789", Status: "A", UserType: "C", CompanyID: "1", Birthday: noonUTC(birthday)}
}

func TestUpsert(t *testing.T) {
	tests := []struct {
		name      string
		mode      targets.Mode
		cfg       Config
		preload   []cscarttest.User
		user      func(*validate.User)
		want      targets.Outcome
		wantID    string
		wantCode  string
		wantMsg   string
		wantAfter []cscarttest.User
	}{
		{
			name: "create", want: targets.Created, wantID: "1",
			wantAfter: []cscarttest.User{anna(1)},
		},
		{
			name:    "substring neighbours are other people",
			preload: []cscarttest.User{{ID: 5, Email: "xanna@corp.ru", UserType: "C", CompanyID: "1"}, {ID: 6, Email: "anna@corp.ru.old", UserType: "C", CompanyID: "1"}},
			want:    targets.Created, wantID: "7",
			wantAfter: []cscarttest.User{
				{ID: 5, Login: "user_5", Email: "xanna@corp.ru", Status: "A", UserType: "C", CompanyID: "1"},
				{ID: 6, Login: "user_6", Email: "anna@corp.ru.old", Status: "A", UserType: "C", CompanyID: "1"},
				anna(7),
			},
		},
		{
			// The lookup sees customers only, but e-mails are unique across all users.
			name:     "an administrator holds the e-mail",
			preload:  []cscarttest.User{{ID: 5, Email: "anna@corp.ru", UserType: "A", CompanyID: "0", Login: "boss"}},
			wantCode: targets.CodeConflict, wantMsg: "already exists",
		},
		{
			name:    "update sends what changed and keeps the company",
			preload: []cscarttest.User{{ID: 5, Login: "anna", Email: "Anna@Corp.RU", FirstName: "Аня", LastName: "Иванова", Phone: "8 912 345-67-89", UserType: "C", CompanyID: "2", Status: "D"}},
			want:    targets.Updated, wantID: "5",
			wantAfter: []cscarttest.User{{ID: 5, Login: "anna", Email: "Anna@Corp.RU", FirstName: "Анна", LastName: "Иванова",
				Phone: "+79123456789", UserType: "C", CompanyID: "2", Status: "D", Birthday: noonUTC(birthday)}},
		},
		{
			name:    "unchanged: same digits in another format, status not asked for",
			preload: []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Иванова", Phone: "+7 (912) 345-67-89", UserType: "C", CompanyID: "1", Status: "D"}},
			want:    targets.Unchanged, wantID: "5",
		},
		{
			// The row's storefront also scopes the lookup (issue 16): the account is
			// in that storefront; one in another is another customer (TestStorefronts).
			name:    "the row's status and company win",
			preload: []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Иванова", Phone: "+79123456789", UserType: "C", CompanyID: "3", Status: "A"}},
			user:    func(u *validate.User) { u.Active = validate.No; u.CompanyID = "3" },
			want:    targets.Updated, wantID: "5",
			wantAfter: []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Иванова",
				Phone: "+79123456789", UserType: "C", CompanyID: "3", Status: "D", Birthday: noonUTC(birthday)}},
		},
		{
			name:    "a generated login does not rename an account",
			preload: []cscarttest.User{{ID: 5, Login: "user_5", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Иванова", Phone: "+79123456789", UserType: "C", CompanyID: "1"}},
			user:    func(u *validate.User) { u.LoginGenerated = true },
			want:    targets.Unchanged, wantID: "5",
		},
		{
			name:     "two accounts with the e-mail are a conflict",
			preload:  []cscarttest.User{{ID: 5, Email: "anna@corp.ru", UserType: "C"}, {ID: 6, Email: "ANNA@corp.ru", UserType: "C"}},
			wantCode: targets.CodeConflict, wantMsg: "user_id 5, 6",
		},
		{
			name:     "a login taken by someone else is a conflict",
			preload:  []cscarttest.User{{ID: 5, Login: "anna", Email: "other@corp.ru", UserType: "C", CompanyID: "1"}},
			wantCode: targets.CodeConflict, wantMsg: "already exists",
		},
		{
			name:     "a name CS-Cart refuses, HTML stripped",
			user:     func(u *validate.User) { u.FirstName = "Анна2" },
			wantCode: targets.CodeRejected, wantMsg: "First name: Only letters, apostrophes and dashes allowed",
		},
		{
			name:     "company 0 for a customer in Ultimate",
			cfg:      Config{CompanyID: "0"},
			wantCode: targets.CodeRejected, wantMsg: "Access denied",
		},
		{
			name: "user type and status from the config",
			cfg:  Config{UserType: "a", Status: "d", CompanyID: "0"},
			want: targets.Created, wantID: "1",
			wantAfter: []cscarttest.User{{ID: 1, Login: "anna", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Иванова",
				Phone: "+79123456789", Status: "D", UserType: "A", CompanyID: "0", Birthday: noonUTC(birthday)}},
		},
		{
			name: "a password is set on create",
			user: func(u *validate.User) { u.Password = "Secret123" },
			want: targets.Created, wantID: "1",
			wantAfter: []cscarttest.User{func() cscarttest.User {
				a := anna(1)
				a.HasPassword, a.Password = true, cscarttest.HashPrefix+"2ed06766795d58a4f22d511a672f20a6b096d3fe5b56af3a744678a9a356fd82"
				return a
			}()},
		},
		{name: "mode create: new", mode: targets.ModeCreate, want: targets.Created, wantID: "1"},
		{
			name:     "mode create: existing fails and is not touched",
			mode:     targets.ModeCreate,
			preload:  []cscarttest.User{{ID: 5, Login: "old", Email: "anna@corp.ru", FirstName: "Старое", UserType: "C", CompanyID: "1"}},
			wantCode: targets.CodeExists, wantMsg: "user_id 5",
			wantAfter: []cscarttest.User{{ID: 5, Login: "old", Email: "anna@corp.ru", FirstName: "Старое", UserType: "C", CompanyID: "1", Status: "A"}},
		},
		{name: "mode update: missing", mode: targets.ModeUpdate, wantCode: targets.CodeNotFound},
		{
			name:    "mode update: existing",
			mode:    targets.ModeUpdate,
			preload: []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", UserType: "C", CompanyID: "1"}},
			want:    targets.Updated, wantID: "5",
			wantAfter: []cscarttest.User{anna(5)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			sb.Put(tt.preload...)
			cfg := tt.cfg
			cfg.Mode = tt.mode
			c := setup(t, sb, nil, cfg)
			u := canonical()
			if tt.user != nil {
				tt.user(u)
			}
			writes := sb.Writes()
			res, err := c.Upsert(context.Background(), u)
			switch {
			case tt.wantCode != "":
				e := targettest.Error(t, err)
				if e.Kind != targets.Permanent || e.Code != tt.wantCode {
					t.Fatalf("got %v (kind %v), want a permanent %s", err, e.Kind, tt.wantCode)
				}
				if !strings.Contains(err.Error(), tt.wantMsg) || strings.Contains(err.Error(), "<") {
					t.Errorf("error %q does not say %q in plain text", err, tt.wantMsg)
				}
			case err != nil:
				t.Fatal(err)
			case res.Outcome != tt.want || res.ID != tt.wantID:
				t.Errorf("got %+v, want %s %s", res, tt.want, tt.wantID)
			case res.Outcome == targets.Unchanged && sb.Writes() != writes:
				t.Errorf("unchanged but wrote %d times", sb.Writes()-writes)
			}
			if tt.wantAfter != nil {
				if diff := cmp.Diff(tt.wantAfter, sb.Users()); diff != "" {
					t.Errorf("accounts (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestUpsertIsIdempotent imports the same user twice: the second run writes nothing.
func TestUpsertIsIdempotent(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	c := setup(t, sb, nil, Config{})
	first, err := c.Upsert(context.Background(), canonical())
	if err != nil || first.Outcome != targets.Created {
		t.Fatalf("first: %+v, %v", first, err)
	}
	writes := sb.Writes()
	second, err := c.Upsert(context.Background(), canonical())
	if err != nil || second.Outcome != targets.Unchanged || second.ID != first.ID {
		t.Fatalf("second: %+v, %v; want unchanged %s", second, err, first.ID)
	}
	if sb.Writes() != writes {
		t.Errorf("the second import wrote %d times", sb.Writes()-writes)
	}
}

// TestLookupPages finds the exact match beyond the first page of substring matches.
func TestLookupPages(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	var pre []cscarttest.User
	for i := range 60 {
		pre = append(pre, cscarttest.User{ID: int64(i + 1), Email: "x" + string(rune('a'+i%26)) + strings.Repeat("y", i/26) + "anna@corp.ru", UserType: "C", CompanyID: "1"})
	}
	pre = append(pre, anna(100))
	sb.Put(pre...)
	c := setup(t, sb, nil, Config{})
	res, err := c.Upsert(context.Background(), canonical())
	if err != nil || res.Outcome != targets.Unchanged || res.ID != "100" {
		t.Fatalf("got %+v, %v; want unchanged 100", res, err)
	}
	if sb.Reads() != 2 {
		t.Errorf("reads = %d, want 2 pages", sb.Reads())
	}
}

// TestCreateRace covers an account that appears between the lookup and the create.
func TestCreateRace(t *testing.T) {
	for _, mode := range []targets.Mode{targets.ModeUpsert, targets.ModeCreate} {
		t.Run(string(mode), func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					sb.Put(cscarttest.User{ID: 9, Email: "anna@corp.ru", UserType: "C", CompanyID: "1"})
				}
				sb.ServeHTTP(w, r)
			})
			c := setup(t, sb, h, Config{Mode: mode})
			res, err := c.Upsert(context.Background(), canonical())
			if mode == targets.ModeCreate {
				if e := targettest.Error(t, err); e.Code != targets.CodeExists {
					t.Fatalf("got %v, want exists", err)
				}
				return
			}
			if err != nil || res.Outcome != targets.Updated || res.ID != "9" {
				t.Fatalf("got %+v, %v; want updated 9", res, err)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name     string
		mode     targets.Mode
		preload  []cscarttest.User
		user     func(*validate.User)
		want     targets.Plan
		wantCode string
	}{
		{name: "create", want: targets.Plan{Outcome: targets.Created}},
		{
			name:    "update with changes",
			preload: []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Аня", LastName: "Иванова", Phone: "+79000000000", UserType: "C", CompanyID: "1", Status: "A"}},
			user:    func(u *validate.User) { u.Status = "d" },
			want: targets.Plan{Outcome: targets.Updated, ID: "5", Changes: []targets.Change{
				{Field: "firstname", Old: "Аня", New: "Анна"},
				{Field: "phone", Old: "+79000000000", New: "+79123456789"},
				{Field: "status", Old: "A", New: "D"},
			}},
		},
		{name: "unchanged", preload: []cscarttest.User{anna(5)}, want: targets.Plan{Outcome: targets.Unchanged, ID: "5"}},
		{name: "mode update, missing", mode: targets.ModeUpdate, wantCode: targets.CodeNotFound},
		{name: "mode create, existing", mode: targets.ModeCreate, preload: []cscarttest.User{anna(5)}, wantCode: targets.CodeExists},
		{name: "conflict", preload: []cscarttest.User{anna(5), func() cscarttest.User { a := anna(6); a.Login = "a2"; return a }()}, wantCode: targets.CodeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			sb.Put(tt.preload...)
			before := sb.Users()
			c := setup(t, sb, nil, Config{Mode: tt.mode})
			u := canonical()
			if tt.user != nil {
				tt.user(u)
			}
			got, err := c.Plan(context.Background(), u)
			if tt.wantCode != "" {
				if e := targettest.Error(t, err); e.Code != tt.wantCode {
					t.Errorf("code = %s, want %s", e.Code, tt.wantCode)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if sb.Writes() != 0 {
				t.Errorf("plan wrote %d times", sb.Writes())
			}
			if diff := cmp.Diff(before, sb.Users()); diff != "" {
				t.Errorf("plan changed the store:\n%s", diff)
			}
		})
	}
}

func TestBadCredentials(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	c := setup(t, sb, nil, Config{Email: testEmail, APIKey: "wrong-" + testKey})
	_, err := c.Upsert(context.Background(), canonical())
	e := targettest.Error(t, err)
	if e.Kind != targets.Fatal || e.Code != targets.CodeAuth || e.Status != http.StatusUnauthorized {
		t.Errorf("got %v (kind %v), want fatal auth 401", err, e.Kind)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error shows the key: %q", err)
	}
	if sb.Reads() != 0 || sb.Writes() != 0 {
		t.Errorf("an unauthorized request was served")
	}
}

func TestSandboxAnswers(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	sb.Put(anna(3))
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	tests := []struct {
		name, method, path, body string
		noAuth                   bool
		wantStatus               int
		wantBody                 string // a substring
	}{
		{name: "no credentials", method: "GET", path: "/api/2.0/users?user_type=C", noAuth: true, wantStatus: 401, wantBody: `"status":401`},
		{name: "list needs user_type", method: "GET", path: "/api/2.0/users?email=anna", wantStatus: 400, wantBody: `"messages":["The user_type field is required"]`},
		{name: "list, numbers as strings", method: "GET", path: "/api/2.0/users?email=ANNA@&user_type=C", wantStatus: 200, wantBody: `"user_id":"3"`},
		{name: "unknown id is an empty list", method: "GET", path: "/api/2.0/users/999", wantStatus: 200, wantBody: `"users":[]`},
		{name: "known id", method: "GET", path: "/api/users/3", wantStatus: 200, wantBody: `"email":"anna@corp.ru"`},
		{name: "only the last missing field", method: "POST", path: "/api/2.0/users", body: `{"user_type":"C"}`, wantStatus: 400, wantBody: `"message":"Bad Request: The company_id field is required"`},
		{name: "duplicate e-mail", method: "POST", path: "/api/2.0/users", body: `{"email":"ANNA@corp.ru","user_type":"C","company_id":1}`, wantStatus: 400, wantBody: cscarttest.UserExists},
		{name: "empty login becomes user_id", method: "POST", path: "/api/2.0/users", body: `{"email":"b@corp.ru","user_type":"C","company_id":"1"}`, wantStatus: 201, wantBody: `"user_id":4`},
		{name: "form body", method: "POST", path: "/api/2.0/users", body: `email=c%40corp.ru&user_type=C&company_id=1&user_login=cc`, wantStatus: 201, wantBody: `"user_id":5`},
		{name: "put unknown", method: "PUT", path: "/api/2.0/users/999", body: `{"status":"D"}`, wantStatus: 404},
		{name: "put partial", method: "PUT", path: "/api/2.0/users/3", body: `{"status":"D"}`, wantStatus: 200, wantBody: `"user_id":"3"`},
		{name: "put without id", method: "PUT", path: "/api/2.0/users", body: `{}`, wantStatus: 405},
		{name: "delete", method: "DELETE", path: "/api/2.0/users/5", wantStatus: 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(tt.body, "{") {
				req.Header.Set("Content-Type", "application/json")
			}
			if !tt.noAuth {
				req.SetBasicAuth(testEmail, testKey)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("got %d %s, want %d with %s", resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if tt.noAuth && resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
	got := sb.Users()[0]
	if got.Status != "D" || got.FirstName != "Анна" {
		t.Errorf("partial PUT: %+v", got)
	}
}

func TestHTTPErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    http.Header
		failOn    string
		wantKind  targets.Kind
		wantAfter time.Duration
	}{
		{name: "429 from a WAF on lookup", status: 429, header: http.Header{"Retry-After": {"5"}}, failOn: http.MethodGet, wantKind: targets.Retryable, wantAfter: 5 * time.Second},
		{name: "503 maintenance on create", status: 503, failOn: http.MethodPost, wantKind: targets.Retryable},
		{name: "500 on create may have landed", status: 500, failOn: http.MethodPost, wantKind: targets.Unknown},
		{name: "403 without manage_users", status: 403, failOn: http.MethodPost, wantKind: targets.Fatal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != tt.failOn {
					sb.ServeHTTP(w, r)
					return
				}
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				cscarttest.Fail(w, tt.status, nil, nil)
			})
			c := setup(t, sb, h, Config{})
			_, err := c.Upsert(context.Background(), canonical())
			e := targettest.Error(t, err)
			if e.Kind != tt.wantKind || e.RetryAfter != tt.wantAfter || e.Status != tt.status {
				t.Errorf("got kind %v, retry after %v, status %d; want %v, %v, %d", e.Kind, e.RetryAfter, e.Status, tt.wantKind, tt.wantAfter, tt.status)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		wantURL string
	}{
		{name: "plain", cfg: Config{BaseURL: "https://shop.example.com", Email: "a", APIKey: "k"}, wantURL: "https://shop.example.com/api/2.0"},
		{name: "api path pasted", cfg: Config{BaseURL: "https://shop.example.com/api/2.0/", Email: "a", APIKey: "k"}, wantURL: "https://shop.example.com/api/2.0"},
		{name: "in a folder", cfg: Config{BaseURL: "https://example.com/shop/api", Email: "a", APIKey: "k"}, wantURL: "https://example.com/shop/api/2.0"},
		{name: "no credentials", cfg: Config{BaseURL: "https://shop.example.com"}, wantErr: EmailEnv + " and " + APIKeyEnv},
		{name: "no key", cfg: Config{BaseURL: "https://shop.example.com", Email: "a"}, wantErr: APIKeyEnv},
		{name: "no email", cfg: Config{BaseURL: "https://shop.example.com", APIKey: "k"}, wantErr: EmailEnv},
		{name: "bad company", cfg: Config{BaseURL: "https://shop.example.com", Email: "a", APIKey: "k", CompanyID: "main"}, wantErr: "company id"},
		{name: "no url", cfg: Config{Email: "a", APIKey: "k"}, wantErr: "no URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.api.Base != tt.wantURL {
				t.Errorf("base = %q, want %q", c.api.Base, tt.wantURL)
			}
		})
	}
}

// TestBodies compares the request bodies made from the canonical user with golden files.
func TestBodies(t *testing.T) {
	c, err := New(Config{BaseURL: "https://shop.example.com", Email: "a", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	u := canonical()
	withPassword := canonical()
	withPassword.Password, withPassword.Status = "Secret123", "D"
	tests := []struct {
		name string
		body any
	}{
		{name: "create", body: c.createBody(u, DefaultCompanyID)},
		{name: "create_password_status", body: c.createBody(withPassword, DefaultCompanyID)},
		{name: "update_all", body: func() any { b, _ := c.updateBody(&account{ID: "5", CompanyID: "2"}, withPassword); return b }()},
		{name: "update_phone", body: func() any {
			b, _ := c.updateBody(&account{ID: "5", CompanyID: "1", FirstName: "Анна", LastName: "Иванова", Login: "anna"}, u)
			return b
		}()},
		// --update-fields missing: the empty fields only, the account's own company.
		{name: "update_missing", body: func() any {
			m, err := New(Config{BaseURL: "https://shop.example.com", Email: "a", APIKey: "k", Policy: targets.Policy{UpdateFields: targets.UpdateMissing}})
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := m.planUpdate(&account{ID: "5", CompanyID: "2", FirstName: "Аня", Status: "A"}, withPassword)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(tt.body, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			targettest.Golden(t, filepath.Join("testdata", tt.name+".json"), append(got, '\n'), *update)
		})
	}
}

// TestConcurrent imports distinct customers from many goroutines at once (run with -race).
func TestConcurrent(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	c := setup(t, sb, nil, Config{})
	const n = 40
	errs := make(chan error, n)
	for i := range n {
		go func() {
			u := canonical()
			suffix := string(rune('a'+i%26)) + strings.Repeat("z", i/26)
			u.Email = "anna" + suffix + "@corp.ru"
			u.Login = "anna" + suffix
			_, err := c.Upsert(context.Background(), u)
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if sb.Len() != n {
		t.Errorf("accounts = %d, want %d", sb.Len(), n)
	}
}
