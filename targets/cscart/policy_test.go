package cscart

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/cscart/cscarttest"
	"userimport/targets/sandbox"
	"userimport/targets/targettest"
	"userimport/validate"
)

// recorder serves sb and keeps every request it passes on.
type recorder struct{ targettest.Recorder }

func newRecorder(sb *cscarttest.Sandbox) *recorder {
	return &recorder{targettest.Recorder{Next: sb}}
}

// sent are the JSON bodies of the requests with method, decoded.
func (rc *recorder) sent(method string) []map[string]any {
	var out []map[string]any
	for _, r := range rc.Requests() {
		if r.Method == method {
			var m map[string]any
			_ = json.Unmarshal([]byte(r.Body), &m)
			out = append(out, m)
		}
	}
	return out
}

// stored is an account as the store holds it before each policy case: a customer with
// another first name, no phone, disabled, in storefront 2.
func stored() cscarttest.User {
	return cscarttest.User{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Аня", LastName: "Иванова",
		UserType: "C", CompanyID: "2", Status: "D"}
}

// TestPolicy runs every case through Plan and then Upsert against the same store, and
// checks that both decide alike, what the PUT carried, and what the store counted.
func TestPolicy(t *testing.T) {
	const filePassword = "FromTheFile1"
	tests := []struct {
		name     string
		policy   targets.Policy
		mode     targets.Mode
		preload  []cscarttest.User
		user     func(*validate.User)
		want     targets.Outcome
		wantCode string
		// wantChanges is the plan's list (nil: not compared).
		wantChanges []targets.Change
		// wantPUT is the body of the one PUT expected; nil means no PUT.
		wantPUT      map[string]any
		wantPassword bool // Result.PasswordSet
		wantResets   int64
	}{
		{
			name: "create sends the file's password", user: func(u *validate.User) { u.Password = filePassword },
			want: targets.Created, wantPassword: true,
		},
		{
			name: "create sends a generated password", user: func(u *validate.User) { u.Password, u.PasswordGenerated = "Gen3rated", true },
			want: targets.Created, wantPassword: true,
		},
		{name: "create without a password", want: targets.Created},
		{
			name:     "both names change: identity",
			preload:  []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Пётр", LastName: "Петров", UserType: "C", CompanyID: "1"}},
			wantCode: targets.CodeIdentity,
		},
		{
			name:    "both names change, allowed",
			policy:  targets.Policy{AllowIdentityChange: true},
			preload: []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Пётр", LastName: "Петров", Phone: "+79123456789", UserType: "C", CompanyID: "1"}},
			want:    targets.Updated,
			wantChanges: []targets.Change{
				{Field: "firstname", Old: "Пётр", New: "Анна"},
				{Field: "lastname", Old: "Петров", New: "Иванова"},
			},
			wantPUT: map[string]any{"company_id": "1", "firstname": "Анна", "lastname": "Иванова", "phone": "+79123456789",
				"user_login": "anna", "birthday": float64(noonUTC(birthday))},
		},
		{
			name:        "a surname alone is an ordinary update",
			preload:     []cscarttest.User{{ID: 5, Login: "anna", Email: "anna@corp.ru", FirstName: "Анна", LastName: "Петрова", Phone: "+79123456789", UserType: "C", CompanyID: "1"}},
			want:        targets.Updated,
			wantChanges: []targets.Change{{Field: "lastname", Old: "Петрова", New: "Иванова"}},
			wantPUT: map[string]any{"company_id": "1", "firstname": "Анна", "lastname": "Иванова", "phone": "+79123456789",
				"user_login": "anna", "birthday": float64(noonUTC(birthday))},
		},
		{
			name:    "update missing: only the empty fields, the account's company, no birthday",
			policy:  targets.Policy{UpdateFields: targets.UpdateMissing},
			preload: []cscarttest.User{stored()},
			// No company in the row: a row's company scopes the lookup (issue 16), so
			// the account found is always in the row's storefront.
			user:        func(u *validate.User) { u.Active = validate.Yes },
			want:        targets.Updated,
			wantChanges: []targets.Change{{Field: "phone", Old: "", New: "+79123456789"}},
			wantPUT:     map[string]any{"company_id": "2", "phone": "+79123456789"},
		},
		{
			name:    "update missing: nothing empty is unchanged",
			policy:  targets.Policy{UpdateFields: targets.UpdateMissing},
			preload: []cscarttest.User{func() cscarttest.User { a := stored(); a.Phone = "+70000000000"; return a }()},
			want:    targets.Unchanged,
		},
		{
			// The row's company scopes the lookup (issue 16): an update never moves a
			// customer to another storefront, it finds the one of the row's storefront.
			name:    "update all: what differs, in the row's company",
			preload: []cscarttest.User{stored()},
			user:    func(u *validate.User) { u.CompanyID = "2" },
			want:    targets.Updated,
			wantChanges: []targets.Change{
				{Field: "firstname", Old: "Аня", New: "Анна"},
				{Field: "phone", Old: "", New: "+79123456789"},
			},
			wantPUT: map[string]any{"company_id": "2", "firstname": "Анна", "lastname": "Иванова", "phone": "+79123456789",
				"user_login": "anna", "birthday": float64(noonUTC(birthday))},
		},
		{
			name:    "the file's password goes with an update of an unchanged account",
			preload: []cscarttest.User{anna(5)},
			user:    func(u *validate.User) { u.Password = filePassword },
			want:    targets.Updated, wantPassword: true, wantResets: 1,
			wantChanges: []targets.Change{targets.PasswordChange()},
			wantPUT: map[string]any{"company_id": "1", "firstname": "Анна", "lastname": "Иванова", "phone": "+79123456789",
				"user_login": "anna", "password1": filePassword, "password2": filePassword, "birthday": float64(noonUTC(birthday))},
		},
		{
			name:    "a generated password stays home",
			preload: []cscarttest.User{anna(5)},
			user:    func(u *validate.User) { u.Password, u.PasswordGenerated = "Gen3rated", true },
			want:    targets.Unchanged,
		},
		{
			name:        "a generated password stays home on an update too",
			preload:     []cscarttest.User{func() cscarttest.User { a := anna(5); a.Phone = ""; return a }()},
			user:        func(u *validate.User) { u.Password, u.PasswordGenerated = "Gen3rated", true },
			want:        targets.Updated,
			wantChanges: []targets.Change{{Field: "phone", Old: "", New: "+79123456789"}},
			wantPUT: map[string]any{"company_id": "1", "firstname": "Анна", "lastname": "Иванова", "phone": "+79123456789",
				"user_login": "anna", "birthday": float64(noonUTC(birthday))},
		},
		{
			name:    "--reset-passwords sends a generated one",
			policy:  targets.Policy{ResetPasswords: true},
			preload: []cscarttest.User{anna(5)},
			user:    func(u *validate.User) { u.Password, u.PasswordGenerated = "Gen3rated", true },
			want:    targets.Updated, wantPassword: true, wantResets: 1,
			wantChanges: []targets.Change{targets.PasswordChange()},
			wantPUT: map[string]any{"company_id": "1", "firstname": "Анна", "lastname": "Иванова", "phone": "+79123456789",
				"user_login": "anna", "password1": "Gen3rated", "password2": "Gen3rated", "birthday": float64(noonUTC(birthday))},
		},
		{
			name:    "update missing with --reset-passwords: the password alone",
			policy:  targets.Policy{UpdateFields: targets.UpdateMissing, ResetPasswords: true},
			preload: []cscarttest.User{anna(5)},
			user:    func(u *validate.User) { u.Password, u.PasswordGenerated = "Gen3rated", true },
			want:    targets.Updated, wantPassword: true, wantResets: 1,
			wantChanges: []targets.Change{targets.PasswordChange()},
			wantPUT:     map[string]any{"company_id": "1", "password1": "Gen3rated", "password2": "Gen3rated"},
		},
		{
			name:     "mode create: an existing account is exists, not an update",
			mode:     targets.ModeCreate,
			policy:   targets.Policy{ResetPasswords: true},
			preload:  []cscarttest.User{anna(5)},
			user:     func(u *validate.User) { u.Password = filePassword },
			wantCode: targets.CodeExists,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			sb.Put(tt.preload...)
			before := sb.Users()
			rc := newRecorder(sb)
			c := setup(t, sb, rc, Config{Mode: tt.mode, Policy: tt.policy})
			u := canonical()
			if tt.user != nil {
				tt.user(u)
			}
			pl, perr := c.Plan(context.Background(), u)
			if diff := cmp.Diff(before, sb.Users()); diff != "" || len(rc.sent(http.MethodPut))+len(rc.sent(http.MethodPost)) != 0 {
				t.Fatalf("plan wrote:\n%s", diff)
			}
			res, err := c.Upsert(context.Background(), u)
			for _, e := range []error{perr, err} {
				if e != nil && u.Password != "" && strings.Contains(e.Error(), u.Password) {
					t.Errorf("an error shows the password: %v", e)
				}
			}
			if tt.wantCode != "" {
				for name, e := range map[string]error{"plan": perr, "upsert": err} {
					te := targettest.Error(t, e)
					if te.Kind != targets.Permanent || te.Code != tt.wantCode {
						t.Errorf("%s: got %v (kind %v), want a permanent %s", name, e, te.Kind, tt.wantCode)
					}
				}
				if diff := cmp.Diff(before, sb.Users()); diff != "" {
					t.Errorf("the store changed:\n%s", diff)
				}
				if st := sb.Stats(); st.Writes != 0 || st.PasswordResets != 0 {
					t.Errorf("stats %+v, want no writes", st)
				}
				return
			}
			if perr != nil || err != nil {
				t.Fatalf("plan: %v; upsert: %v", perr, err)
			}
			if pl.Outcome != tt.want || res.Outcome != tt.want {
				t.Errorf("plan %s, upsert %s; want %s", pl.Outcome, res.Outcome, tt.want)
			}
			if tt.wantChanges != nil {
				if diff := cmp.Diff(tt.wantChanges, pl.Changes); diff != "" {
					t.Errorf("plan changes (-want +got):\n%s", diff)
				}
			}
			for _, ch := range pl.Changes {
				if u.Password != "" && (strings.Contains(ch.Old, u.Password) || strings.Contains(ch.New, u.Password)) {
					t.Errorf("a change shows the password: %+v", ch)
				}
			}
			if res.PasswordSet != tt.wantPassword {
				t.Errorf("PasswordSet = %v, want %v", res.PasswordSet, tt.wantPassword)
			}
			puts := rc.sent(http.MethodPut)
			switch {
			case tt.wantPUT == nil && len(puts) != 0:
				t.Errorf("sent %d PUTs, want none: %v", len(puts), puts)
			case tt.wantPUT != nil && len(puts) != 1:
				t.Errorf("sent %d PUTs, want one", len(puts))
			case tt.wantPUT != nil:
				if diff := cmp.Diff(tt.wantPUT, puts[0]); diff != "" {
					t.Errorf("PUT body (-want +got):\n%s", diff)
				}
			}
			if st := sb.Stats(); st.PasswordResets != tt.wantResets {
				t.Errorf("password resets = %d, want %d", st.PasswordResets, tt.wantResets)
			}
			if tt.want == targets.Unchanged && sb.Stats().Writes != 0 {
				t.Errorf("unchanged, but the store counted %d writes", sb.Stats().Writes)
			}
			if tt.want == targets.Created {
				posts := rc.sent(http.MethodPost)
				if len(posts) != 1 {
					t.Fatalf("sent %d POSTs, want one", len(posts))
				}
				p1, _ := posts[0]["password1"].(string)
				p2, _ := posts[0]["password2"].(string)
				if p1 != u.Password || p2 != u.Password || posts[0]["password"] != nil {
					t.Errorf("create sent password1 %q, password2 %q (password %v), want %q in both", p1, p2, posts[0]["password"], u.Password)
				}
			}
		})
	}
}

// TestCreateRaceKeepsPolicy: an account that appears between the lookup and the create
// is updated under the Policy, so a generated password does not reach it.
func TestCreateRaceKeepsPolicy(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			sb.Put(anna(9))
		}
		sb.ServeHTTP(w, r)
	})
	c := setup(t, sb, h, Config{})
	u := canonical()
	u.Password, u.PasswordGenerated = "Gen3rated", true
	res, err := c.Upsert(context.Background(), u)
	if err != nil || res.Outcome != targets.Unchanged || res.PasswordSet {
		t.Fatalf("got %+v, %v; want unchanged without a password", res, err)
	}
	if st := sb.Stats(); st.PasswordResets != 0 {
		t.Errorf("password resets = %d, want 0", st.PasswordResets)
	}
}

func TestSandboxStats(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	c := setup(t, sb, nil, Config{})
	ctx := context.Background()
	if _, err := c.Upsert(ctx, canonical()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, canonical()); err != nil {
		t.Fatal(err)
	}
	if got, want := sb.Stats(), (sandbox.Stats{Accounts: 1, Writes: 1}); got != want {
		t.Errorf("after a create and an unchanged row: %+v, want %+v", got, want)
	}
	// A PUT of what the account holds is a request, not a change.
	if err := c.update(ctx, "1", updateRequest{CompanyID: "1", FirstName: "Анна"}); err != nil {
		t.Fatal(err)
	}
	if got := sb.Stats().Writes; got != 1 {
		t.Errorf("writes after a PUT that changed nothing = %d, want 1", got)
	}
	u := canonical()
	u.Password = "FromTheFile1"
	if res, err := c.Upsert(ctx, u); err != nil || !res.PasswordSet {
		t.Fatalf("got %+v, %v", res, err)
	}
	if got, want := sb.Stats(), (sandbox.Stats{Accounts: 1, Writes: 2, PasswordResets: 1}); got != want {
		t.Errorf("after a password: %+v, want %+v", got, want)
	}
	if !sb.Users()[0].HasPassword {
		t.Errorf("the password was not set")
	}
}
