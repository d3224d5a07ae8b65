package targets_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"userimport/targets"
)

// TestAnswersNeverEchoSecrets: whatever the request carried as a credential or a
// password comes back as [redacted], however the platform echoes it (issue 14: a 401
// page repeating the header reached stderr, results.csv and report.html).
func TestAnswersNeverEchoSecrets(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		for k, v := range r.Header {
			b.WriteString(k + ": " + strings.Join(v, ",") + "\n")
		}
		b.WriteString("body: " + string(body) + "\n")
		// PHP's json_encode escapes slashes.
		b.WriteString(strings.ReplaceAll(b.String(), "/", `\/`))
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(b.String()))
	}))
	defer echo.Close()
	const (
		token  = "tok/en+abc123=="
		key    = "api-key-9f8e7d"
		secret = "client-secret-42"
		pass   = "Us3r-Passw0rd"
	)
	basic := base64.StdEncoding.EncodeToString([]byte("admin@shop.example:" + key))
	for _, tc := range []struct {
		name    string
		req     func() *http.Request
		secrets []string
	}{
		{"bearer", func() *http.Request {
			r, _ := targets.JSONRequest("GET", echo.URL+"/x", nil)
			r.Header.Set("Authorization", "Bearer "+token)
			return r
		}, []string{token}},
		{"custom header", func() *http.Request {
			r, _ := targets.JSONRequest("GET", echo.URL+"/x", nil)
			r.Header.Set("X-Api-Token", token)
			return r
		}, []string{token}},
		{"basic", func() *http.Request {
			r, _ := targets.JSONRequest("GET", echo.URL+"/x", nil)
			r.Header.Set("Authorization", "Basic "+basic)
			return r
		}, []string{basic, key}},
		{"form secret", func() *http.Request {
			r, _ := http.NewRequest("POST", echo.URL+"/token", strings.NewReader("client_id=id&client_secret="+secret))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, []string{secret}},
		{"json password", func() *http.Request {
			r, _ := targets.JSONRequest("POST", echo.URL+"/users", []byte(`{"email":"a@b.ru","fields":{"password":"`+pass+`"}}`))
			return r
		}, []string{pass}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := targets.Do(context.Background(), targets.HTTPClient(nil, time.Second), tc.req())
			if err != nil {
				t.Fatal(err)
			}
			body := string(resp.Body)
			for _, s := range tc.secrets {
				if strings.Contains(body, s) || strings.Contains(body, strings.ReplaceAll(s, "/", `\/`)) {
					t.Errorf("the answer still holds %q:\n%s", s, body)
				}
			}
			if !strings.Contains(body, targets.Redacted) {
				t.Errorf("nothing redacted:\n%s", body)
			}
			if tc.name == "json password" && !strings.Contains(body, "a@b.ru") {
				t.Errorf("more than the secret was cut:\n%s", body)
			}
		})
	}
}
