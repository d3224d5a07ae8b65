package inskill

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"userimport/targets"
	"userimport/targets/inskill/inskilltest"
	"userimport/targets/targettest"
)

func TestCheckPasses(t *testing.T) {
	tests := []struct {
		name   string
		header string
		scheme string
		cfg    Config
	}{
		{name: "bearer", header: "Authorization", scheme: "Bearer"},
		{name: "custom header", header: "X-Api-Key", cfg: Config{AuthHeader: "X-Api-Key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken).WithAuth(tt.header, tt.scheme)
			sb.Put(inskilltest.User{ID: 1, Email: "anna@corp.ru", Name: "Иванова Анна"})
			rec := &targettest.Recorder{Next: sb}
			c := setup(t, sb, rec, tt.cfg)
			if err := c.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			seen := rec.Requests()
			if len(seen) != 1 || seen[0].Method != http.MethodGet || seen[0].Path != "/api/v3/students" ||
				!strings.HasPrefix(seen[0].Query, "search=") {
				t.Errorf("requests = %+v, want one search", seen)
			}
			if sb.Writes() != 0 {
				t.Errorf("the check wrote")
			}
		})
	}
}

// TestCheckShapes: the answers a search may plausibly have pass; anything else is not
// inSkill's API.
func TestCheckShapes(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"data":[],"links":{},"meta":{"last_page":1}}`, true},
		{`{"data":[{"id":1,"email":"a@b.ru"}]}`, true},
		{`[]`, true},
		{`{"data":{"current_page":1,"data":[],"last_page":1},"status":"ok"}`, true},
		{`<!DOCTYPE html><html><body>Вход</body></html>`, false},
		{`{"status":"ok"}`, false},
		{`{}`, false},
		{`{"data":null}`, false},
		{`{"data":"x"}`, false},
		{`{"data":{"id":1}}`, false},
		{``, false},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, tt.body)
			})
			c := setup(t, nil, h, Config{})
			err := c.Check(context.Background())
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := targettest.Error(t, err)
			if e.Kind != targets.Fatal || len(e.Messages) != 1 || !strings.Contains(e.Messages[0], "--url") {
				t.Errorf("got %v (kind %v), want one fatal message naming --url", err, e.Kind)
			}
		})
	}
}

func TestCheckFails(t *testing.T) {
	// A closed listener: an address where nothing answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	_ = ln.Close()

	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = io.WriteString(w, `{"data":[]}`)
	}))
	defer other.Close()

	answer := func(status int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		})
	}
	tests := []struct {
		name     string
		url      string       // instead of a server
		h        http.Handler // the server
		cfg      Config
		wantKind targets.Kind
		wantCode string
		want     []string // in the one message
	}{
		{name: "connection refused", url: closed, wantKind: targets.Fatal, wantCode: targets.CodeUnreachable,
			want: []string{"--url", "connection refused"}},
		{name: "no API at the path", h: answer(http.StatusNotFound, `<html>Not Found</html>`), wantKind: targets.Fatal,
			wantCode: targets.CodeHTTP, want: []string{"--url", "HTTP 404"}},
		{name: "401", h: inskilltest.New("another-token"), wantKind: targets.Fatal, wantCode: targets.CodeAuth,
			want: []string{TokenEnv, "--auth-header", "--auth-scheme", "Authorization: Bearer <token>"}},
		{name: "401 with a custom header", h: inskilltest.New("another-token").WithAuth("X-Api-Key", ""),
			cfg: Config{AuthHeader: "X-Api-Key"}, wantKind: targets.Fatal, wantCode: targets.CodeAuth,
			want: []string{TokenEnv, "--auth-header", "the bare token in X-Api-Key"}},
		{name: "403", h: answer(http.StatusForbidden, `{"message":"This action is unauthorized."}`), wantKind: targets.Fatal,
			wantCode: targets.CodeAuth, want: []string{TokenEnv, "HTTP 403"}},
		{name: "redirect", h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusMovedPermanently)
		}), wantKind: targets.Fatal, wantCode: targets.CodeRedirect, want: []string{"--url " + other.URL}},
		{name: "an HTML page", h: answer(http.StatusOK, `<!DOCTYPE html><html><form action="/login"></form></html>`),
			wantKind: targets.Fatal, wantCode: targets.CodeHTTP, want: []string{"--url"}},
		{name: "a server error", h: answer(http.StatusInternalServerError, `{"message":"Server Error"}`),
			wantKind: targets.Retryable, wantCode: targets.CodeUnreachable, want: []string{"HTTP 500"}},
		{name: "busy", h: answer(http.StatusServiceUnavailable, ``), wantKind: targets.Retryable,
			wantCode: targets.CodeUnreachable, want: []string{"HTTP 503"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.url
			if tt.h != nil {
				srv := httptest.NewServer(tt.h)
				defer srv.Close()
				base = srv.URL
			}
			cfg := tt.cfg
			cfg.BaseURL, cfg.Token = base+"/", testToken
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(context.Background())
			e := targettest.Error(t, err)
			if e.Kind != tt.wantKind || e.Code != tt.wantCode || len(e.Messages) != 1 {
				t.Fatalf("got %v (kind %v, %d messages), want one %v %s", err, e.Kind, len(e.Messages), tt.wantKind, tt.wantCode)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(e.Messages[0], w) {
					t.Errorf("%q does not say %q", e.Messages[0], w)
				}
			}
			for _, bad := range []string{"?", "search", checkSearch, "@", testToken, "/api/v3"} {
				if strings.Contains(msg, bad) && !(bad == "/api/v3" && tt.wantCode == targets.CodeRedirect) {
					t.Errorf("%q shows %q", msg, bad)
				}
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the redirect's target got %d requests", n)
			}
		})
	}
}
