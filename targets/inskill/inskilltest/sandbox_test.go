package inskilltest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// do serves one request with sb and returns the status and the body.
func do(t *testing.T, sb http.Handler, method, target, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Header.Set("Authorization", "Bearer tok")
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	sb.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// TestLaravelBooleans: withProducts, force and notify_about_product follow Laravel's
// boolean rule, so a client that sends "true" in a query is refused as inSkill would.
func TestLaravelBooleans(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		want                       int
		wantIn                     string
	}{
		{name: "withProducts=1", method: "GET", target: "/api/v3/students?search=a&withProducts=1", want: 200, wantIn: `"data"`},
		{name: "withProducts=0", method: "GET", target: "/api/v3/students?search=a&withProducts=0", want: 200},
		{name: "withProducts=true", method: "GET", target: "/api/v3/students?search=a&withProducts=true", want: 422, wantIn: "withProducts"},
		{name: "withProducts=yes", method: "GET", target: "/api/v3/students?search=a&withProducts=yes", want: 422},
		{name: "notify true", method: "POST", target: "/api/v3/students", body: `{"email":"a@b.ru","product":5,"notify_about_product":true}`, want: 200},
		{name: "notify \"1\"", method: "POST", target: "/api/v3/students", body: `{"email":"b@b.ru","product":5,"notify_about_product":"1"}`, want: 200},
		{name: "notify \"true\"", method: "POST", target: "/api/v3/students", body: `{"email":"c@b.ru","product":5,"notify_about_product":"true"}`, want: 422, wantIn: "notify_about_product"},
		{name: "force \"yes\"", method: "POST", target: "/api/v3/students", body: `{"email":"d@b.ru","force":"yes"}`, want: 422, wantIn: "force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := New("tok")
			code, body := do(t, sb, tt.method, tt.target, tt.body)
			if code != tt.want || !strings.Contains(body, tt.wantIn) {
				t.Errorf("got %d %s; want %d with %q", code, body, tt.want, tt.wantIn)
			}
			if code == 422 && sb.Len() != 0 {
				t.Errorf("a refused request created a student")
			}
		})
	}
}
