package cscart

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"userimport/targets"
	"userimport/targets/cscart/cscarttest"
	"userimport/targets/sandbox"
	"userimport/targets/targettest"
)

// closedURL is the address of a server that is gone: connecting is refused.
func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}

// counter is a server that counts what reaches it and answers 200 with an empty list.
type counter struct{ n atomic.Int64 }

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"users": []any{}, "params": map[string]any{}})
}

// checkOne asserts that err is a Fatal *targets.Error with one message that says
// every one of want and shows neither a query, nor the key, nor the lookup's e-mail.
func checkOne(t *testing.T, err error, code string, want ...string) {
	t.Helper()
	e := targettest.Error(t, err)
	if e.Kind != targets.Fatal || (code != "" && e.Code != code) {
		t.Errorf("got %v (kind %v), want a fatal %s", err, e.Kind, code)
	}
	if len(e.Messages) != 1 {
		t.Fatalf("messages = %q, want one", e.Messages)
	}
	for _, w := range want {
		if !strings.Contains(e.Messages[0], w) {
			t.Errorf("message %q does not say %q", e.Messages[0], w)
		}
	}
	noSecrets(t, err)
}

// secretEmail is the e-mail rows are looked up with in these tests.
const secretEmail = "anna.private+hr@corp.ru"

// noSecrets fails when err's text shows a query string, the API key, or the e-mail of
// a lookup (as it is or as a query escapes it).
func noSecrets(t *testing.T, err error) {
	t.Helper()
	s := err.Error()
	for _, bad := range []string{"?", "items_per_page", testKey, secretEmail, url.QueryEscape(secretEmail), "anna.private"} {
		if strings.Contains(s, bad) {
			t.Errorf("error %q shows %q", s, bad)
		}
	}
}

func TestCheck(t *testing.T) {
	answer := func(status int, ctype, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
	tests := []struct {
		name    string
		handler http.Handler // nil: the sandbox
		refused bool         // no server at all
		key     string       // the API key sent; testKey when empty
		code    string
		want    []string
	}{
		{name: "refused", refused: true, code: targets.CodeUnreachable, want: []string{"connection refused", "--url"}},
		{name: "no API at the address", handler: http.NotFoundHandler(), code: targets.CodeHTTP, want: []string{"no CS-Cart API", "--url"}},
		{name: "wrong key", key: "wrong", code: targets.CodeAuth, want: []string{"HTTP 401", APIKeyEnv, EmailEnv}},
		{name: "no view_users privilege", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cscarttest.Fail(w, http.StatusForbidden, nil, nil) }),
			code: targets.CodeAuth, want: []string{"HTTP 403", APIKeyEnv}},
		{name: "https only", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cscarttest.Fail(w, http.StatusForbidden, nil, []string{"The API is only accessible over HTTPS"})
		}), code: targets.CodeHTTP, want: []string{"HTTPS only", "--url https://127.0.0.1:"}},
		{name: "redirect", handler: http.RedirectHandler("https://shop.example.com/api/2.0/users?user_type=C&items_per_page=1", http.StatusMovedPermanently),
			code: targets.CodeRedirect, want: []string{"--url https://shop.example.com"}},
		{name: "a login page", handler: answer(200, "text/html", "<html><body>Sign in</body></html>"), code: targets.CodeHTTP, want: []string{"not as CS-Cart's API", "--url"}},
		{name: "JSON, but not the list", handler: answer(200, "application/json", `{"Version":"4.20.1"}`), code: targets.CodeHTTP, want: []string{"--url"}},
		{name: "a bare list, as the old docs print it", handler: answer(200, "application/json", `[{"user_id":"1"}]`), code: targets.CodeHTTP, want: []string{"--url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			key := testKey
			if tt.key != "" {
				key = tt.key
			}
			var base string
			if tt.refused {
				base = closedURL(t)
			} else {
				h := tt.handler
				if h == nil {
					h = sb
				}
				srv := httptest.NewServer(h)
				t.Cleanup(srv.Close)
				base = srv.URL
			}
			c, err := New(Config{BaseURL: base + "/?email=" + url.QueryEscape(secretEmail), Email: testEmail, APIKey: key})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			checkOne(t, c.Check(context.Background()), tt.code, tt.want...)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Check took %v", d)
			}
		})
	}
}

func TestCheckPasses(t *testing.T) {
	sb := cscarttest.New(testEmail, testKey)
	var query url.Values
	var requests atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		query = r.URL.Query()
		if r.Method != http.MethodGet || r.URL.Path != "/api/2.0/users" {
			t.Errorf("Check sent %s %s", r.Method, r.URL.Path)
		}
		sb.ServeHTTP(w, r)
	})
	sb.Put(anna(3), anna(4))
	// With --company-id the edition need not be asked (TestCheckAsksEdition).
	c := setup(t, sb, h, Config{CompanyID: "1"})
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 1 || query.Get("user_type") != "C" || query.Get("items_per_page") != "1" {
		t.Errorf("Check sent %d requests, the last with %v; want one list read of one customer", requests.Load(), query)
	}
	if sb.Writes() != 0 || sb.Stats().Writes != 0 {
		t.Errorf("Check wrote")
	}
	// A PHP array with keys that are not 0..n-1 is an object; an empty store answers [].
	for _, body := range []string{`{"users":{"7":{"user_id":"7"}},"params":{"page":1}}`, `{"users":[],"params":[]}`} {
		if !isUserList([]byte(body)) {
			t.Errorf("isUserList(%s) = false", body)
		}
	}
}

// TestRedirectNotFollowed: a store that redirects (http to https, a moved shop) gets
// nothing from a write or a lookup: Go would turn a redirected PUT into a GET and the
// row would be reported updated while nothing was written.
func TestRedirectNotFollowed(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, method := range []string{http.MethodPut, http.MethodPost, http.MethodGet} {
			t.Run(fmt.Sprintf("%d %s", status, method), func(t *testing.T) {
				behind := &counter{}
				moved := httptest.NewServer(behind)
				t.Cleanup(moved.Close)
				sb := cscarttest.New(testEmail, testKey)
				if method == http.MethodPut {
					sb.Put(cscarttest.User{ID: 5, Login: "anna", Email: secretEmail, FirstName: "Аня", UserType: "C", CompanyID: "1"})
				}
				before := sb.Users()
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method != method {
						sb.ServeHTTP(w, r)
						return
					}
					to := moved.URL + "/shop" + r.URL.Path
					if r.URL.RawQuery != "" {
						to += "?" + r.URL.RawQuery
					}
					w.Header().Set("Location", to)
					w.WriteHeader(status)
				})
				c := setup(t, sb, h, Config{})
				u := canonical()
				u.Email = secretEmail
				res, err := c.Upsert(context.Background(), u)
				if err == nil {
					t.Fatalf("got %+v, want an error", res)
				}
				checkOne(t, err, targets.CodeRedirect, "--url "+moved.URL+"/shop")
				if behind.n.Load() != 0 {
					t.Errorf("the address redirected to got %d requests", behind.n.Load())
				}
				if sb.Stats().Writes != 0 || len(sb.Users()) != len(before) {
					t.Errorf("the store changed: %+v", sb.Stats())
				}
				if method == http.MethodGet {
					_, err := c.Plan(context.Background(), u)
					checkOne(t, err, targets.CodeRedirect, "--url")
				}
			})
		}
	}
}

// TestNoEmailInMessages: whatever fails, no error of the client carries the e-mail a
// row was looked up with (a lookup puts it in the query).
func TestNoEmailInMessages(t *testing.T) {
	existing := cscarttest.User{ID: 5, Login: "anna", Email: secretEmail, FirstName: "Пётр", LastName: "Петров", UserType: "C", CompanyID: "1"}
	failing := func(status int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
	tests := []struct {
		name    string
		handler http.Handler // nil: the sandbox
		refused bool         // no server at all
		slow    bool
		mode    targets.Mode
		preload []cscarttest.User
	}{
		{name: "connection refused", refused: true},
		{name: "timeout", slow: true},
		{name: "500 on lookup", handler: failing(500, `{"message":"Internal Server Error"}`)},
		{name: "HTML on lookup", handler: failing(200, `<html>shop</html>`)},
		{name: "429 on lookup", handler: failing(429, ``)},
		{name: "401", handler: failing(401, `{"message":"Unauthorized","status":401}`)},
		{name: "mode update: not found", mode: targets.ModeUpdate},
		{name: "mode create: exists", mode: targets.ModeCreate, preload: []cscarttest.User{existing}},
		{name: "identity change", preload: []cscarttest.User{existing}},
		{name: "two accounts", preload: []cscarttest.User{existing, {ID: 6, Email: strings.ToUpper(secretEmail), UserType: "C", CompanyID: "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := cscarttest.New(testEmail, testKey)
			sb.Put(tt.preload...)
			h := tt.handler
			if h == nil {
				h = sb
			}
			if tt.slow {
				h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-time.After(2 * time.Second):
					}
				})
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			base := srv.URL
			if tt.refused {
				base = closedURL(t)
			}
			c, err := New(Config{BaseURL: base, Email: testEmail, APIKey: testKey, Mode: tt.mode,
				HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			u := canonical()
			u.Email = secretEmail
			_, uerr := c.Upsert(context.Background(), u)
			_, perr := c.Plan(context.Background(), u)
			for name, err := range map[string]error{"upsert": uerr, "plan": perr} {
				if err == nil {
					t.Fatalf("%s: no error", name)
				}
				noSecrets(t, err)
				if e, ok := err.(interface{ Unwrap() error }); ok && e.Unwrap() != nil {
					noSecrets(t, e.Unwrap())
				}
			}
		})
	}
}
