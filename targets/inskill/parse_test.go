package inskill

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     []student
		wantLast int
		wantErr  bool
	}{
		{
			name: "resource collection",
			body: `{"data":[{"id":1,"name":"A","email":"a@b.ru","phone":"+7912","avatar":""}]}`,
			want: []student{{ID: "1", Name: "A", Email: "a@b.ru", Phone: "+7912"}},
		},
		{
			name:     "with links and meta",
			body:     `{"data":[{"id":"2","email":"a@b.ru"}],"links":{"next":"x"},"meta":{"current_page":1,"last_page":3}}`,
			want:     []student{{ID: "2", Email: "a@b.ru"}},
			wantLast: 3,
		},
		{
			name:     "paginator at the top",
			body:     `{"current_page":1,"data":[{"id":3,"email":"a@b.ru"}],"last_page":"2","per_page":15}`,
			want:     []student{{ID: "3", Email: "a@b.ru"}},
			wantLast: 2,
		},
		{
			name:     "paginator inside data",
			body:     `{"data":{"current_page":1,"data":[{"id":4,"email":"a@b.ru"}],"last_page":5},"status":"ok"}`,
			want:     []student{{ID: "4", Email: "a@b.ru"}},
			wantLast: 5,
		},
		{
			name: "bare list",
			body: `[{"id":5,"email":"a@b.ru","phone":null}]`,
			want: []student{{ID: "5", Email: "a@b.ru"}},
		},
		{
			name: "products as objects and ids",
			body: `{"data":[{"id":6,"email":"a@b.ru","products":[{"id":55,"name":"X"},"66",77,{"product_id":88,"id":1}]}]}`,
			want: []student{{ID: "6", Email: "a@b.ru", Products: []int64{55, 66, 77, 88}, HasProducts: true}},
		},
		{name: "empty data", body: `{"data":[]}`, want: []student{}},
		{name: "no data", body: `{"status":"ok"}`},
		{name: "junk entries skipped", body: `{"data":[1,"x",{"id":9}]}`, want: []student{{ID: "9"}}},
		{name: "not json", body: `<html>`, wantErr: true},
		{name: "data not a list", body: `{"data":"x"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, last, err := parseSearch([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(student{})); diff != "" {
				t.Errorf("students (-want +got):\n%s", diff)
			}
			if last != tt.wantLast {
				t.Errorf("last page = %d, want %d", last, tt.wantLast)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "laravel validation, fields sorted",
			body: `{"message":"The given data was invalid.","errors":{"phone":["The phone format is invalid."],"email":["The email field is required.","x"]}}`,
			want: []string{"email: The email field is required.", "email: x", "phone: The phone format is invalid."},
		},
		{
			name: "duplicate with data",
			body: `{"data":{"id":2131},"message":"The given data was invalid.","errors":{"email":["Пользователь с таким email уже добавлен"]}}`,
			want: []string{"email: Пользователь с таким email уже добавлен"},
		},
		{name: "a single string per field", body: `{"errors":{"name":"too long"}}`, want: []string{"name: too long"}},
		{name: "errors as a list", body: `{"errors":["a","b"]}`, want: []string{"a", "b"}},
		{name: "message only", body: `{"message":"Unauthenticated."}`, want: []string{"Unauthenticated."}},
		{name: "error key", body: `{"error":"Server Error"}`, want: []string{"Server Error"}},
		{name: "html", body: `<html>502</html>`},
		{name: "empty", body: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseErrors([]byte(tt.body))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDuplicate(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		wantID string
		want   bool
	}{
		{name: "documented shape", body: `{"data":{"id":2131,"email":"a@b.ru"},"message":"The given data was invalid.","errors":{"email":["уже добавлен"]}}`, wantID: "2131", want: true},
		{name: "email format error has no data", body: `{"message":"The given data was invalid.","errors":{"email":["The email must be a valid email address."]}}`},
		{name: "data without an email error", body: `{"data":{"id":1},"errors":{"phone":["bad"]}}`},
		{name: "data without id", body: `{"data":{"email":"a@b.ru"},"errors":{"email":["x"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, ok := parseDuplicate([]byte(tt.body))
			if ok != tt.want || st.ID != tt.wantID {
				t.Errorf("got %q, %v; want %q, %v", st.ID, ok, tt.wantID, tt.want)
			}
		})
	}
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		`{"data":[{"id":1,"name":"A","email":"a@b.ru","phone":"+7912","avatar":""}],"meta":{"last_page":2}}`,
		`[{"id":"5","email":"a@b.ru","products":[{"id":1},2]}]`,
		`{"data":{"data":[{"id":4}],"last_page":5}}`,
		`{"data":null}`, `[]`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, last, err := parseSearch(body)
		if err != nil && (len(list) != 0 || last != 0) {
			t.Fatalf("an error came with results: %v %v %d", err, list, last)
		}
		for _, s := range list {
			if len(s.Products) > 0 && !s.HasProducts {
				t.Fatalf("products without HasProducts: %+v", s)
			}
		}
		_, _ = parseOne(body)
		_, _ = parseDuplicate(body)
	})
}

func FuzzParseErrors(f *testing.F) {
	for _, s := range []string{
		`{"message":"The given data was invalid.","errors":{"phone":["The phone format is invalid."]}}`,
		`{"errors":["a"]}`, `{"message":1}`, `null`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range parseErrors(body) {
			if strings.TrimSpace(m) == "" {
				t.Fatalf("an empty message in %q", body)
			}
		}
		// Parsing is a pure function of the body.
		if diff := cmp.Diff(parseErrors(body), parseErrors(body)); diff != "" {
			t.Fatal(diff)
		}
	})
}
