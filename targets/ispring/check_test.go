package ispring

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"userimport/targets"
	"userimport/targets/ispring/ispringtest"
)

// elsewhere is a server a redirect points to. It must never be reached: a count above
// zero means a request, and perhaps the client secret, went where --url did not say.
func elsewhere(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"stolen","expires_in":1800,"token_type":"bearer","userProfiles":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// redirecting answers requests whose path matches with a redirect to target, and
// passes the others to the sandbox.
func redirecting(status int, target string, match func(*http.Request) bool) func(*ispringtest.Sandbox, http.Handler) http.Handler {
	return func(_ *ispringtest.Sandbox, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if match(r) {
				http.Redirect(w, r, target+r.URL.RequestURI(), status)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	matches := map[string]func(*http.Request) bool{
		"token":    func(r *http.Request) bool { return r.URL.Path == tokenPath },
		"lookup":   func(r *http.Request) bool { return r.URL.Path == "/users/v2" },
		"create":   func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/user" },
		"update":   func(r *http.Request) bool { return r.Method == http.MethodPost && strings.Count(r.URL.Path, "/") == 2 },
		"password": func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/password") },
	}
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for name, match := range matches {
			t.Run(fmt.Sprintf("%s %d", name, status), func(t *testing.T) {
				other, hits := elsewhere(t)
				e := newEnv(t, Config{}, redirecting(status, other.URL, match))
				if name == "update" || name == "password" {
					mustAdd(t, e.sb, existingAnna())
				}
				u := canonicalUser()
				if name == "update" {
					u.Password = "" // else the password, sent first, lands
				}
				calls := map[string]func() error{
					"upsert": func() error { _, err := e.c.Upsert(t.Context(), u); return err },
					"plan":   func() error { _, err := e.c.Plan(t.Context(), u); return err },
				}
				if name == "token" {
					calls["prepare"] = func() error { return e.c.Prepare(t.Context()) }
					calls["check"] = func() error { return e.c.Check(t.Context()) }
				}
				if name == "create" || name == "update" || name == "password" {
					delete(calls, "plan") // plan sends no write
				}
				for call, do := range calls {
					err := do()
					re := wantRowError(t, err, targets.Fatal, targets.CodeRedirect)
					msg := re.Error()
					if !strings.Contains(msg, "--url "+other.URL) {
						t.Errorf("%s: error %q does not suggest --url %s", call, msg, other.URL)
					}
					if strings.Contains(msg, testSecret) || strings.Contains(msg, "@") || strings.Contains(msg, "?") {
						t.Errorf("%s: error %q shows a secret, an e-mail or a query", call, msg)
					}
				}
				if n := hits.Load(); n != 0 {
					t.Errorf("the redirect's target got %d requests, want none", n)
				}
				if st := e.sb.Stats(); st.Writes != 0 || st.PasswordResets != 0 {
					t.Errorf("stats %+v, want nothing written", st)
				}
			})
		}
	}
}

func TestCheck(t *testing.T) {
	html := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>Sign in</body></html>"))
	}
	answer := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	tests := []struct {
		name string
		// token answers the token request, read the users page; nil is the sandbox.
		token, read http.HandlerFunc
		kind        targets.Kind
		code        string
		want        string // in the message
	}{
		{"token 401", answer(401, `{"code":401,"message":"Invalid client"}`), nil, targets.Fatal, targets.CodeAuth, EnvClientSecret},
		{"token 403", answer(403, `{"code":403,"message":"Business plan required"}`), nil, targets.Fatal, targets.CodeAuth, EnvClientID},
		{"token 400 oauth error", answer(400, `{"error":"invalid_client","error_description":"Client authentication failed"}`), nil,
			targets.Fatal, targets.CodeAuth, EnvClientSecret},
		{"token 400 api error", answer(400, `{"code":400,"message":"Invalid client credentials"}`), nil,
			targets.Fatal, targets.CodeAuth, EnvClientSecret},
		{"token 400 html", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(400); html(w) }, nil,
			targets.Fatal, targets.CodeHTTP, "--url"},
		{"token 404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, nil, targets.Fatal, targets.CodeHTTP, "--url"},
		{"token 405", answer(405, `{"code":405,"message":"Method not allowed"}`), nil, targets.Fatal, targets.CodeHTTP, "--url"},
		{"token html 200", func(w http.ResponseWriter, r *http.Request) { html(w) }, nil, targets.Fatal, targets.CodeHTTP, "--url"},
		{"token 503", answer(503, ``), nil, targets.Retryable, targets.CodeUnreachable, "try again"},
		{"read 401", nil, answer(401, `{"code":401,"message":"Token is revoked"}`), targets.Fatal, targets.CodeAuth, EnvClientSecret},
		{"read 403", nil, answer(403, `{"code":403,"message":"Permission denied"}`), targets.Fatal, targets.CodeAuth, EnvClientID},
		{"read 404", nil, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, targets.Fatal, targets.CodeHTTP, "--url"},
		{"read html 200", nil, func(w http.ResponseWriter, r *http.Request) { html(w) }, targets.Fatal, targets.CodeHTTP, "--url"},
		{"read other json", nil, answer(200, `{"status":"ok"}`), targets.Fatal, targets.CodeHTTP, "--url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{}, func(_ *ispringtest.Sandbox, h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch {
					case r.URL.Path == tokenPath && tt.token != nil:
						tt.token(w, r)
					case r.URL.Path != tokenPath && tt.read != nil:
						tt.read(w, r)
					default:
						h.ServeHTTP(w, r)
					}
				})
			})
			err := e.c.Check(t.Context())
			re := wantRowError(t, err, tt.kind, tt.code)
			checkMessage(t, re, tt.want)
		})
	}
}

// checkMessage asserts that a Check error is one line that names what to fix and
// shows no query, e-mail or secret.
func checkMessage(t *testing.T, re *targets.Error, want string) {
	t.Helper()
	if len(re.Messages) != 1 {
		t.Errorf("messages %q, want exactly one", re.Messages)
	}
	msg := strings.Join(re.Messages, "; ")
	if !strings.Contains(msg, want) {
		t.Errorf("message %q does not name %q", msg, want)
	}
	for _, bad := range []string{"?", "@", testSecret, "pageSize"} {
		if strings.Contains(re.Error(), bad) {
			t.Errorf("error %q contains %q", re.Error(), bad)
		}
	}
}

func TestCheckUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Config{BaseURL: "http://" + addr, ClientID: testID, ClientSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	re := wantRowError(t, c.Check(t.Context()), targets.Fatal, targets.CodeUnreachable)
	checkMessage(t, re, "--url")
	if !strings.Contains(re.Error(), "connection refused") {
		t.Errorf("error %q does not say the connection was refused", re.Error())
	}
}

func TestCheckRedirect(t *testing.T) {
	other, hits := elsewhere(t)
	for _, path := range []string{tokenPath, "/users/v2"} {
		t.Run(path, func(t *testing.T) {
			e := newEnv(t, Config{}, redirecting(http.StatusTemporaryRedirect, other.URL,
				func(r *http.Request) bool { return r.URL.Path == path }))
			re := wantRowError(t, e.c.Check(t.Context()), targets.Fatal, targets.CodeRedirect)
			checkMessage(t, re, "--url "+other.URL)
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the redirect's target got %d requests, want none", n)
	}
}

func TestCheckPassesAndItsTokenIsReused(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, Config{}, rec.wrap)
	if err := e.c.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range rec.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	if want := []string{"POST " + tokenPath, "GET /users/v2"}; strings.Join(paths, ", ") != strings.Join(want, ", ") {
		t.Errorf("check sent %q, want %q", paths, want)
	}
	if err := e.c.Prepare(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Upsert(t.Context(), canonicalUser()); err != nil {
		t.Fatal(err)
	}
	if n := e.sb.Tokens(); n != 1 {
		t.Errorf("%d tokens issued, want the one Check got", n)
	}
	if e.sb.Writes() != 1 || e.sb.Stats().Writes != 1 {
		t.Errorf("writes %d, stats %+v: want the create only", e.sb.Writes(), e.sb.Stats())
	}
}

func TestCheckCancelled(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := e.c.Check(ctx); err != context.Canceled {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
