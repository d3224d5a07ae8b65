package ispring

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
	"userimport/validate"
)

const (
	testID     = "client-id-1"
	testSecret = "very-secret-value-42"
)

// fakeClock is a clock tests move by hand; the client and the sandbox may share one.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a client talking to a sandbox through httptest.
type env struct {
	c   *Client
	sb  *ispringtest.Sandbox
	srv *httptest.Server
}

// newEnv starts a sandbox with the test key and a client configured by cfg (BaseURL and
// credentials are filled in). wrap, when not nil, sits between the two.
func newEnv(t *testing.T, cfg Config, wrap func(*ispringtest.Sandbox, http.Handler) http.Handler) *env {
	t.Helper()
	sb := ispringtest.New(testID, testSecret)
	var h http.Handler = sb
	if wrap != nil {
		h = wrap(sb, sb)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	if cfg.ClientID == "" {
		cfg.ClientID = testID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = testSecret
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &env{c: c, sb: sb, srv: srv}
}

// canonicalUser is the one user every body test starts from.
func canonicalUser() *validate.User {
	return &validate.User{
		UID: "1001", LastName: "Иванова", FirstName: "Анна", MiddleName: "Сергеевна",
		Login: "a.ivanova", Email: "anna.ivanova@example.com", Password: "S3cret-pass",
		Phone: "+79123456789", BirthDate: validate.Date{Year: 1988, Month: time.July, Day: 26},
		Gender: validate.Female, Active: validate.Yes, City: "Москва",
		Department: "Москва/Продажи", Position: "Менеджер по продажам",
		Groups: "Новички, Менеджеры", Role: "learner",
	}
}

// existingAnna is canonicalUser as the account holds it before an update: another last
// name, another department, one group.
func existingAnna() ispringtest.User {
	return ispringtest.User{
		DepartmentID: ispringtest.KazanSalesID,
		Fields: map[string]string{"login": "a.ivanova", "email": "Anna.Ivanova@example.com",
			"first_name": "Анна", "last_name": "Петрова", "phone": "+7 912 345-67-89"},
		GroupIDs: []string{ispringtest.NewcomersID},
	}
}

func mustAdd(t *testing.T, sb *ispringtest.Sandbox, u ispringtest.User) string {
	t.Helper()
	id, err := sb.Put(u)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// wantRowError checks that err is a targets.Error of the given kind and code.
func wantRowError(t *testing.T, err error, kind targets.Kind, code string) *targets.Error {
	t.Helper()
	e, ok := errors.AsType[*targets.Error](err)
	if !ok {
		t.Fatalf("error %v (%T), want *targets.Error %s/%s", err, err, kind, code)
	}
	if e.Kind != kind || e.Code != code {
		t.Fatalf("error %v: kind %s code %q, want %s %q", err, e.Kind, e.Code, kind, code)
	}
	return e
}

func TestUpsertCreate(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	res, err := e.c.Upsert(t.Context(), canonicalUser())
	if err != nil {
		t.Fatal(err)
	}
	users := e.sb.Users()
	if len(users) != 1 {
		t.Fatalf("sandbox holds %d users, want 1", len(users))
	}
	want := targets.Result{Outcome: targets.Created, ID: users[0].ID, PasswordSet: true}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	wantUser := ispringtest.User{
		ID: users[0].ID, DepartmentID: ispringtest.MoscowSalesID,
		Fields: map[string]string{"login": "a.ivanova", "email": "anna.ivanova@example.com",
			"first_name": "Анна", "last_name": "Иванова", "phone": "+79123456789",
			"job_title": "Менеджер по продажам"},
		GroupIDs: []string{ispringtest.NewcomersID, ispringtest.ManagersID},
		Role:     "learner", Status: 1, HasPassword: true,
	}
	if diff := cmp.Diff(wantUser, users[0]); diff != "" {
		t.Errorf("stored user (-want +got):\n%s", diff)
	}
	if n := e.sb.XMLAnswers(); n != 0 {
		t.Errorf("the sandbox answered %d requests in XML: the client must always ask for JSON", n)
	}
}

func TestUpsertUpdate(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	id := mustAdd(t, e.sb, existingAnna())
	u := canonicalUser()
	u.Login, u.LoginGenerated = "anna.ivanova", true // a made-up login must not replace the real one
	res, err := e.c.Upsert(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	// The row's password is the file's own: it goes with the update, in its own request.
	wantRes := targets.Result{Outcome: targets.Updated, ID: id, PasswordSet: true, Changes: []targets.Change{
		{Field: "last_name", Old: "Петрова", New: "Иванова"},
		{Field: "position", Old: "", New: "Менеджер по продажам"},
		{Field: "department", Old: "Компания/Казань/Продажи", New: "Компания/Москва/Продажи"},
		{Field: "groups", Old: "Новички", New: "Новички, Менеджеры"},
		targets.PasswordChange(),
	}}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	got := e.sb.Users()[0]
	want := ispringtest.User{
		ID: id, DepartmentID: ispringtest.MoscowSalesID,
		// The e-mail differs only in case and the phone only in format: both are kept.
		Fields: map[string]string{"login": "a.ivanova", "email": "Anna.Ivanova@example.com",
			"first_name": "Анна", "last_name": "Иванова", "phone": "+7 912 345-67-89",
			"job_title": "Менеджер по продажам"},
		GroupIDs: []string{ispringtest.NewcomersID, ispringtest.ManagersID},
		Status:   1, HasPassword: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored user (-want +got):\n%s", diff)
	}
	if st := e.sb.Stats(); st.Writes != 2 || st.PasswordResets != 1 {
		t.Errorf("stats %+v, want 2 writes (password, profile) and 1 password reset", st)
	}
}

func TestUpsertUnchanged(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	if _, err := e.c.Upsert(t.Context(), canonicalUser()); err != nil {
		t.Fatal(err)
	}
	writes := e.sb.Writes()
	// The same person again, with the e-mail in another case, no optional fields and
	// no password (or one made up, which an existing account never gets by default):
	// nothing differs, so nothing is sent.
	for _, generated := range []bool{false, true} {
		u := canonicalUser()
		u.Email = "ANNA.IVANOVA@example.com"
		u.Phone, u.Position, u.Password = "", "", ""
		if generated {
			u.Password, u.PasswordGenerated = "Generated-1234", true
		}
		res, err := e.c.Upsert(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != targets.Unchanged || res.ID == "" || res.PasswordSet {
			t.Errorf("generated %v: result %+v, want unchanged with the id", generated, res)
		}
	}
	if got := e.sb.Writes(); got != writes {
		t.Errorf("writes went from %d to %d, want none for an unchanged row", writes, got)
	}
	if st := e.sb.Stats(); st.Writes != 1 || st.PasswordResets != 0 || st.Accounts != 1 {
		t.Errorf("stats %+v, want the one create", st)
	}
}

func TestLookupByLogin(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	ex := existingAnna()
	ex.Fields["email"] = "old.address@example.com"
	id := mustAdd(t, e.sb, ex)
	u := canonicalUser()
	u.Login = "A.Ivanova"  // logins match without regard to case
	u.LastName = "Петрова" // a new e-mail alone is an ordinary update
	res, err := e.c.Upsert(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != targets.Updated || res.ID != id {
		t.Fatalf("result %+v, want updated %s", res, id)
	}
	if got := e.sb.Users()[0].Fields["email"]; got != u.Email {
		t.Errorf("e-mail %q, want %q", got, u.Email)
	}
}

func TestModes(t *testing.T) {
	tests := []struct {
		name     string
		mode     targets.Mode
		existing bool
		want     targets.Outcome
		wantCode string
	}{
		{"upsert creates", targets.ModeUpsert, false, targets.Created, ""},
		{"upsert updates", targets.ModeUpsert, true, targets.Updated, ""},
		{"default mode is upsert", "", true, targets.Updated, ""},
		{"create creates", targets.ModeCreate, false, targets.Created, ""},
		{"create refuses an existing account", targets.ModeCreate, true, "", targets.CodeExists},
		{"update updates", targets.ModeUpdate, true, targets.Updated, ""},
		{"update refuses a missing account", targets.ModeUpdate, false, "", targets.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{Mode: tt.mode}, nil)
			if tt.existing {
				mustAdd(t, e.sb, existingAnna())
			}
			res, err := e.c.Upsert(t.Context(), canonicalUser())
			if tt.wantCode != "" {
				wantRowError(t, err, targets.Permanent, tt.wantCode)
				if w := e.sb.Writes(); w != 0 {
					t.Errorf("%d writes, want none", w)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want {
				t.Errorf("outcome %s, want %s", res.Outcome, tt.want)
			}
		})
	}
}

func TestDepartmentResolution(t *testing.T) {
	tests := []struct {
		name       string
		department string
		defaultDep string
		wantDept   string
		wantCode   string
	}{
		{"by code", "ACC", "", ispringtest.AccountingID, ""},
		{"by code in another case", "msk-sales", "", ispringtest.MoscowSalesID, ""},
		{"by unique name", "бухгалтерия", "", ispringtest.AccountingID, ""},
		{"by path", "Казань/Продажи", "", ispringtest.KazanSalesID, ""},
		{"by path with spaces", " Москва / Продажи ", "", ispringtest.MoscowSalesID, ""},
		{"by full path", "Компания/Казань/Продажи", "", ispringtest.KazanSalesID, ""},
		{"by id", ispringtest.KazanID, "", ispringtest.KazanID, ""},
		{"default when the row has none", "", "KZN", ispringtest.KazanID, ""},
		{"the row wins over the default", "ACC", "KZN", ispringtest.AccountingID, ""},
		{"ambiguous name", "Продажи", "", "", CodeAmbiguousDepartment},
		{"unknown name", "Отдел снабжения", "", "", CodeUnknownDepartment},
		{"unknown path", "Москва/Логистика", "", "", CodeUnknownDepartment},
		{"path under the wrong parent", "Бухгалтерия/Продажи", "", "", CodeUnknownDepartment},
		{"none and no default", "", "", "", CodeDepartmentRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{DefaultDepartment: tt.defaultDep}, nil)
			u := canonicalUser()
			u.Department = tt.department
			_, err := e.c.Upsert(t.Context(), u)
			if tt.wantCode != "" {
				re := wantRowError(t, err, targets.Permanent, tt.wantCode)
				if tt.wantCode == CodeAmbiguousDepartment && !strings.Contains(re.Error(), "Компания/Казань/Продажи; Компания/Москва/Продажи") {
					t.Errorf("message %q does not list the candidates", re.Error())
				}
				if w := e.sb.Writes(); w != 0 {
					t.Errorf("%d writes, want none before the department is known", w)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := e.sb.Users()[0].DepartmentID; got != tt.wantDept {
				t.Errorf("department %s, want %s", got, tt.wantDept)
			}
		})
	}
}

func TestUpdateKeepsDepartmentWithoutOne(t *testing.T) {
	e := newEnv(t, Config{DefaultDepartment: "ACC"}, nil)
	mustAdd(t, e.sb, existingAnna())
	u := canonicalUser()
	u.Department = ""
	if _, err := e.c.Upsert(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if got := e.sb.Users()[0].DepartmentID; got != ispringtest.KazanSalesID {
		t.Errorf("department %s, want the account's own %s: the default is for new accounts", got, ispringtest.KazanSalesID)
	}
}

func TestGroups(t *testing.T) {
	tests := []struct {
		name     string
		groups   string
		want     []string
		wantCode string
	}{
		{"names in any case, repeats dropped", "новички,МЕНЕДЖЕРЫ, Новички", []string{ispringtest.NewcomersID, ispringtest.ManagersID}, ""},
		{"empty items ignored", " , Менеджеры ,", []string{ispringtest.ManagersID}, ""},
		{"unknown group", "Новички, Стажёры", nil, CodeUnknownGroup},
		{"smart group", "Все", nil, CodeSmartGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{}, nil)
			u := canonicalUser()
			u.Groups = tt.groups
			_, err := e.c.Upsert(t.Context(), u)
			if tt.wantCode != "" {
				wantRowError(t, err, targets.Permanent, tt.wantCode)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, e.sb.Users()[0].GroupIDs); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAmbiguousGroup(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	e.sb.SetGroups([]ispringtest.Group{{GroupID: "g1", Name: "Стажёры"}, {GroupID: "g2", Name: "стажеры"}})
	u := canonicalUser()
	u.Groups = "Стажеры"
	_, err := e.c.Upsert(t.Context(), u)
	wantRowError(t, err, targets.Permanent, CodeAmbiguousGroup)
}

func TestDirectoryPaging(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	e.sb.SetPageSize(2)
	if err := e.c.Prepare(t.Context()); err != nil {
		t.Fatal(err)
	}
	dir, err := e.c.directory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.depts) != len(e.sb.Departments()) || len(dir.groups) != 3 {
		t.Errorf("loaded %d departments and %d groups, want %d and 3", len(dir.depts), len(dir.groups), len(e.sb.Departments()))
	}
	reads := e.sb.Reads()
	if _, err := e.c.Upsert(t.Context(), canonicalUser()); err != nil {
		t.Fatal(err)
	}
	// One lookup by e-mail and one by login; the directory is not loaded again.
	if got := e.sb.Reads() - reads; got != 2 {
		t.Errorf("%d reads for one new row, want 2", got)
	}
}

func TestPrepareRejectsUnknownDefaultDepartment(t *testing.T) {
	e := newEnv(t, Config{DefaultDepartment: "Продажи"}, nil)
	err := e.c.Prepare(t.Context())
	wantRowError(t, err, targets.Permanent, CodeAmbiguousDepartment)
}

func TestDuplicateLoginOnCreateIsConflict(t *testing.T) {
	// Another account took the login between the lookup and the create: the lookup is
	// hidden so that the create meets the platform's uniqueness check.
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/users/v2" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"userProfiles":[]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	mustAdd(t, e.sb, existingAnna())
	_, err := e.c.Upsert(t.Context(), canonicalUser())
	re := wantRowError(t, err, targets.Permanent, targets.CodeConflict)
	if want := "Invalid value a.ivanova. Field login must be unique."; !strings.Contains(re.Error(), want) {
		t.Errorf("error %q does not carry the platform's message %q", re.Error(), want)
	}
}

func TestLoginTakenByAnotherAccount(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	mustAdd(t, e.sb, existingAnna())
	mustAdd(t, e.sb, ispringtest.User{DepartmentID: ispringtest.RootID,
		Fields: map[string]string{"login": "anna", "email": "anna@example.com"}})
	u := canonicalUser()
	u.Login = "anna" // Anna's row asks for the other account's login
	_, err := e.c.Plan(t.Context(), u)
	wantRowError(t, err, targets.Permanent, targets.CodeConflict)
	if w := e.sb.Writes(); w != 0 {
		t.Errorf("%d writes, want none", w)
	}
}

func TestTwoAccountsWithOneEmail(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	a := existingAnna()
	mustAdd(t, e.sb, a)
	// The sandbox enforces unique e-mails, as most accounts do; set up the rare account
	// that does not by adding the second one with a different case and then fixing it.
	b := ispringtest.User{DepartmentID: ispringtest.RootID, Fields: map[string]string{"login": "anna2", "email": "x@example.com"}}
	idB := mustAdd(t, e.sb, b)
	e.sb.SetField(idB, "email", "anna.ivanova@example.com")

	u := canonicalUser()
	u.Login = ""
	_, err := e.c.Plan(t.Context(), u)
	wantRowError(t, err, targets.Permanent, targets.CodeConflict)

	u.Login = "anna2" // the login tells them apart
	p, err := e.c.Plan(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != idB {
		t.Errorf("plan for %s, want %s", p.ID, idB)
	}
}

func TestPlanWritesNothing(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	id := mustAdd(t, e.sb, existingAnna())
	same := canonicalUser()
	same.Email, same.Login = "boris@example.com", "boris"
	same.LastName, same.FirstName, same.Phone, same.Position = "Борисов", "Борис", "", ""
	same.Department, same.Groups, same.Password, same.Role = "ACC", "", "", ""
	idB := mustAdd(t, e.sb, ispringtest.User{DepartmentID: ispringtest.AccountingID, Fields: map[string]string{
		"login": "boris", "email": "boris@example.com", "first_name": "Борис", "last_name": "Борисов"}})
	newcomer := canonicalUser()
	newcomer.Email, newcomer.Login = "new@example.com", "new"

	tests := []struct {
		name string
		u    *validate.User
		want targets.Plan
	}{
		{"create", newcomer, targets.Plan{Outcome: targets.Created}},
		{"unchanged", same, targets.Plan{Outcome: targets.Unchanged, ID: idB}},
		{"update", canonicalUser(), targets.Plan{Outcome: targets.Updated, ID: id, Changes: []targets.Change{
			{Field: "last_name", Old: "Петрова", New: "Иванова"},
			{Field: "position", Old: "", New: "Менеджер по продажам"},
			{Field: "department", Old: "Компания/Казань/Продажи", New: "Компания/Москва/Продажи"},
			{Field: "groups", Old: "Новички", New: "Новички, Менеджеры"},
			{Field: "password", New: "(new password)"},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.c.Plan(t.Context(), tt.u)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
	if w := e.sb.Writes(); w != 0 {
		t.Errorf("plan sent %d writes, want none", w)
	}
	// And the import that follows does what the plan said.
	for _, tt := range tests {
		res, err := e.c.Upsert(t.Context(), tt.u)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.Outcome != tt.want.Outcome {
			t.Errorf("%s: import did %s, plan said %s", tt.name, res.Outcome, tt.want.Outcome)
		}
	}
}

func TestBadCredentials(t *testing.T) {
	const wrong = "wrong-secret-do-not-print"
	e := newEnv(t, Config{ClientSecret: wrong}, nil)
	for _, call := range []struct {
		name string
		do   func() error
	}{
		{"prepare", func() error { return e.c.Prepare(t.Context()) }},
		{"upsert", func() error { _, err := e.c.Upsert(t.Context(), canonicalUser()); return err }},
		{"plan", func() error { _, err := e.c.Plan(t.Context(), canonicalUser()); return err }},
	} {
		t.Run(call.name, func(t *testing.T) {
			err := call.do()
			wantRowError(t, err, targets.Fatal, targets.CodeAuth)
			if !targets.IsFatal(err) {
				t.Error("IsFatal is false")
			}
			for _, s := range []string{wrong, testSecret} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains a secret", err.Error())
				}
			}
			if !strings.Contains(err.Error(), EnvClientSecret) {
				t.Errorf("error %q does not say which variable to check", err.Error())
			}
		})
	}
	if w := e.sb.Writes(); w != 0 {
		t.Errorf("%d writes with a rejected key", w)
	}
}

func TestTokenEchoedSecretIsScrubbed(t *testing.T) {
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"bad secret ` + r.PostForm.Get("client_secret") + `"}`))
		})
	})
	err := e.c.Prepare(t.Context())
	wantRowError(t, err, targets.Fatal, targets.CodeAuth)
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("error %q contains the secret", err.Error())
	}
}

func TestTokenSharedByConcurrentRows(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			u := canonicalUser()
			u.Email = strings.Replace(u.Email, "@", "."+string(rune('a'+i))+"@", 1)
			u.Login = u.Login + string(rune('a'+i))
			if _, err := e.c.Upsert(context.Background(), u); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := e.sb.Tokens(); n != 1 {
		t.Errorf("%d tokens issued for 20 concurrent rows, want 1", n)
	}
	if n := e.sb.Len(); n != 20 {
		t.Errorf("%d users, want 20", n)
	}
}

func TestTokenRefresh(t *testing.T) {
	clock := newClock()
	e := newEnv(t, Config{Now: clock.Now}, nil)
	serverClock := newClock()
	e.sb.SetClock(serverClock.Now)
	step := func(wantTokens, wantUnauthorized int64) {
		t.Helper()
		if _, err := e.c.Plan(t.Context(), canonicalUser()); err != nil {
			t.Fatal(err)
		}
		if got := e.sb.Tokens(); got != wantTokens {
			t.Errorf("%d tokens issued, want %d", got, wantTokens)
		}
		if got := e.sb.Unauthorized(); got != wantUnauthorized {
			t.Errorf("%d requests refused, want %d", got, wantUnauthorized)
		}
	}
	step(1, 0)
	// 20 minutes: still within 80% of 30 minutes, the same token.
	clock.Advance(20 * time.Minute)
	serverClock.Advance(20 * time.Minute)
	step(1, 0)
	// 25 minutes: past 80%, a new token before the old one expires, no 401.
	clock.Advance(5 * time.Minute)
	serverClock.Advance(5 * time.Minute)
	step(2, 0)
	// The server expires tokens early (its clock runs ahead): one 401, one refresh.
	serverClock.Advance(31 * time.Minute)
	step(3, 1)
}

func TestTokenTTLFromAnswer(t *testing.T) {
	clock := newClock()
	e := newEnv(t, Config{Now: clock.Now}, nil)
	e.sb.SetClock(clock.Now)
	e.sb.SetTokenTTL(100 * time.Second)
	if err := e.c.Prepare(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(81 * time.Second) // past 80% of the 100 s the answer gave
	if _, err := e.c.Plan(t.Context(), canonicalUser()); err != nil {
		t.Fatal(err)
	}
	if n, u := e.sb.Tokens(), e.sb.Unauthorized(); n != 2 || u != 0 {
		t.Errorf("%d tokens and %d refusals, want 2 and 0", n, u)
	}
}

func TestSecond401IsFatal(t *testing.T) {
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == tokenPath {
				h.ServeHTTP(w, r)
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":401,"message":"Token is revoked"}`))
		})
	})
	err := e.c.Prepare(t.Context())
	re := wantRowError(t, err, targets.Fatal, targets.CodeAuth)
	if !strings.Contains(re.Error(), "Token is revoked") {
		t.Errorf("error %q lacks the platform's message", re.Error())
	}
	if n := e.sb.Tokens(); n != 2 {
		t.Errorf("%d tokens, want 2 (the first and one refresh)", n)
	}
}

func TestStatusClassification(t *testing.T) {
	tests := []struct {
		name       string
		path       string // the request the fault hits
		status     int
		body       string
		header     map[string]string
		kind       targets.Kind
		code       string
		retryAfter time.Duration
		message    string
	}{
		{"429 on lookup", "/users/v2", http.StatusTooManyRequests, "", map[string]string{"Retry-After": "7"},
			targets.Retryable, targets.CodeUnreachable, 7 * time.Second, ""},
		{"503 on create", "/user", http.StatusServiceUnavailable, "", nil,
			targets.Retryable, targets.CodeUnreachable, 0, ""},
		{"500 on create may have landed", "/user", http.StatusInternalServerError, "", nil,
			targets.Unknown, targets.CodeHTTP, 0, ""},
		{"500 on lookup", "/users/v2", http.StatusInternalServerError, "", nil,
			targets.Retryable, targets.CodeHTTP, 0, ""},
		{"403 is fatal", "/user", http.StatusForbidden, `{"code":403,"message":"Business plan required"}`, nil,
			targets.Fatal, targets.CodeAuth, 0, "Business plan required"},
		{"400 json", "/user", http.StatusBadRequest, `{"code":400,"message":"Field phone is invalid"}`, nil,
			targets.Permanent, targets.CodeRejected, 0, "Field phone is invalid"},
		{"400 xml", "/user", http.StatusBadRequest, `<?xml version="1.0"?><response><code>400</code><message>Field phone is invalid</message></response>`, nil,
			targets.Permanent, targets.CodeRejected, 0, "Field phone is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != tt.path {
						h.ServeHTTP(w, r)
						return
					}
					for k, v := range tt.header {
						w.Header().Set(k, v)
					}
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(tt.body))
				})
			})
			_, err := e.c.Upsert(t.Context(), canonicalUser())
			re := wantRowError(t, err, tt.kind, tt.code)
			if re.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter %v, want %v", re.RetryAfter, tt.retryAfter)
			}
			if tt.message != "" && !strings.Contains(re.Error(), tt.message) {
				t.Errorf("error %q lacks %q", re.Error(), tt.message)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	good := Config{BaseURL: "https://api-learn.ispringlearn.com", ClientID: "id", ClientSecret: "s3cr3t-value"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{"good", func(*Config) {}, ""},
		{"trailing slash", func(c *Config) { c.BaseURL += "/" }, ""},
		{"no client id", func(c *Config) { c.ClientID = " " }, EnvClientID},
		{"no client secret", func(c *Config) { c.ClientSecret = "" }, EnvClientSecret},
		{"no url", func(c *Config) { c.BaseURL = "" }, "base url missing"},
		{"not a url", func(c *Config) { c.BaseURL = "api-learn.ispringlearn.com" }, "want http(s)://host"},
		{"query", func(c *Config) { c.BaseURL += "?x=1" }, "no query"},
		{"bad mode", func(c *Config) { c.Mode = "merge" }, "unknown mode"},
		{"login e-mail without text", func(c *Config) { c.SendLoginEmail = true }, "invitation message"},
		{"login e-mail with text", func(c *Config) { c.SendLoginEmail, c.InvitationMessage = true, "Добро пожаловать" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			c, err := New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Name() != "ispring" || c.api.HTTP.Timeout != targets.DefaultTimeout {
					t.Errorf("name %q timeout %v", c.Name(), c.api.HTTP.Timeout)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.c.Upsert(ctx, canonicalUser())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestConcurrentRowsShareOneRefresh(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	serverClock := newClock()
	e.sb.SetClock(serverClock.Now)
	if err := e.c.Prepare(t.Context()); err != nil {
		t.Fatal(err)
	}
	serverClock.Advance(time.Hour) // every request now meets a 401 until a new token comes
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := e.c.Plan(context.Background(), canonicalUser()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := e.sb.Tokens(); n != 2 {
		t.Errorf("%d tokens issued, want 2: rows that met a 401 must share one refresh", n)
	}
}

func TestTokenEndpointOutage(t *testing.T) {
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == tokenPath {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	_, err := e.c.Upsert(t.Context(), canonicalUser())
	// A token request creates nothing: a 500 there is worth retrying, never Unknown.
	wantRowError(t, err, targets.Retryable, targets.CodeHTTP)
}

func TestTokenAnswerWithoutToken(t *testing.T) {
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>login page</html>"))
		})
	})
	err := e.c.Prepare(t.Context())
	wantRowError(t, err, targets.Fatal, targets.CodeHTTP)
}

func TestUpdateOfDeletedAccount(t *testing.T) {
	// The account disappears between the lookup and the update.
	e := newEnv(t, Config{}, func(sb *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/user/") {
				sb.DeleteAll()
			}
			h.ServeHTTP(w, r)
		})
	})
	mustAdd(t, e.sb, existingAnna())
	_, err := e.c.Upsert(t.Context(), canonicalUser())
	re := wantRowError(t, err, targets.Permanent, targets.CodeRejected)
	if re.Status != http.StatusNotFound || !strings.Contains(re.Error(), "User not found") {
		t.Errorf("error %v, want the platform's 404", re)
	}
}

func TestCustomDepartmentTree(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	e.sb.SetDepartments([]ispringtest.Department{
		{DepartmentID: "r", Name: "ООО Ромашка"},
		{DepartmentID: "it", Name: "ИТ", ParentDepartmentID: "r"},
		{DepartmentID: "dev", Name: "Разработка", ParentDepartmentID: "it"},
		{DepartmentID: "qa", Name: "Разработка", ParentDepartmentID: "r", Code: "QA"},
		{DepartmentID: "slash", Name: "Продажи B2B/B2C", ParentDepartmentID: "r"},
	})
	tests := []struct{ in, want string }{
		{"ИТ/Разработка", "dev"},
		{"ООО Ромашка/Разработка", "qa"},
		{"qa", "qa"},
		{"Продажи B2B/B2C", "slash"}, // a name with a slash is a name before it is a path
	}
	dir, err := e.c.directory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		d, rerr := dir.department(tt.in)
		if rerr != nil || d.DepartmentID != tt.want {
			t.Errorf("department(%q) = %v, %v; want %s", tt.in, d, rerr, tt.want)
		}
	}
	if _, rerr := dir.department("Разработка"); rerr == nil || rerr.Code != CodeAmbiguousDepartment {
		t.Errorf("Разработка: %v, want ambiguous", rerr)
	}
}
