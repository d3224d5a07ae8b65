package inskill

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseSearch covers every row of searchShapes and every rule under it. An answer
// the client cannot read is an error, never an empty list: read as "nobody", it would
// create everyone again.
func TestParseSearch(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		page     int // 0 means 1
		want     []student
		wantLast int
		wantMore bool
		wantErr  string // a substring of the error
	}{
		{
			name: "resource collection",
			body: `{"data":[{"id":1,"name":"A","email":"a@b.ru","phone":"+7912","avatar":""}]}`,
			want: []student{{ID: "1", Name: "A", Email: "a@b.ru", Phone: "+7912"}},
		},
		{
			name:     "with links and meta",
			body:     `{"data":[{"id":"2","email":"a@b.ru"}],"links":{"next":"x"},"meta":{"current_page":1,"last_page":3,"total":40}}`,
			want:     []student{{ID: "2", Email: "a@b.ru"}},
			wantLast: 3, wantMore: true,
		},
		{
			name:     "paginator at the top",
			body:     `{"current_page":1,"data":[{"id":3,"email":"a@b.ru"}],"last_page":"2","per_page":15,"total":16}`,
			want:     []student{{ID: "3", Email: "a@b.ru"}},
			wantLast: 2, wantMore: true,
		},
		{
			name:     "paginator inside data",
			body:     `{"data":{"current_page":1,"data":[{"id":4,"email":"a@b.ru"}],"last_page":5},"status":"ok"}`,
			want:     []student{{ID: "4", Email: "a@b.ru"}},
			wantLast: 5, wantMore: true,
		},
		{
			name:     "the last page",
			body:     `{"data":[{"id":4,"email":"a@b.ru"}],"meta":{"current_page":5,"last_page":5,"total":61}}`,
			page:     5,
			want:     []student{{ID: "4", Email: "a@b.ru"}},
			wantLast: 5,
		},
		{
			name:     "simple paginator: a next page without a last page",
			body:     `{"current_page":1,"data":[{"id":4,"email":"a@b.ru"}],"next_page_url":"https://s.inskill.ru/api/v3/students?page=2","per_page":15}`,
			want:     []student{{ID: "4", Email: "a@b.ru"}},
			wantMore: true,
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
		{name: "empty data, total 0", body: `{"data":[],"meta":{"last_page":1,"total":0}}`, want: []student{}, wantLast: 1},
		{name: "empty bare list", body: `[]`, want: []student{}},
		// What the client cannot read. "no data" and "an entry without an e-mail" were
		// read as nobody before issue 16.
		{name: "not json", body: `<html>`, wantErr: "not JSON"},
		{name: "no data", body: `{"status":"ok"}`, wantErr: "keys: status"},
		{name: "data null", body: `{"data":null}`, wantErr: "no list of students"},
		{name: "data not a list", body: `{"data":"x"}`, wantErr: "no list of students"},
		{name: "another list key", body: `{"status":"ok","items":[{"id":1,"email":"a@b.ru"}],"total":1}`, wantErr: "keys: items, status, total"},
		{name: "a list inside data under another key", body: `{"data":{"students":[{"id":1,"email":"a@b.ru"}],"total":1}}`, wantErr: "keys: data"},
		{name: "entries that are not students", body: `{"data":[1,"x",{"id":9}]}`, wantErr: "student 1 of the list"},
		{name: "an entry without an e-mail", body: `{"data":[{"id":9,"email":"a@b.ru"},{"id":10}]}`, wantErr: "student 2 of the list has no id or no e-mail; the answer's keys: id"},
		{name: "JSON:API entries", body: `{"data":[{"type":"students","id":"1","attributes":{"email":"a@b.ru"}}],"meta":{"total":1}}`, wantErr: "keys: attributes, id, type"},
		{name: "a total with no list", body: `{"data":[],"meta":{"current_page":1,"last_page":2,"total":20}}`, wantErr: "says 20 students match, but its list is empty"},
		{name: "a total with no list, no last page", body: `{"data":[],"total":"3"}`, wantErr: "says 3 students match"},
		{name: "a total that is not a number", body: `{"data":[],"meta":{"total":"many"}}`, wantErr: "total:"},
		{name: "cursor paging", body: `{"data":[{"id":1,"email":"a@b.ru"}],"next_cursor":"eyJpZCI6MTV9","next_page_url":"x","per_page":15}`, wantErr: "by cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := max(tt.page, 1)
			got, err := parseSearch([]byte(tt.body), page)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "docs/platforms/inskill.md") {
					t.Errorf("the error %q does not point to the facts", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.students, cmp.AllowUnexported(student{})); diff != "" {
				t.Errorf("students (-want +got):\n%s", diff)
			}
			if got.lastPage != tt.wantLast || got.more(page) != tt.wantMore {
				t.Errorf("last page %d, more %v; want %d, %v", got.lastPage, got.more(page), tt.wantLast, tt.wantMore)
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
		p, err := parseSearch(body, 1)
		if err != nil && (len(p.students) != 0 || p.lastPage != 0) {
			t.Fatalf("an error came with results: %v %+v", err, p)
		}
		for _, s := range p.students {
			if len(s.Products) > 0 && !s.HasProducts {
				t.Fatalf("products without HasProducts: %+v", s)
			}
			if s.ID == "" || strings.TrimSpace(s.Email) == "" {
				t.Fatalf("a student without an id or an e-mail: %+v", s)
			}
		}
		if err == nil && p.total > 0 && len(p.students) == 0 {
			t.Fatalf("a total of %d with no students passed", p.total)
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
