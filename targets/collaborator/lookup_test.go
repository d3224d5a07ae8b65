package collaborator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/targets/sandbox"
	"userimport/targets/targettest"
	"userimport/validate"
)

// annaAccount is fullUser's account as stored, with a password of its own.
func annaAccount() collaboratortest.User {
	return collaboratortest.User{
		UID: "cl123456", SecondName: "Смирнова", FirstName: "Анна", Patronymic: "Сергеевна",
		Login: "a.smirnova", Email: "a.smirnova@example.ru", Password: "old-password",
		BirthDate: "26.07.1988", Gender: "1", City: "Москва", Department: "Продажи & маркетинг",
		Position: "Менеджер", Phone: "+79123456789", Tags: "новички,продажи", HireDate: "01.03.2020",
		WorkContact:  "+79123456789 доб. 123", // fullUser's phone extension
		PositionDate: "01.09.2023", UserFields: [5]string{"ID-7", "", "Офис 2"},
	}
}

// recorder keeps the requests that pass through it: the imports' bodies, and the
// reads.
type recorder struct{ targettest.Recorder }

func (r *recorder) bodies() []string {
	var out []string
	for _, req := range r.Requests() {
		if req.Method == http.MethodPost {
			out = append(out, req.Body)
		}
	}
	return out
}

// reads counts the requests other than imports.
func (r *recorder) reads() int64 {
	return int64(len(r.Requests()) - len(r.bodies()))
}

// policyClient is a client with cfg's mode and policy against a sandbox holding
// preload, with a recorder in front.
func policyClient(t *testing.T, api string, mode targets.Mode, p targets.Policy, preload ...collaboratortest.User) (*Client, *collaboratortest.Sandbox, *recorder) {
	t.Helper()
	sb := collaboratortest.New(testToken)
	for _, u := range preload {
		sb.Put(u)
	}
	rec := &recorder{targettest.Recorder{Next: sb}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Token: testToken, API: api, Mode: mode, Policy: p})
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, rec
}

func withUser(u *validate.User, f func(*validate.User)) *validate.User {
	f(u)
	return u
}

// TestUpdateSendsOnlyWhatChanges checks the update's body on the wire: the uid, the
// account's identifying fields as they are, the changed fields, and no password unless
// the Policy sends one.
func TestUpdateSendsOnlyWhatChanges(t *testing.T) {
	const echo = `"uid":"cl123456","secondname":"Смирнова","firstname":"Анна","login":"a.smirnova","email":"a.smirnova@example.ru"`
	tests := []struct {
		name    string
		policy  targets.Policy
		user    *validate.User
		body    string // "" for no write
		changes []targets.Change
		resets  int64
		stored  string // the password stored afterwards
	}{
		{"a new position, generated password not sent", targets.Policy{},
			withUser(genUser(), func(u *validate.User) { u.Position = "Руководитель"; u.City = "Казань" }),
			`{` + echo + `,"city":"Казань","position":"Руководитель"}`,
			[]targets.Change{{Field: "position", Old: "Менеджер", New: "Руководитель"}, {Field: "city", Old: "Москва", New: "Казань"}},
			0, "old-password"},
		{"nothing changes: no write", targets.Policy{}, genUser(), "", nil, 0, "old-password"},
		{"the file's own password is sent", targets.Policy{}, fullUser(),
			`{` + echo + `,"password":"s3cret&Pass<1>","position":"Менеджер"}`,
			[]targets.Change{targets.PasswordChange()}, 1, "s3cret&Pass<1>"},
		{"a generated password with --reset-passwords", targets.Policy{ResetPasswords: true}, genUser(),
			`{` + echo + `,"password":"Gen3rated-Pass","position":"Менеджер"}`,
			[]targets.Change{targets.PasswordChange()}, 1, "Gen3rated-Pass"},
		{"a generated login is not the file's: the account keeps its own", targets.Policy{},
			withUser(genUser(), func(u *validate.User) { u.Login, u.LoginGenerated = "smirnova2", true }), "", nil, 0, "old-password"},
		{"the file's login is", targets.Policy{},
			withUser(genUser(), func(u *validate.User) { u.Login = "anna.smirnova" }),
			`{"uid":"cl123456","secondname":"Смирнова","firstname":"Анна","login":"anna.smirnova","email":"a.smirnova@example.ru","position":"Менеджер"}`,
			[]targets.Change{{Field: "login", Old: "a.smirnova", New: "anna.smirnova"}}, 0, "old-password"},
		{"a phone written another way is the same phone", targets.Policy{},
			withUser(genUser(), func(u *validate.User) { u.Tags = "продажи, новички" }), "", nil, 0, "old-password"},
	}
	for _, api := range []string{APIv1, APIv2} {
		for _, tt := range tests {
			t.Run(api+"/"+tt.name, func(t *testing.T) {
				acc := annaAccount()
				acc.Phone = "+7 912 345-67-89"
				c, sb, rec := policyClient(t, api, targets.ModeUpsert, tt.policy, acc)
				pl, err := c.Plan(context.Background(), tt.user)
				if err != nil {
					t.Fatal(err)
				}
				got, err := c.Upsert(context.Background(), tt.user)
				if err != nil {
					t.Fatal(err)
				}
				wantOutcome := targets.Updated
				if tt.body == "" {
					wantOutcome = targets.Unchanged
				}
				want := targets.Result{Outcome: wantOutcome, ID: "cl123456", Changes: tt.changes, PasswordSet: tt.resets > 0}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(targets.Plan{Outcome: wantOutcome, ID: "cl123456", Changes: tt.changes}, pl); diff != "" {
					t.Errorf("plan differs from what Upsert did (-want +got):\n%s", diff)
				}
				var wantSent []string
				if tt.body != "" {
					wantSent = []string{tt.body}
				}
				if diff := cmp.Diff(wantSent, rec.bodies()); diff != "" {
					t.Errorf("sent (-want +got):\n%s", diff)
				}
				if st := sb.Stats(); st.PasswordResets != tt.resets || sb.Users()[0].Password != tt.stored {
					t.Errorf("password resets %d, stored %q; want %d, %q", st.PasswordResets, sb.Users()[0].Password, tt.resets, tt.stored)
				}
				for _, g := range []string{fmt.Sprint(got.Changes), fmt.Sprint(pl.Changes)} {
					for _, secret := range []string{"s3cret&Pass<1>", "Gen3rated-Pass"} {
						if strings.Contains(g, secret) {
							t.Errorf("a change shows a password: %s", g)
						}
					}
				}
			})
		}
	}
}

// TestCreateSendsEverything: a create sends every field the row has and its password.
func TestCreateSendsEverything(t *testing.T) {
	c, sb, rec := policyClient(t, APIv2, targets.ModeUpsert, targets.Policy{})
	got, err := c.Upsert(context.Background(), genUser())
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != targets.Created || !got.PasswordSet {
		t.Errorf("result %+v, want created with its password", got)
	}
	if b := rec.bodies(); len(b) != 1 || !strings.Contains(b[0], `"password":"Gen3rated-Pass"`) || !strings.Contains(b[0], `"tags":"новички,продажи"`) {
		t.Errorf("sent %q", b)
	}
	if st := sb.Stats(); st != (sandbox.Stats{Accounts: 1, Writes: 1}) {
		t.Errorf("Stats() = %+v", st)
	}
}

// TestPolicy: the Policy is applied before an update, and Plan agrees.
func TestPolicy(t *testing.T) {
	tests := []struct {
		name    string
		policy  targets.Policy
		user    *validate.User
		code    string // the row's error code, or ""
		outcome targets.Outcome
		body    string // the update sent, when one is
	}{
		{"another person: e-mail and name change", targets.Policy{},
			withUser(genUser(), func(u *validate.User) { u.Email, u.LastName = "o.petrova@example.ru", "Петрова" }),
			targets.CodeIdentity, "", ""},
		{"another person, allowed", targets.Policy{AllowIdentityChange: true},
			withUser(genUser(), func(u *validate.User) { u.Email, u.LastName = "o.petrova@example.ru", "Петрова" }),
			"", targets.Updated,
			`{"uid":"cl123456","secondname":"Петрова","firstname":"Анна","login":"a.smirnova","email":"o.petrova@example.ru","city":"Москва","position":"Менеджер"}`},
		{"a new surname alone is an update", targets.Policy{},
			withUser(genUser(), func(u *validate.User) { u.LastName = "Петрова" }),
			"", targets.Updated,
			`{"uid":"cl123456","secondname":"Петрова","firstname":"Анна","login":"a.smirnova","email":"a.smirnova@example.ru","city":"Москва","position":"Менеджер"}`},
		{"missing only: fills the empty city, keeps the position", targets.Policy{UpdateFields: targets.UpdateMissing},
			withUser(genUser(), func(u *validate.User) {
				u.Position = "Руководитель"
				u.City = "Казань"
				u.Phone = "+79000000000"
			}),
			"", targets.Updated,
			`{"uid":"cl123456","secondname":"Смирнова","firstname":"Анна","login":"a.smirnova","email":"a.smirnova@example.ru","city":"Казань","position":"Менеджер"}`},
		{"missing only, nothing empty: unchanged", targets.Policy{UpdateFields: targets.UpdateMissing},
			withUser(genUser(), func(u *validate.User) { u.Position = "Руководитель"; u.City = "" }),
			"", targets.Unchanged, ""},
		{"missing only: the file's password is not sent", targets.Policy{UpdateFields: targets.UpdateMissing},
			withUser(fullUser(), func(u *validate.User) { u.City = "" }), "", targets.Unchanged, ""},
	}
	for _, api := range []string{APIv1, APIv2} {
		for _, tt := range tests {
			t.Run(api+"/"+tt.name, func(t *testing.T) {
				acc := annaAccount() // with no city: the row's fills it
				acc.City = ""
				c, sb, rec := policyClient(t, api, targets.ModeUpsert, tt.policy, acc)
				pl, perr := c.Plan(context.Background(), tt.user)
				got, err := c.Upsert(context.Background(), tt.user)
				if tt.code != "" {
					for _, err := range []error{perr, err} {
						if e, ok := errors.AsType[*targets.Error](err); !ok || e.Code != tt.code || e.Kind != targets.Permanent {
							t.Errorf("error %v, want a permanent %s", err, tt.code)
						}
					}
					if len(rec.bodies()) != 0 || sb.Writes() != 0 {
						t.Errorf("sent %q", rec.bodies())
					}
					return
				}
				if perr != nil || err != nil {
					t.Fatalf("plan: %v, upsert: %v", perr, err)
				}
				if got.Outcome != tt.outcome || pl.Outcome != tt.outcome || !cmp.Equal(got.Changes, pl.Changes) {
					t.Errorf("upsert %+v, plan %+v; want %s and the same changes", got, pl, tt.outcome)
				}
				var want []string
				if tt.body != "" {
					want = []string{tt.body}
				}
				if diff := cmp.Diff(want, rec.bodies()); diff != "" {
					t.Errorf("sent (-want +got):\n%s", diff)
				}
				if sb.Stats().PasswordResets != 0 {
					t.Error("a password was reset")
				}
			})
		}
	}
}

// TestModes: create fails an existing account, update a missing one, in Upsert and
// Plan alike, before anything is sent.
func TestModes(t *testing.T) {
	tests := []struct {
		mode    targets.Mode
		exists  bool
		code    string
		kind    targets.Kind
		outcome targets.Outcome
	}{
		{targets.ModeCreate, true, targets.CodeExists, targets.Permanent, ""},
		{targets.ModeCreate, false, "", 0, targets.Created},
		{targets.ModeUpdate, false, targets.CodeNotFound, targets.Permanent, ""},
		{targets.ModeUpdate, true, "", 0, targets.Updated},
	}
	for _, api := range []string{APIv1, APIv2} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s/exists=%v", api, tt.mode, tt.exists), func(t *testing.T) {
				var preload []collaboratortest.User
				if tt.exists {
					a := annaAccount()
					a.Position = "Стажёр"
					preload = append(preload, a)
				}
				c, sb, rec := policyClient(t, api, tt.mode, targets.Policy{}, preload...)
				pl, perr := c.Plan(context.Background(), genUser())
				got, err := c.Upsert(context.Background(), genUser())
				if tt.code != "" {
					for _, err := range []error{perr, err} {
						if e, ok := errors.AsType[*targets.Error](err); !ok || e.Code != tt.code || e.Kind != tt.kind {
							t.Errorf("error %v, want %v %s", err, tt.kind, tt.code)
						}
					}
					if len(rec.bodies()) != 0 || sb.Len() != len(preload) {
						t.Errorf("sent %q", rec.bodies())
					}
					return
				}
				if perr != nil || err != nil || pl.Outcome != tt.outcome || got.Outcome != tt.outcome {
					t.Errorf("plan %+v %v, upsert %+v %v; want %s", pl, perr, got, err, tt.outcome)
				}
			})
		}
	}
}

// TestLookupByLogin finds an account whose e-mail the file changes by its login, and
// matches the uid case-insensitively.
func TestLookupByLogin(t *testing.T) {
	for _, api := range []string{APIv1, APIv2} {
		t.Run(api, func(t *testing.T) {
			a := annaAccount()
			a.UID = "CL123456"
			c, _, rec := policyClient(t, api, targets.ModeUpsert, targets.Policy{}, a)
			u := withUser(genUser(), func(u *validate.User) { u.Email = "anna.new@example.ru" })
			got, err := c.Upsert(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			want := []targets.Change{{Field: "email", Old: "a.smirnova@example.ru", New: "anna.new@example.ru"}}
			if got.Outcome != targets.Updated || !cmp.Equal(got.Changes, want) || got.PasswordSet {
				t.Errorf("result %+v, want an update of the e-mail only", got)
			}
			if b := rec.bodies(); len(b) != 1 || strings.Contains(b[0], "password") || !strings.HasPrefix(b[0], `{"uid":"CL123456",`) {
				t.Errorf("sent %q, want the uid as the platform holds it and no password", b)
			}
		})
	}
}

// TestLookupPages: an e-mail matching many accounts is paged through until the uid
// turns up.
func TestLookupPages(t *testing.T) {
	var preload []collaboratortest.User
	for i := range 24 {
		preload = append(preload, collaboratortest.User{UID: fmt.Sprintf("x%02d", i), Login: fmt.Sprintf("x%02d", i), Email: fmt.Sprintf("x%02da@example.ru", i)})
	}
	a := annaAccount()
	a.Email = "a@example.ru"
	preload = append(preload, a)
	c, _, rec := policyClient(t, APIv2, targets.ModeUpsert, targets.Policy{}, preload...)
	u := withUser(genUser(), func(u *validate.User) { u.Email = "a@example.ru" })
	got, err := c.Upsert(context.Background(), u)
	if err != nil || got.Outcome != targets.Unchanged {
		t.Fatalf("%+v %v, want unchanged", got, err)
	}
	if n := rec.reads(); n != 3 {
		t.Errorf("%d list requests, want 3 pages", n)
	}
}

// listServer answers lookups with list(page) and imports with the sandbox's rules.
func listServer(t *testing.T, list func(r *http.Request) (int, string)) (*Client, *collaboratortest.Sandbox, *recorder) {
	t.Helper()
	sb := collaboratortest.New("")
	rec := &recorder{targettest.Recorder{Next: imports(sb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, body := list(r)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Token: testToken, API: APIv2})
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, rec
}

// TestNoLookup: where the list cannot answer, a generated password is not sent to an
// account that may exist; the file's own password, or --reset-passwords, goes as an
// upsert; a list the token may not read is asked once per run.
func TestNoLookup(t *testing.T) {
	const noUIDs = `{"data":[{"id":1,"login":"a.smirnova","email":"a.smirnova@example.ru"}],"pager":{"current":1,"count":1,"total":1,"countPerPage":10}}`
	const stuck = `{"data":[{"id":1,"uid":"z","login":"z"}],"pager":{"current":1,"count":3,"total":21,"countPerPage":10}}`
	const endless = `{"data":[{"id":1,"uid":"z","login":"z"}],"pager":{"current":%s,"count":500,"total":5000,"countPerPage":10}}`
	tests := []struct {
		name     string
		list     func(r *http.Request) (int, string)
		gets     int64 // list requests for the three rows
		why      string
		remember bool
	}{
		{"404", func(*http.Request) (int, string) { return 404, `{"error":"not found"}` }, 1, "answers HTTP 404", true},
		{"405", func(*http.Request) (int, string) { return 405, `` }, 1, "answers HTTP 405", true},
		{"403", func(*http.Request) (int, string) { return 403, `{"error":"forbidden"}` }, 1, "answers HTTP 403", true},
		{"no uids shown", func(*http.Request) (int, string) { return 200, noUIDs }, 3, "does not show uids", false},
		{"the page is ignored", func(*http.Request) (int, string) { return 200, stuck }, 6, "does not page", false},
		{"too many pages", func(r *http.Request) (int, string) {
			return 200, fmt.Sprintf(endless, cmpOr(r.URL.Query().Get("page"), "1"))
		}, 3 * maxPages, "more than 10 pages", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, sb, rec := listServer(t, tt.list)
			_, err := c.Upsert(context.Background(), genUser())
			e, ok := errors.AsType[*targets.Error](err)
			if !ok || e.Code != targets.CodeNoLookup || e.Kind != targets.Permanent || len(e.Messages) != 1 ||
				!strings.Contains(e.Messages[0], tt.why) || !strings.Contains(e.Messages[0], "--reset-passwords") ||
				!strings.Contains(e.Messages[0], `uid "cl123456"`) {
				t.Fatalf("generated password: %v, want a permanent %s naming the uid, why and what to do", err, targets.CodeNoLookup)
			}
			if _, err := c.Plan(context.Background(), genUser()); err == nil {
				t.Error("Plan planned a row it could not look up")
			}
			if len(rec.bodies()) != 0 {
				t.Fatalf("sent %q", rec.bodies())
			}
			// The file's own password: the import goes, as an upsert.
			got, err := c.Upsert(context.Background(), fullUser())
			if err != nil || got.Outcome != targets.Created || !got.PasswordSet || sb.Len() != 1 {
				t.Errorf("own password: %+v %v, want created by the import", got, err)
			}
			if n := rec.reads(); tt.remember && n != 1 || !tt.remember && n < 3 {
				t.Errorf("%d list requests", n)
			}
			// --reset-passwords: a generated password goes too.
			c.policy.ResetPasswords = true
			u := genUser()
			u.UID, u.Login, u.Email = "cl2", "cl2", "cl2@example.ru"
			if got, err := c.Upsert(context.Background(), u); err != nil || got.Outcome != targets.Created {
				t.Errorf("--reset-passwords: %+v %v", got, err)
			}
			c.policy.ResetPasswords = false
			// A mode needs to know.
			c.mode = targets.ModeCreate
			if _, err := c.Upsert(context.Background(), fullUser()); targets.KindOf(err) != targets.Permanent || !strings.Contains(err.Error(), "--mode create") {
				t.Errorf("mode create without a lookup: %v", err)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestNoKeyToLookUp: a row with neither e-mail nor login cannot be looked up.
func TestNoKeyToLookUp(t *testing.T) {
	c, _, rec := policyClient(t, APIv2, targets.ModeUpsert, targets.Policy{}, annaAccount())
	u := &validate.User{UID: "cl123456", City: "Казань", Password: "x", PasswordGenerated: true}
	if _, err := c.Upsert(context.Background(), u); !strings.Contains(fmt.Sprint(err), targets.CodeNoLookup) {
		t.Errorf("error %v, want %s", err, targets.CodeNoLookup)
	}
	if rec.reads() != 0 || len(rec.bodies()) != 0 {
		t.Error("requests were sent")
	}
}

// TestRedirects: a redirect, to a lookup or to the import, stops the run, and the
// address it names receives nothing.
func TestRedirects(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		for _, on := range []string{http.MethodGet, http.MethodPost} {
			t.Run(fmt.Sprintf("%d on %s", status, on), func(t *testing.T) {
				var behind atomic.Int64
				target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					behind.Add(1)
					_, _ = io.WriteString(w, emptyList)
				}))
				defer target.Close()
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method != on {
						_, _ = io.WriteString(w, emptyList)
						return
					}
					http.Redirect(w, r, target.URL+"/lms"+r.URL.RequestURI(), status)
				}))
				defer srv.Close()
				c, err := New(Config{BaseURL: srv.URL, Token: testToken, API: APIv2})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Upsert(context.Background(), genUser())
				e, ok := errors.AsType[*targets.Error](err)
				if !ok || e.Kind != targets.Fatal || e.Code != targets.CodeRedirect || !strings.Contains(err.Error(), "--url "+target.URL+"/lms") {
					t.Errorf("error %v, want a fatal %s naming --url", err, targets.CodeRedirect)
				}
				if strings.Contains(err.Error(), "example.ru") || strings.Contains(err.Error(), "filter") {
					t.Errorf("the error shows the lookup's query: %v", err)
				}
				if behind.Load() != 0 {
					t.Error("the redirect was followed")
				}
			})
		}
	}
}

// TestCheck: one read of the user list, and errors that say what to fix.
func TestCheck(t *testing.T) {
	for _, api := range []string{APIv1, APIv2} {
		t.Run(api+"/sandbox", func(t *testing.T) {
			c, sb, rec := policyClient(t, api, targets.ModeUpsert, targets.Policy{}, annaAccount())
			if err := c.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			if rec.reads() != 1 || sb.Writes() != 0 {
				t.Errorf("%d requests, %d writes; want one read", rec.reads(), sb.Writes())
			}
		})
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		name   string
		url    string // "" for the test server
		status int
		body   string
		header map[string]string
		code   string
		says   string
	}{
		{name: "connection refused", url: closedURL, code: targets.CodeUnreachable, says: "--url"},
		{name: "404", status: 404, body: `<html>Not found</html>`, code: targets.CodeHTTP, says: "--url"},
		{name: "401", status: 401, body: `{"error":"bad token"}`, code: targets.CodeAuth, says: TokenEnv},
		{name: "403", status: 403, body: `{"error":"forbidden"}`, code: targets.CodeAuth, says: TokenEnv},
		{name: "redirect", status: 302, header: map[string]string{"Location": "/login?next=/api"}, code: targets.CodeRedirect, says: "--url"},
		{name: "an HTML login page", status: 200, body: `<html><form>Login</form></html>`, code: targets.CodeHTTP, says: "--url"},
		{name: "another API's JSON", status: 200, body: `{"status":"ok"}`, code: targets.CodeHTTP, says: "--url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *http.Request
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			base := srv.URL + "/lms"
			if tt.url != "" {
				base = tt.url
			}
			c, err := New(Config{BaseURL: base, Token: testToken, API: APIv2})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(context.Background())
			e, ok := errors.AsType[*targets.Error](err)
			if !ok || e.Kind != targets.Fatal || e.Code != tt.code || len(e.Messages) != 1 || !strings.Contains(e.Messages[0], tt.says) {
				t.Fatalf("Check() = %v, want one fatal %s message naming %s", err, tt.code, tt.says)
			}
			if strings.Contains(err.Error(), "?") || strings.Contains(err.Error(), "filter") || strings.Contains(err.Error(), testToken) {
				t.Errorf("the error shows a query or the token: %v", err)
			}
			if got != nil && (got.Method != http.MethodGet || got.URL.Path != "/lms/api/v2/users/list" ||
				got.Header.Get("X-Cbr-Authorization") != "Bearer "+testToken) {
				t.Errorf("request %s %s", got.Method, got.URL)
			}
		})
	}
}

func TestCheckV1Request(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		_, _ = io.WriteString(w, `{"data":[]}`)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Token: testToken, API: APIv1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The API token goes in X-Cbr-Authorization on rest.php too (since 2.43).
	if got.URL.Path != "/api/rest.php/auth/users" || got.URL.Query().Get("filter[login]") != "" || !got.URL.Query().Has("filter[login]") ||
		got.Header.Get("X-Cbr-Authorization") != "Bearer "+testToken || got.Header.Get("Authorization") != "" {
		t.Errorf("request %s %v", got.URL, got.Header)
	}
}

func TestParseList(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		ok    bool
		uids  []string
		paged bool
		pages int
	}{
		{"documented", `{"data":[{"id":1,"uid":"a"},{"id":2,"uid":"b"}],"pager":{"current":1,"count":16,"total":155,"countPerPage":10}}`,
			true, []string{"a", "b"}, true, 16},
		{"pager as strings, pages from the total", `{"data":[],"pager":{"current":"2","total":"21","countPerPage":"10"}}`, true, nil, true, 3},
		{"no pager", `{"data":[{"id":"7","uid":"a"}]}`, true, []string{"a"}, false, 0},
		{"data keyed by position", `{"data":{"3":{"uid":"b"},"1":{"uid":"a"},"10":{"uid":"c"}}}`, true, []string{"a", "b", "c"}, false, 0},
		{"null data", `{"data":null}`, true, nil, false, 0},
		{"no data", `{"status":"ok"}`, false, nil, false, 0},
		{"data not a list", `{"data":"x"}`, false, nil, false, 0},
		{"HTML", `<html></html>`, false, nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ok := parseList([]byte(tt.body))
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			var uids []string
			for _, a := range l.items {
				uids = append(uids, a.uid)
			}
			if !cmp.Equal(uids, tt.uids) || l.paged != tt.paged || l.pages != tt.pages {
				t.Errorf("uids %v paged %v pages %d", uids, l.paged, l.pages)
			}
		})
	}
}

func TestParseItem(t *testing.T) {
	l, ok := parseList([]byte(`{"data":[{"id":5,"uid":null,"lastname":"Иванов","first_name":"Иван","login":"ivanov",` +
		`"gender":0,"is_active":true,"birth_date":"1990-01-02 00:00:00","department":{"id":3,"name":"IT"},"phone":null}]}`))
	if !ok || len(l.items) != 1 {
		t.Fatal(ok, l)
	}
	a := l.items[0]
	want := map[string]string{"secondname": "Иванов", "firstname": "Иван", "login": "ivanov", "gender": "0",
		"is_active": "1", "birth_date": "1990-01-02 00:00:00", "phone": ""}
	if !a.hasUID || a.uid != "" || !cmp.Equal(a.fields, want) {
		t.Errorf("hasUID %v uid %q fields %v", a.hasUID, a.uid, a.fields)
	}
	u := &validate.User{BirthDate: validate.Date{Year: 1990, Month: 1, Day: 2}, Gender: validate.Male, Active: validate.Yes,
		Department: "IT", Phone: "+79123456789"}
	got := compare(&a, u)
	wantCh := []targets.Change{{Field: "phone", Old: "", New: "+79123456789"}}
	if len(got) != 1 || got[0].change != wantCh[0] {
		t.Errorf("compare = %+v; the department is not shown as text, the rest is the same", got)
	}
}

func TestSandboxList(t *testing.T) {
	sb := collaboratortest.New(testToken)
	sb.Put(annaAccount())
	sb.Put(collaboratortest.User{UID: "b", SecondName: "Петров", FirstName: "Пётр", Login: "petrov", Email: "p.petrov@example.ru", Gender: "0", Blocked: true})
	for i := range 23 {
		sb.Put(collaboratortest.User{UID: fmt.Sprintf("c%02d", i), Login: fmt.Sprintf("c%02d", i), Email: fmt.Sprintf("c%02d@other.ru", i)})
	}
	get := func(target string) (int, userList) {
		status, body := call(sb, http.MethodGet, target, "X-Cbr-Authorization", "Bearer "+testToken, "")
		l, _ := parseList([]byte(body))
		return status, l
	}
	uids := func(l userList) []string {
		var out []string
		for _, a := range l.items {
			out = append(out, a.uid)
		}
		return out
	}
	// list is a v2 list request filtered by filter=value, with more parameters.
	list := func(filter, value string, more ...string) string {
		q := url.Values{"filter[" + filter + "]": {value}}
		for i := 0; i+1 < len(more); i += 2 {
			q.Set(more[i], more[i+1])
		}
		return "/api/v2/users/list?" + q.Encode()
	}
	tests := []struct {
		target string
		uids   []string
		pages  int
	}{
		{list("fullname", "СМИРНОВА анна"), []string{"cl123456"}, 1}, // by name, in any case
		{list("fullname", "PETROV@"), []string{"b"}, 1},              // by e-mail
		{list("fullname", "a.smirn"), []string{"cl123456"}, 1},       // by login
		{list("fullname", "nobody"), nil, 0},
		{list("fullname", "other.ru", "page", "3"), []string{"c20", "c21", "c22"}, 3},
		{list("fullname", "other.ru", "page", "4"), nil, 3},
		{list("fullname", "example", "filter[city]", "моск"), []string{"cl123456"}, 1},
	}
	for _, tt := range tests {
		status, l := get(tt.target)
		if status != 200 || !cmp.Equal(uids(l), tt.uids) || l.pages != tt.pages {
			t.Errorf("%s: %d %v %d pages, want %v %d", tt.target, status, uids(l), l.pages, tt.uids, tt.pages)
		}
	}
	_, l := get("/api/v2/users/list?filter%5Bfullname%5D=petrov")
	if b := l.items[0]; b.fields["is_active"] != "0" || b.fields["gender"] != "0" || b.fields["email"] != "p.petrov@example.ru" {
		t.Errorf("item %+v", b)
	}
	if status, _ := get("/api/v2/users/list?page=0"); status != 400 {
		t.Errorf("page 0: %d", status)
	}
	status, body := call(sb, http.MethodGet, "/api/rest.php/auth/users?filter%5Blogin%5D=petrov", "X-Cbr-Authorization", "Bearer "+testToken, "")
	if l, _ := parseList([]byte(body)); status != 200 || !cmp.Equal(uids(l), []string{"b"}) {
		t.Errorf("v1 list: %d %s", status, body)
	}
	if sb.Writes() != 0 {
		t.Error("a list request counted as a write")
	}
}

// TestConcurrentUpserts runs the client from many goroutines against the sandbox.
func TestConcurrentUpserts(t *testing.T) {
	c, sb, _ := policyClient(t, APIv2, targets.ModeUpsert, targets.Policy{})
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			u := genUser()
			u.UID, u.Login, u.Email = fmt.Sprintf("u%d", i%20), fmt.Sprintf("l%d", i%20), fmt.Sprintf("e%d@example.ru", i%20)
			if _, err := c.Upsert(context.Background(), u); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Two rows of one uid may both find it missing and both create it: the second
	// import then finds it made, which the sandbox counts as a password reset.
	if st := sb.Stats(); st.Accounts != 20 || st.Writes != 20 {
		t.Errorf("Stats() = %+v", st)
	}
}

// TestFoundByNameWhenEmailAndLoginChanged: an account whose e-mail and login both
// changed in the file is still found (by its name) and updated without the generated
// password, never taken for a new account and reset.
func TestFoundByNameWhenEmailAndLoginChanged(t *testing.T) {
	c, sb, rec := policyClient(t, APIv2, targets.ModeUpsert, targets.Policy{}, annaAccount())
	u := withUser(genUser(), func(u *validate.User) { u.Email, u.Login = "anna.s@example.ru", "anna.s" })
	res, err := c.Upsert(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != targets.Updated || res.PasswordSet {
		t.Errorf("result %+v: want an update without the password", res)
	}
	for _, b := range rec.bodies() {
		if strings.Contains(b, "Gen3rated-Pass") {
			t.Errorf("the generated password was sent: %s", b)
		}
	}
	if st := sb.Stats(); st.PasswordResets != 0 || st.Accounts != 1 {
		t.Errorf("sandbox %+v: want one account and no reset", st)
	}
}
