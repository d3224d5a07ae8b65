package collaborator

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/targets/sandbox"
	"userimport/targets/targettest"
	"userimport/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const testToken = "s3cr3t-T0ken-value"

// emptyList is a user list that matched nobody.
const emptyList = `{"data":[],"pager":{"current":1,"count":0,"total":0,"countPerPage":10}}`

func fullUser() *validate.User {
	return &validate.User{
		UID:        "cl123456",
		LastName:   "Смирнова",
		FirstName:  "Анна",
		MiddleName: "Сергеевна",
		Login:      "a.smirnova",
		Email:      "a.smirnova@example.ru",
		Password:   "s3cret&Pass<1>",
		Phone:      "+79123456789",
		PhoneExt:   "123",
		BirthDate:  validate.Date{Year: 1988, Month: time.July, Day: 26},
		HireDate:   validate.Date{Year: 2020, Month: time.March, Day: 1},
		// The phone's extension goes to work_contact; the current field list's others too.
		PositionDate: validate.Date{Year: 2023, Month: time.September, Day: 1},
		UserFields:   [5]string{"ID-7", "", "Офис 2"},
		Gender:       validate.Female,
		Active:       validate.Yes,
		City:         "Москва",
		Department:   "Продажи & маркетинг",
		Position:     "Менеджер",
		Tags:         "новички,продажи",
		Groups:       "not sent",
		Role:         "not sent",
	}
}

// sparseUser has only a uid, an e-mail and the two numbers whose zero must still be
// sent (male, blocked).
func sparseUser() *validate.User {
	return &validate.User{UID: "00042", Email: "ivan@example.ru", Gender: validate.Male, Active: validate.No}
}

// newClient returns a client for api against a fresh sandbox, optionally behind faults.
func newClient(t *testing.T, api string, f *sandbox.Faults) (*Client, *collaboratortest.Sandbox, *sandbox.Handler) {
	t.Helper()
	sb := collaboratortest.New(testToken)
	var h http.Handler = sb
	var fh *sandbox.Handler
	if f != nil {
		fh = sandbox.Wrap(sb, *f)
		h = fh
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL + "/", Token: testToken, API: api, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, fh
}

func TestNew(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		endpoint string
		header   string
		err      string // a part of the error, "" for none
	}{
		// v2 is the default, and an API token goes in X-Cbr-Authorization on either
		// generation; a login's JWT goes in Authorization.
		{"v2 by default", Config{BaseURL: "https://lms.example.ru", Token: "tok-123"},
			"https://lms.example.ru/api/v2/users-import/single", "X-Cbr-Authorization", ""},
		{"v1 trailing slash", Config{BaseURL: "https://lms.example.ru/", Token: "tok-123", API: "v1"},
			"https://lms.example.ru/api/rest.php/imports-user?action=single-import", "X-Cbr-Authorization", ""},
		{"v1 with a login", Config{BaseURL: "https://lms.example.ru/", Email: "api", Password: "pw", API: "v1"},
			"https://lms.example.ru/api/rest.php/imports-user?action=single-import", "Authorization", ""},
		{"v2 with a login", Config{BaseURL: "https://lms.example.ru/", Email: "api", Password: "pw"},
			"https://lms.example.ru/api/v2/users-import/single", "Authorization", ""},
		{"a token wins over a login", Config{BaseURL: "https://lms.example.ru/", Token: "tok-123", Email: "api", Password: "pw"},
			"https://lms.example.ru/api/v2/users-import/single", "X-Cbr-Authorization", ""},
		{"v2 with a path prefix", Config{BaseURL: "http://10.0.0.5:8080/lms//", Token: "tok-123", API: "v2"},
			"http://10.0.0.5:8080/lms/api/v2/users-import/single", "X-Cbr-Authorization", ""},
		{"upsert mode", Config{BaseURL: "https://x.ru", Token: "tok-123", Mode: targets.ModeUpsert},
			"https://x.ru/api/v2/users-import/single", "X-Cbr-Authorization", ""},
		{"no token", Config{BaseURL: "https://x.ru"}, "", "",
			"no credentials: set USERIMPORT_COLLABORATOR_TOKEN to an API token (Collaborator 2.43 and later), or USERIMPORT_COLLABORATOR_EMAIL and USERIMPORT_COLLABORATOR_PASSWORD"},
		{"an e-mail without a password", Config{BaseURL: "https://x.ru", Email: "api"}, "", "",
			"USERIMPORT_COLLABORATOR_EMAIL is set but USERIMPORT_COLLABORATOR_PASSWORD is not"},
		{"a password without an e-mail", Config{BaseURL: "https://x.ru", Password: "pw"}, "", "",
			"USERIMPORT_COLLABORATOR_PASSWORD is set but USERIMPORT_COLLABORATOR_EMAIL is not"},
		{"token with a newline", Config{BaseURL: "https://x.ru", Token: "abc\n"}, "", "", "control characters"},
		{"create mode", Config{BaseURL: "https://x.ru", Token: "tok-123", Mode: targets.ModeCreate},
			"https://x.ru/api/v2/users-import/single", "X-Cbr-Authorization", ""},
		{"update mode", Config{BaseURL: "https://x.ru", Token: "tok-123", API: "v2", Mode: targets.ModeUpdate},
			"https://x.ru/api/v2/users-import/single", "X-Cbr-Authorization", ""},
		{"unknown mode", Config{BaseURL: "https://x.ru", Token: "tok-123", Mode: "merge"}, "", "", `unknown mode "merge"`},
		{"unknown API", Config{BaseURL: "https://x.ru", Token: "tok-123", API: "v3"}, "", "", `unknown API "v3"`},
		{"no scheme", Config{BaseURL: "lms.example.ru", Token: "tok-123"}, "", "", "instance's address"},
		{"ftp", Config{BaseURL: "ftp://lms.example.ru", Token: "tok-123"}, "", "", "instance's address"},
		{"no host", Config{BaseURL: "https://", Token: "tok-123"}, "", "", "instance's address"},
		{"a query", Config{BaseURL: "https://x.ru/?a=1", Token: "tok-123"}, "", "", "without a query"},
		{"unparsable", Config{BaseURL: "https://x.ru/%zz", Token: "tok-123"}, "", "", "parse URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("New() error = %v, want one containing %q", err, tt.err)
				}
				if tt.cfg.Token != "" && strings.Contains(err.Error(), tt.cfg.Token) {
					t.Errorf("the error shows the token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			if c.api.Base+c.endpoint != tt.endpoint || c.authHeader != tt.header {
				t.Errorf("endpoint %q header %q, want %q %q", c.api.Base+c.endpoint, c.authHeader, tt.endpoint, tt.header)
			}
			wantList := strings.Replace(strings.TrimSuffix(tt.endpoint, "?action=single-import"), "imports-user", "auth/users", 1)
			wantList = strings.Replace(wantList, "users-import/single", "users/list", 1)
			if c.api.Base+c.list != wantList {
				t.Errorf("list %q, want %q", c.api.Base+c.list, wantList)
			}
			if c.Name() != "collaborator" {
				t.Errorf("Name() = %q", c.Name())
			}
			if c.api.HTTP.Timeout != targets.DefaultTimeout {
				t.Errorf("default client timeout %v, want %v", c.api.HTTP.Timeout, targets.DefaultTimeout)
			}
		})
	}
}

func TestNewKeepsCallersClient(t *testing.T) {
	hc := &http.Client{Timeout: 5 * time.Second}
	c, err := New(Config{BaseURL: "https://x.ru", Token: "tok-123", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if c.api.HTTP == hc || c.api.HTTP.Timeout != 5*time.Second || hc.CheckRedirect != nil {
		t.Error("New must copy the caller's client, keep its timeout and leave it unchanged")
	}
}

// TestBodyGolden checks the request as it goes over the wire: path, headers and body.
func TestBodyGolden(t *testing.T) {
	tests := []struct {
		name, golden string
		user         *validate.User
		api          string
		path, header string
	}{
		{"full v1", "full.golden.json", fullUser(), APIv1, "/api/rest.php/imports-user?action=single-import", "X-Cbr-Authorization"},
		{"sparse v2", "sparse.golden.json", sparseUser(), APIv2, "/api/v2/users-import/single", "X-Cbr-Authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var gotReq *http.Request
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					_, _ = io.WriteString(w, emptyList)
					return
				}
				got, _ = io.ReadAll(r.Body)
				gotReq = r
				_, _ = io.WriteString(w, `{"created_count":1,"updated_count":0,"blocked_count":0,"unblocked_count":0}`)
			}))
			defer srv.Close()
			c, err := New(Config{BaseURL: srv.URL + "/", Token: testToken, API: tt.api})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Upsert(context.Background(), tt.user); err != nil {
				t.Fatal(err)
			}
			if gotReq.Method != http.MethodPost || gotReq.URL.RequestURI() != tt.path {
				t.Errorf("request %s %s, want POST %s", gotReq.Method, gotReq.URL.RequestURI(), tt.path)
			}
			if h := gotReq.Header.Get(tt.header); h != "Bearer "+testToken {
				t.Errorf("%s = %q, want the bearer token", tt.header, h)
			}
			if ct := gotReq.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			golden(t, tt.golden, append(got, '\n'))
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	targettest.Golden(t, filepath.Join("testdata", name), got, *update)
}

// genUser is fullUser with a password the importer made up.
func genUser() *validate.User {
	u := fullUser()
	u.Password, u.PasswordGenerated = "Gen3rated-Pass", true
	return u
}

// TestUpsertAgainstSandbox walks one account through every outcome, on both API
// generations: each row is looked up first, and only what changes is written.
func TestUpsertAgainstSandbox(t *testing.T) {
	with := func(f func(u *validate.User)) *validate.User {
		u := genUser()
		f(u)
		return u
	}
	ch := func(field, old, new string) []targets.Change {
		return []targets.Change{{Field: field, Old: old, New: new}}
	}
	steps := []struct {
		name string
		user *validate.User
		want targets.Result
	}{
		{"create", genUser(), targets.Result{Outcome: targets.Created, ID: "cl123456", PasswordSet: true}},
		{"same again", genUser(), targets.Result{Outcome: targets.Unchanged, ID: "cl123456"}},
		{"new position", with(func(u *validate.User) { u.Position = "Руководитель" }),
			targets.Result{Outcome: targets.Updated, ID: "cl123456", Changes: ch("position", "Менеджер", "Руководитель")}},
		{"block", with(func(u *validate.User) { u.Position = "Руководитель"; u.Active = validate.No }),
			targets.Result{Outcome: targets.Updated, Blocked: true, ID: "cl123456", Changes: ch("active", "yes", "no")}},
		{"still blocked", with(func(u *validate.User) { u.Position = "Руководитель"; u.Active = validate.No }),
			targets.Result{Outcome: targets.Unchanged, ID: "cl123456"}},
		{"unblock", with(func(u *validate.User) { u.Position = "Руководитель" }),
			targets.Result{Outcome: targets.Updated, Unblocked: true, ID: "cl123456", Changes: ch("active", "no", "yes")}},
		{"sparse update keeps the rest", &validate.User{UID: "cl123456", Email: "a.smirnova@example.ru", City: "Казань"},
			targets.Result{Outcome: targets.Updated, ID: "cl123456", Changes: ch("city", "Москва", "Казань")}},
		{"sparse and the same", &validate.User{UID: "CL123456 ", Email: "a.smirnova@example.ru", City: "Казань"},
			targets.Result{Outcome: targets.Unchanged, ID: "CL123456 "}},
	}
	for _, api := range []string{APIv1, APIv2} {
		t.Run(api, func(t *testing.T) {
			c, sb, _ := newClient(t, api, nil)
			for _, s := range steps {
				got, err := c.Upsert(context.Background(), s.user)
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if diff := cmp.Diff(s.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", s.name, diff)
				}
			}
			want := []collaboratortest.User{{
				UID: "cl123456", SecondName: "Смирнова", FirstName: "Анна", Patronymic: "Сергеевна",
				Login: "a.smirnova", Email: "a.smirnova@example.ru", Password: "Gen3rated-Pass",
				BirthDate: "26.07.1988", Gender: "1", City: "Казань", Department: "Продажи & маркетинг",
				Position: "Руководитель", Phone: "+79123456789", Tags: "новички,продажи", HireDate: "01.03.2020",
				WorkContact: "+79123456789 доб. 123", PositionDate: "01.09.2023", UserFields: [5]string{"ID-7", "", "Офис 2"},
			}}
			if diff := cmp.Diff(want, sb.Users()); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
			if got, want := sb.Stats(), (sandbox.Stats{Accounts: 1, Writes: 5}); got != want {
				t.Errorf("Stats() = %+v, want %+v: a row that changes nothing is not written", got, want)
			}
		})
	}
}

func TestUpsertFailures(t *testing.T) {
	tests := []struct {
		name     string
		preload  []collaboratortest.User
		user     *validate.User
		token    string // the client's token; "" means the right one
		kind     targets.Kind
		code     string
		status   int
		messages []string // nil: not checked
	}{
		{
			name:   "field errors in order",
			user:   &validate.User{UID: "u1", LastName: "Иванов", Login: "ivanov", Email: "ivanov@@example"},
			kind:   targets.Permanent,
			code:   targets.CodeRejected,
			status: 400,
			messages: []string{
				"email: Invalid email",
				"firstname: Field cannot be empty",
				"password: Field cannot be empty",
				"position: Field cannot be empty",
			},
		},
		{
			name:     "login taken by another uid, found before sending",
			preload:  []collaboratortest.User{{UID: "other", Login: "anna", Email: "anna@example.ru"}},
			user:     with(fullUser(), func(u *validate.User) { u.Login = "ANNA" }),
			kind:     targets.Permanent,
			code:     targets.CodeConflict,
			messages: []string{`login: this login belongs to the account with uid "other"`},
		},
		{
			name:     "e-mail taken by another uid, found before sending",
			preload:  []collaboratortest.User{{UID: "other", Login: "someone", Email: "A.Smirnova@example.ru"}},
			user:     fullUser(),
			kind:     targets.Permanent,
			code:     targets.CodeConflict,
			messages: []string{`email: this e-mail belongs to the account with uid "other"`},
		},
		{
			name:     "e-mail of an account made by hand",
			preload:  []collaboratortest.User{{Login: "anna.s", Email: "a.smirnova@example.ru"}},
			user:     fullUser(),
			kind:     targets.Permanent,
			code:     targets.CodeConflict,
			messages: []string{"email: this e-mail belongs to an account with no uid (made by hand, or by another tool)"},
		},
		{
			name:   "bad token",
			user:   fullUser(),
			token:  "wrong-Token-42",
			kind:   targets.Fatal,
			code:   targets.CodeAuth,
			status: 401,
		},
		{
			name:     "no uid is refused before sending",
			user:     &validate.User{Email: "a@example.ru"},
			kind:     targets.Permanent,
			code:     targets.CodeRejected,
			messages: []string{"uid: Collaborator matches accounts by uid, and this row has none"},
		},
	}
	for _, api := range []string{APIv1, APIv2} {
		for _, tt := range tests {
			t.Run(api+"/"+tt.name, func(t *testing.T) {
				c, sb, _ := newClient(t, api, nil)
				for _, u := range tt.preload {
					sb.Put(u)
				}
				if tt.token != "" {
					c.api = c.api.WithAuth(targets.Header(c.authHeader, "Bearer "+tt.token))
				}
				_, err := c.Upsert(context.Background(), tt.user)
				e, ok := errors.AsType[*targets.Error](err)
				if !ok {
					t.Fatalf("error %v (%T), want a *targets.Error", err, err)
				}
				if e.Kind != tt.kind || e.Code != tt.code || e.Status != tt.status {
					t.Errorf("kind %v code %q status %d, want %v %q %d", e.Kind, e.Code, e.Status, tt.kind, tt.code, tt.status)
				}
				if tt.messages != nil {
					if diff := cmp.Diff(tt.messages, e.Messages); diff != "" {
						t.Errorf("messages (-want +got):\n%s", diff)
					}
				}
				for _, secret := range []string{testToken, tt.token} {
					if secret != "" && strings.Contains(err.Error(), secret) {
						t.Errorf("the error shows a token: %v", err)
					}
				}
				if sb.Len() != len(tt.preload) || sb.Writes() != 0 {
					t.Errorf("the sandbox holds %d accounts after %d writes, want %d and none", sb.Len(), sb.Writes(), len(tt.preload))
				}
			})
		}
	}
}

func with(u *validate.User, f func(*validate.User)) *validate.User {
	f(u)
	return u
}

// imports routes the imports (POSTs) to imp and everything else to rest, so that a
// fault can hit the write and not the lookups before it.
func imports(imp, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			imp.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}

func TestUpsertFaults(t *testing.T) {
	tests := []struct {
		name       string
		faults     sandbox.Faults
		onImport   bool // the faults hit the import only, not the lookups
		existing   bool // the account exists and the row changes it
		kind       targets.Kind
		intent     targets.Outcome
		status     int
		retryAfter time.Duration
		stored     int // accounts in the sandbox after the failed call
	}{
		{"429 with Retry-After on a lookup", sandbox.Faults{RateLimit: 0.5}, false, false, targets.Retryable, "", 429, 2 * time.Second, 0},
		{"500 on a lookup", sandbox.Faults{FailRate: 1}, false, false, targets.Retryable, "", 500, 0, 0},
		{"lookup dropped", sandbox.Faults{DropRate: 1}, false, false, targets.Retryable, "", 0, 0, 0},
		{"500 before applying a create", sandbox.Faults{FailRate: 1}, true, false, targets.Unknown, targets.Created, 500, 0, 0},
		{"create dropped after applying", sandbox.Faults{DropRate: 1}, true, false, targets.Unknown, targets.Created, 0, 0, 1},
		{"update dropped after applying: resend is safe", sandbox.Faults{DropRate: 1}, true, true, targets.Retryable, "", 0, 0, 1},
	}
	for _, api := range []string{APIv1, APIv2} {
		for _, tt := range tests {
			t.Run(api+"/"+tt.name, func(t *testing.T) {
				sb := collaboratortest.New(testToken)
				fh := sandbox.Wrap(sb, tt.faults)
				var h http.Handler = fh
				if tt.onImport {
					h = imports(fh, sb)
				}
				srv := httptest.NewServer(h)
				defer srv.Close()
				c, err := New(Config{BaseURL: srv.URL, Token: testToken, API: api})
				if err != nil {
					t.Fatal(err)
				}
				u := genUser()
				if tt.existing {
					sb.Put(collaboratortest.User{UID: u.UID, SecondName: u.LastName, FirstName: u.FirstName, Login: u.Login, Email: u.Email, Position: "Стажёр"})
				}
				_, err = c.Upsert(context.Background(), u)
				e, ok := errors.AsType[*targets.Error](err)
				if !ok {
					t.Fatalf("error %v (%T), want a *targets.Error", err, err)
				}
				if e.Kind != tt.kind || e.Intent != tt.intent || e.Status != tt.status || e.RetryAfter != tt.retryAfter {
					t.Errorf("kind %v intent %q status %d RetryAfter %v, want %v %q %d %v",
						e.Kind, e.Intent, e.Status, e.RetryAfter, tt.kind, tt.intent, tt.status, tt.retryAfter)
				}
				if targets.IsFatal(err) {
					t.Errorf("fatal: %v", err)
				}
				if sb.Len() != tt.stored {
					t.Errorf("the sandbox holds %d accounts, want %d", sb.Len(), tt.stored)
				}
				if fh.Requests() == 0 {
					t.Error("no request went through the faults")
				}
			})
		}
	}
}

// TestLostCreateIsLookedUp shows why a create whose answer was lost is Unknown: the
// write landed, and the lookup the importer makes then finds the account as sent, so
// that the row is reported created (with its password) instead of sent again, which
// would report it unchanged and lose the password.
func TestLostCreateIsLookedUp(t *testing.T) {
	sb := collaboratortest.New(testToken)
	dropping := httptest.NewServer(imports(sandbox.Wrap(sb, sandbox.Faults{DropRate: 1}), sb))
	defer dropping.Close()
	healthy := httptest.NewServer(sb)
	defer healthy.Close()
	first, err := New(Config{BaseURL: dropping.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = first.Upsert(context.Background(), genUser())
	if e, ok := errors.AsType[*targets.Error](err); !ok || e.Kind != targets.Unknown || e.Intent != targets.Created {
		t.Fatalf("dropped create: %v, want unknown with intent created", err)
	}
	second, err := New(Config{BaseURL: healthy.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := second.Plan(context.Background(), genUser())
	if err != nil || pl.Outcome != targets.Unchanged {
		t.Errorf("plan after the drop: %+v, %v; want unchanged (the create landed)", pl, err)
	}
	got, err := second.Upsert(context.Background(), genUser())
	if err != nil || got.Outcome != targets.Unchanged || sb.Len() != 1 || sb.Stats().PasswordResets != 0 {
		t.Errorf("resend: %+v, %v, %+v; want unchanged, one account, no password reset", got, err, sb.Stats())
	}
}

func TestUpsertCancelled(t *testing.T) {
	c, sb, _ := newClient(t, APIv2, &sandbox.Faults{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := c.Upsert(ctx, fullUser())
	if !errors.Is(err, context.Canceled) || targets.KindOf(err) != targets.Retryable {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if sb.Len() != 0 {
		t.Error("a cancelled call was applied")
	}
}

// annaItem is fullUser's account as the list shows it, with another position.
const annaItem = `{"data":[{"id":7,"uid":"cl123456","login":"a.smirnova","email":"a.smirnova@example.ru",` +
	`"secondname":"Смирнова","firstname":"Анна","position":"Стажёр"}],"pager":{"current":1,"count":1,"total":1,"countPerPage":10}}`

// TestUpsertAnswers covers import answers the sandbox does not give: other shapes, a
// missing endpoint, a body echoing the token. The lookups before find nobody (or, with
// list, the account).
func TestUpsertAnswers(t *testing.T) {
	tests := []struct {
		name     string
		list     string // the lookups' answer; "" is emptyList
		status   int
		header   map[string]string
		body     string
		want     targets.Result
		kind     targets.Kind
		intent   targets.Outcome
		code     string
		messages []string
	}{
		{name: "counts as strings", status: 200,
			body: `{"created_count":"0","updated_count":"1","blocked_count":"1","unblocked_count":"0"}`,
			want: targets.Result{Outcome: targets.Updated, Blocked: true, ID: "cl123456", PasswordSet: true}},
		{name: "201 is success too", status: 201, body: `{"created_count":1}`,
			want: targets.Result{Outcome: targets.Created, ID: "cl123456", PasswordSet: true}},
		{name: "an update the platform counts as none still set the password", list: annaItem, status: 200,
			body: `{"created_count":0,"updated_count":0}`,
			want: targets.Result{Outcome: targets.Updated, ID: "cl123456", PasswordSet: true, Changes: []targets.Change{
				{Field: "position", Old: "Стажёр", New: "Менеджер"}, targets.PasswordChange()}}},
		{name: "200 without counts", status: 200, body: `<html>Login</html>`,
			kind: targets.Permanent, code: targets.CodeHTTP, messages: []string{"an answer without import counts: <html>Login</html>"}},
		{name: "error envelope", status: 400, body: `{"error":"User import is disabled"}`,
			kind: targets.Permanent, code: targets.CodeRejected, messages: []string{"User import is disabled"}},
		{name: "a conflict the lookup could not see", status: 400, body: `{"login":{"unique":"Login already taken by another user"}}`,
			kind: targets.Permanent, code: targets.CodeConflict, messages: []string{"login: Login already taken by another user"}},
		{name: "token echoed back", status: 400, body: `{"error":"bad header Bearer ` + testToken + `"}`,
			kind: targets.Permanent, code: targets.CodeRejected, messages: []string{"bad header [redacted]"}},
		{name: "403", status: 403, body: `{"error":"forbidden"}`,
			kind: targets.Fatal, code: targets.CodeAuth, messages: []string{"forbidden"}},
		{name: "502 with a date", status: 502, body: `bad gateway`, header: map[string]string{"Retry-After": "0"},
			kind: targets.Retryable, code: targets.CodeUnreachable, messages: []string{"bad gateway"}},
		{name: "503 HTML page", status: 503, body: "<html>\n  <h1>Maintenance</h1>\n</html>\n",
			kind: targets.Retryable, code: targets.CodeUnreachable, messages: []string{"<html>\n  <h1>Maintenance</h1>\n</html>"}},
		{name: "other 5xx on a create may have landed: look before sending again", status: 500, body: ``,
			kind: targets.Unknown, intent: targets.Created, code: targets.CodeHTTP, messages: []string{"Internal Server Error"}},
		{name: "other 5xx on an update: resend is safe", list: annaItem, status: 500, body: ``,
			kind: targets.Retryable, code: targets.CodeHTTP, messages: []string{"Internal Server Error"}},
		{name: "no such endpoint", status: 404, body: `{"error":"not found"}`,
			kind: targets.Fatal, code: targets.CodeHTTP,
			messages: []string{"not found", "no single-user import at this address: check the URL and the API version (--api v1 for servers before 2.43)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					list := tt.list
					if list == "" {
						list = emptyList
					}
					_, _ = io.WriteString(w, list)
					return
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, err := New(Config{BaseURL: srv.URL, Token: testToken, HTTPClient: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Upsert(context.Background(), fullUser())
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
				return
			}
			e, ok := errors.AsType[*targets.Error](err)
			if !ok {
				t.Fatalf("error %v, want a *targets.Error", err)
			}
			if e.Kind != tt.kind || e.Intent != tt.intent || e.Code != tt.code || e.Status != tt.status {
				t.Errorf("kind %v intent %q code %q status %d, want %v %q %q %d", e.Kind, e.Intent, e.Code, e.Status, tt.kind, tt.intent, tt.code, tt.status)
			}
			if diff := cmp.Diff(tt.messages, e.Messages); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestParseCounts(t *testing.T) {
	tests := []struct {
		name string
		body string
		want targets.Result
		ok   bool
	}{
		{"created", `{"created_count":1,"updated_count":0,"blocked_count":0,"unblocked_count":0}`, targets.Result{Outcome: targets.Created}, true},
		{"updated", `{"created_count":0,"updated_count":1,"blocked_count":0,"unblocked_count":0}`, targets.Result{Outcome: targets.Updated}, true},
		{"all zero is unchanged", `{"created_count":0,"updated_count":0,"blocked_count":0,"unblocked_count":0}`, targets.Result{Outcome: targets.Unchanged}, true},
		{"blocked", `{"created_count":0,"updated_count":1,"blocked_count":1,"unblocked_count":0}`, targets.Result{Outcome: targets.Updated, Blocked: true}, true},
		{"unblocked without updated", `{"unblocked_count":1}`, targets.Result{Outcome: targets.Updated, Unblocked: true}, true},
		{"strings", `{"created_count":"1","updated_count":"0","blocked_count":" 0 ","unblocked_count":""}`, targets.Result{Outcome: targets.Created}, true},
		{"nulls", `{"created_count":null,"updated_count":1}`, targets.Result{Outcome: targets.Updated}, true},
		{"extra keys", `{"created_count":1,"status":"ok"}`, targets.Result{Outcome: targets.Created}, true},
		{"no counts", `{"status":"ok"}`, targets.Result{}, false},
		{"empty object", `{}`, targets.Result{}, false},
		{"not a number", `{"created_count":"one"}`, targets.Result{}, false},
		{"negative", `{"created_count":-1}`, targets.Result{}, false},
		{"a list", `[{"created_count":1}]`, targets.Result{}, false},
		{"not JSON", `OK`, targets.Result{}, false},
		{"empty", ``, targets.Result{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseCounts([]byte(tt.body))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	long := strings.Repeat("ошибка ", 100)
	tests := []struct {
		name     string
		body     string
		want     []string
		conflict bool
	}{
		{"documented shape, rules sorted", `{"email":{"required":"Field cannot be empty","email":"Invalid email"}}`,
			[]string{"email: Invalid email", "email: Field cannot be empty"}, false},
		{"fields sorted", `{"position":{"required":"Field cannot be empty"},"firstname":{"required":"Field cannot be empty"}}`,
			[]string{"firstname: Field cannot be empty", "position: Field cannot be empty"}, false},
		{"unique login", `{"login":{"unique":"Login already taken by another user"}}`,
			[]string{"login: Login already taken by another user"}, true},
		{"e-mail taken, in Russian", `{"email":{"check":"Пользователь с таким email уже существует"}}`,
			[]string{"email: Пользователь с таким email уже существует"}, true},
		{"unique uid is no conflict", `{"uid":{"unique":"taken"}}`, []string{"uid: taken"}, false},
		{"error", `{"error":"User with this email does not exists"}`, []string{"User with this email does not exists"}, false},
		{"message", `{"message":"Bad Request"}`, []string{"Bad Request"}, false},
		{"field to string", `{"email":"Invalid email"}`, []string{"email: Invalid email"}, false},
		{"field to list", `{"email":["Invalid email","Too long"]}`, []string{"email: Invalid email", "email: Too long"}, false},
		{"a list", `["one", {"message":"two"}, 3]`, []string{"one", "two", "3"}, false},
		{"a number", `42`, []string{"42"}, false},
		{"not JSON", "  <html><body>Bad gateway</body></html>\n", []string{"<html><body>Bad gateway</body></html>"}, false},
		{"two JSON values", `{"a":"b"} {"c":"d"}`, []string{`{"a":"b"} {"c":"d"}`}, false},
		{"long body capped", long, []string{capText(strings.TrimSpace(long))}, false},
		{"empty", "", nil, false},
		{"invalid UTF-8", "\xff\xfe oops", []string{"\uFFFD oops"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, conflict := parseErrors([]byte(tt.body))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if conflict != tt.conflict {
				t.Errorf("conflict = %v, want %v", conflict, tt.conflict)
			}
		})
	}
	if got := capText(long); len(got) > maxMessage+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("capText gave %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

func FuzzParseCounts(f *testing.F) {
	for _, s := range []string{
		`{"created_count":1,"updated_count":0,"blocked_count":0,"unblocked_count":0}`,
		`{"created_count":"1","updated_count":"0"}`, `{}`, `null`, `[1]`, `{"blocked_count":1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		res, ok := parseCounts(body)
		res2, ok2 := parseCounts(body)
		if !reflect.DeepEqual(res, res2) || ok != ok2 {
			t.Fatal("not deterministic")
		}
		if ok != (res.Outcome != "") {
			t.Fatalf("ok %v with outcome %q", ok, res.Outcome)
		}
		if res.Outcome == targets.Unchanged && (res.Blocked || res.Unblocked) {
			t.Fatal("unchanged but blocked or unblocked")
		}
	})
}

func FuzzParseErrors(f *testing.F) {
	for _, s := range []string{
		`{"email":{"required":"Field cannot be empty","email":"Invalid email"}}`,
		`{"login":{"unique":"Login already taken by another user"}}`,
		`{"error":"x"}`, `["a",{"message":"b"}]`, `<html>oops</html>`, "\xff", ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, conflict := parseErrors(body)
		msgs2, conflict2 := parseErrors(body)
		if !cmp.Equal(msgs, msgs2) || conflict != conflict2 {
			t.Fatal("not deterministic")
		}
		for _, m := range msgs {
			if !utf8.ValidString(m) || len(m) > maxMessage+len("…") {
				t.Fatalf("message %q: invalid or %d bytes", m, len(m))
			}
			if capText(m) != m {
				t.Fatalf("capText not idempotent on %q", m)
			}
		}
	})
}
