package cscart

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseUsers(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		want      []account
		wantTotal int
		wantErr   bool
	}{
		{
			name:      "4.20 shape, numbers as strings",
			body:      `{"users":[{"user_id":"3","user_login":"customer","is_root":"N","user_type":"C","status":"A","firstname":"Customer","lastname":"Customer","email":"customer@example.com","company_id":"1","company_name":null,"phone":""}],"params":{"page":1,"items_per_page":"50","total_items":"1"}}`,
			want:      []account{{ID: "3", Login: "customer", Email: "customer@example.com", FirstName: "Customer", LastName: "Customer", Status: "A", UserType: "C", CompanyID: "1"}},
			wantTotal: 1,
		},
		{
			name:      "numbers as numbers",
			body:      `{"users":[{"user_id":3,"email":"a@b.ru","company_id":0}],"params":{"total_items":7}}`,
			want:      []account{{ID: "3", Email: "a@b.ru", CompanyID: "0"}},
			wantTotal: 7,
		},
		{name: "empty list is not found", body: `{"users":[],"params":{"user_id":"99"}}`, want: []account{}},
		{name: "users null", body: `{"users":null}`},
		{name: "no users key", body: `{"params":{}}`},
		{
			name: "users keyed by id",
			body: `{"users":{"7":{"user_id":"7","email":"b@b.ru"},"3":{"user_id":"3","email":"a@b.ru"}}}`,
			want: []account{{ID: "3", Email: "a@b.ru"}, {ID: "7", Email: "b@b.ru"}},
		},
		{name: "bare list", body: `[{"user_id":"1","email":"a@b.ru"},{"no_id":1},5]`, want: []account{{ID: "1", Email: "a@b.ru"}}},
		{name: "single user object", body: `{"user_id":"1","email":"a@b.ru"}`, want: []account{{ID: "1", Email: "a@b.ru"}}, wantTotal: 1},
		{name: "html", body: `<html>`, wantErr: true},
		{name: "empty", body: ``, wantErr: true},
		{name: "users a string", body: `{"users":"x"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := parseUsers([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(account{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if total != tt.wantTotal {
				t.Errorf("total = %d, want %d", total, tt.wantTotal)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{
			name: "errors then messages, HTML stripped, once each", status: 400,
			body: `{"message":"Bad Request: x","messages":["The email field is required","<b>Note</b>:&nbsp;see&quot;docs&quot;"],"errors":["The username or email you have chosen already exists.<br />Please try another one.","The email field is required"],"status":400}`,
			want: []string{"The username or email you have chosen already exists. Please try another one.", "The email field is required", "Note: see\"docs\""},
		},
		{name: "message only, reason stripped", status: 400, body: `{"message":"Bad Request: Access denied","status":400}`, want: []string{"Access denied"}},
		{name: "message is the reason", status: 404, body: `{"message":"Not Found","status":404}`, want: []string{"Not Found"}},
		{name: "older bare message", status: 400, body: `{"message":"Object ID undefined"}`, want: []string{"Object ID undefined"}},
		{name: "errors as an object", status: 400, body: `{"errors":{"b":"second","a":"first"}}`, want: []string{"first", "second"}},
		{name: "errors as a string", status: 400, body: `{"errors":"only"}`, want: []string{"only"}},
		{name: "not json", status: 502, body: `<html><body>Bad gateway</body></html>`},
		{name: "empty", status: 500, body: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseErrors(tt.status, []byte(tt.body))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestStripHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<b>E-mail</b>: invalid", "E-mail: invalid"},
		{"line one<br />line two<br>three", "line one line two three"},
		{"&quot;anna&quot; &amp; co", `"anna" & co`},
		{"a < b and c > d", "a < b and c > d"},
		{"unclosed <b", "unclosed <b"},
		{`<a href="x">link</a> text`, "link text"},
		{"  spaced \n out  ", "spaced out"},
		{"<p>one</p><p>two</p>", "one two"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := stripHTML(tt.in); got != tt.want {
			t.Errorf("stripHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseUsers(f *testing.F) {
	for _, s := range []string{
		`{"users":[{"user_id":"3","email":"customer@example.com","company_id":"1","company_name":null}],"params":{"total_items":"1"}}`,
		`{"users":{"1":{"user_id":1}}}`, `[{"user_id":"1"}]`, `{"user_id":"1"}`, `{"users":[]}`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, total, err := parseUsers(body)
		if err != nil && (list != nil || total != 0) {
			t.Fatalf("an error came with results: %v", err)
		}
		if total < 0 {
			t.Fatalf("negative total %d", total)
		}
		for _, a := range list {
			if a.ID == "" {
				t.Fatalf("an account without id: %+v", a)
			}
		}
		_ = parseUserID(body)
	})
}

func FuzzParseErrors(f *testing.F) {
	for _, s := range []string{
		`{"message":"Bad Request: The email field is required","messages":["The email field is required"],"status":400}`,
		`{"errors":["<b>x</b>&quot;"],"messages":{"a":"b"}}`, `{"message":1}`, `[]`,
	} {
		f.Add(400, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		seen := map[string]bool{}
		for _, m := range parseErrors(status, body) {
			if m == "" || m != strings.TrimSpace(m) || seen[m] {
				t.Fatalf("empty, untrimmed or repeated message %q", m)
			}
			seen[m] = true
		}
	})
}

func FuzzStripHTML(f *testing.F) {
	for _, s := range []string{"<b>E-mail</b>: invalid<br />", "&quot;a&quot; < b", "<", "<<b>>", "&amp;lt;b&amp;gt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := stripHTML(s)
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("stripHTML(%q) = %q: white space not collapsed", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("stripHTML(%q) = %q: invalid UTF-8", s, got)
		}
		// Text with no markup at all comes back as it was, white space aside.
		if !strings.ContainsAny(s, "<&") && got != strings.Join(strings.Fields(s), " ") {
			t.Fatalf("stripHTML(%q) = %q changed plain text", s, got)
		}
	})
}
