package inskill

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"userimport/targets/inskill/inskilltest"
	"userimport/targets/targettest"
)

// wire records each request exactly as it arrives (method, path and query, headers,
// body), with the token replaced by <token>, and passes it on.
type wire struct {
	next http.Handler
	mu   sync.Mutex
	log  []string
	reqs []*http.Request
	body [][]byte
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		if k == "Accept-Encoding" || k == "Content-Length" { // Go's transport adds them
			continue
		}
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, strings.ReplaceAll(v, testToken, "<token>"))
		}
	}
	if len(body) > 0 {
		fmt.Fprintf(&b, "\n%s\n", body)
	}
	w.mu.Lock()
	w.log = append(w.log, b.String())
	w.reqs = append(w.reqs, r)
	w.body = append(w.body, body)
	w.mu.Unlock()
	w.next.ServeHTTP(rw, r)
}

// TestRequests is the table of the exact requests the client sends for a lookup, a
// create and an update (inSkill has no login: the token goes on every request), kept
// in testdata/requests_*.txt (go test -update rewrites them). Each request is also
// checked against the Students page (docs/platforms/inskill.md): only the documented
// parameters, with their documented types, as in its example (a phone in E.164, the
// product an integer, notify_about_product a boolean, withProducts a Laravel boolean).
func TestRequests(t *testing.T) {
	existing := inskilltest.User{ID: 2131, Email: "anna@corp.ru", Name: "Иванова Анна", Phone: "+79000000000"}
	tests := []struct {
		name    string
		cfg     Config
		preload []inskilltest.User
		run     func(*Client) error
	}{
		{name: "check", run: func(c *Client) error { return c.Check(context.Background()) }},
		{name: "lookup", run: plan},
		{name: "lookup_with_product", cfg: Config{Product: "55"}, run: plan},
		{name: "create", run: upsert},
		{name: "create_with_product", cfg: Config{Product: "55", NotifyAboutProduct: true}, run: upsert},
		{name: "update", cfg: Config{Product: "55"}, preload: []inskilltest.User{existing}, run: upsert},
		{name: "auth_header", cfg: Config{AuthHeader: "X-Api-Key"}, run: plan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken)
			if tt.cfg.AuthHeader != "" {
				sb.WithAuth(tt.cfg.AuthHeader, "")
			}
			sb.Put(tt.preload...)
			rec := &wire{next: sb}
			c := setup(t, sb, rec, tt.cfg)
			if err := tt.run(c); err != nil {
				t.Fatal(err)
			}
			targettest.Golden(t, filepath.Join("testdata", "requests_"+tt.name+".txt"), []byte(strings.Join(rec.log, "\n")), *update)
			for i, r := range rec.reqs {
				documented(t, r, rec.body[i])
			}
		})
	}
}

func plan(c *Client) error {
	_, err := c.Plan(context.Background(), canonical())
	return err
}

func upsert(c *Client) error {
	_, err := c.Upsert(context.Background(), canonical())
	return err
}

// documented fails the test when r has a parameter the Students page does not list
// for its method and path, or one of another type than the page says.
func documented(t *testing.T, r *http.Request, body []byte) {
	t.Helper()
	const root = "/api/v3/students"
	switch {
	case r.Method == http.MethodGet && r.URL.Path == root:
		for k, v := range r.URL.Query() {
			switch {
			case k == "search" && len(v) == 1 && v[0] != "":
			case k == "withProducts" && len(v) == 1 && (v[0] == "1" || v[0] == "0"):
			case k == "page" && len(v) == 1: // paging is inferred, not documented
			default:
				t.Errorf("GET %s: query %s=%q is not as documented", root, k, v)
			}
		}
	case r.Method == http.MethodPost && r.URL.Path == root:
		fields(t, "POST", body, map[string]string{"email": "string", "name": "string", "phone": "e164", "product": "integer", "notify_about_product": "boolean", "force": "boolean"})
		var m map[string]any
		if json.Unmarshal(body, &m) == nil && m["email"] == nil {
			t.Errorf("POST %s: no email, which the page requires", root)
		}
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, root+"/"):
		fields(t, "PATCH", body, map[string]string{"name": "string", "phone": "e164", "product": "integer"})
	default:
		t.Errorf("%s %s is not a documented request", r.Method, r.URL.Path)
	}
	if r.Method != http.MethodGet && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
}

// fields checks that body is a JSON object whose fields are among want, each of its type.
func fields(t *testing.T, method string, body []byte, want map[string]string) {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("%s body %s: %v", method, body, err)
	}
	for k, v := range m {
		ok := false
		switch want[k] {
		case "string":
			_, ok = v.(string)
		case "e164":
			s, _ := v.(string)
			ok = strings.HasPrefix(s, "+") && len(s) >= 8 && strings.Trim(s[1:], "0123456789") == ""
		case "integer":
			n, isNum := v.(json.Number)
			_, err := n.Int64()
			ok = isNum && err == nil
		case "boolean":
			_, ok = v.(bool)
		}
		if !ok {
			t.Errorf("%s: field %s = %v: the page documents no such field, or one of type %q", method, k, v, want[k])
		}
	}
}
