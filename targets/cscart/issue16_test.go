package cscart

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the birthday test reads dates in stores' timezones

	"userimport/targets"
	"userimport/targets/cscart/cscarttest"
	"userimport/targets/targettest"
	"userimport/validate"
)

// sent is one request as a store receives it, without the credentials.
type sent struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query,omitempty"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// headerRecorder keeps every request with the headers the store reads.
type headerRecorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []sent
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	s := sent{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Headers: map[string]string{}}
	for _, k := range []string{"Accept", "Accept-Language", "Content-Type"} {
		if v := r.Header.Get(k); v != "" {
			s.Headers[k] = v
		}
	}
	if u, _, ok := r.BasicAuth(); ok {
		s.Headers["Authorization"] = "Basic " + u + ":<API key>"
	}
	if len(body) > 0 {
		s.Body = body
	}
	h.mu.Lock()
	h.seen = append(h.seen, s)
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

// TestExactRequests: the requests of a lookup, a create, a lookup and an update, and
// the edition question, as the store receives them (testdata/requests.json; -update
// rewrites it). CS-Cart has no login call: every request carries HTTP Basic.
func TestExactRequests(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	rec := &headerRecorder{next: sb}
	c := setup(t, sb, rec, Config{})
	u := canonical()
	u.Password = "Secret123"
	if _, err := c.Upsert(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	u.Phone, u.Password = "+79000000000", ""
	if res, err := c.Upsert(context.Background(), u); err != nil || res.Outcome != targets.Updated {
		t.Fatalf("got %+v, %v; want updated", res, err)
	}
	got, err := json.MarshalIndent(rec.seen, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	targettest.Golden(t, filepath.Join("testdata", "requests.json"), append(got, '\n'), *update)
	for _, s := range rec.seen {
		if s.Headers["Accept-Language"] != "en" {
			t.Errorf("%s %s without Accept-Language: en", s.Method, s.Path)
		}
	}
}

// TestPasswords: the password goes as password1/password2, which the store hashes
// after its rules; a refusal by the rules is a clear row error; a re-run with the same
// password (which the store refuses as used before) is unchanged, not an error.
func TestPasswords(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	c := setup(t, sb, nil, Config{})
	u := canonical()
	u.Password = "abc12"
	if _, err := c.Upsert(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if got := sb.Users()[0].Password; !strings.HasPrefix(got, cscarttest.HashPrefix) {
		t.Errorf("stored password %q, want a hash", got)
	}
	res, err := c.Upsert(context.Background(), u)
	if err != nil || res.Outcome != targets.Unchanged || res.PasswordSet {
		t.Errorf("re-run: got %+v, %v; want unchanged", res, err)
	}
	u.Phone = "+79000000000"
	if res, err := c.Upsert(context.Background(), u); err != nil || res.Outcome != targets.Updated || res.PasswordSet {
		t.Errorf("re-run with a change: got %+v, %v; want updated without the password", res, err)
	}
	if got := sb.Users()[0].Phone; got != u.Phone {
		t.Errorf("phone %q, want %q", got, u.Phone)
	}

	short := canonical()
	short.Email, short.Login, short.Password = "boris@corp.ru", "boris", "1"
	_, err = c.Upsert(context.Background(), short)
	e := targettest.Error(t, err)
	if e.Kind != targets.Permanent || e.Code != CodePassword ||
		!strings.Contains(err.Error(), "password: the store's password rules refuse it: The password must contain at least 5 characters.") {
		t.Errorf("got %v (%s), want a %s naming the rule", err, e.Code, CodePassword)
	}
	if strings.Contains(err.Error(), "<b>") {
		t.Errorf("HTML in %q", err)
	}
}

// TestSandboxPasswordPaths: the sandbox keeps API 2.0's "password" as sent, without
// the rules, and hashes it on /api/users and /api/2.1 after them, as 4.20.1 does.
func TestSandboxPasswordPaths(t *testing.T) {
	for _, tt := range []struct {
		path, password string
		status         int
		hashed         bool
	}{
		{"/api/2.0/users", "1", http.StatusCreated, false},
		{"/api/2.1/users", "1", http.StatusBadRequest, false},
		{"/api/users", "abc12", http.StatusCreated, true},
		{"/api/2.1/users", "abc12", http.StatusCreated, true},
	} {
		sb := cscarttest.New("", "")
		body := `{"email":"a@b.c","user_type":"C","company_id":"1","password":"` + tt.password + `"}`
		r, _ := http.NewRequest(http.MethodPost, tt.path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := &responseBuffer{header: http.Header{}}
		sb.ServeHTTP(w, r)
		if w.status != tt.status {
			t.Errorf("%s %q: status %d, want %d", tt.path, tt.password, w.status, tt.status)
			continue
		}
		if tt.status == http.StatusCreated {
			p := sb.Users()[0].Password
			if strings.HasPrefix(p, cscarttest.HashPrefix) != tt.hashed || (!tt.hashed && p != tt.password) {
				t.Errorf("%s: stored %q, hashed want %v", tt.path, p, tt.hashed)
			}
		}
	}
}

type responseBuffer struct {
	header http.Header
	status int
	bytes.Buffer
}

func (r *responseBuffer) Header() http.Header { return r.header }
func (r *responseBuffer) WriteHeader(s int)   { r.status = s }

// TestRussianDuplicate: a store answering in Russian (a proxy dropped Accept-Language)
// still has its duplicate recognised, and the clash gets its second lookup.
func TestRussianDuplicate(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	sb.Language = "ru"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Accept-Language")
		if r.Method == http.MethodPost {
			sb.Put(cscarttest.User{ID: 9, Email: "anna@corp.ru", UserType: "C", CompanyID: "1"})
		}
		sb.ServeHTTP(w, r)
	})
	c := setup(t, sb, h, Config{})
	res, err := c.Upsert(context.Background(), canonical())
	if err != nil || res.Outcome != targets.Updated || res.ID != "9" {
		t.Fatalf("got %+v, %v; want updated 9 after the Russian duplicate", res, err)
	}
	if !matches([]string{cscarttest.UserExistsRu}, duplicateTexts) {
		t.Error("the Russian duplicate text is not matched")
	}
}

// TestStorefronts: with a company, lookups are scoped to that storefront: the same
// e-mail in another storefront is another customer, neither updated nor a conflict.
func TestStorefronts(t *testing.T) {
	other := anna(5)
	other.FirstName = "Другая"
	t.Run("per-storefront users", func(t *testing.T) {
		sb := cscarttest.New(testEmail, testKey)
		sb.Put(other, func() cscarttest.User {
			a := anna(6)
			a.Email = "ANNA@corp.ru"
			a.CompanyID = "3"
			a.Login = "anna3"
			return a
		}())
		rec := &headerRecorder{next: sb}
		c := setup(t, sb, rec, Config{CompanyID: "2"})
		res, err := c.Upsert(context.Background(), canonical())
		if err != nil || res.Outcome != targets.Created {
			t.Fatalf("got %+v, %v; want created in storefront 2", res, err)
		}
		users := sb.Users()
		if users[0] != other || users[2].CompanyID != "2" {
			t.Errorf("store: %+v", users)
		}
		if q := rec.seen[0].Query; !strings.Contains(q, "company_id=2") || !strings.Contains(q, "company_ids%5B%5D=2") {
			t.Errorf("lookup %q not scoped", q)
		}
	})
	t.Run("shared users: another storefront's customer is a conflict that says so", func(t *testing.T) {
		sb := cscarttest.New(testEmail, testKey)
		sb.ShareUsers = true
		sb.Put(other)
		c := setup(t, sb, nil, Config{CompanyID: "2"})
		_, err := c.Upsert(context.Background(), canonical())
		if e := targettest.Error(t, err); e.Code != targets.CodeConflict || !strings.Contains(err.Error(), "storefront 1") {
			t.Errorf("got %v, want a conflict naming storefront 1", err)
		}
		if sb.Users()[0] != other || sb.Len() != 1 {
			t.Errorf("store changed: %+v", sb.Users())
		}
	})
}

// TestMultiVendor: without --company-id the client asks the edition; a Multi-Vendor
// customer goes to company 0; a store that does not say stops the run asking for
// --company-id.
func TestMultiVendor(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	sb.Edition = cscarttest.MultiVendor
	c := setup(t, sb, nil, Config{})
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(context.Background(), canonical()); err != nil {
		t.Fatal(err)
	}
	if got := sb.Users()[0].CompanyID; got != "0" {
		t.Errorf("company %q, want 0", got)
	}

	ult := cscarttest.New(testEmail, testKey)
	if c := setup(t, ult, nil, Config{}); c.Check(context.Background()) != nil {
		t.Error("Ultimate: Check failed")
	} else if _, err := c.Upsert(context.Background(), canonical()); err != nil || ult.Users()[0].CompanyID != "1" {
		t.Errorf("Ultimate: %v, %+v; want company 1", err, ult.Users())
	}

	hidden := cscarttest.New(testEmail, testKey)
	hidden.HideSettings = true
	c = setup(t, hidden, nil, Config{})
	err := c.Check(context.Background())
	if e := targettest.Error(t, err); e.Kind != targets.Fatal || !strings.Contains(err.Error(), "--company-id") {
		t.Errorf("got %v, want a fatal error asking for --company-id", err)
	}
	if _, err := c.Upsert(context.Background(), canonical()); err == nil || hidden.Len() != 0 {
		t.Errorf("created without a company: %v", err)
	}
	c = setup(t, hidden, nil, Config{CompanyID: "1"})
	if err := c.Check(context.Background()); err != nil {
		t.Errorf("with --company-id: %v", err)
	}
}

// TestBirthdayNoon: the birthday reads as the same date in the timezones stores are
// set to (a fresh install is America/Los_Angeles).
func TestBirthdayNoon(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	c := setup(t, sb, nil, Config{})
	u := canonical()
	u.BirthDate = validate.Date{Year: 2004, Month: time.October, Day: 11}
	if _, err := c.Upsert(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	ts := time.Unix(sb.Users()[0].Birthday, 0)
	for _, tz := range []string{"America/Los_Angeles", "UTC", "Europe/Moscow", "Asia/Vladivostok", "Pacific/Honolulu"} {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		if got := ts.In(loc).Format("02.01.2006"); got != "11.10.2004" {
			t.Errorf("%s: %s, want 11.10.2004", tz, got)
		}
	}
}
