package inskill

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
	"userimport/targets/inskill/inskilltest"
	"userimport/targets/targettest"
	"userimport/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const testToken = "s3cr3t-token-value"

// canonical is the one user every body test maps from.
func canonical() *validate.User {
	return &validate.User{
		LastName: "Иванова", FirstName: "Анна", MiddleName: "Сергеевна",
		Email: "anna@corp.ru", Phone: "+79123456789",
		BirthDate: validate.Date{Year: 1988, Month: time.July, Day: 26},
		Position:  "Бухгалтер",
	}
}

// setup serves sb (or h wrapping it) and returns a client for it.
func setup(t *testing.T, sb *inskilltest.Sandbox, h http.Handler, cfg Config) *Client {
	t.Helper()
	if h == nil {
		h = sb
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUpsert(t *testing.T) {
	tests := []struct {
		name      string
		mode      targets.Mode
		product   string
		preload   []inskilltest.User
		user      func(*validate.User)
		want      targets.Outcome
		wantCode  string // for a failed row
		wantMsg   string // a substring of the error
		wantAfter []inskilltest.User
	}{
		{
			name:      "create",
			want:      targets.Created,
			wantAfter: []inskilltest.User{{ID: 1001, Name: "Иванова Анна Сергеевна", Email: "anna@corp.ru", Phone: "+79123456789"}},
		},
		{
			name:    "fuzzy neighbours are not the same person",
			preload: []inskilltest.User{{ID: 1, Email: "xanna@corp.ru", Name: "anna@corp.ru fan"}, {ID: 2, Email: "anna@corp.ru.old"}},
			want:    targets.Created,
			wantAfter: []inskilltest.User{
				{ID: 1, Email: "xanna@corp.ru", Name: "anna@corp.ru fan"}, {ID: 2, Email: "anna@corp.ru.old"},
				{ID: 1001, Name: "Иванова Анна Сергеевна", Email: "anna@corp.ru", Phone: "+79123456789"},
			},
		},
		{
			name:      "update changes only what differs",
			preload:   []inskilltest.User{{ID: 7, Email: "Anna@Corp.ru", Name: "Иванова Анна", Phone: "+79123456789"}},
			want:      targets.Updated,
			wantAfter: []inskilltest.User{{ID: 7, Email: "Anna@Corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}},
		},
		{
			name:      "unchanged",
			preload:   []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}},
			want:      targets.Unchanged,
			wantAfter: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}},
		},
		{
			name:      "an empty phone does not erase",
			preload:   []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79000000000"}},
			user:      func(u *validate.User) { u.Phone = "" },
			want:      targets.Unchanged,
			wantAfter: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79000000000"}},
		},
		{
			name:      "product granted to an existing student",
			product:   "55",
			preload:   []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}},
			want:      targets.Updated,
			wantAfter: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789", Products: []int64{55}}},
		},
		{
			name:      "product already granted",
			product:   "55",
			preload:   []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789", Products: []int64{55}}},
			want:      targets.Unchanged,
			wantAfter: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789", Products: []int64{55}}},
		},
		{
			name:      "the row's product wins",
			product:   "55",
			user:      func(u *validate.User) { u.Product = "66" },
			want:      targets.Created,
			wantAfter: []inskilltest.User{{ID: 1001, Name: "Иванова Анна Сергеевна", Email: "anna@corp.ru", Phone: "+79123456789", Products: []int64{66}}},
		},
		{
			name:     "a product that is not a number fails the row",
			user:     func(u *validate.User) { u.Product = "курс" },
			wantCode: targets.CodeRejected,
			wantMsg:  "product:",
		},
		{
			name:     "two students with the same e-mail are a conflict",
			preload:  []inskilltest.User{{ID: 1, Email: "anna@corp.ru"}, {ID: 2, Email: "ANNA@corp.ru"}},
			wantCode: targets.CodeConflict,
			wantMsg:  "ids 1, 2",
		},
		{
			name:     "a phone that is not E.164 is refused with inSkill's message",
			user:     func(u *validate.User) { u.Phone = "89123456789" },
			wantCode: targets.CodeRejected,
			wantMsg:  "phone: The phone format is invalid.",
		},
		{
			name:      "mode create: a new student",
			mode:      targets.ModeCreate,
			want:      targets.Created,
			wantAfter: []inskilltest.User{{ID: 1001, Name: "Иванова Анна Сергеевна", Email: "anna@corp.ru", Phone: "+79123456789"}},
		},
		{
			name:      "mode create: an existing student fails the row and is not touched",
			mode:      targets.ModeCreate,
			preload:   []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Старое Имя"}},
			wantCode:  targets.CodeExists,
			wantMsg:   "id 7",
			wantAfter: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Старое Имя"}},
		},
		{
			name:     "mode update: a missing student fails the row",
			mode:     targets.ModeUpdate,
			wantCode: targets.CodeNotFound,
		},
		{
			name:      "mode update: an existing student",
			mode:      targets.ModeUpdate,
			preload:   []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна"}},
			want:      targets.Updated,
			wantAfter: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken)
			sb.Put(tt.preload...)
			c := setup(t, sb, nil, Config{Mode: tt.mode, Product: tt.product})
			u := canonical()
			if tt.user != nil {
				tt.user(u)
			}
			res, err := c.Upsert(context.Background(), u)
			if tt.wantCode != "" {
				e := targettest.Error(t, err)
				if e.Kind != targets.Permanent || e.Code != tt.wantCode {
					t.Fatalf("got %v (kind %v), want a permanent %s", err, e.Kind, tt.wantCode)
				}
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("error %q does not say %q", err, tt.wantMsg)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if res.Outcome != tt.want || res.ID == "" {
				t.Errorf("got %+v, want outcome %s with an id", res, tt.want)
			}
			if tt.wantAfter != nil {
				if diff := cmp.Diff(tt.wantAfter, sb.Users()); diff != "" {
					t.Errorf("students (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestUpsertIsIdempotent imports the same user twice: the second run writes nothing.
func TestUpsertIsIdempotent(t *testing.T) {
	sb := inskilltest.New(testToken)
	c := setup(t, sb, nil, Config{Product: "55"})
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

// TestSearchPages finds a student on the second page of a fuzzy search.
func TestSearchPages(t *testing.T) {
	sb := inskilltest.New(testToken)
	var pre []inskilltest.User
	for i := range 20 {
		pre = append(pre, inskilltest.User{ID: int64(i + 1), Email: string(rune('a'+i)) + "anna@corp.ru"})
	}
	pre = append(pre, inskilltest.User{ID: 99, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"})
	sb.Put(pre...)
	c := setup(t, sb, nil, Config{})
	res, err := c.Upsert(context.Background(), canonical())
	if err != nil || res.Outcome != targets.Unchanged || res.ID != "99" {
		t.Fatalf("got %+v, %v; want unchanged 99", res, err)
	}
	if sb.Reads() != 2 {
		t.Errorf("reads = %d, want 2 pages", sb.Reads())
	}
}

// TestStudentAppearsBeforeCreate covers a student created by someone else between our
// search and our create: the create (which never forces) is refused with the student,
// whom the client then updates.
func TestStudentAppearsBeforeCreate(t *testing.T) {
	sb := inskilltest.New(testToken)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			sb.Put(inskilltest.User{ID: 5, Email: "anna@corp.ru", Name: "Иванова Анна"})
		}
		sb.ServeHTTP(w, r)
	})
	c := setup(t, sb, h, Config{})
	res, err := c.Upsert(context.Background(), canonical())
	if err != nil || res.Outcome != targets.Updated || res.ID != "5" {
		t.Fatalf("got %+v, %v; want updated 5", res, err)
	}
	if got := sb.Users()[0].Name; got != "Иванова Анна Сергеевна" {
		t.Errorf("name = %q", got)
	}
	if st := sb.Stats(); st.PasswordResets != 0 || st.Writes != 1 {
		t.Errorf("stats = %+v, want one write and no password reset", st)
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name     string
		mode     targets.Mode
		preload  []inskilltest.User
		want     targets.Plan
		wantCode string
	}{
		{name: "create", want: targets.Plan{Outcome: targets.Created}},
		{
			name:    "update with changes",
			preload: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна", Phone: "+79000000000"}},
			want: targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{
				{Field: "name", Old: "Иванова Анна", New: "Иванова Анна Сергеевна"},
				{Field: "phone", Old: "+79000000000", New: "+79123456789"},
			}},
		},
		{
			name:    "unchanged",
			preload: []inskilltest.User{{ID: 7, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"}},
			want:    targets.Plan{Outcome: targets.Unchanged, ID: "7"},
		},
		{name: "mode update, missing", mode: targets.ModeUpdate, wantCode: targets.CodeNotFound},
		{name: "mode create, existing", mode: targets.ModeCreate, preload: []inskilltest.User{{ID: 7, Email: "anna@corp.ru"}}, wantCode: targets.CodeExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken)
			sb.Put(tt.preload...)
			before := sb.Users()
			c := setup(t, sb, nil, Config{Mode: tt.mode})
			got, err := c.Plan(context.Background(), canonical())
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
				t.Errorf("plan changed the students:\n%s", diff)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name          string
		sandboxHeader string
		sandboxScheme string
		cfg           Config
		wantFatal     bool
	}{
		{name: "bearer by default", sandboxHeader: "Authorization", sandboxScheme: "Bearer", cfg: Config{Token: testToken}},
		{name: "wrong token", sandboxHeader: "Authorization", sandboxScheme: "Bearer", cfg: Config{Token: "wrong-" + testToken}, wantFatal: true},
		{name: "raw token in a custom header", sandboxHeader: "X-Api-Key", cfg: Config{Token: testToken, AuthHeader: "X-Api-Key"}},
		{name: "raw token in Authorization", sandboxHeader: "Authorization", cfg: Config{Token: testToken, AuthScheme: NoScheme}},
		{name: "scheme mismatch", sandboxHeader: "Authorization", sandboxScheme: "Token", cfg: Config{Token: testToken}, wantFatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken).WithAuth(tt.sandboxHeader, tt.sandboxScheme)
			c := setup(t, sb, nil, tt.cfg)
			_, err := c.Upsert(context.Background(), canonical())
			if !tt.wantFatal {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := targettest.Error(t, err)
			if e.Kind != targets.Fatal || e.Code != targets.CodeAuth || e.Status != http.StatusUnauthorized {
				t.Errorf("got %v (kind %v), want fatal auth 401", err, e.Kind)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("the error shows the token: %q", err)
			}
			if sb.Writes() != 0 || sb.Len() != 0 {
				t.Errorf("an unauthorized request was served")
			}
		})
	}
}

func TestHTTPErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		failOn     string // the method that fails; others reach the sandbox
		wantKind   targets.Kind
		wantAfter  time.Duration
		wantStatus int
	}{
		{name: "429 on search", status: 429, header: http.Header{"Retry-After": {"7"}}, failOn: http.MethodGet, wantKind: targets.Retryable, wantAfter: 7 * time.Second},
		{name: "503 on create", status: 503, header: http.Header{"Retry-After": {"2"}}, failOn: http.MethodPost, wantKind: targets.Retryable, wantAfter: 2 * time.Second},
		{name: "500 on create may have landed", status: 500, failOn: http.MethodPost, wantKind: targets.Unknown},
		{name: "500 on search is safe to retry", status: 500, failOn: http.MethodGet, wantKind: targets.Retryable},
		{name: "403", status: 403, failOn: http.MethodGet, wantKind: targets.Fatal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != tt.failOn {
					sb.ServeHTTP(w, r)
					return
				}
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, `{"message":"Too Many Attempts."}`)
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
		{name: "plain", cfg: Config{BaseURL: "https://school.inskill.ru", Token: "t"}, wantURL: "https://school.inskill.ru/api/v3"},
		{name: "api path pasted", cfg: Config{BaseURL: "https://school.inskill.ru/api/v3/", Token: "t"}, wantURL: "https://school.inskill.ru/api/v3"},
		{name: "no token", cfg: Config{BaseURL: "https://school.inskill.ru"}, wantErr: TokenEnv},
		{name: "no url", cfg: Config{Token: "t"}, wantErr: "no URL"},
		{name: "not a url", cfg: Config{BaseURL: "school.inskill.ru", Token: "t"}, wantErr: "http or https"},
		{name: "bad product", cfg: Config{BaseURL: "https://a.inskill.ru", Token: "t", Product: "x"}, wantErr: "product"},
		{name: "bad mode", cfg: Config{BaseURL: "https://a.inskill.ru", Token: "t", Mode: "merge"}, wantErr: "unknown mode"},
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
	u := canonical()
	tests := []struct {
		name string
		body any
	}{
		{name: "create_only", body: createBody(u, 0, false)},
		{name: "create_product_notify", body: createBody(u, 55, true)},
		{name: "patch_all", body: func() any { b, _ := patchBody(&student{ID: "7"}, u, 55); return b }()},
		{name: "patch_phone", body: func() any {
			b, _ := patchBody(&student{ID: "7", Name: u.FullName(), Phone: "+70000000000"}, u, 0)
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

// TestConcurrent imports distinct students from many goroutines at once (run with -race).
func TestConcurrent(t *testing.T) {
	sb := inskilltest.New(testToken)
	c := setup(t, sb, nil, Config{})
	const n = 40
	errs := make(chan error, n)
	for i := range n {
		go func() {
			u := canonical()
			u.Email = strings.Replace(u.Email, "anna", "anna"+string(rune('a'+i%26))+strings.Repeat("z", i/26), 1)
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
		t.Errorf("students = %d, want %d", sb.Len(), n)
	}
}
