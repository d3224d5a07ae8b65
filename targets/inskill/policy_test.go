package inskill

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/inskill/inskilltest"
	"userimport/targets/sandbox"
	"userimport/targets/targettest"
	"userimport/validate"
)

func TestPolicy(t *testing.T) {
	tests := []struct {
		name     string
		policy   targets.Policy
		product  string
		preload  inskilltest.User
		user     func(*validate.User)
		want     targets.Plan
		wantCode string
		wantBody string // the PATCH sent; "" for none
		wantName string // the student's name afterwards
	}{
		{
			name:     "a full name sharing no word is another person",
			preload:  inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Петров Пётр Петрович", Phone: "+79000000000"},
			wantCode: targets.CodeIdentity,
			wantName: "Петров Пётр Петрович",
		},
		{
			name:     "another person, even written in another case",
			preload:  inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "ПЕТРОВ ПЁТР"},
			wantCode: targets.CodeIdentity,
			wantName: "ПЕТРОВ ПЁТР",
		},
		{
			name:    "--allow-identity-change renames",
			policy:  targets.Policy{AllowIdentityChange: true},
			preload: inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Петров Пётр Петрович", Phone: "+79123456789"},
			want: targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{
				{Field: "name", Old: "Петров Пётр Петрович", New: "Иванова Анна Сергеевна"}}},
			wantBody: `{"name":"Иванова Анна Сергеевна"}`,
			wantName: "Иванова Анна Сергеевна",
		},
		{
			name:    "a new surname keeps a word: an ordinary update",
			preload: inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Петрова Анна Сергеевна", Phone: "+79123456789"},
			want: targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{
				{Field: "name", Old: "Петрова Анна Сергеевна", New: "Иванова Анна Сергеевна"}}},
			wantBody: `{"name":"Иванова Анна Сергеевна"}`,
			wantName: "Иванова Анна Сергеевна",
		},
		{
			name:    "an empty name is filled in, not changed",
			preload: inskilltest.User{ID: 7, Email: "anna@corp.ru", Phone: "+79123456789"},
			want: targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{
				{Field: "name", Old: "", New: "Иванова Анна Сергеевна"}}},
			wantBody: `{"name":"Иванова Анна Сергеевна"}`,
			wantName: "Иванова Анна Сергеевна",
		},
		{
			name:    "missing: only the empty phone is sent",
			policy:  targets.Policy{UpdateFields: targets.UpdateMissing},
			preload: inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна"},
			want: targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{
				{Field: "phone", Old: "", New: "+79123456789"}}},
			wantBody: `{"phone":"+79123456789"}`,
			wantName: "Иванова Анна",
		},
		{
			name:     "missing: nothing empty, nothing sent",
			policy:   targets.Policy{UpdateFields: targets.UpdateMissing},
			preload:  inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна", Phone: "+79000000000"},
			want:     targets.Plan{Outcome: targets.Unchanged, ID: "7"},
			wantName: "Иванова Анна",
		},
		{
			name:     "missing does not rename another person either",
			policy:   targets.Policy{UpdateFields: targets.UpdateMissing},
			preload:  inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Петров Пётр"},
			wantCode: targets.CodeIdentity,
			wantName: "Петров Пётр",
		},
		{
			name:    "missing: a product the student lacks is granted",
			policy:  targets.Policy{UpdateFields: targets.UpdateMissing},
			product: "55",
			preload: inskilltest.User{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна", Phone: "+79000000000", Products: []int64{1}},
			want: targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{
				{Field: "product", Old: "", New: "55"}}},
			wantBody: `{"product":55}`,
			wantName: "Иванова Анна",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, call := range []string{"plan", "upsert"} {
				sb := inskilltest.New(testToken)
				sb.Put(tt.preload)
				rec := &targettest.Recorder{Next: sb}
				c := setup(t, sb, rec, Config{Policy: tt.policy, Product: tt.product})
				var got targets.Plan
				var err error
				if call == "plan" {
					got, err = c.Plan(context.Background(), canonical())
				} else {
					var res targets.Result
					res, err = c.Upsert(context.Background(), canonical())
					got = targets.Plan{Outcome: res.Outcome, ID: res.ID, Changes: tt.want.Changes}
				}
				if tt.wantCode != "" {
					e := targettest.Error(t, err)
					if e.Kind != targets.Permanent || e.Code != tt.wantCode || len(e.Messages) != 1 {
						t.Fatalf("%s: got %v (kind %v), want one permanent %s", call, err, e.Kind, tt.wantCode)
					}
				} else if err != nil {
					t.Fatalf("%s: %v", call, err)
				} else if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", call, diff)
				}
				var bodies []string
				for _, w := range rec.Writes() {
					bodies = append(bodies, w.Method+" "+w.Body)
				}
				var want []string
				if call == "upsert" && tt.wantBody != "" {
					want = []string{"PATCH " + tt.wantBody}
				}
				if diff := cmp.Diff(want, bodies); diff != "" {
					t.Errorf("%s: writes (-want +got):\n%s", call, diff)
				}
				wantName := tt.wantName
				if call == "plan" {
					wantName = tt.preload.Name
				}
				if got := sb.Users()[0].Name; got != wantName {
					t.Errorf("%s: name = %q, want %q", call, got, wantName)
				}
			}
		})
	}
}

// TestPolicyAfterRace: a student created by someone else between the search and the
// create is updated through the Policy too, so another person is not renamed.
func TestPolicyAfterRace(t *testing.T) {
	sb := inskilltest.New(testToken)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			sb.Put(inskilltest.User{ID: 5, Email: "anna@corp.ru", Name: "Петров Пётр"})
		}
		sb.ServeHTTP(w, r)
	})
	c := setup(t, sb, h, Config{})
	_, err := c.Upsert(context.Background(), canonical())
	if e := targettest.Error(t, err); e.Code != targets.CodeIdentity || e.Kind != targets.Permanent {
		t.Fatalf("got %v, want a permanent identity_change", err)
	}
	if got := sb.Users()[0].Name; got != "Петров Пётр" {
		t.Errorf("name = %q", got)
	}
	if st := sb.Stats(); st.Writes != 0 || st.PasswordResets != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestNoPassword: inSkill makes up its students' passwords, and its API takes none. A
// password in the file, even with --reset-passwords, is never sent, never reported set,
// and never planned.
func TestNoPassword(t *testing.T) {
	const secret = "Zz-file-password-42"
	policies := []targets.Policy{{}, {ResetPasswords: true}, {ResetPasswords: true, UpdateFields: targets.UpdateMissing}}
	for _, generated := range []bool{false, true} {
		for _, pol := range policies {
			for _, pre := range [][]inskilltest.User{nil, {{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}}, {{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна"}}} {
				sb := inskilltest.New(testToken)
				sb.Put(pre...)
				rec := &targettest.Recorder{Next: sb}
				c := setup(t, sb, rec, Config{Policy: pol, Product: "55"})
				u := canonical()
				u.Password, u.PasswordGenerated = secret, generated
				pl, err := c.Plan(context.Background(), u)
				if err != nil {
					t.Fatal(err)
				}
				for _, ch := range pl.Changes {
					if ch.Field == targets.PasswordField || strings.Contains(ch.Old+ch.New, secret) {
						t.Errorf("plan lists a password: %+v", ch)
					}
				}
				res, err := c.Upsert(context.Background(), u)
				if err != nil {
					t.Fatal(err)
				}
				if res.PasswordSet {
					t.Errorf("%+v, preload %v: PasswordSet", pol, pre)
				}
				if len(pre) > 0 && pl.Outcome == targets.Unchanged && res.Outcome != targets.Unchanged {
					t.Errorf("plan unchanged, upsert %s", res.Outcome)
				}
				for _, r := range rec.Requests() {
					if strings.Contains(strings.ToLower(r.Body), "password") || strings.Contains(r.Body+r.Query, secret) {
						t.Errorf("%s %s sent a password: %s", r.Method, r.Path, r.Body)
					}
				}
				if st := sb.Stats(); st.PasswordResets != 0 {
					t.Errorf("password resets = %d", st.PasswordResets)
				}
			}
		}
	}
}

// TestNoRedirect: a redirect answer to a lookup or a write stops the run, and the
// address it names gets nothing: not the token (in a custom header, which Go's client
// would have carried to another host), not the student. It holds for a caller's client
// that would follow redirects, too.
func TestNoRedirect(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch} {
			t.Run(http.StatusText(status)+" "+method, func(t *testing.T) {
				var elsewhere atomic.Int64
				other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					elsewhere.Add(1)
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"data":[],"status":"ok"}`)
				}))
				defer other.Close()
				sb := inskilltest.New(testToken).WithAuth("X-Api-Key", "")
				var preload []inskilltest.User
				if method == http.MethodPatch {
					preload = []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна"}}
				}
				sb.Put(preload...)
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == method {
						http.Redirect(w, r, other.URL+r.URL.RequestURI(), status)
						return
					}
					sb.ServeHTTP(w, r)
				})
				c := setup(t, sb, h, Config{AuthHeader: "X-Api-Key", HTTPClient: &http.Client{}})
				res, err := c.Upsert(context.Background(), canonical())
				if err == nil {
					t.Fatalf("got %+v, want a redirect error", res)
				}
				e := targettest.Error(t, err)
				if e.Kind != targets.Fatal || e.Code != targets.CodeRedirect || e.Status != status {
					t.Fatalf("got %v (kind %v), want a fatal redirect %d", err, e.Kind, status)
				}
				msg := err.Error()
				if !strings.Contains(msg, "--url "+other.URL) {
					t.Errorf("%q does not say which --url to use", msg)
				}
				if strings.Contains(msg, "anna@") || strings.Contains(msg, "search=") {
					t.Errorf("%q shows the lookup's query", msg)
				}
				if n := elsewhere.Load(); n != 0 {
					t.Errorf("the other server got %d requests", n)
				}
				if diff := cmp.Diff(preload, nilIfEmpty(sb.Users())); diff != "" {
					t.Errorf("students changed (-want +got):\n%s", diff)
				}
				if st := sb.Stats(); st.Writes != 0 {
					t.Errorf("stats = %+v", st)
				}
			})
		}
	}
}

func nilIfEmpty(s []inskilltest.User) []inskilltest.User {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestSandboxStats(t *testing.T) {
	sb := inskilltest.New(testToken)
	sb.Put(inskilltest.User{ID: 7, Email: "old@corp.ru", Name: "Старый Ученик", Phone: "+79000000000"})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	send := func(method, path, body string) int {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	steps := []struct {
		method, path, body string
		status             int
		writes, resets     int64
	}{
		{"GET", "/api/v3/students?search=corp", "", 200, 0, 0},
		{"POST", "/api/v3/students", `{"email":"new@corp.ru","name":"Новый"}`, 200, 1, 0},
		{"POST", "/api/v3/students", `{"email":"old@corp.ru"}`, 422, 1, 0},                           // refused: no change
		{"PATCH", "/api/v3/students/7", `{"name":"Старый Ученик"}`, 200, 1, 0},                       // the same name
		{"PATCH", "/api/v3/students/7", `{"phone":"+79111111111"}`, 200, 2, 0},                       // a change
		{"PATCH", "/api/v3/students/7", `{"password":"x"}`, 200, 3, 1},                               // not inSkill's, counted
		{"POST", "/api/v3/students", `{"email":"old@corp.ru","force":true}`, 200, 3, 2},              // may reset; changed nothing
		{"POST", "/api/v3/students", `{"email":"old@corp.ru","force":1,"name":"Другое"}`, 200, 4, 3}, // changed, may reset
		{"PATCH", "/api/v3/students/99", `{"name":"x"}`, 404, 4, 3},
	}
	for i, s := range steps {
		if got := send(s.method, s.path, s.body); got != s.status {
			t.Fatalf("step %d: status %d, want %d", i, got, s.status)
		}
		accounts := 2
		if i == 0 {
			accounts = 1
		}
		want := sandbox.Stats{Accounts: accounts, Writes: s.writes, PasswordResets: s.resets}
		if st := sb.Stats(); st != want {
			t.Fatalf("step %d: stats %+v, want %+v", i, st, want)
		}
	}
}

// TestSearchQuery: the lookup asks for products as a Laravel boolean ("1"), and only
// when a product is to be granted.
func TestSearchQuery(t *testing.T) {
	for _, product := range []string{"", "55"} {
		sb := inskilltest.New(testToken)
		rec := &targettest.Recorder{Next: sb}
		c := setup(t, sb, rec, Config{Product: product})
		if _, err := c.Plan(context.Background(), canonical()); err != nil {
			t.Fatal(err)
		}
		want := "search=anna%40corp.ru"
		if product != "" {
			want += "&withProducts=1"
		}
		seen := rec.Requests()
		if len(seen) != 1 || seen[0].Query != want {
			t.Errorf("product %q: requests %+v, want one with query %s", product, seen, want)
		}
	}
}
